#!/usr/bin/env python3
"""Routine loading time: a real routine, hostile files, and the biggest file the cap lets through.

Baseline in the same run: PyYAML's pure-Python ``yaml.safe_load`` of the same text (the loader adds
the checks on top of that parser). Hostile inputs show the limits hold: a billion-laughs file is refused
at its first alias, 100 000 nested brackets are refused at the depth limit, and a file over 256 KiB is
refused before parsing. ``safe_load`` is not run on the hostile ones (it would expand or crawl).

    .venv/bin/python bench/bench_loader.py [--repeat 5]

Prints the median seconds per input and writes bench/results/loader.json.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import yaml

from benchlib import write_results  # noqa: E402  (bench/ is on sys.path when run)

ROOT = Path(__file__).resolve().parent.parent

from kiosk.errors import RoutineError  # noqa: E402
from kiosk.paths import ROUTINES_DIR  # noqa: E402
from kiosk.routines.loader import MAX_BYTES, load_routine_text  # noqa: E402


def inputs() -> dict[str, tuple[str, bool]]:
    """name -> (text, whether yaml.safe_load can be run on it as a baseline)."""
    shipped = sorted(ROUTINES_DIR.glob("*.yaml"))
    real = shipped[0].read_text(encoding="utf-8") if shipped else (
        ROOT / "tests/data/routines/good/everything.yaml").read_text(encoding="utf-8")
    laughs = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    laughs += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    step = "  - name: Sweeps beside the spine\n    time: 1-2m\n    say: Long strokes either side of the spine.\n"
    body = "version: 1\nname: Big\nsteps:\n"
    big = body + step * ((MAX_BYTES - len(body)) // len(step))
    return {
        "shipped routine": (real, True),
        "largest file under the cap": (big, True),
        "billion laughs": ("\n".join(laughs) + "\n", False),
        "100k nested brackets": ("steps: " + "[" * 100_000 + "]" * 100_000, False),
        "over the cap": ("#" * (MAX_BYTES * 4), False),
    }


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def load(text: str) -> str:
    try:
        load_routine_text(text)
        return "loaded"
    except RoutineError as exc:
        return f"refused: {exc.problems[0].message}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    results = []
    print(f"{'input':28} {'KiB':>6} {'loader s':>9} {'safe_load s':>12}  outcome")
    for name, (text, baseline_ok) in inputs().items():
        ours = timed(lambda text=text: load(text), args.repeat)
        base = timed(lambda text=text: yaml.safe_load(text), args.repeat) if baseline_ok else None
        outcome = load(text)
        kib = len(text.encode()) / 1024
        print(f"{name:28} {kib:6.0f} {ours:9.4f} {base if base is not None else float('nan'):12.4f}  {outcome[:60]}")
        results.append({"input": name, "kib": round(kib, 1), "loader_s": ours, "safe_load_s": base,
                        "outcome": outcome})
    write_results("loader", {"repeat": args.repeat, "results": results})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
