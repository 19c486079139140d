"""``kiosk simulate ROUTINE [--length D] [--skip TAG ...] [--press T:ACTION ...] [--json]``.

Runs the session engine on a virtual clock from start to finish, so a routine's author can preview
a session in a second. People get a log (``mm:ss  event  step``); ``--json`` prints one object
per line, ``{"t", "event", "step", "name"}``, the last being ``session_finished``.
"""

from __future__ import annotations

import argparse
import json
from typing import Any, Callable

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
    parser.add_argument("--realtime", action="store_true", help="play the session on the clock instead")
    parser.add_argument("--speed", type=speed_arg, default=1.0, metavar="N",
                        help="with --realtime: N times faster than real time (default 1)")
    parser.add_argument("--mqtt-config", metavar="FILE",
                        help="with --realtime: publish as the room in FILE (its mqtt: block) would")
    parser.add_argument("--data-dir", metavar="DIR",
                        help="with --mqtt-config: the room's journal (default: a scratch one)")


def speed_arg(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f'"{text}" is not a number; write e.g. --speed 60') from None
    if not 0.1 <= value <= 1000:
        raise argparse.ArgumentTypeError(f"{value:g} is out of range; write 0.1 to 1000")
    return value


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
            raise argparse.ArgumentTypeError(
                f'"{text}": T must be seconds after the start, such as 200 or 3m20s') from None
    if t < 0:
        raise argparse.ArgumentTypeError(f'"{text}": T must not be before the start')
    return Press(t, action)


def run(args: argparse.Namespace) -> int:
    plan = plan_from_args(args)
    if plan is None:
        return 1
    if args.realtime or args.mqtt_config:
        from kiosk.clinic.fleet import run_realtime

        return run_realtime(args, plan)
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


def _step_started(plan: Plan, e: StepStarted) -> str:
    reps = f", {e.reps} reps" if e.reps is not None and e.step.kind == "reps" else ""
    first = plan.steps[e.step.mirror].side if e.step.mirror is not None else None
    matched = f", as the {first} side was done" if e.matched else ""
    return f"planned {fmt_clock(e.planned_s)}{reps}{matched}" + (" (back)" if e.back else "")


def _side_shortened(_plan: Plan, e: SideShortened) -> str:
    side = f"the {e.side} side" if e.side else "the second side"
    return f"{side} gets {fmt_clock(e.short_s)} less than the first: the booking cannot fit more"


def _session_finished(_plan: Plan, e: SessionFinished) -> str:
    over = "" if e.over_s is None else f", {fmt_offset(e.over_s)} against the booking"
    paused = f", paused {fmt_clock(e.paused_s)}" if e.paused_s else ""
    return f"{e.how} after {fmt_clock(e.elapsed_s)}{paused}{over}"


#: What the log line says after each kind of event (events not listed say nothing more).
_DETAILS: dict[type, Callable[[Plan, Any], str]] = {
    StepStarted: _step_started,
    SideShortened: _side_shortened,
    StepEnded: lambda _p, e: f"took {fmt_clock(e.actual_s)} ({e.how}{f', {e.timing}' if e.timing else ''})",
    StepWarning: lambda _p, e: f"{fmt_human(e.seconds)} left",
    Rep: lambda _p, e: f"rep {e.rep} of {e.of}",
    SideSwitched: lambda _p, e: f"to the {e.side} side",
    Resumed: lambda _p, e: f"after {fmt_clock(e.paused_s)}",
    Extended: lambda _p, e: f"+{fmt_human(e.seconds)}, now {fmt_clock(e.planned_s)}",
    Respread: lambda _p, e: f"later windows at {e.fraction:.0%} (was {e.previous:.0%})"
                            + ("" if abs(e.over_s) < 1 else f", ends {fmt_offset(e.over_s)}"),
    SessionFinished: _session_finished,
}


def _detail(plan: Plan, event: Event) -> str:
    detail = _DETAILS.get(type(event))
    return detail(plan, event) if detail else ""


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
