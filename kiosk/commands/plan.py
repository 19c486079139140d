"""``kiosk plan ROUTINE [--length D] [--skip TAG ...] [--json]``: the timeline a session will follow.

People get an aligned table (index, step, side, window, planned, start) and totals; ``--json``
prints the one object other scripts rely on. A bad routine file gets the loader's
``FILE:LINE:COL`` messages on stderr and exit 1; a length out of reach names both bounds.
"""

from __future__ import annotations

import argparse
import json
import sys

from kiosk.commands import add_command, add_session_arguments
from kiosk.errors import RoutineError
from kiosk.routines.durations import fmt_clock
from kiosk.routines.plan import Plan, make_plan, optional_tags


def register(subparsers) -> None:
    add_routine_command(subparsers, "plan", run, json_help="print one JSON object instead of a table",
                        help="show the timeline a routine gives for a session length",
                        description="Lay a routine out as a flat timeline (blocks, sides and repeats expanded), "
                                    "fitted to a session length: every window moves by one common fraction.")


def add_routine_command(subparsers, name: str, run, *, json_help: str, help: str,
                        description: str) -> argparse.ArgumentParser:
    """A command about one routine (``plan``, ``simulate``): ROUTINE, --length, --skip and --json."""
    parser = add_command(subparsers, name, run, help=help, description=description)
    parser.add_argument("routine", metavar="ROUTINE",
                        help="a routine file, or the name of a shipped one (e.g. back-massage)")
    add_session_arguments(parser, length_default="the routine's length")
    parser.add_argument("--json", action="store_true", help=json_help)
    return parser


def plan_from_args(args: argparse.Namespace) -> Plan | None:
    """The plan the arguments ask for; ``None`` after printing a bad file's problems."""
    from kiosk.controller import Library
    from kiosk.paths import ROUTINES_DIR
    from kiosk.routines.loader import load_routine

    try:
        routine = load_routine(Library.load([ROUTINES_DIR]).find(args.routine))
    except RoutineError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return None
    return make_plan(routine, args.length, args.skip)


def run(args: argparse.Namespace) -> int:
    plan = plan_from_args(args)
    if plan is None:
        return 1
    if args.json:
        print(json.dumps(plan.to_json(), indent=None))
    else:
        print(format_plan(plan))
    return 0


def format_plan(plan: Plan) -> str:
    """The plan as an aligned table with a heading and totals, for people."""
    routine = plan.routine
    lines = [routine.name]
    if plan.target_s is not None:
        lines.append(f"target {fmt_clock(plan.target_s)}: every window at {plan.fraction:.0%} of its range")
    else:
        lines.append("no target length: every window at its midpoint")
    tags = optional_tags(routine)
    if tags:
        kept = [t for t in tags if t not in plan.skipped]
        parts = []
        if plan.skipped:
            parts.append("skipped: " + ", ".join(plan.skipped))
        if kept:
            parts.append("optional, kept: " + ", ".join(kept) + " (leave out with --skip TAG)")
        lines.append("; ".join(parts))
    lines.append("")
    header = ("#", "step", "side", "window", "planned", "start")
    rows = [
        (str(s.index), s.name, s.side or "", s.window_label + (f", plan {s.reps}" if s.kind == "reps" else ""),
         fmt_clock(s.planned_s), fmt_clock(s.start_s))
        for s in plan.steps
    ]
    widths = [max(len(r[c]) for r in rows + [header]) for c in range(len(header))]
    right = {0, 4, 5}

    def line(cells) -> str:
        return "  ".join(
            cell.rjust(w) if c in right else cell.ljust(w) for c, (cell, w) in enumerate(zip(cells, widths))
        ).rstrip()

    lines.append(line(header))
    lines.extend(line(r) for r in rows)
    lines.append("")
    untimed = sum(1 for s in plan.steps if s.kind != "timed" and not s.paced and s.planned_s == 0)
    lines.append(
        f"total {fmt_clock(plan.total_s)} in {len(plan.steps)} steps"
        f" (can run from {fmt_clock(plan.min_total_s)} to {fmt_clock(plan.max_total_s)})"
    )
    if untimed:
        lines.append(f"{untimed} step{'s' if untimed != 1 else ''} wait for the therapist with no estimate"
                     " and count as 0:00")
    return "\n".join(lines)
