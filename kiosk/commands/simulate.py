"""``kiosk simulate ROUTINE [--length D] [--skip TAG ...] [--press T:ACTION ...] [--json]``.

Runs the session engine on a virtual clock from start to finish, so a routine's author can preview
a session in a second. People get a log (``mm:ss  event  step``); ``--json`` prints one object
per line, ``{"t", "event", "step", "name"}``, the last being ``session_finished``.
"""

from __future__ import annotations

import argparse
import json

from kiosk.commands.plan import add_routine_command, plan_from_args
from kiosk.engine.events import (
    Event, Extended, Rep, Respread, Resumed, SessionFinished, SideShortened, SideSwitched, StepEnded,
    StepStarted, StepWarning,
)
from kiosk.engine.simulate import PRESS_ACTIONS, Press, simulate
from kiosk.routines.durations import DurationError, fmt_clock, fmt_human, fmt_offset, parse_duration
from kiosk.routines.plan import Plan, PlannedStep


def register(subparsers) -> None:
    parser = add_routine_command(subparsers, "simulate", run, json_help="print one JSON object per event",
                                 help="dry-run a session on a virtual clock and print what happens",
                                 description="Run a session of ROUTINE on a virtual clock from start to finish. "
                                             "Steps that wait for the therapist move on at their planned time.")
    parser.add_argument(
        "--press", action="append", default=[], type=press_arg, metavar="T:ACTION",
        help=f"press ACTION at T seconds after the start (T may also be 3m20s); ACTION is one of "
             f"{', '.join(PRESS_ACTIONS)} (repeatable)",
    )


def press_arg(text: str) -> Press:
    when, sep, action = text.rpartition(":")
    action = action.strip().lower().replace("-", "_")
    if not sep or action not in PRESS_ACTIONS:
        raise argparse.ArgumentTypeError(
            f'"{text}": write T:ACTION, for example 200:advance; ACTION is one of {", ".join(PRESS_ACTIONS)}'
        )
    try:
        t = float(when)
    except ValueError:
        try:
            t = parse_duration(when)
        except DurationError:
            raise argparse.ArgumentTypeError(f'"{text}": T must be seconds after the start, such as 200 or 3m20s')
    if t < 0:
        raise argparse.ArgumentTypeError(f'"{text}": T must not be before the start')
    return Press(t, action)


def run(args: argparse.Namespace) -> int:
    plan = plan_from_args(args)
    if plan is None:
        return 1
    _, events = simulate(plan, args.press)
    if args.json:
        for event in events:
            print(json.dumps(json_line(plan, event)))
    else:
        print(format_log(plan, events))
    return 0


def json_line(plan: Plan, event: Event) -> dict:
    """The ``--json`` object for one event: time from the start, kind, plan index and step name."""
    name = plan.steps[event.index].name if event.index is not None else None
    return {"t": round(event.at, 3), "event": event.kind, "step": event.index, "name": name}


def _detail(plan: Plan, event: Event) -> str:
    if isinstance(event, StepStarted):
        reps = f", {event.reps} reps" if event.reps is not None and event.step.kind == "reps" else ""
        first = plan.steps[event.step.mirror].side if event.step.mirror is not None else None
        matched = f", as the {first} side was done" if event.matched else ""
        return f"planned {fmt_clock(event.planned_s)}{reps}{matched}" + (" (back)" if event.back else "")
    if isinstance(event, SideShortened):
        side = f"the {event.side} side" if event.side else "the second side"
        return f"{side} gets {fmt_clock(event.short_s)} less than the first: the booking cannot fit more"
    if isinstance(event, StepEnded):
        timing = f", {event.timing}" if event.timing else ""
        return f"took {fmt_clock(event.actual_s)} ({event.how}{timing})"
    if isinstance(event, StepWarning):
        return f"{fmt_human(event.seconds)} left"
    if isinstance(event, Rep):
        return f"rep {event.rep} of {event.of}"
    if isinstance(event, SideSwitched):
        return f"to the {event.side} side"
    if isinstance(event, Resumed):
        return f"after {fmt_clock(event.paused_s)}"
    if isinstance(event, Extended):
        return f"+{fmt_human(event.seconds)}, now {fmt_clock(event.planned_s)}"
    if isinstance(event, Respread):
        late = "" if abs(event.over_s) < 1 else f", ends {fmt_offset(event.over_s)}"
        return f"later windows at {event.fraction:.0%} (was {event.previous:.0%}){late}"
    if isinstance(event, SessionFinished):
        over = "" if event.over_s is None else f", {fmt_offset(event.over_s)} against the booking"
        paused = f", paused {fmt_clock(event.paused_s)}" if event.paused_s else ""
        return f"{event.how} after {fmt_clock(event.elapsed_s)}{paused}{over}"
    return ""


def _name(step: PlannedStep) -> str:
    return f"{step.name} ({step.side})" if step.side else step.name


def format_log(plan: Plan, events: list[Event]) -> str:
    """``mm:ss  event  step`` lines for people, with a short detail where it helps."""
    width = max(len(e.kind) for e in events)
    steps = {e.index: f"{e.index:>2} {_name(plan.steps[e.index])}" for e in events if e.index is not None}
    step_width = max((len(v) for v in steps.values()), default=0)
    lines = []
    for event in events:
        step = steps.get(event.index, "")
        text = f"{fmt_clock(event.at):>7}  {event.kind:<{width}}  {step:<{step_width}}  {_detail(plan, event)}"
        lines.append(text.rstrip())
    return "\n".join(lines)
