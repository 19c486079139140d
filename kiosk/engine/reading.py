"""Reading a session: its state, the schedule of the steps still to come, and its snapshot.

The part of :class:`~kiosk.engine.session.Session` that never changes it; the session itself
holds the actions and the clockwork.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.engine.events import Snapshot
from kiosk.engine.records import EPS, StepRecord
from kiosk.engine.schedule import Schedule
from kiosk.engine.snapshot import build_snapshot
from kiosk.engine.state import SessionState

if TYPE_CHECKING:
    from kiosk.engine.clock import Clock
    from kiosk.routines.plan import Plan, PlannedStep


class SessionReading:
    """What a session tells about itself (see :class:`~kiosk.engine.session.Session`)."""

    plan: "Plan"
    clock: "Clock"
    target_s: float | None
    grace_s: float
    _s: SessionState
    _t0: float | None  #: clock time of the session's start
    _steps: "tuple[PlannedStep, ...]"

    def _rel(self, now: float | None) -> float:
        """``now`` in seconds after the start, never before the last moment already handled."""
        if self._t0 is None:
            return 0.0
        t = (self.clock.now() if now is None else now) - self._t0
        return t if t > self._s.last else self._s.last

    def _abs(self, rel: float) -> float:
        return (self._t0 or 0.0) + rel

    def _following(self, first: int) -> "list[PlannedStep]":
        """The steps from plan index ``first`` on, less those left out."""
        return [s for s in self._steps[first:] if s.index not in self._s.dropped]

    def next_index(self, i: int) -> int | None:
        """The plan index of the step that follows step ``i`` (None after the last)."""
        return next((s.index for s in self._steps[i + 1:] if s.index not in self._s.dropped), None)

    def schedule(self) -> Schedule:
        """The steps' planned lengths as things stand: second sides matched to their first side."""
        return Schedule(self._s.records, matching=not self._s.sides_shortened)

    @property
    def state(self) -> str:
        """ready, running, paused or finished."""
        return self._s.state

    @property
    def records(self) -> list[StepRecord]:
        """How each step run so far went, in order (one record per run: going back adds one)."""
        return self._s.records

    @property
    def data(self) -> SessionState:
        """Everything the session has changed so far, for reading (the snapshot and saves)."""
        return self._s

    @property
    def index(self) -> int | None:
        """Plan index of the current step (``None`` when ready or finished)."""
        return self._s.index

    @property
    def fraction(self) -> float:
        """The common fraction later windows sit at now."""
        return self._s.fraction

    @property
    def grace_until(self) -> float | None:
        """Clock time until which ``advance`` is ignored (the current step just started by itself)."""
        if self._s.state != "running" or not self._s.step.auto_started or self.grace_s <= 0:
            return None
        return self._abs(self._s.step.start + self.grace_s)

    def snapshot(self, now: float | None = None) -> Snapshot:
        """What a screen shows at ``now``; call :meth:`tick` first so no event is missed."""
        return build_snapshot(self, self._rel(now))

    def later_steps_at(self, end: float) -> tuple[float, float]:
        """``(fraction, seconds)`` the steps after the current one take if it ends at ``end``."""
        first = 0 if self._s.index is None else self._s.index + 1
        if self.target_s is None or abs(end - self._s.fit_end) <= EPS:
            return self._s.fraction, self._s.rest
        later = self._following(first)
        f, matching, _ = self.schedule().fit(later, self.target_s - end, self._s.fraction)
        return f, Schedule(self._s.records, matching).total(later, f)

    def later_range(self, end: float) -> tuple[float, float]:
        """``(shortest, longest)`` the steps after the current one can take if it ends at ``end``
        (second sides matched while the booking lets them be)."""
        later = self._following(0 if self._s.index is None else self._s.index + 1)
        matching = not self._s.sides_shortened
        if self.target_s is not None:
            _, matching, _ = self.schedule().fit(later, self.target_s - end, self._s.fraction)
        schedule = Schedule(self._s.records, matching)
        return schedule.total(later, 0.0), schedule.total(later, 1.0)
