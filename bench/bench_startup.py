#!/usr/bin/env python3
"""Start-up: from process start to the first frame on screen, the kiosk's picker vs the naive app.

The clock starts just before the process is spawned and stops when the probe (see
:mod:`kiosk_probe`) sees the window's first flip. The kiosk loads every shipped routine for its
picker, opens the journal and preloads its cues; the naive timer (bench/naive_timer.py) is a bare
Kivy app with two labels, the floor of a Kivy start on this machine. Each is started ``--runs``
times, alternately, with a fresh data directory.

    .venv/bin/python bench/bench_startup.py [--runs 5]

Prints median / max and writes bench/results/startup.json.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from benchlib import write_results  # noqa: E402  (bench/ is on sys.path when run)

from kiosk_probe import kiosk_argv, naive_argv  # noqa: E402
from kiosk_testkit.process import Probed  # noqa: E402

TARGET_S = 1.5


def first_frame_s(argv: list[str]) -> float:
    with Probed(argv) as app:
        return app.wait("first_frame", timeout=120)["at"] - app.started_at


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    times: dict[str, list[float]] = {"naive": [], "kiosk": []}
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            times["kiosk"].append(first_frame_s(kiosk_argv("--windowed", "--size", "800x480",
                                                           "--data-dir", str(Path(tmp) / "data"))))
        times["naive"].append(first_frame_s(naive_argv()))
    rows = {name: {"runs": len(v), "median_s": round(statistics.median(v), 3), "max_s": round(max(v), 3),
                   "min_s": round(min(v), 3)} for name, v in times.items()}
    print(f"process start to first frame, {args.runs} runs each")
    for name, label in (("naive", "naive Kivy timer (baseline)"), ("kiosk", "kiosk picker")):
        r = rows[name]
        print(f"  {label:28} median {r['median_s']:.2f} s  max {r['max_s']:.2f} s  min {r['min_s']:.2f} s")
    k = rows["kiosk"]["median_s"]
    print(f"target under {TARGET_S} s: " + ("met" if k < TARGET_S else f"missed by {k - TARGET_S:.2f} s"))
    write_results("startup", {"target_s": TARGET_S, **rows})
    return 0


if __name__ == "__main__":
    sys.exit(main())
