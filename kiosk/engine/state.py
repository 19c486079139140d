"""A session's whole state as a plain, JSON-safe dict, and back: the journal's crash-resume format.

Every time in the dict counts from the session's start, and ``elapsed_s`` says how far the session
had got when it was saved; a restore maps that moment to the restoring clock's ``now``, so it works
on a different monotonic clock after a reboot and gives exactly the same future events.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from kiosk.engine.records import StepRecord
from kiosk.errors import PlanError

if TYPE_CHECKING:
    from kiosk.engine.clock import Clock
    from kiosk.routines.plan import Plan

FORMAT = 1
#: Attributes saved as they are (all numbers, strings, booleans or None).
_PLAIN = (
    "state", "target_s", "pace", "warning_s", "extend_s", "grace_s", "_last", "_index", "_f",
    "_fit_end", "_rest", "_half", "_halfway_done", "_step_start", "_step_paused", "_step_planned",
    "_step_reps", "_step_extended", "_step_extends", "_step_back", "_step_auto_started", "_auto",
    "_pause_start", "_paused_total", "_prev_side", "_finished_at", "_finish_how",
)


def plan_fingerprint(plan: "Plan") -> str:
    """A short digest of the plan's steps, so a session is never restored onto a different plan."""
    text = "\n".join(f"{s.name}|{s.kind}|{s.side}|{s.min_s}|{s.max_s}|{s.pace_s}" for s in plan.steps)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class StateMixin:
    """``to_dict`` / ``from_dict`` for :class:`~kiosk.engine.session.Session`."""

    def to_dict(self, now: float | None = None) -> dict:
        """The whole state, JSON-safe; ``now`` fixes the moment the restore continues from."""
        data = {name.lstrip("_"): getattr(self, name) for name in _PLAIN}
        data.update(
            format=FORMAT,
            routine=self.plan.routine.name,
            plan=plan_fingerprint(self.plan),
            elapsed_s=None if self._t0 is None else self._rel(now),
            timers=[list(t) for t in self._timers],
            records=[r.to_dict() for r in self.records],
            dropped=sorted(self._dropped),
        )
        return data

    @classmethod
    def from_dict(cls, data: dict, plan: "Plan", clock: "Clock", now: float | None = None):
        """A session that carries on from ``data`` as if it had been saved at ``now``."""
        if data.get("format") != FORMAT:
            raise PlanError(f"saved session has format {data.get('format')!r}; this kiosk reads {FORMAT}")
        if data.get("plan") != plan_fingerprint(plan):
            raise PlanError(
                f'saved session of "{data.get("routine")}" does not match the plan of "{plan.routine.name}"'
                " (the routine file changed since); start a new session"
            )
        session = cls(plan, clock, target_s=data["target_s"], pace=data["pace"],
                      warning_s=data["warning_s"], extend_s=data["extend_s"], grace_s=data["grace_s"])
        for name in _PLAIN:
            setattr(session, name, data[name.lstrip("_")])
        session._timers = [list(t) for t in data["timers"]]
        session.records = [StepRecord(**r) for r in data["records"]]
        session._dropped = set(data.get("dropped", ()))
        if data["elapsed_s"] is not None:
            session._t0 = (clock.now() if now is None else now) - data["elapsed_s"]
        return session
