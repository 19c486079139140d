"""The session state machine: runs a plan on an injected clock and reports what happened as events.

Times inside are seconds after the session's start, so a saved session restores exactly on a
different monotonic clock (after a reboot). Deadlines are absolute on that scale and never
counted in ticks; a pause moves the current step's deadlines but not the booking's end. With a
target length, every schedule change re-spreads the later windows to one new common fraction.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from enum import Enum
from typing import Any, Callable

from kiosk.engine.clock import Clock
from kiosk.engine.events import (
    Event, Extended, Halfway, MaxReached, MinReached, PartLeftOut, Paused, Rep, Respread, Resumed,
    SessionFinished, SessionStarted, SideShortened, SideSwitched, StepEnded, StepStarted, StepWarning,
)
from kiosk.engine.reading import SessionReading
from kiosk.engine.records import EPS, StepRecord
from kiosk.engine.state import OPTIONS, SessionState, StepState, load, save
from kiosk.routines.plan import Plan, PlannedStep, fit_fraction, total_at

STATES = ("ready", "running", "paused", "finished")
ACTIONS = ("start", "advance", "back", "pause", "resume", "toggle_pause", "extend", "stop")
#: Back this soon after a skip returns to the skipped step with the time it had left (a skip by
#: mistake is undone); later, Back restarts the previous step.
UNDO_SKIP_S = 5.0
_DEFAULT = object()


class Session(SessionReading):
    """One session of a plan. Every action takes an optional ``now`` (default ``clock.now()``),
    first returns the events that fell due before it, then the action's own events.

    What changes as the session runs is one :class:`~kiosk.engine.state.SessionState`; the
    attributes set here from the arguments stay as they are.
    """

    def __init__(
        self,
        plan: Plan,
        clock: Clock,
        *,
        target_s: float | None = _DEFAULT,  # type: ignore[assignment]
        pace: str | None = None,
        warning_s: float | None = None,
        extend_s: float = 60.0,
        grace_s: float = 1.0,
    ):
        self.plan = plan
        self.clock = clock
        self.target_s: float | None = plan.target_s if target_s is _DEFAULT else target_s
        self.pace = pace or plan.routine.pace
        if self.pace not in ("auto", "manual"):
            raise ValueError(f'pace must be "auto" or "manual", not {self.pace!r}')
        self.warning_s = plan.routine.warning_s if warning_s is None else float(warning_s)
        self.extend_s = float(extend_s)
        #: An ``advance`` this soon after a step started by itself was meant for the step that
        #: just ended, so it is ignored rather than skipping the new step.
        self.grace_s = float(grace_s)
        self._steps = plan.steps
        self._t0: float | None = None  # clock time of the session's start
        fraction = plan.fraction if self.target_s is None else fit_fraction(self._steps, self.target_s)
        rest = total_at(self._steps, fraction)
        half = (self.target_s if self.target_s is not None else rest) / 2.0
        # Nothing planned: no middle to mark.
        self._s = SessionState(fraction=fraction, rest=rest, half=half, halfway_done=half <= 0)

    # --- time ---------------------------------------------------------------------------

    def next_deadline(self) -> float | None:
        """Clock time of the next event that will fall due by itself, if any (for schedulers)."""
        dues = [d for d in (self._s.step_due(), self._s.halfway_due(self.target_s)) if d is not None]
        return self._abs(min(dues)) if dues else None

    def tick(self, now: float | None = None) -> list[Event]:
        """Every event that fell due up to ``now``, in order, each exactly once."""
        events: list[Event] = []
        if self._s.state in ("running", "paused"):
            self._run_until(self._rel(now), events)
        return events

    def _run_until(self, rel: float, events: list[Event]) -> None:
        # Clock times convert to session times with a rounding error: a tick at exactly
        # ``next_deadline()`` must still see that deadline as due.
        rel_due = rel + EPS
        while True:
            step_due, half_due = self._s.step_due(), self._s.halfway_due(self.target_s)
            if step_due is not None and step_due <= rel_due and (half_due is None or step_due <= half_due):
                rel = max(rel, step_due)  # time never runs back behind an event already given
                self._fire_timer(step_due, events)
            elif half_due is not None and half_due <= rel_due:
                rel = max(rel, half_due)
                self._s.halfway_done = True
                events.append(Halfway(at=self._abs(half_due), index=self._s.index))
            else:
                break
        if rel > self._s.last:
            self._s.last = rel

    def _fire_timer(self, t: float, events: list[Event]) -> None:
        offset, _, tag, payload = self._s.step.timers.pop(0)
        at, i = self._abs(t), self._s.index
        if tag == "rep":
            events.append(Rep(at=at, index=i, rep=payload, of=(self._s.step.reps or 0)))
        elif tag == "warning":
            events.append(StepWarning(at=at, index=i, seconds=self._s.step.planned - offset))
        elif tag == "min":
            events.append(MinReached(at=at, index=i))
        elif tag == "max":
            events.append(MaxReached(at=at, index=i))
        else:
            self._end_step(t, "auto", events)
            self._next_step(t, events, auto=True)

    # --- actions --------------------------------------------------------------------------

    def act(self, action: str | Enum, now: float | None = None) -> list[Event]:
        """Carry out an action by name (``"advance"``, ``Action.TOGGLE_PAUSE``, ...)."""
        name = getattr(action, "value", action)
        if name not in ACTIONS:
            raise ValueError(f"unknown action {name!r}; expected one of: {', '.join(ACTIONS)}")
        method: Callable[..., list[Event]] = getattr(self, name)
        return method(now=now)

    def start(self, now: float | None = None) -> list[Event]:
        """Begin the session with its first step; does nothing once started."""
        if self._s.state != "ready":
            return self.tick(now)
        self._t0 = self.clock.now() if now is None else now
        self._s.last = 0.0
        self._s.state = "running"
        events: list[Event] = [
            SessionStarted(at=self._t0, index=None, target_s=self.target_s, fraction=self._s.fraction,
                           total_steps=len(self._steps))
        ]
        self._start_step(0, 0.0, events)
        return events

    def advance(self, now: float | None = None) -> list[Event]:
        """End the current step now. Starts a ready session; resumes a paused one instead."""
        if self._s.state == "ready":
            return self.start(now)
        events = self.tick(now)
        if self._s.state == "paused":
            self._resume(self._s.last, events)
        elif self._s.state == "running":
            t = self._s.last
            if self._s.step.auto_started and t - self._s.step.start < self.grace_s - EPS:
                return events
            skipped = {"index": self._s.index, "at": t, "step": asdict(self._s.step)}
            self._end_step(t, "advance", events)
            self._next_step(t, events)
            self._s.undo = skipped
        return events

    def back(self, now: float | None = None) -> list[Event]:
        """Go back to the previous step; resumes if paused. Within :data:`UNDO_SKIP_S` of skipping
        it, the step carries on with the time it had left; otherwise (and for the first step,
        which restarts itself) it starts again from its full planned time."""
        events = self.tick(now)
        if self._s.state == "paused":
            self._resume(self._s.last, events)
        if self._s.state == "running":
            t, i = self._s.last, self._s.index or 0
            undo = self._s.undo
            self._end_step(t, "back", events)
            previous = self._before(i)
            target = i if previous is None else previous
            if undo is not None and undo["index"] == target and t - undo["at"] <= UNDO_SKIP_S + EPS:
                self._start_step(target, t, events, back=True, carry_on=undo)
            else:
                self._start_step(target, t, events, back=True)
        return events

    def pause(self, now: float | None = None) -> list[Event]:
        """Stop the step's clock; the booking's end keeps its place."""
        events = self.tick(now)
        if self._s.state == "running":
            self._s.state = "paused"
            self._s.pause_start = self._s.last
            events.append(Paused(at=self._abs(self._s.last), index=self._s.index))
        return events

    def resume(self, now: float | None = None) -> list[Event]:
        """Restart the step's clock and re-spread what is left over the remaining booking."""
        events = self.tick(now)
        if self._s.state == "paused":
            self._resume(self._s.last, events)
        return events

    def toggle_pause(self, now: float | None = None) -> list[Event]:
        """Pause when running, resume when paused (one foot-switch press)."""
        return self.resume(now) if self._s.state == "paused" else self.pause(now)

    def extend(self, now: float | None = None, seconds: float | None = None) -> list[Event]:
        """Give the current step ``seconds`` more (``extend_s`` by default), past its window if need be."""
        events = self.tick(now)
        if self._s.state not in ("running", "paused"):
            return events
        extra = self.extend_s if seconds is None else float(seconds)
        t = self._s.last
        step = self._steps[self._s.index]  # type: ignore[index]
        self._s.step.extend(step, extra)
        self._s.step.arm(step, self.warning_s, after=self._s.step_time(t))
        events.append(Extended(at=self._abs(t), index=self._s.index, seconds=extra, planned_s=self._s.step.planned))
        self._respread_later(self._s.current_end(t), t, events)
        return events

    def leave_out(self, tag: str, now: float | None = None) -> list[Event]:
        """Leave out the steps still to come that carry the optional ``tag`` (the client declined
        them at the table) and re-spread the booking over what is left. Before the start, plan
        with ``skip`` instead; the current step is ended with ``advance`` as usual."""
        events = self.tick(now)
        if self._s.state not in ("running", "paused"):
            return events
        current = self._s.index
        dropped = tuple(s.index for s in self._following(current + 1) if s.optional == tag)  # type: ignore[operator]
        if not dropped:
            return events
        self._s.dropped = sorted(set(self._s.dropped).union(dropped))
        t = self._s.last
        events.append(PartLeftOut(at=self._abs(t), index=current, tag=tag, steps=dropped))
        self._respread_later(self._s.current_end(t), t, events)
        return events

    def retarget(self, target_s: float, now: float | None = None) -> list[Event]:
        """Move the booking's end to ``target_s`` seconds after the start (the desk's "end by") and
        re-spread the steps still to come over it; before the start, fit the plan to it. When even
        the shortest windows cannot fit, the snapshot's ``over_s`` says how late it will end."""
        if not (isinstance(target_s, (int, float)) and math.isfinite(target_s) and target_s > 0):
            raise ValueError(f"target must be a positive number of seconds, not {target_s!r}")
        events = self.tick(now)
        s = self._s
        if s.state == "finished":
            return events
        self.target_s = float(target_s)
        if not s.halfway_done:
            s.half = self.target_s / 2.0
        if s.state == "ready":
            s.fraction = fit_fraction(self._steps, self.target_s)
            s.rest = total_at(self._steps, s.fraction)
        else:
            self._respread_later(s.current_end(s.last), s.last, events)
        return events

    def tags_ahead(self) -> tuple[str, ...]:
        """Optional tags of the steps still to come, in order: the parts that can still be left out."""
        if self._s.state not in ("running", "paused") or self._s.index is None:
            return ()
        return tuple(dict.fromkeys(s.optional for s in self._following(self._s.index + 1) if s.optional))

    def stop(self, now: float | None = None) -> list[Event]:
        """End the session now."""
        if self._s.state == "ready":
            self._t0 = self.clock.now() if now is None else now
            self._s.state = "running"
            events: list[Event] = []
            self._finish(0.0, "stopped", events)
            return events
        events = self.tick(now)
        if self._s.state in ("running", "paused"):
            t = self._s.last
            self._end_step(t, "stop", events)
            self._finish(t, "stopped", events)
        return events

    # --- steps ----------------------------------------------------------------------------

    def _before(self, i: int) -> int | None:
        """The plan index of the step before step ``i`` (None before the first)."""
        return next((s.index for s in reversed(self._steps[:i]) if s.index not in self._s.dropped), None)

    def _respread(self, first: int, begin: float, t: float, events: list[Event]) -> None:
        """Fit the steps from ``first`` on into the booking left after ``begin``."""
        if self.target_s is None:
            return
        later = self._following(first)
        previous, was_short = self._s.fraction, self._s.sides_shortened
        self._s.fraction, matching, short = self.schedule().fit(later, self.target_s - begin, previous)
        self._s.sides_shortened = not matching
        self._s.fit_end = begin
        if abs(self._s.fraction - previous) > 1e-9:
            over = begin + self.schedule().total(later, self._s.fraction) - self.target_s
            events.append(Respread(at=self._abs(t), index=self._s.index, fraction=self._s.fraction,
                                   previous=previous, over_s=over))
        if self._s.sides_shortened and not was_short:
            side = next((s.side for s in later if s.mirror is not None), None)
            events.append(SideShortened(at=self._abs(t), index=self._s.index, side=side, short_s=short))

    def _respread_later(self, begin: float, t: float, events: list[Event]) -> None:
        self._respread(self._s.index + 1, begin, t, events)  # type: ignore[operator]
        later = self._following(self._s.index + 1)  # type: ignore[operator]
        self._s.rest = self.schedule().total(later, self._s.fraction)

    def _start_step(self, i: int, t: float, events: list[Event], back: bool = False, auto: bool = False,
                    carry_on: dict[str, Any] | None = None) -> None:
        """Begin step ``i`` at ``t``; ``carry_on`` (a skipped run's saved state) continues it with
        the time it had left instead."""
        step = self._steps[i]
        self._respread(i, t, t, events)
        if step.side and self._s.prev_side and step.side != self._s.prev_side:
            events.append(SideSwitched(at=self._abs(t), index=i, side=step.side, previous=self._s.prev_side))
        self._s.prev_side = step.side or self._s.prev_side
        self._s.index = i
        f, schedule = self._s.fraction, self.schedule()
        self._s.step = StepState(
            start=t, planned=schedule.duration(step, f), back=back, auto_started=auto,
            reps=schedule.reps(step, f), auto=step.paced or (step.kind == "timed" and self.pace == "auto"),
        )
        after = -1.0 if carry_on is None else self._s.step.carry_on(carry_on)
        self._s.undo = None
        self._s.rest = schedule.total(self._following(i + 1), self._s.fraction)
        self._s.fit_end = self._s.current_end(t)
        self._s.step.arm(step, self.warning_s, after=after)
        events.append(StepStarted(at=self._abs(t), index=i, step=step, planned_s=self._s.step.planned,
                                  reps=self._s.step.reps, back=back, matched=schedule.matches(step)))
        if step.paced and carry_on is None:
            events.append(Rep(at=self._abs(t), index=i, rep=1, of=(self._s.step.reps or 0)))

    def _end_step(self, t: float, how: str, events: list[Event]) -> None:
        if self._s.pause_start is not None:  # stopped while paused: the pause ends here
            self._s.close_pause(t)
        step = self._steps[self._s.index]  # type: ignore[index]
        record = self._s.step.record(step, t, how)
        self._s.records.append(record)
        self._s.step.timers = []
        events.append(StepEnded(at=self._abs(t), index=step.index, name=step.name, actual_s=record.actual_s,
                                planned_s=record.planned_s, how=how, timing=record.timing,
                                reps_done=record.reps_done))

    def _next_step(self, t: float, events: list[Event], auto: bool = False) -> None:
        i = self.next_index(self._s.index)  # type: ignore[arg-type]
        if i is not None:
            self._start_step(i, t, events, auto=auto)
        else:
            self._finish(t, "finished", events)

    def _finish(self, t: float, how: str, events: list[Event]) -> None:
        self._s.state = "finished"
        self._s.finished_at, self._s.finish_how = t, how
        self._s.index, self._s.step.timers, self._s.rest = None, [], 0.0
        over = None if self.target_s is None else t - self.target_s
        events.append(SessionFinished(at=self._abs(t), index=None, how=how, elapsed_s=t,
                                      paused_s=self._s.paused_total, over_s=over))

    def _resume(self, t: float, events: list[Event]) -> None:
        length = self._s.close_pause(t)
        self._s.state = "running"
        events.append(Resumed(at=self._abs(t), index=self._s.index, paused_s=length))
        self._respread_later(self._s.current_end(t), t, events)

    # --- saving ---------------------------------------------------------------------------

    def to_dict(self, now: float | None = None) -> dict[str, Any]:
        """The whole session, JSON-safe; ``now`` fixes the moment a restore continues from."""
        options = {name: getattr(self, name) for name in OPTIONS}
        return save(self._s, self.plan, options, None if self._t0 is None else self._rel(now))

    @classmethod
    def from_dict(cls, data: dict[str, Any], plan: Plan, clock: Clock, now: float | None = None) -> Session:
        """A session that carries on from ``data`` (any saved format) as if it had been saved at ``now``."""
        state, options = load(data, plan)
        session = cls(plan, clock, **options)
        session._s = state
        if data["elapsed_s"] is not None:
            session._t0 = (clock.now() if now is None else now) - data["elapsed_s"]
        return session

    def __repr__(self) -> str:
        return f"<Session {self.plan.routine.name!r} {self._s.state} step={self._s.index} f={self._s.fraction:.4f}>"


__all__ = ["ACTIONS", "STATES", "PlannedStep", "Session", "StepRecord"]
