"""The kiosk's behaviour without its looks: which routine, which plan, the running session.

Kivy-free, so it is tested with a fake clock. The Kivy App calls its verbs and reads ``snapshot()``;
listeners (:mod:`kiosk.listeners`: audio cues, spoken prompts, the journal, the watchdog) hear of
every plan, engine event, return to the picker, frame and the kiosk's end, in registration order.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Sequence, TypeVar

from kiosk.engine.budget import SteadyBudget, budget_words
from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.inputs.actions import Action
from kiosk.listeners import LISTENER_METHODS, Listener, notify
from kiosk.routines.model import Routine

#: Session lengths offered on the ready screen besides the routine's own (seconds).
STANDARD_LENGTHS = (30 * 60.0, 60 * 60.0, 90 * 60.0)

L = TypeVar("L")


@dataclass
class Library:
    """The routines the kiosk can run, and the files that failed to load (shown on the error screen)."""

    routines: list[Routine] = field(default_factory=list)
    errors: list[KioskError] = field(default_factory=list)

    @classmethod
    def load(cls, paths: Iterable[Path | str]) -> "Library":
        from kiosk.routines.loader import load_routines

        routines, errors = load_routines([Path(p) for p in paths])
        routines = sorted(routines, key=lambda r: r.name.casefold())
        return cls(list(routines), list(errors))

    def find(self, wanted: str) -> Path:
        """The routine file ``wanted`` names: a path as given, else a loaded routine whose file
        stem or name it is (``back-massage``, ``Back massage``). Not found, it is ``wanted`` as a
        path, so that loading it says what is wrong with the same message as any bad file."""
        path = Path(wanted).expanduser()
        if path.exists():
            return path
        key = wanted.strip().casefold()
        for routine in self.routines:
            if Path(routine.path).stem.casefold() == key or routine.name.casefold() == key:
                return Path(routine.path)
        return path

    def error_lines(self) -> list[str]:
        """Every problem of every file that failed, one ``FILE:LINE:COL: error: ...`` line each."""
        lines: list[str] = []
        for err in self.errors:
            problems = getattr(err, "problems", None)
            if problems:
                lines.extend(str(p) for p in problems)
            else:
                lines.append(str(err))
        return lines


def length_choices(routine: Routine, skip: Sequence[str] = ()) -> list[float]:
    """The routine's own length, then 30/60/90 min, keeping only lengths the routine can reach."""
    from kiosk.routines.plan import reachable

    low, high = reachable(routine, skip)
    choices: list[float] = []
    for length in ([routine.length_s] if routine.length_s else []) + list(STANDARD_LENGTHS):
        if length is not None and low - 1e-6 <= length <= high + 1e-6 and length not in choices:
            choices.append(length)
    return sorted(choices)


class Controller:
    """Holds the chosen routine, its plan and the session; turns actions into engine calls."""

    def __init__(self, clock, *, extend_s: float = 60.0):
        self.clock = clock
        self.extend_s = extend_s
        self.routine: Routine | None = None
        self.length_s: float | None = None
        self.skip: tuple[str, ...] = ()
        self.plan = None
        self.session = None
        self._budget = SteadyBudget()
        self._listeners: list[Listener] = []

    @property
    def listeners(self) -> tuple[Listener, ...]:
        """Everything that reacts to the session, in the order it hears of it (see add_listener)."""
        return tuple(self._listeners)

    def add_listener(self, listener: L) -> L:
        """Have ``listener`` hear of plans, events, the picker, frames and the end, after those
        added before it; returns it, so wiring is one line.

        Raises TypeError for an object with none of the listener methods (a bare function, say),
        which would otherwise hear nothing without a word.
        """
        if not any(callable(getattr(listener, name, None)) for name in LISTENER_METHODS):
            raise TypeError(f"{listener!r} is not a listener: it has none of {', '.join(LISTENER_METHODS)}")
        self._listeners.append(listener)
        return listener

    # -- choosing -----------------------------------------------------------------------------
    def choose(self, routine: Routine, length_s: float | None = None, skip: Iterable[str] = ()) -> None:
        """Plan ``routine`` and make a session ready to start; raises PlanError when out of reach."""
        from kiosk.engine.session import Session
        from kiosk.routines.plan import make_plan

        skip = tuple(skip)
        plan = make_plan(routine, length_s if length_s is not None else routine.length_s, skip)
        self.routine, self.length_s, self.skip = routine, length_s, skip
        self.plan = plan
        self.session = Session(plan, self.clock, extend_s=self.extend_s)
        self._planned()

    def replan(self, length_s: float | None = None, skip: Iterable[str] | None = None) -> str:
        """Plan the chosen routine again for another length or other parts left out (the ready
        screen's choices); the booked length moves to the nearest one still in reach.

        Returns "" when the new plan is ready, else what stops it, in words for the screen, and
        the plan stays as it was: leaving out every part would leave nothing to run.
        """
        from kiosk.errors import PlanError
        from kiosk.routines.plan import reachable

        if self.routine is None:
            return _("Choose a routine first")
        skip = self.skip if skip is None else tuple(skip)
        length_s = self.length_s if length_s is None else length_s
        if length_s is None:
            length_s = self.routine.length_s
        try:
            if length_s is not None:
                low, high = reachable(self.routine, skip)
                length_s = min(max(length_s, low), high)
            self.choose(self.routine, length_s, skip)
        except PlanError:
            return _("Leaving out every part leaves nothing to run: keep at least one")
        return ""

    def adopt(self, session) -> None:
        """Take over a session restored from the journal after an unclean stop."""
        self.session = session
        self.plan = session.plan
        self.routine = session.plan.routine
        self.length_s = session.plan.target_s
        self.skip = tuple(session.plan.skipped)
        self._planned()

    def _planned(self) -> None:
        self._budget = SteadyBudget()
        notify(self._listeners, "on_plan", self.plan)

    def clear(self) -> None:
        """Forget the session (back to the picker)."""
        self.session = None
        self.plan = None
        notify(self._listeners, "on_idle")

    def frame(self, now: float | None = None) -> None:
        """One UI frame has passed: listeners do their periodic work (autosave, watchdog)."""
        notify(self._listeners, "on_frame", self._now(now))

    def close(self) -> None:
        """The kiosk is leaving: every listener releases what it holds, in order."""
        notify(self._listeners, "close")

    # -- running ------------------------------------------------------------------------------
    @property
    def state(self) -> str:
        return self.session.state if self.session else "idle"

    def act(self, action: Action | str, now: float | None = None) -> list:
        """Carry out a therapist's action; in the ready state any advance starts the session."""
        if self.session is None:
            return []
        name = action.value if isinstance(action, Action) else str(action)
        now = self._now(now)
        if self.session.state == "finished":
            return []
        if self.session.state == "ready":
            if name not in ("advance", "toggle_pause", "start"):
                return []
            events = self.session.start(now)
        elif name == "extend":
            events = self.session.extend(now, self.extend_s)
        else:
            events = self.session.act(name, now)
        self._emit(events)
        return events

    def leave_out(self, tag: str, now: float | None = None) -> list:
        """Leave out the steps still to come with the optional ``tag`` (the client declined them)."""
        return self._change("leave_out", tag, now)

    def retarget(self, target_s: float, now: float | None = None) -> list:
        """Move the booking's end to ``target_s`` seconds after the start (see ``Session.retarget``)."""
        return self._change("retarget", target_s, now)

    def _change(self, verb: str, value, now: float | None) -> list:
        """``session.<verb>(value, now)`` on the session there is; its events go to the listeners."""
        if self.session is None:
            return []
        events = getattr(self.session, verb)(value, self._now(now))
        self._emit(events)
        return events

    def stop(self, now: float | None = None) -> list:
        """End the running session early (it is recorded as stopped)."""
        return self._running("stop", now)

    def tick(self, now: float | None = None) -> list:
        """Let the engine see the time; events fall due at their deadlines, not at ticks."""
        return self._running("tick", now)

    def _running(self, verb: str, now: float | None) -> list:
        """``session.<verb>(now)`` while a session runs or is paused; its events go to listeners."""
        if self.session is None or self.session.state in ("ready", "finished"):
            return []
        events = getattr(self.session, verb)(self._now(now))
        if events:
            self._emit(events)
        return events

    def _now(self, now: float | None) -> float:
        return self.clock.now() if now is None else now

    def snapshot(self, now: float | None = None):
        """What the screens show now; the budget readout held steady (see :class:`SteadyBudget`)."""
        if self.session is None:
            return None
        snap = self.session.snapshot(self._now(now))
        shown = self._budget.update(snap.over_s)
        if shown != snap.over_s:
            snap = replace(snap, over_s=shown, offset_label=budget_words(shown))
        return snap

    def _emit(self, events: list) -> None:
        notify(self._listeners, "on_events", events)
