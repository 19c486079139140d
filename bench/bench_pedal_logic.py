#!/usr/bin/env python3
"""Foot switch cost and lateness: the gesture logic per edge, and tap / hold delivery on mock pins.

1. CPU per raw edge of :class:`PedalLogic` over chattering presses (fake clock), next to a
   baseline that only calls a Python function per edge (the floor any logic pays).
2. On gpiozero MockFactory pins with real threads: release edge -> ``on_action`` (tap) and
   ``hold_time`` after first contact -> ``on_action`` (hold, from the pedal's timer thread), next
   to gpiozero's own ``Button.when_released`` / ``when_held`` on the same factory as baseline.
   Press-to-pixel latency through Kivy is measured with the window (issue 5), not here.

    .venv/bin/python bench/bench_pedal_logic.py [--presses 200]

Prints median / p99 and writes bench/results/pedal_logic.json.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import threading
import time

from benchlib import write_results  # noqa: E402  (bench/ is on sys.path when run)

os.environ.setdefault("GPIOZERO_PIN_FACTORY", "mock")

from gpiozero import Button, Device  # noqa: E402
from gpiozero.pins.mock import MockFactory  # noqa: E402

from kiosk.inputs.footswitch import FootSwitch  # noqa: E402
from kiosk.inputs.gestures import PedalLogic  # noqa: E402
from kiosk_testkit.chatter import edges, plan  # noqa: E402

HOLD = 0.05


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summary(values_s: list[float]) -> dict:
    ms = [v * 1000 for v in values_s]
    return {"n": len(ms), "median_ms": statistics.median(ms), "p99_ms": pct(ms, 0.99), "max_ms": max(ms)}


def logic_cost(presses: int) -> dict:
    raw = edges(plan(random.Random(1), presses, hold_time=1.0))
    logic = PedalLogic(hold_time=1.0)
    start = time.perf_counter()
    for t, pressed in raw:
        logic.feed(t, pressed)
    logic.poll(raw[-1][0] + 10)
    spent = time.perf_counter() - start
    sink: list = []
    start = time.perf_counter()
    for t, pressed in raw:
        sink.append((t, pressed))
    floor = time.perf_counter() - start
    return {"edges": len(raw), "us_per_edge": spent / len(raw) * 1e6,
            "baseline_us_per_edge": floor / len(raw) * 1e6}


def measure(make, presses: int) -> dict:
    """Tap and hold lateness for a device built by ``make(pin, on_tap_or_hold)``."""
    factory = MockFactory()
    Device.pin_factory = factory
    pin = factory.pin(17)
    called = threading.Event()
    stamp: list[float] = []

    def on_event(*_):
        stamp.append(time.perf_counter())
        called.set()

    device, settled = make(17, on_event)
    taps, holds = [], []
    for i in range(presses):
        hold = i % 2 == 1
        called.clear()
        stamp.clear()
        t0 = time.perf_counter()
        pin.drive_low()
        settled(True)
        if hold:
            assert called.wait(5)
            holds.append(stamp[0] - t0 - HOLD)
            pin.drive_high()
        else:
            t1 = time.perf_counter()
            pin.drive_high()
            assert called.wait(5)
            taps.append(stamp[0] - t1)
        settled(False)
    device.close()
    return {"tap": summary(taps), "hold": summary(holds)}


def make_footswitch(pin, on_event):
    changed = {True: threading.Event(), False: threading.Event()}
    switch = FootSwitch(pin, on_event, hold_time=HOLD, bounce_ms=10)
    switch.when_changed = lambda down: changed[down].set()

    def settled(down: bool) -> None:  # wait for the debounce, as a foot would
        assert changed[down].wait(5)
        changed[down].clear()

    return switch, settled


def make_gpiozero_button(pin, on_event):
    button = Button(pin, hold_time=HOLD, bounce_time=None)
    held = [False]

    def when_held():
        held[0] = True
        on_event()

    def when_released():
        if not held[0]:
            on_event()
        held[0] = False

    button.when_held, button.when_released = when_held, when_released
    return button, lambda down: None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=200)
    args = parser.parse_args()
    report = {
        "logic": logic_cost(5000),
        "footswitch": measure(make_footswitch, args.presses),
        "gpiozero Button (baseline)": measure(make_gpiozero_button, args.presses),
    }
    logic = report["logic"]
    print(f"gesture logic: {logic['us_per_edge']:.2f} us per raw edge over {logic['edges']} chattering edges "
          f"(baseline: a bare Python loop {logic['baseline_us_per_edge']:.2f} us)")
    print(f"{'variant':32} {'gesture':6} {'median ms':>10} {'p99 ms':>8} {'max ms':>8}")
    for name in ("gpiozero Button (baseline)", "footswitch"):
        for gesture in ("tap", "hold"):
            s = report[name][gesture]
            print(f"{name:32} {gesture:6} {s['median_ms']:10.3f} {s['p99_ms']:8.3f} {s['max_ms']:8.3f}")
    print("tap: release edge -> on_action; hold: lateness after hold_time; "
          "gpiozero's own debounce is off in both (mock pins do not bounce)")
    write_results("pedal_logic", report)


if __name__ == "__main__":
    main()
