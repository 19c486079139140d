"""How long the steps still to come take: the booking's re-spread, with second sides matched.

A client notices when the right side gets less than the left. So a step on the second side of a
block with sides is planned to match the same step on the first side as it was actually done: its
time kept within its own window, a paced step's reps as done. The other steps absorb the
difference when the booking is re-spread. Only when they cannot (they would have to go below their
windows) are the second sides fitted like every other step again, and so shrink; the session says
so with a :class:`~kiosk.engine.events.SideShortened` event.
"""

from __future__ import annotations

from typing import Sequence

from kiosk.engine.records import StepRecord
from kiosk.routines.plan import TOLERANCE_S, PlannedStep, duration_at, fit_fraction, total_at


def matched(step: PlannedStep, records: Sequence[StepRecord]) -> tuple[float, int | None] | None:
    """``(seconds, reps)`` that match ``step`` to its first side as done, or ``None`` when it
    mirrors nothing (no first side, not run yet, or a step without a window)."""
    if step.mirror is None or not (step.kind == "timed" or step.paced):
        return None
    done = [r for r in records if r.index == step.mirror]
    if not done:
        return None
    if step.paced:
        reps = sum(r.reps_done or 0 for r in done)
        reps = min(max(reps, step.reps_min or 0), step.reps_max or 0)
        return reps * step.pace_s, reps  # type: ignore[operator]
    actual = sum(r.actual_s for r in done)
    return min(max(actual, step.min_s), step.max_s), None


class Schedule:
    """Durations of a session's steps at a fraction, second sides matched while ``matching``."""

    def __init__(self, records: Sequence[StepRecord], matching: bool):
        self.records = records
        self.matching = matching

    def duration(self, step: PlannedStep, f: float) -> float:
        """How long ``step`` is planned to last with the other windows at fraction ``f``."""
        match = matched(step, self.records) if self.matching else None
        return duration_at(step, f) if match is None else match[0]

    def matches(self, step: PlannedStep) -> bool:
        """Whether ``step`` is planned to match its first side as done."""
        return self.matching and matched(step, self.records) is not None

    def reps(self, step: PlannedStep, f: float) -> int | None:
        """The rep count ``step`` is planned with at fraction ``f``."""
        match = matched(step, self.records) if self.matching else None
        return step.planned_reps(f) if match is None or match[1] is None else match[1]

    def total(self, steps: Sequence[PlannedStep], f: float) -> float:
        """The summed planned length of ``steps`` at fraction ``f``."""
        return sum(self.duration(s, f) for s in steps)

    def fit(self, steps: Sequence[PlannedStep], budget_s: float, rigid: float) -> tuple[float, bool, float]:
        """``(fraction, matching, short_s)`` that make ``steps`` last ``budget_s``.

        Second sides keep their matched length while the other steps can absorb the rest of the
        budget; when they cannot, every step is fitted alike and ``short_s`` says how much less
        the second sides get than their first sides as done.
        """
        kept = {s.index: m[0] for s in steps if (m := matched(s, self.records)) is not None}
        if not kept:
            return fit_fraction(steps, budget_s, rigid=rigid), self.matching, 0.0
        others = [s for s in steps if s.index not in kept]
        fixed = sum(kept.values())
        if total_at(others, 0.0) + fixed <= budget_s + TOLERANCE_S:
            return fit_fraction(others, budget_s - fixed, rigid=rigid), True, 0.0
        f = fit_fraction(steps, budget_s, rigid=rigid)
        mirrored = [s for s in steps if s.index in kept]
        return f, False, max(0.0, fixed - total_at(mirrored, f))
