"""The planner: a routine's blocks, sides and repeats as one flat timeline fitted to a target length.

Every window in a plan sits at one common fraction ``f`` of its range (0 = shortest, 1 = longest),
so a 30-minute booking stretches or squeezes all flexible steps alike. Fixed steps never move;
untimed steps count as their estimate (a reps step the therapist counts, without one:
:data:`REP_ESTIMATE_S` a rep); paced reps follow ``f`` in whole reps. :func:`fit_fraction` is the
one place that finds ``f``: the planner uses it once, the engine every time the schedule changes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Iterable, Iterator, Sequence

from kiosk.errors import PlanError
from kiosk.routines.durations import fmt_clock, fmt_window
from kiosk.routines.model import Block, Item, Routine, Step, StepText

#: Two totals closer than this are the same length (float sums of seconds).
TOLERANCE_S = 1e-6
#: The fraction without a target: every window at its midpoint.
MIDPOINT = 0.5
#: Seconds per rep planned for a reps step the therapist counts (no ``pace``) and gives no
#: ``estimate``: about one slow stroke. Planning it at 0:00 made every such session run late.
REP_ESTIMATE_S = 15.0


@dataclass(frozen=True)
class PlannedStep(StepText):
    """One step of the flat timeline, with the duration the plan gives it (and its step's text)."""

    index: int
    name: str
    kind: str
    side: str | None
    planned_s: float
    min_s: float
    max_s: float
    start_s: float
    reps: int | None
    reps_min: int | None
    reps_max: int | None
    pace_s: float | None
    block: str | None = None
    repeat: int = 1
    optional: str | None = None
    auto: bool = False
    line: int = 0
    #: The plan index of this same step on the block's first side (``None`` on the first side or
    #: outside a block with sides): the run the second side is planned to match.
    mirror: int | None = None

    @property
    def paced(self) -> bool:
        """A paced reps step: it ends by itself after its reps, one every ``pace_s``."""
        return self.kind == "reps" and self.pace_s is not None

    def planned_reps(self, f: float) -> int | None:
        """The step's rep count with its window at fraction ``f`` (``None`` unless a reps step)."""
        if self.reps_min is None or self.reps_max is None:
            return None
        return reps_at(self.reps_min, self.reps_max, f)

    @property
    def flexible(self) -> bool:
        """Whether the fraction changes this step's length."""
        if self.paced:
            return self.reps_min != self.reps_max
        return self.kind == "timed" and self.max_s > self.min_s

    @property
    def window_label(self) -> str:
        """The step's window as a person reads it: ``5-6m``, ``3-4 reps``, ``until advance``."""
        if self.kind == "timed":
            return fmt_window(self.min_s, self.max_s)
        if self.kind == "reps":
            count = str(self.reps_min) if self.reps_min == self.reps_max else f"{self.reps_min}-{self.reps_max}"
            label = f"{count} reps"
            if self.pace_s is not None:
                label += f" every {fmt_window(self.pace_s, self.pace_s)}"
            return label
        return "until advance"


@dataclass(frozen=True)
class Plan:
    """A routine laid out as a flat timeline, every window at ``fraction``."""

    routine: Routine
    steps: tuple[PlannedStep, ...]
    target_s: float | None
    fraction: float
    total_s: float
    min_total_s: float
    max_total_s: float
    skipped: tuple[str, ...] = field(default=())

    def to_json(self) -> dict:
        """The ``kiosk plan --json`` object; other scripts rely on exactly this shape."""
        return {
            "routine": self.routine.name,
            "total_s": _seconds(self.total_s),
            "min_total_s": _seconds(self.min_total_s),
            "max_total_s": _seconds(self.max_total_s),
            "steps": [
                {
                    "index": s.index,
                    "name": s.name,
                    "side": s.side,
                    "kind": s.kind,
                    "planned_s": _seconds(s.planned_s),
                    "min_s": _seconds(s.min_s),
                    "max_s": _seconds(s.max_s),
                    "start_s": _seconds(s.start_s),
                    "reps": s.reps,
                }
                for s in self.steps
            ],
        }


def _seconds(value: float) -> float:
    """Seconds for output, to the microsecond: sums of fractions leave float dust (1800.0000000000002)."""
    return round(value, 6)


# --- durations at a fraction ---------------------------------------------------------------


def reps_at(reps_min: int, reps_max: int, f: float) -> int:
    """Whole reps at fraction ``f`` of a count window, halves rounded up (3.5 reps plans 4)."""
    return reps_min + int(math.floor((reps_max - reps_min) * f + 0.5))


def duration_at(step: PlannedStep, f: float) -> float:
    """How long ``step`` lasts when its window sits at fraction ``f``."""
    if step.paced:
        return reps_at(step.reps_min, step.reps_max, f) * step.pace_s  # type: ignore[arg-type,operator]
    return step.min_s + f * (step.max_s - step.min_s)


def total_at(steps: Iterable[PlannedStep], f: float) -> float:
    """The summed length of ``steps`` at fraction ``f``."""
    return sum(duration_at(s, f) for s in steps)


def fit_fraction(steps: Sequence[PlannedStep], budget_s: float, rigid: float | None = None) -> float:
    """The fraction that makes ``steps`` last ``budget_s`` in total, clamped to [0, 1].

    The total grows with ``f``: linearly through the time windows and in whole-rep jumps through
    paced reps. When the budget falls inside such a jump the nearer side wins (the shorter on a tie).
    With nothing flexible the fraction does not matter: ``rigid`` if given, else 0 if the budget
    is short, 1 if it is long, the midpoint if it is exact.
    """
    base = 0.0  # everything at f = 0
    slope = 0.0  # seconds per unit of f from time windows
    jumps: list[tuple[float, float]] = []  # (f where one more rep starts, its seconds)
    for s in steps:
        if s.paced:
            base += s.reps_min * s.pace_s  # type: ignore[operator]
            for k in range(s.reps_min, s.reps_max):  # type: ignore[arg-type]
                jumps.append(((k + 0.5 - s.reps_min) / (s.reps_max - s.reps_min), s.pace_s))  # type: ignore[operator,arg-type]
        else:
            base += s.min_s
            slope += s.max_s - s.min_s
    if not jumps and slope <= 0:
        if rigid is not None:
            return rigid
        if budget_s < base - TOLERANCE_S:
            return 0.0
        if budget_s > base + TOLERANCE_S:
            return 1.0
        return MIDPOINT
    if budget_s <= base:
        return 0.0
    jumps.sort()
    lo, extra, i = 0.0, 0.0, 0  # segment [lo, hi) in which the paced reps add ``extra`` seconds
    while True:
        last = i == len(jumps)
        hi = 1.0 if last else jumps[i][0]
        at_lo = base + extra + slope * lo
        if at_lo > budget_s + TOLERANCE_S:  # the budget fell into the rep jump at ``lo``
            return _nearer(steps, budget_s, _just_below(lo), lo)
        if slope > 0:
            f = lo + (budget_s - at_lo) / slope
            if f < hi or last:
                return min(max(f, lo), 1.0)
        elif abs(at_lo - budget_s) <= TOLERANCE_S or last:
            return lo if not last or abs(at_lo - budget_s) <= TOLERANCE_S else 1.0
        while i < len(jumps) and jumps[i][0] == hi:
            extra += jumps[i][1]
            i += 1
        lo = hi


def _just_below(f: float) -> float:
    """A fraction a hair below ``f``: the last one before a rep jump at ``f``."""
    return max(0.0, f - 1e-9)


def _nearer(steps: Sequence[PlannedStep], budget_s: float, below: float, above: float) -> float:
    under = budget_s - total_at(steps, below)
    over = total_at(steps, above) - budget_s
    return below if under <= over + TOLERANCE_S else above


# --- expansion --------------------------------------------------------------------------------


def optional_tags(routine: Routine) -> tuple[str, ...]:
    """Every ``optional`` tag the routine's steps and blocks carry, in file order."""
    tags: list[str] = list(routine.optional_tags)
    stack = list(reversed(routine.steps))
    while stack:
        item = stack.pop()
        if item.optional and item.optional not in tags:
            tags.append(item.optional)
        if isinstance(item, Block):
            stack.extend(reversed(item.steps))
    return tuple(tags)


#: Where a step sits in the routine: per level, (item number, side number or -1, repeat).
Slot = tuple[tuple[int, int, int], ...]


def _expand(items: Iterable[Item], skip: frozenset[str], side: str | None, block: str | None, optional: str | None,
            repeat: int, slot: Slot = ()) -> Iterator[tuple[Step, str | None, str | None, str | None, int, Slot]]:
    """``(step, side, block, optional, repeat, slot)`` for every step that runs, in running order.

    A block with sides runs all its passes on one side before the next side: one drape change.
    """
    for n, item in enumerate(items):
        if item.optional and item.optional in skip:
            continue
        tag = item.optional or optional
        if isinstance(item, Block):
            for k, block_side in enumerate(item.sides or (side,)):
                for r in range(1, item.repeat + 1):
                    yield from _expand(item.steps, skip, block_side, item.name, tag, r,
                                       slot + ((n, k if item.sides else -1, r),))
        else:
            yield item, side or item.side, block, tag, repeat, slot + ((n, -1, 0),)


def _first_side(slot: Slot) -> Slot | None:
    """The slot of the same step on the first side of its innermost block with sides (``None``
    when the step already is on a first side, or in no block with sides)."""
    for level in range(len(slot) - 1, -1, -1):
        n, k, r = slot[level]
        if k >= 0:
            return None if k == 0 else slot[:level] + ((n, 0, r),) + slot[level + 1:]
    return None


def _planned(step: Step, index: int, side: str | None, block: str | None, optional: str | None, repeat: int,
             auto_pace: bool) -> PlannedStep:
    """A step with its window in seconds; duration and start are filled in by the fit."""
    reps_min = reps_max = None
    pace = None
    if step.kind == "timed":
        assert step.time is not None
        low, high = step.time.min_s, step.time.max_s
    elif step.kind == "reps" and step.pace_s is not None:
        assert step.reps is not None
        reps_min, reps_max, pace = step.reps.min, step.reps.max, step.pace_s
        low, high = reps_min * pace, reps_max * pace
    else:
        estimate = step.estimate_s
        if step.reps is not None:
            reps_min, reps_max = step.reps.min, step.reps.max
            if estimate is None:  # the middle of its count, at one stroke's time each
                estimate = (reps_min + reps_max) / 2 * REP_ESTIMATE_S
        low = high = float(estimate or 0.0)
    auto = (step.kind == "timed" and auto_pace) or pace is not None
    return PlannedStep(
        index=index, name=step.name, kind=step.kind, side=side, planned_s=low, min_s=float(low),
        max_s=float(high), start_s=0.0, reps=reps_min, reps_min=reps_min, reps_max=reps_max,
        pace_s=pace, block=block, repeat=repeat, optional=optional, auto=auto, line=step.line, **step.text(),
    )


def _timeline(routine: Routine, skip: Iterable[str]) -> tuple[list[PlannedStep], tuple[str, ...]]:
    skipped = tuple(dict.fromkeys(skip))
    tags = optional_tags(routine)
    unknown = [t for t in skipped if t not in tags]
    if unknown:
        known = ", ".join(tags) if tags else "none: nothing in it can be skipped"
        raise PlanError(
            f'{routine.name}: no step or block is tagged "{unknown[0]}"; its optional tags are: {known}'
        )
    auto_pace = routine.pace == "auto"
    steps: list[PlannedStep] = []
    where: dict[Slot, int] = {}
    for i, (step, side, block, tag, repeat, slot) in enumerate(
        _expand(routine.steps, frozenset(skipped), None, None, None, 1)
    ):
        where[slot] = i
        first = _first_side(slot)
        planned = _planned(step, i, side, block, tag, repeat, auto_pace)
        steps.append(planned if first is None else replace(planned, mirror=where.get(first)))
    if not steps:
        raise PlanError(f"{routine.name}: skipping {', '.join(skipped)} leaves no steps to run")
    return steps, skipped


def reachable(routine: Routine, skip: Iterable[str] = ()) -> tuple[float, float]:
    """``(shortest, longest)`` total a session of ``routine`` can be planned to, in seconds."""
    steps, _ = _timeline(routine, skip)
    return total_at(steps, 0.0), total_at(steps, 1.0)


def make_plan(
    routine: Routine,
    target_s: float | None = None,
    skip: Iterable[str] = (),
    *,
    use_length: bool = True,
) -> Plan:
    """Lay ``routine`` out as a flat timeline fitted to ``target_s``.

    Without ``target_s`` the routine's own ``length`` is the target (unless ``use_length`` is
    false); without either, every window sits at its midpoint. Raises :class:`PlanError` when the
    target is out of reach or a skipped tag is unknown.
    """
    steps, skipped = _timeline(routine, skip)
    low, high = total_at(steps, 0.0), total_at(steps, 1.0)
    from_file = target_s is None and use_length and routine.length_s is not None
    if target_s is None and from_file:
        target_s = routine.length_s
    if target_s is None:
        fraction = MIDPOINT
    else:
        if not (low - TOLERANCE_S <= target_s <= high + TOLERANCE_S):
            whose = "the routine's length" if from_file else "a length"
            what = "choose" if not from_file else "pass --length with"
            raise PlanError(
                f"{routine.name}: {whose} of {fmt_clock(target_s)} is out of reach; with these steps a "
                f"session lasts from {fmt_clock(low)} to {fmt_clock(high)} ({what} a length in that range"
                f"{', or skip or keep optional steps' if optional_tags(routine) else ''})"
            )
        fraction = fit_fraction(steps, target_s)
    laid: list[PlannedStep] = []
    start = 0.0
    for s in steps:
        planned = duration_at(s, fraction)
        laid.append(replace(s, planned_s=planned, start_s=start, reps=s.planned_reps(fraction)))
        start += planned
    return Plan(
        routine=routine, steps=tuple(laid), target_s=target_s, fraction=fraction, total_s=start,
        min_total_s=low, max_total_s=high, skipped=skipped,
    )

