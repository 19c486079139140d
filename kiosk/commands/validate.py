"""``kiosk validate [PATH...]``: check routine files the way a compiler checks source.

Without a path it checks the routines shipped inside the package (:data:`kiosk.paths.ROUTINES_DIR`),
so an installed kiosk can prove its own routines load.

Each good file gets one ``FILE: ok`` line with a short summary on stdout; every problem in a bad
file goes to stderr as ``FILE:LINE:COL: error: MESSAGE``. Exit 0 when all are good, 1 when any is
bad, 2 when a path does not exist.
"""

from __future__ import annotations

import argparse
import os
import sys

from kiosk.commands import add_command
from kiosk.errors import RoutineError
from kiosk.paths import ROUTINES_DIR
from kiosk.routines.durations import fmt_window
from kiosk.routines.loader import expanded_count, load_routine, routine_files
from kiosk.routines.model import Block, Item, Routine
from kiosk.routines.plan import REP_ESTIMATE_S


def register(subparsers) -> None:
    parser = add_command(subparsers, "validate", run,
                         help="check routine files and report every problem with its line",
                         description="Check routine files (or every *.yaml / *.yml under folders) and report every "
                                     "problem as FILE:LINE:COL: error: MESSAGE.")
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="a routine file or a folder of them (default: the shipped routines)")


def run(args: argparse.Namespace) -> int:
    status = 0
    for path in args.paths or [str(ROUTINES_DIR)]:
        if not os.path.exists(path):
            print(f"{path}: error: no such file or folder", file=sys.stderr)
            status = 2
            continue
        files = routine_files(path)
        if not files:
            print(f"{path}: error: no routine files (*.yaml, *.yml) in this folder", file=sys.stderr)
            status = max(status, 1)
            continue
        for file in files:
            try:
                routine = load_routine(file)
            except RoutineError as exc:
                for problem in exc.problems:
                    print(problem, file=sys.stderr)
                status = max(status, 1)
                continue
            print(f"{file}: ok - {summary(routine)}")
            sys.stdout.flush()
    return status


def summary(routine: Routine) -> str:
    """``Back massage: 14 steps, 28-33m, optional: glutes`` (all blocks expanded, no tag skipped)."""
    low, high, untimed = _length(routine.steps)
    count = expanded_count(routine.steps)
    parts = [f"{count} step{'s' if count != 1 else ''}"]
    if high > 0:
        parts.append(fmt_window(low, high))
    if untimed:
        parts.append(f"{untimed} untimed")
    if routine.optional_tags:
        parts.append("optional: " + " ".join(routine.optional_tags))
    return f"{routine.name}: " + ", ".join(parts)


def _length(items: tuple[Item, ...]) -> tuple[float, float, int]:
    """Shortest and longest total in seconds, and how many steps have no length at all."""
    low = high = 0.0
    untimed = 0
    for item in items:
        if isinstance(item, Block):
            times = max(1, len(item.sides)) * item.repeat
            a, b, u = _length(item.steps)
            low, high, untimed = low + a * times, high + b * times, untimed + u * times
        elif item.kind == "timed" and item.time is not None:
            low, high = low + item.time.min_s, high + item.time.max_s
        elif item.paced and item.reps is not None:
            low, high = low + item.reps.min * item.pace_s, high + item.reps.max * item.pace_s
        elif item.estimate_s is not None:
            low, high = low + item.estimate_s, high + item.estimate_s
        elif item.reps is not None:  # counted by the therapist: planned at a stroke's time a rep
            estimate = (item.reps.min + item.reps.max) / 2 * REP_ESTIMATE_S
            low, high = low + estimate, high + estimate
        else:
            untimed += 1
    return low, high, untimed
