"""The :class:`Snapshot` of a session at one moment: what the screens draw from.

Reading only: building a snapshot never changes the session and never swallows an event. It reads
the session through :class:`SessionView` (its state dataclass and two questions about the plan),
so this module does not depend on the session class.
"""

from __future__ import annotations

from typing import Any, Protocol

from kiosk.engine.events import Snapshot
from kiosk.engine.state import SessionState
from kiosk.engine.budget import budget_words, unabsorbed
from kiosk.routines.plan import Plan


class SessionView(Protocol):
    """What a snapshot reads of a session (:class:`~kiosk.engine.session.Session` is one)."""

    @property
    def plan(self) -> Plan: ...

    @property
    def target_s(self) -> float | None: ...

    @property
    def data(self) -> SessionState: ...

    def later_steps_at(self, end: float) -> tuple[float, float]: ...

    def later_range(self, end: float) -> tuple[float, float]: ...

    def next_index(self, i: int) -> int | None: ...


def _reps_label(rep: int | None, reps_min: int | None, reps_max: int | None) -> str:
    """``2 of 3-4`` while counting paced reps, ``3-4 reps`` when the therapist counts."""
    if reps_min is None:
        return ""
    window = str(reps_min) if reps_min == reps_max else f"{reps_min}-{reps_max}"
    return f"{rep} of {window}" if rep is not None else f"{window} reps"


def build_snapshot(session: SessionView, t: float) -> Snapshot:
    """The session as seen at session time ``t`` (seconds after its start)."""
    s = session.data
    steps = session.plan.steps
    target = session.target_s
    common: dict[str, Any] = dict(
        state=s.state, paused_s=s.paused_at(t), target_end_s=target, total_steps=len(steps) - len(s.dropped),
    )
    if s.state in ("ready", "finished") or s.index is None:
        finished = s.state == "finished"
        end = (s.finished_at or 0.0) if finished else s.rest
        elapsed = s.finished_at if finished else 0.0
        over = None if target is None else end - target
        nxt = None if finished else 0
        return Snapshot(
            index=None, step=None, name="", say="", caution="", note="", side=None, kind=None,
            rep=None, reps=None, reps_min=None, reps_max=None, reps_label="", step_elapsed_s=0.0,
            step_remaining_s=None, step_planned_s=0.0, step_progress=0.0, min_reached=False,
            max_reached=False, waiting=not finished, session_elapsed_s=elapsed or 0.0,
            session_remaining_s=0.0 if finished else end, projected_end_s=end or 0.0, over_s=over,
            offset_label=budget_words(over), fraction=s.fraction,
            next_name=None if nxt is None else steps[0].name, next_index=nxt, **common,
        )
    i = s.index
    step = steps[i]
    elapsed = s.step_time(t)
    planned = s.step.planned
    if s.step.auto or planned > 0:
        remaining: float | None = max(0.0, planned - elapsed)
    else:
        remaining = None
    rep = None
    if step.paced:
        rep = min(s.step.reps or 0, int(elapsed // step.pace_s) + 1)  # type: ignore[operator]
    windowed = step.kind == "timed" or step.paced
    current_end = s.current_end(t)
    fraction, rest = session.later_steps_at(current_end)
    projected = current_end + rest
    over = None if target is None else unabsorbed(target - current_end, *session.later_range(current_end))
    nxt = session.next_index(i)
    return Snapshot(
        index=i, step=step, name=step.name, say=step.say, caution=step.caution, note=step.note,
        side=step.side, kind=step.kind, rep=rep, reps=s.step.reps, reps_min=step.reps_min,
        reps_max=step.reps_max, reps_label=_reps_label(rep, step.reps_min, step.reps_max),
        step_elapsed_s=elapsed, step_remaining_s=remaining, step_planned_s=planned,
        step_progress=min(1.0, elapsed / planned) if planned > 0 else 0.0,
        min_reached=elapsed >= step.min_s if windowed else True,
        max_reached=elapsed >= step.max_s if windowed else False,
        waiting=not s.step.auto, session_elapsed_s=t, session_remaining_s=max(0.0, projected - t),
        projected_end_s=projected, over_s=over, offset_label=budget_words(over),
        fraction=fraction, next_name=None if nxt is None else steps[nxt].name, next_index=nxt,
        number=i + 1 - sum(1 for d in s.dropped if d < i), **common,
    )
