#!/usr/bin/env python3
"""Bench-only launcher: the real kiosk with a probe that timestamps the frames it puts on screen.

The kiosk's own log says when the engine *processed* a step change; a user sees it one draw and
one buffer flip later. This launcher runs the unchanged ``kiosk run`` code path and adds, from
outside the product code:

* a wrapper around the window's ``flip``: the monotonic time each frame reached the screen, and
  one around its ``on_draw``: when that frame began to be drawn (so a latency splits into the wait
  for the input to be read, the wait for the frame, and the drawing);
* a watch on the App's ``step_of`` text ("Step N of M"): the first flip after it changed is the
  first frame that shows step N (Kivy re-renders a changed Label before drawing that same frame);
* the deadline of every step from the engine's ``step_started`` events, and of every new second
  on the big countdown (when the time left crossed it);
* optionally a thread that taps the foot switch on its gpiozero mock pin (mock pins live in the
  kiosk's process) and times each release edge, which is the edge that decides a tap.

It prints ``PROBE <kind> <json>`` lines on stdout; :class:`kiosk_testkit.process.Probed` (the
parent side, the same process harness the tests use) reads them. Times
are ``time.monotonic()``, which is one system-wide clock, so parent and child stamps compare.

    python bench/kiosk_probe.py [--begin] [--pedal N] [--maxfps F] -- run --routine R --windowed ...
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


# -- inside the probed process ---------------------------------------------------------------------
_EMIT = threading.Lock()


def emit(kind: str, **fields) -> None:
    """One ``PROBE <kind> <json>`` line, written whole: the pedal thread and the frame loop both emit."""
    line = f"PROBE {kind} {json.dumps(fields)}\n"
    with _EMIT:
        sys.stdout.write(line)
        sys.stdout.flush()


class FrameProbe:
    """Timestamps flips: the first frame, and the first frame after each change of a watched text."""

    STATS_EVERY = 5.0

    def __init__(self, window, clock):
        self.first_at: float | None = None
        self.flips = 0
        self._pending: list[tuple[str, float, str, dict]] = []
        self._shown = threading.Condition()
        self.shown: list[dict] = []
        self._clock = clock
        self._draw_began: float | None = None
        clock.schedule_interval(self._stats, self.STATS_EVERY)
        original = window.flip
        original_draw = window.on_draw

        def on_draw(*args, **kwargs):
            self._draw_began = time.monotonic()
            return original_draw(*args, **kwargs)

        def flip(*args, **kwargs):
            result = original(*args, **kwargs)
            self._flipped(time.monotonic())
            return result

        window.flip = flip  # the instance attribute shadows the method that on_flip calls
        window.on_draw = on_draw  # and this one the handler the frame's "on_draw" dispatch finds

    def changed(self, text: str, kind: str = "shown", **info) -> None:
        """``text`` was just set on a property the screen shows; its first frame is a ``kind`` row."""
        self._pending.append((text, time.monotonic(), kind, info))

    def _flipped(self, t: float) -> None:
        self.flips += 1
        if self.first_at is None:
            self.first_at = t
            emit("first_frame", at=t)
        if self._pending:
            pending, self._pending = self._pending, []
            with self._shown:
                for text, changed, kind, info in pending:
                    row = {"text": text, "changed": changed, "drawn": self._draw_began, "shown": t,
                           **info}
                    if kind == "shown":
                        self.shown.append(row)
                    emit(kind, **row)
                self._shown.notify_all()

    def _stats(self, _dt) -> None:
        emit("stats", at=time.monotonic(), flips=self.flips, loops=self._clock.frames)

    def wait_step(self, step: int, timeout: float) -> dict | None:
        """Wait until step ``step`` (0-based) has been shown; its row, or None on timeout."""
        def find():
            return next((r for r in self.shown if r.get("step") == step), None)

        with self._shown:
            self._shown.wait_for(find, timeout)
            return find()


def pedal_taps(probe: FrameProbe, presses: int, pin_number: int, seed: int) -> None:
    """Tap the mock pin ``presses`` times; each release edge to the frame showing the next step."""
    from gpiozero import Device

    pin = Device.pin_factory.pin(pin_number)
    rng = random.Random(seed)
    probe.wait_step(0, timeout=10.0)
    for i in range(presses):
        time.sleep(rng.uniform(0.05, 0.15))  # a random phase against the frame clock
        pin.drive_low()
        time.sleep(0.08)                      # a real tap: longer than the 20 ms debounce
        edge = time.monotonic()
        pin.drive_high()                      # the release decides a tap
        row = probe.wait_step(i + 1, timeout=3.0)
        emit("press", source="pedal", edge=edge, changed=row["changed"] if row else None,
             drawn=row["drawn"] if row else None, shown=row["shown"] if row else None,
             text=row["text"] if row else None)
    emit("pedal_done")


def install(opts) -> None:
    """Wrap bootstrap.configure so the probe is added once Kivy is configured, before the App runs."""
    from kiosk.ui import bootstrap

    original = bootstrap.configure

    def configure(*args, **kwargs):
        original(*args, **kwargs)
        if opts.maxfps is not None:
            from kivy.config import Config

            Config.set("graphics", "maxfps", str(opts.maxfps))
        import kiosk.ui.kiosk_app as ui_app

        ui_app.KioskApp = probed_app(ui_app.KioskApp, opts)

    bootstrap.configure = configure


def probed_app(base, opts):
    class ProbedKioskApp(base):
        def on_start(self):
            super().on_start()
            from kivy.clock import Clock
            from kivy.core.window import Window

            self.probe = FrameProbe(Window, Clock)
            from kiosk.listeners import Listener

            dues: dict[int, float] = {}

            class Dues(Listener):
                """When each step fell due, to compare with when the screen showed it."""

                def on_events(self, events):
                    for e in events:
                        if e.kind == "step_started":
                            dues[e.index] = e.at

            self.controller.add_listener(Dues())

            def on_step_of(_app, text):
                if getattr(self, "rehearsing", False):  # the next step rendered ahead, never drawn
                    return
                m = re.match(r"Step (\d+) of", text or "")
                if m:
                    index = int(m.group(1)) - 1
                    self.probe.changed(text, step=index, due=dues.get(index))

            self.bind(step_of=on_step_of)

            def on_big_text(_app, text):
                # A new second on the big countdown: it fell due when the time left crossed the
                # whole second now shown (the readout rounds up), ``ceil(left) - left`` ago.
                if getattr(self, "rehearsing", False):
                    return
                snap = self.controller.snapshot()
                left = snap.step_remaining_s if snap is not None else None
                if snap is None or snap.state != "running" or snap.waiting or not left:
                    return
                since = math.ceil(left - 1e-9) - left
                self.probe.changed(text, "second", due=time.monotonic() - since)

            self.bind(big_text=on_big_text)
            emit("clock", clock=type(Clock).__name__, maxfps=Clock._max_fps)
            if opts.begin:
                Clock.schedule_once(lambda _dt: self._probe_begin(), opts.begin)

        def _probe_begin(self):
            self.begin()
            emit("begun", at=time.monotonic())
            if opts.pedal:
                threading.Thread(target=pedal_taps, args=(self.probe, opts.pedal, opts.pin, opts.seed),
                                 daemon=True).start()

    return ProbedKioskApp


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--begin", type=float, default=0.0, metavar="S",
                        help="start the session S seconds after the first frame (0: wait for a key)")
    parser.add_argument("--pedal", type=int, default=0, metavar="N", help="tap the mock pedal N times")
    parser.add_argument("--pin", type=int, default=17)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--maxfps", type=int, default=None, help="override the kiosk's maxfps")
    parser.add_argument("kiosk_args", nargs=argparse.REMAINDER, help="-- then `kiosk` arguments")
    opts = parser.parse_args(argv)
    kiosk_args = opts.kiosk_args[1:] if opts.kiosk_args[:1] == ["--"] else opts.kiosk_args
    install(opts)
    from kiosk.cli import main as kiosk_main

    return kiosk_main(kiosk_args)


# -- how the parent starts one (it reads the rows with kiosk_testkit.process.Probed) ---------------
def kiosk_argv(*kiosk_args: str, begin: float = 0.0, pedal: int = 0, maxfps: int | None = None) -> list[str]:
    argv = [sys.executable, str(Path(__file__).resolve()), "--begin", str(begin), "--pedal", str(pedal)]
    if maxfps is not None:
        argv += ["--maxfps", str(maxfps)]
    return argv + ["--", "run", *kiosk_args]


def naive_argv(*args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve().with_name("naive_timer.py")), *args]


if __name__ == "__main__":
    sys.exit(main())
