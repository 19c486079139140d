"""A session's changing state in two dataclasses, and its saved form (the journal's crash-resume format).

Everything a session changes as it runs lives in :class:`SessionState`, the current step's share in
its :class:`StepState`; saving is ``dataclasses.asdict`` and restoring the constructors, so a field
added to either class is saved and restored without being listed anywhere else.

Every time in the state counts from the session's start, and ``elapsed_s`` says how far the session
had got when it was saved; a restore maps that moment to the restoring clock's ``now``, so it works
on a different monotonic clock after a reboot and gives exactly the same future events.
"""

from __future__ import annotations

import copy
import hashlib
import math
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Any

from kiosk.engine.records import EPS, StepRecord, judge
from kiosk.errors import PlanError

if TYPE_CHECKING:
    from kiosk.routines.plan import Plan, PlannedStep

#: The saved form this kiosk writes; :func:`upgrade` reads every older one.
FORMAT = 3
#: The session's settings (its constructor's keyword arguments), saved beside the state.
OPTIONS = ("target_s", "pace", "warning_s", "extend_s", "grace_s")
#: Keys of the saved form that are not state fields.
HEADER = ("format", "routine", "plan", "elapsed_s") + OPTIONS

#: A step deadline still to come: [offset in the step's running time, order among equal offsets,
#: tag (rep, min, max, warning, end), payload (the rep number)]. A list, so it survives JSON as it is.
Timer = list[Any]
#: Which of a step's deadlines falling at the same moment goes first.
_ORDER = {"rep": 0, "min": 1, "max": 2, "warning": 3, "end": 4}


@dataclass
class StepState:
    """The current step's progress; every step starts from a fresh one."""

    start: float = 0.0  #: session time the step started
    paused: float = 0.0  #: seconds of it spent paused
    planned: float = 0.0  #: its planned length now (extends add to it)
    reps: int | None = None  #: its rep count now (``None`` unless a reps step)
    extended: float = 0.0  #: seconds extends added
    extends: int = 0  #: how many extends
    back: bool = False  #: the therapist went back to it
    auto_started: bool = False  #: it began by itself when the step before ended
    auto: bool = False  #: it ends by itself when its planned time is up
    #: seconds of the step already done before this run: a skip undone by Back carries on from there
    offset: float = 0.0
    timers: list[Timer] = field(default_factory=list)  #: its deadlines still to come, soonest first

    def arm(self, step: "PlannedStep", warning_s: float, after: float) -> None:
        """Set the step's own deadlines (offsets in its running time) that come after ``after``."""
        timers: list[tuple[float, str, int | None]] = []
        if step.paced:
            timers += [((k - 1) * step.pace_s, "rep", k) for k in range(2, (self.reps or 0) + 1)]  # type: ignore[operator]
        if self.auto:
            if warning_s > 0 and self.planned > warning_s:
                timers.append((self.planned - warning_s, "warning", None))
            timers.append((self.planned, "end", None))
        elif step.kind == "timed":
            if step.min_s < step.max_s:
                timers.append((step.min_s, "min", None))
            timers.append((step.max_s, "max", None))
        self.timers = sorted(
            ([off, _ORDER[tag], tag, payload] for off, tag, payload in timers if off > after),
            key=lambda x: (x[0], x[1]),
        )

    def extend(self, step: "PlannedStep", seconds: float) -> None:
        """Give the step ``seconds`` more; a paced step gets the reps that fill its new length."""
        self.planned += seconds
        self.extended += seconds
        self.extends += 1
        if self.reps is not None and step.paced:
            self.reps = math.ceil(self.planned / step.pace_s - EPS)  # type: ignore[operator]

    def carry_on(self, skipped: dict[str, Any]) -> float:
        """Carry on the run saved at a skip (``{"at", "step"}``, see ``SessionState.undo``): its
        plan, and the time it had got to, which this returns (its deadlines before it are past)."""
        before = StepState(**skipped["step"])
        self.planned, self.reps = before.planned, before.reps
        self.extended, self.extends = before.extended, before.extends
        self.offset = skipped["at"] - before.start - before.paused + before.offset
        return self.offset

    def record(self, step: "PlannedStep", t: float, how: str) -> StepRecord:
        """How this run of ``step`` went, ended at session time ``t`` by ``how``. A run that carries
        on from an undone skip counts only its own time, but is judged (and its reps counted)
        with the time done before the skip, as the one step it is to the client."""
        actual = t - self.start - self.paused
        whole = actual + self.offset
        reps_done = None
        if step.paced:
            reps_done = min(self.reps or 0, int(math.floor(whole / step.pace_s + EPS)))  # type: ignore[operator]
        return StepRecord(
            index=step.index, name=step.name, side=step.side, planned_s=self.planned, min_s=step.min_s,
            max_s=step.max_s, actual_s=actual, started_s=self.start, ended_s=t, reps_done=reps_done,
            paused_s=self.paused, extended_s=self.extended, extends=self.extends, how=how,
            timing=judge(whole, step.min_s, step.max_s) if step.kind == "timed" or step.paced else None,
            back=self.back,
        )


@dataclass
class SessionState:
    """Everything a session changes as it runs (times in seconds after its start)."""

    state: str = "ready"  #: ready, running, paused or finished
    last: float = 0.0  #: the latest moment already handled; time never runs back behind it
    index: int | None = None  #: plan index of the current step
    fraction: float = 0.0  #: the common point of their windows later steps are planned at
    fit_end: float = 0.0  #: the moment ``rest`` was fitted from
    rest: float = 0.0  #: seconds the steps after the current one take at ``fraction``
    half: float = 0.0  #: session time of the halfway cue
    halfway_done: bool = False
    pause_start: float | None = None  #: when the pause under way began
    paused_total: float = 0.0
    prev_side: str | None = None  #: the side last worked, for the side-switch cue
    finished_at: float | None = None
    finish_how: str | None = None  #: finished or stopped
    dropped: list[int] = field(default_factory=list)  #: plan indices left out at the table, sorted
    #: the booking could not give second sides what their first side got: they are fitted like
    #: every other step (and shrink) instead of matching it
    sides_shortened: bool = False
    #: the last skip Back can undo: {"index", "at" (session time), "step" (its StepState as saved)}
    undo: dict[str, Any] | None = None
    records: list[StepRecord] = field(default_factory=list)  #: every step run so far, in order
    step: StepState = field(default_factory=StepState)

    def step_due(self) -> float | None:
        """Session time the current step's next deadline falls due (``None``: none, or paused)."""
        if self.state != "running" or not self.step.timers:
            return None
        return self.step.start + self.step.paused + self.step.timers[0][0] - self.step.offset

    def halfway_due(self, target_s: float | None) -> float | None:
        """Session time of the halfway cue: half the booking, or half the plan plus pauses."""
        if self.halfway_done or self.state not in ("running", "paused"):
            return None
        if target_s is not None:
            return self.half
        return None if self.state == "paused" else self.half + self.paused_total

    def close_pause(self, t: float) -> float:
        """End the pause under way at ``t``; its length."""
        length = t - self.pause_start  # type: ignore[operator]
        self.step.paused += length
        self.paused_total += length
        self.pause_start = None
        return length

    def active(self, t: float) -> float:
        """Seconds the current run of the step has lasted at session time ``t``, pauses left out."""
        end = self.pause_start if self.pause_start is not None else t
        return end - self.step.start - self.step.paused

    def step_time(self, t: float) -> float:
        """How far into the current step the session is at ``t``: its run, plus what was done
        before a skip that Back undid (the step's deadlines count on this scale)."""
        return self.active(t) + self.step.offset

    def current_end(self, t: float) -> float:
        """When the current step is expected to end: its deadline, or ``t`` if it waits past it."""
        pause = (t - self.pause_start) if self.pause_start is not None else 0.0
        end = self.step.start + self.step.paused + pause + self.step.planned - self.step.offset
        return end if self.step.auto else max(end, t)

    def paused_at(self, t: float) -> float:
        """Seconds paused in all by session time ``t``, the pause under way included."""
        return self.paused_total + ((t - self.pause_start) if self.pause_start is not None else 0.0)


def plan_fingerprint(plan: "Plan") -> str:
    """A short digest of the plan's steps, so a session is never restored onto a different plan."""
    text = "\n".join(f"{s.name}|{s.kind}|{s.side}|{s.min_s}|{s.max_s}|{s.pace_s}" for s in plan.steps)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def save(state: SessionState, plan: "Plan", options: dict[str, Any], elapsed_s: float | None) -> dict[str, Any]:
    """The saved form: a header, the session's ``options`` and every state field, JSON-safe."""
    data: dict[str, Any] = {"format": FORMAT, "routine": plan.routine.name, "plan": plan_fingerprint(plan),
                            "elapsed_s": elapsed_s}
    data.update((name, options[name]) for name in OPTIONS)
    data.update(asdict(state))
    return data


def load(data: dict[str, Any], plan: "Plan") -> tuple[SessionState, dict[str, Any]]:
    """The state and options in a saved form of any format, checked against ``plan``; ``data`` is
    copied, never shared with the running session."""
    data = upgrade(copy.deepcopy(data))
    if data.get("plan") != plan_fingerprint(plan):
        raise PlanError(
            f'saved session of "{data.get("routine")}" does not match the plan of "{plan.routine.name}"'
            " (the routine file changed since); start a new session"
        )
    values = _fields_of(SessionState, data)
    values["step"] = StepState(**_fields_of(StepState, values["step"]))
    values["records"] = [StepRecord(**record) for record in values["records"]]
    values["dropped"] = sorted(values["dropped"])
    return SessionState(**values), {name: data[name] for name in OPTIONS}


def _fields_of(cls: type, data: Any) -> dict[str, Any]:
    """The values of ``cls``'s fields in ``data``; a missing one means a damaged save."""
    names = [f.name for f in fields(cls)]
    missing = [name for name in names if not isinstance(data, dict) or name not in data]
    if missing:
        raise PlanError(f"saved session has no {', '.join(missing)}; start a new session")
    return {name: data[name] for name in names}


# --- older formats ---------------------------------------------------------------------------

#: Format 1 kept the current step's state in flat ``step_*`` keys (plus ``auto`` and ``timers``).
_FORMAT_1_STEP = {
    "start": "step_start", "paused": "step_paused", "planned": "step_planned", "reps": "step_reps",
    "extended": "step_extended", "extends": "step_extends", "back": "step_back",
    "auto_started": "step_auto_started", "auto": "auto", "timers": "timers",
}


def upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` in this kiosk's format: sessions saved by older kiosks (still in the journal) restore."""
    if data.get("format") == 1:
        data = _from_format_1(data)
    if data.get("format") == 2:
        data = _from_format_2(data)
    if data.get("format") != FORMAT:
        raise PlanError(f"saved session has format {data.get('format')!r}; this kiosk reads 1 to {FORMAT}")
    return data


def _from_format_1(data: dict[str, Any]) -> dict[str, Any]:
    """Format 1 to 2: the step's keys move into ``step``, ``f`` is called ``fraction``."""
    moved = set(_FORMAT_1_STEP.values()) | {"f"}
    out = {key: value for key, value in data.items() if key not in moved}
    out["format"] = 2
    if "f" in data:
        out["fraction"] = data["f"]
    out["step"] = {name: data[key] for name, key in _FORMAT_1_STEP.items() if key in data}
    return out


def _from_format_2(data: dict[str, Any]) -> dict[str, Any]:
    """Format 2 to 3: no skip to undo, second sides matched, the step carries on from nothing."""
    out = dict(data, format=3, sides_shortened=False, undo=None)
    if isinstance(out.get("step"), dict):
        out["step"] = dict(out["step"], offset=0.0)
    return out
