"""What the session engine says happened, and the snapshot screens draw from.

Every event is frozen, named in the past tense, and carries ``at``: the clock time it fell due,
which is not the time ``tick()`` noticed it. ``index`` is the plan index of the step it concerns
(``None`` before the first step or after the last). ``kind`` is the snake_case name that the
``kiosk simulate --json`` output, the journal and the audio cue map use.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, ClassVar, dataclass_transform

from kiosk.routines.plan import PlannedStep


@dataclass_transform(frozen_default=True)
class _EventType:
    """Makes every subclass a frozen dataclass and gives it its ``kind``: ``class Paused(Event, kind="paused")``."""

    kind: ClassVar[str]

    def __init_subclass__(cls, kind: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if kind:
            cls.kind = kind
            dataclass(frozen=True)(cls)


@dataclass(frozen=True)
class Event(_EventType):
    """Base of all engine events."""

    kind: ClassVar[str] = "event"
    at: float
    index: int | None

    def to_dict(self) -> dict:
        """JSON-safe fields, ``event`` first; a planned step is given by its index only."""
        out: dict = {"event": self.kind}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, PlannedStep):
                continue
            out[f.name] = value
        return out


class SessionStarted(Event, kind="session_started"):
    """The therapist started the session; ``target_s`` is the booked length, if any."""

    target_s: float | None
    fraction: float
    total_steps: int


class StepStarted(Event, kind="step_started"):
    """A step began. ``planned_s`` and ``reps`` are its live plan (after any re-spread);
    ``back`` is true when the therapist went back to it; ``matched`` when it is a second side
    planned to match its first side as actually done."""

    step: PlannedStep
    planned_s: float
    reps: int | None
    back: bool = False
    matched: bool = False

    @property
    def name(self) -> str:
        return self.step.name


class StepEnded(Event, kind="step_ended"):
    """A step ended. ``actual_s`` excludes pauses. ``how``: auto, advance, back or stop.
    ``timing`` compares ``actual_s`` with the step's window: early, within, late; ``None``
    for a step that waits for the therapist with no window."""

    name: str
    actual_s: float
    planned_s: float
    how: str
    timing: str | None
    reps_done: int | None = None


class StepWarning(Event, kind="warning"):
    """An auto step will end in ``seconds`` (the routine's ``warning``)."""

    seconds: float


#: The name the contract uses; ``StepWarning`` avoids shadowing the built-in where that matters.
Warning = StepWarning  # noqa: A001


class MinReached(Event, kind="min_reached"):
    """Manual pace: the step has lasted its window's minimum; moving on is now fine."""


class MaxReached(Event, kind="max_reached"):
    """Manual pace: the step has lasted its window's maximum; time to move on."""


class Rep(Event, kind="rep"):
    """Paced reps: rep ``rep`` of ``of`` began (rep 1 with the step itself)."""

    rep: int
    of: int


class SideSwitched(Event, kind="side_switched"):
    """The next step works the other side: the therapist moves round (and the drape)."""

    side: str
    previous: str | None = None


class Halfway(Event, kind="halfway"):
    """Half the booked length has gone (half the planned length without a booking)."""


class Paused(Event, kind="paused"):
    """The session paused: deadlines stop moving towards, but the booking's end does not."""


class Resumed(Event, kind="resumed"):
    """The session resumed after ``paused_s`` seconds."""

    paused_s: float


class Extended(Event, kind="extended"):
    """The current step got ``seconds`` more; ``planned_s`` is its new length."""

    seconds: float
    planned_s: float


class Respread(Event, kind="respread"):
    """Later windows moved to a new common ``fraction`` so the session meets its booking.

    ``over_s`` is how late (positive) or early the session will still end: 0 unless ``fraction``
    had to clamp at 0 or 1.
    """

    fraction: float
    previous: float
    over_s: float


class PartLeftOut(Event, kind="part_left_out"):
    """The steps still to come with the optional ``tag`` were left out (the client declined them)."""

    tag: str
    steps: tuple[int, ...]


class SideShortened(Event, kind="side_shortened"):
    """The booking cannot give the second side what the first side got: the steps still to come
    on it are planned ``short_s`` seconds shorter in all than their first side as done."""

    side: str | None
    short_s: float


class SessionFinished(Event, kind="session_finished"):
    """The session is over: ``how`` is finished (last step done) or stopped."""

    how: str
    elapsed_s: float
    paused_s: float
    over_s: float | None


EVENT_TYPES: dict[str, type[Event]] = {
    cls.kind: cls
    for cls in (
        SessionStarted, StepStarted, StepEnded, StepWarning, MinReached, MaxReached, Rep,
        SideSwitched, Halfway, Paused, Resumed, Extended, Respread, PartLeftOut, SideShortened,
        SessionFinished,
    )
}


@dataclass(frozen=True)
class Snapshot:
    """Everything a screen shows at one moment. Times in seconds; ``*_end_s`` count from the
    session's start. ``step_remaining_s`` is ``None`` for a step that waits for the therapist
    with no planned time; ``waiting`` is true while the step will not end by itself."""

    state: str
    index: int | None
    step: PlannedStep | None
    name: str
    say: str
    caution: str
    note: str
    side: str | None
    kind: str | None
    rep: int | None
    reps: int | None
    reps_min: int | None
    reps_max: int | None
    reps_label: str
    step_elapsed_s: float
    step_remaining_s: float | None
    step_planned_s: float
    step_progress: float
    min_reached: bool
    max_reached: bool
    waiting: bool
    session_elapsed_s: float
    session_remaining_s: float
    paused_s: float
    projected_end_s: float
    target_end_s: float | None
    over_s: float | None
    offset_label: str
    fraction: float
    next_name: str | None
    next_index: int | None
    total_steps: int
    #: The current step's place among the steps that run (1-based; parts left out do not count).
    number: int | None = None

    @property
    def running(self) -> bool:
        return self.state == "running"

    @property
    def paused(self) -> bool:
        return self.state == "paused"
