"""What the session engine says happened, and the snapshot screens draw from.

Every event is frozen, named in the past tense, and carries ``at``: the clock time it fell due,
which is not the time ``tick()`` noticed it. ``index`` is the plan index of the step it concerns
(``None`` before the first step or after the last). ``kind`` is the snake_case name that the
``kiosk simulate --json`` output, the journal and the audio cue map use.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import ClassVar

from kiosk.routines.plan import PlannedStep


@dataclass(frozen=True)
class Event:
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


@dataclass(frozen=True)
class SessionStarted(Event):
    """The therapist started the session; ``target_s`` is the booked length, if any."""

    kind: ClassVar[str] = "session_started"
    target_s: float | None
    fraction: float
    total_steps: int


@dataclass(frozen=True)
class StepStarted(Event):
    """A step began. ``planned_s`` and ``reps`` are its live plan (after any re-spread);
    ``back`` is true when the therapist went back to it."""

    kind: ClassVar[str] = "step_started"
    step: PlannedStep
    planned_s: float
    reps: int | None
    back: bool = False

    @property
    def name(self) -> str:
        return self.step.name


@dataclass(frozen=True)
class StepEnded(Event):
    """A step ended. ``actual_s`` excludes pauses. ``how``: auto, advance, back or stop.
    ``timing`` compares ``actual_s`` with the step's window: early, within, late; ``None``
    for a step that waits for the therapist with no window."""

    kind: ClassVar[str] = "step_ended"
    name: str
    actual_s: float
    planned_s: float
    how: str
    timing: str | None
    reps_done: int | None = None


@dataclass(frozen=True)
class StepWarning(Event):
    """An auto step will end in ``seconds`` (the routine's ``warning``)."""

    kind: ClassVar[str] = "warning"
    seconds: float


#: The name the contract uses; ``StepWarning`` avoids shadowing the built-in where that matters.
Warning = StepWarning  # noqa: A001


@dataclass(frozen=True)
class MinReached(Event):
    """Manual pace: the step has lasted its window's minimum; moving on is now fine."""

    kind: ClassVar[str] = "min_reached"


@dataclass(frozen=True)
class MaxReached(Event):
    """Manual pace: the step has lasted its window's maximum; time to move on."""

    kind: ClassVar[str] = "max_reached"


@dataclass(frozen=True)
class Rep(Event):
    """Paced reps: rep ``rep`` of ``of`` began (rep 1 with the step itself)."""

    kind: ClassVar[str] = "rep"
    rep: int
    of: int


@dataclass(frozen=True)
class SideSwitched(Event):
    """The next step works the other side: the therapist moves round (and the drape)."""

    kind: ClassVar[str] = "side_switched"
    side: str
    previous: str | None = None


@dataclass(frozen=True)
class Halfway(Event):
    """Half the booked length has gone (half the planned length without a booking)."""

    kind: ClassVar[str] = "halfway"


@dataclass(frozen=True)
class Paused(Event):
    """The session paused: deadlines stop moving towards, but the booking's end does not."""

    kind: ClassVar[str] = "paused"


@dataclass(frozen=True)
class Resumed(Event):
    """The session resumed after ``paused_s`` seconds."""

    kind: ClassVar[str] = "resumed"
    paused_s: float


@dataclass(frozen=True)
class Extended(Event):
    """The current step got ``seconds`` more; ``planned_s`` is its new length."""

    kind: ClassVar[str] = "extended"
    seconds: float
    planned_s: float


@dataclass(frozen=True)
class Respread(Event):
    """Later windows moved to a new common ``fraction`` so the session meets its booking.

    ``over_s`` is how late (positive) or early the session will still end: 0 unless ``fraction``
    had to clamp at 0 or 1.
    """

    kind: ClassVar[str] = "respread"
    fraction: float
    previous: float
    over_s: float


@dataclass(frozen=True)
class PartLeftOut(Event):
    """The steps still to come with the optional ``tag`` were left out (the client declined them)."""

    kind: ClassVar[str] = "part_left_out"
    tag: str
    steps: tuple[int, ...]


@dataclass(frozen=True)
class SessionFinished(Event):
    """The session is over: ``how`` is finished (last step done) or stopped."""

    kind: ClassVar[str] = "session_finished"
    how: str
    elapsed_s: float
    paused_s: float
    over_s: float | None


EVENT_TYPES: dict[str, type[Event]] = {
    cls.kind: cls
    for cls in (
        SessionStarted, StepStarted, StepEnded, StepWarning, MinReached, MaxReached, Rep,
        SideSwitched, Halfway, Paused, Resumed, Extended, Respread, PartLeftOut, SessionFinished,
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
