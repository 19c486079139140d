#!/usr/bin/env python3
"""Session engine cost: ``tick()`` on a 300-step routine, and a whole 90-minute simulated session.

Baselines in the same run:
- tick: a naive engine that re-plans everything on every tick (re-fits the remaining windows to the
  booking and re-sums them, as a "just recompute" design would), on the same session and clock;
- session: the same simulated session with re-spread disabled (no target length).

Ticks come at 20 Hz of virtual time through the whole session, as a screen polling the engine
would, so the figures include the ticks that end a step and re-spread the rest.

    .venv/bin/python bench/bench_engine.py [--repeat 5]

Prints median and p99 microseconds per tick and the median seconds per session, and writes
bench/results/engine.json.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from benchlib import write_results  # noqa: E402  (bench/ is on sys.path when run)


from kiosk.engine.clock import FakeClock  # noqa: E402
from kiosk.engine.session import Session  # noqa: E402
from kiosk.engine.simulate import Press, simulate  # noqa: E402
from kiosk.paths import ROUTINES_DIR  # noqa: E402
from kiosk.routines.loader import load_routine  # noqa: E402
from kiosk.routines.model import Block, Count, Routine, Step, Window  # noqa: E402
from kiosk.routines.plan import fit_fraction, make_plan, reachable, total_at  # noqa: E402

POLL_HZ = 20


def big_routine(steps: int = 300) -> Routine:
    """``steps`` steps: timed windows, fixed steps and paced reps, half of them in a sided block."""
    items = []
    for i in range(steps // 2):
        if i % 5 == 4:
            items.append(Step(f"Reps {i}", "reps", reps=Count(3, 5), pace_s=4.0))
        elif i % 3 == 2:
            items.append(Step(f"Fixed {i}", "timed", time=Window(20.0, 20.0)))
        else:
            items.append(Step(f"Window {i}", "timed", time=Window(10.0, 40.0)))
    half = len(items) // 2
    sided = Block("Each side", tuple(items[half:]), sides=("left", "right"))
    return Routine(name="300 steps", steps=tuple(items[:half]) + (sided,) + tuple(items[:half]))


def tick_costs(plan, naive: bool) -> list[float]:
    """Microseconds per ``tick()`` over a whole session polled at ``POLL_HZ``."""
    clock = FakeClock(0.0)
    session = Session(plan, clock)
    session.start(0.0)
    steps, target = plan.steps, plan.target_s
    costs = []
    t = 0.0
    perf = time.perf_counter
    while session.state != "finished":
        t += 1.0 / POLL_HZ
        begin = perf()
        session.tick(t)
        if naive and session.index is not None:  # re-plan the rest from scratch, every tick
            later = steps[session.index + 1:]
            end = session.snapshot(t).step_remaining_s or 0.0
            total_at(later, fit_fraction(later, target - (t + end)))
        costs.append((perf() - begin) * 1e6)
    return costs


def presses(count: int, length_s: float, seed: int = 7) -> list[Press]:
    """``count`` presses spread over the session; pauses are always resumed."""
    rng = random.Random(seed)
    out: list[Press] = []
    for t in sorted(rng.uniform(0, length_s) for _ in range(count - 1)):
        out.append(Press(t, rng.choice(["advance", "advance", "extend", "back", "toggle_pause", "pause", "resume"])))
    return out + [Press(length_s + 1, "resume")]


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        begin = time.perf_counter()
        fn()
        times.append(time.perf_counter() - begin)
    return statistics.median(times)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    routine = big_routine()
    low, high = reachable(routine)
    plan = make_plan(routine, (low + high) / 2)
    results: dict = {"steps": len(plan.steps), "poll_hz": POLL_HZ}
    print(f"tick() on a {len(plan.steps)}-step routine ({plan.total_s / 60:.0f} min), polled at {POLL_HZ} Hz")
    print(f"{'engine':32} {'ticks':>7} {'median us':>10} {'p99 us':>8} {'max us':>8}")
    for name, naive in (("deadlines (this engine)", False), ("naive re-plan per tick", True)):
        costs = [c for _ in range(max(1, args.repeat // 2)) for c in tick_costs(plan, naive)]
        row = {"ticks": len(costs), "median_us": statistics.median(costs), "p99_us": pct(costs, 0.99),
               "max_us": max(costs)}
        results["tick_" + ("naive" if naive else "engine")] = row
        print(f"{name:32} {row['ticks']:7d} {row['median_us']:10.2f} {row['p99_us']:8.2f} {row['max_us']:8.1f}")

    ninety = make_plan(load_routine(ROUTINES_DIR / "full-body-90.yaml"), 90 * 60)
    script = presses(100, 90 * 60)
    print(f"\n90-minute session ({len(ninety.steps)} steps, {len(script)} presses), simulated start to finish")
    print(f"{'engine':32} {'events':>7} {'median s':>10}")
    for name, target in (("re-spread on (this engine)", ninety.target_s), ("re-spread off (no target)", None)):
        def run(target=target):
            return simulate(ninety, script, session=Session(ninety, FakeClock(0.0), target_s=target))
        events = len(run()[1])
        seconds = timed(run, args.repeat)
        key = "session_" + ("respread" if target else "no_respread")
        results[key] = {"events": events, "median_s": seconds}
        print(f"{name:32} {events:7d} {seconds:10.4f}")

    print()
    write_results("engine", results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
