"""The session state machine: runs a plan on an injected clock and reports what happened as events.

Times inside are seconds after the session's start, so a saved session restores exactly on a
different monotonic clock (after a reboot). Deadlines are absolute on that scale and never
counted in ticks; a pause moves the current step's deadlines but not the booking's end. With a
target length, every schedule change re-spreads the later windows to one new common fraction.
"""

from __future__ import annotations

import math
from typing import Callable

from kiosk.engine.clock import Clock
from kiosk.engine.events import (
    Event, Extended, Halfway, MaxReached, MinReached, PartLeftOut, Paused, Rep, Respread, Resumed,
    SessionFinished, SessionStarted, SideSwitched, Snapshot, StepEnded, StepStarted, StepWarning,
)
from kiosk.engine.records import StepRecord
from kiosk.engine.snapshot import build_snapshot
from kiosk.engine.state import StateMixin
from kiosk.routines.plan import Plan, PlannedStep, duration_at, fit_fraction, reps_at, total_at

STATES = ("ready", "running", "paused", "finished")
ACTIONS = ("start", "advance", "back", "pause", "resume", "toggle_pause", "extend", "stop")
_ORDER = {"rep": 0, "min": 1, "max": 2, "warning": 3, "end": 4}
_EPS = 1e-9
_DEFAULT = object()


class Session(StateMixin):
    """One session of a plan. Every action takes an optional ``now`` (default ``clock.now()``),
    first returns the events that fell due before it, then the action's own events."""

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
        self.state = "ready"
        self.records: list[StepRecord] = []
        self._t0: float | None = None
        self._last = 0.0
        self._index: int | None = None
        self._f = plan.fraction
        self._fit_end = 0.0
        if self.target_s is not None:
            self._f = fit_fraction(self._steps, self.target_s)
        self._rest = total_at(self._steps, self._f)
        self._half = (self.target_s if self.target_s is not None else self._rest) / 2.0
        self._halfway_done = self._half <= 0  # nothing planned: no middle to mark
        self._step_start = self._step_paused = self._step_planned = 0.0
        self._step_reps: int | None = None
        self._step_extended = 0.0
        self._step_extends = 0
        self._step_back = False
        self._step_auto_started = False
        self._auto = False
        self._timers: list[list] = []
        self._pause_start: float | None = None
        self._paused_total = 0.0
        self._prev_side: str | None = None
        self._finished_at: float | None = None
        self._finish_how: str | None = None
        #: Plan indices of steps left out during the session (a part the client declined).
        self._dropped: set[int] = set()

    # --- time ---------------------------------------------------------------------------

    def _rel(self, now: float | None) -> float:
        """``now`` in seconds after the start, never before the last moment already handled."""
        if self._t0 is None:
            return 0.0
        t = (self.clock.now() if now is None else now) - self._t0
        return t if t > self._last else self._last

    def _abs(self, rel: float) -> float:
        return (self._t0 or 0.0) + rel

    def _step_due(self) -> float | None:
        if self.state != "running" or not self._timers:
            return None
        return self._step_start + self._step_paused + self._timers[0][0]

    def _halfway_due(self) -> float | None:
        if self._halfway_done or self.state not in ("running", "paused"):
            return None
        if self.target_s is not None:
            return self._half
        return None if self.state == "paused" else self._half + self._paused_total

    def next_deadline(self) -> float | None:
        """Clock time of the next event that will fall due by itself, if any (for schedulers)."""
        dues = [d for d in (self._step_due(), self._halfway_due()) if d is not None]
        return self._abs(min(dues)) if dues else None

    def tick(self, now: float | None = None) -> list[Event]:
        """Every event that fell due up to ``now``, in order, each exactly once."""
        events: list[Event] = []
        if self.state in ("running", "paused"):
            self._run_until(self._rel(now), events)
        return events

    def _run_until(self, rel: float, events: list[Event]) -> None:
        # Clock times convert to session times with a rounding error: a tick at exactly
        # ``next_deadline()`` must still see that deadline as due.
        rel_due = rel + _EPS
        while True:
            step_due, half_due = self._step_due(), self._halfway_due()
            if step_due is not None and step_due <= rel_due and (half_due is None or step_due <= half_due):
                rel = max(rel, step_due)  # time never runs back behind an event already given
                self._fire_timer(step_due, events)
            elif half_due is not None and half_due <= rel_due:
                rel = max(rel, half_due)
                self._halfway_done = True
                events.append(Halfway(at=self._abs(half_due), index=self._index))
            else:
                break
        if rel > self._last:
            self._last = rel

    def _fire_timer(self, t: float, events: list[Event]) -> None:
        offset, _, tag, payload = self._timers.pop(0)
        at, i = self._abs(t), self._index
        if tag == "rep":
            events.append(Rep(at=at, index=i, rep=payload, of=self._reps_of()))
        elif tag == "warning":
            events.append(StepWarning(at=at, index=i, seconds=self._step_planned - offset))
        elif tag == "min":
            events.append(MinReached(at=at, index=i))
        elif tag == "max":
            events.append(MaxReached(at=at, index=i))
        else:
            self._end_step(t, "auto", events)
            self._next_step(t, events, auto=True)

    # --- actions --------------------------------------------------------------------------

    def act(self, action, now: float | None = None) -> list[Event]:
        """Carry out an action by name (``"advance"``, ``Action.TOGGLE_PAUSE``, ...)."""
        name = getattr(action, "value", action)
        if name not in ACTIONS:
            raise ValueError(f"unknown action {name!r}; expected one of: {', '.join(ACTIONS)}")
        method: Callable[..., list[Event]] = getattr(self, name)
        return method(now=now)

    def start(self, now: float | None = None) -> list[Event]:
        """Begin the session with its first step; does nothing once started."""
        if self.state != "ready":
            return self.tick(now)
        self._t0 = self.clock.now() if now is None else now
        self._last = 0.0
        self.state = "running"
        events: list[Event] = [
            SessionStarted(at=self._t0, index=None, target_s=self.target_s, fraction=self._f,
                           total_steps=len(self._steps))
        ]
        self._start_step(0, 0.0, events)
        return events

    def advance(self, now: float | None = None) -> list[Event]:
        """End the current step now. Starts a ready session; resumes a paused one instead."""
        if self.state == "ready":
            return self.start(now)
        events = self.tick(now)
        if self.state == "paused":
            self._resume(self._last, events)
        elif self.state == "running":
            t = self._last
            if self._step_auto_started and t - self._step_start < self.grace_s - _EPS:
                return events
            self._end_step(t, "advance", events)
            self._next_step(t, events)
        return events

    def back(self, now: float | None = None) -> list[Event]:
        """Restart the previous step (the first step restarts itself); resumes if paused."""
        events = self.tick(now)
        if self.state == "paused":
            self._resume(self._last, events)
        if self.state == "running":
            t, i = self._last, self._index or 0
            self._end_step(t, "back", events)
            previous = self._before(i)
            self._start_step(i if previous is None else previous, t, events, back=True)
        return events

    def pause(self, now: float | None = None) -> list[Event]:
        """Stop the step's clock; the booking's end keeps its place."""
        events = self.tick(now)
        if self.state == "running":
            self.state = "paused"
            self._pause_start = self._last
            events.append(Paused(at=self._abs(self._last), index=self._index))
        return events

    def resume(self, now: float | None = None) -> list[Event]:
        """Restart the step's clock and re-spread what is left over the remaining booking."""
        events = self.tick(now)
        if self.state == "paused":
            self._resume(self._last, events)
        return events

    def toggle_pause(self, now: float | None = None) -> list[Event]:
        """Pause when running, resume when paused (one foot-switch press)."""
        return self.resume(now) if self.state == "paused" else self.pause(now)

    def extend(self, now: float | None = None, seconds: float | None = None) -> list[Event]:
        """Give the current step ``seconds`` more (``extend_s`` by default), past its window if need be."""
        events = self.tick(now)
        if self.state not in ("running", "paused"):
            return events
        extra = self.extend_s if seconds is None else float(seconds)
        t = self._last
        self._step_planned += extra
        self._step_extended += extra
        self._step_extends += 1
        if self._step_reps is not None and self._steps[self._index].paced:  # type: ignore[index]
            self._step_reps = math.ceil(self._step_planned / self._steps[self._index].pace_s - _EPS)  # type: ignore[index,operator]
        self._arm_timers(after=self._active(t))
        events.append(Extended(at=self._abs(t), index=self._index, seconds=extra, planned_s=self._step_planned))
        self._respread_later(self._current_end(t), t, events)
        return events

    def leave_out(self, tag: str, now: float | None = None) -> list[Event]:
        """Leave out the steps still to come that carry the optional ``tag`` (the client declined
        them at the table) and re-spread the booking over what is left. Before the start, plan
        with ``skip`` instead; the current step is ended with ``advance`` as usual."""
        events = self.tick(now)
        if self.state not in ("running", "paused"):
            return events
        current = self._index  # type: ignore[assignment]
        dropped = tuple(s.index for s in self._following(current + 1) if s.optional == tag)  # type: ignore[operator]
        if not dropped:
            return events
        self._dropped.update(dropped)
        t = self._last
        events.append(PartLeftOut(at=self._abs(t), index=current, tag=tag, steps=dropped))
        self._respread_later(self._current_end(t), t, events)
        return events

    def retarget(self, target_s: float, now: float | None = None) -> list[Event]:
        """Move the booking's end to ``target_s`` seconds after the start (the desk's "end by")
        and re-spread the steps still to come over it. Before the start this sets the length the
        plan is fitted to; when even the shortest windows cannot fit, the snapshot's ``over_s``
        says how late the session will end."""
        if not (isinstance(target_s, (int, float)) and math.isfinite(target_s) and target_s > 0):
            raise ValueError(f"target must be a positive number of seconds, not {target_s!r}")
        events = self.tick(now)
        if self.state == "finished":
            return events
        self.target_s = float(target_s)
        if not self._halfway_done:
            self._half = self.target_s / 2.0
        if self.state == "ready":
            self._f = fit_fraction(self._steps, self.target_s)
            self._rest = total_at(self._steps, self._f)
            return events
        t = self._last
        self._respread_later(self._current_end(t), t, events)
        return events

    def tags_ahead(self) -> tuple[str, ...]:
        """Optional tags of the steps still to come, in order: the parts that can still be left out."""
        if self.state not in ("running", "paused") or self._index is None:
            return ()
        tags: list[str] = []
        for step in self._following(self._index + 1):
            if step.optional and step.optional not in tags:
                tags.append(step.optional)
        return tuple(tags)

    def stop(self, now: float | None = None) -> list[Event]:
        """End the session now."""
        if self.state == "ready":
            self._t0 = self.clock.now() if now is None else now
            self.state = "running"
            events: list[Event] = []
            self._finish(0.0, "stopped", events)
            return events
        events = self.tick(now)
        if self.state in ("running", "paused"):
            t = self._last
            self._end_step(t, "stop", events)
            self._finish(t, "stopped", events)
        return events

    # --- steps ----------------------------------------------------------------------------

    def _active(self, t: float) -> float:
        """Seconds the current step has run at session time ``t``, pauses left out."""
        end = self._pause_start if self._pause_start is not None else t
        return end - self._step_start - self._step_paused

    def _reps_of(self) -> int:
        return self._step_reps or 0

    def _following(self, first: int) -> list[PlannedStep]:
        """The steps from plan index ``first`` on, less those left out."""
        return [s for s in self._steps[first:] if s.index not in self._dropped]

    def _after(self, i: int) -> int | None:
        """The plan index of the step that follows step ``i`` (None after the last)."""
        return next((s.index for s in self._steps[i + 1:] if s.index not in self._dropped), None)

    def _before(self, i: int) -> int | None:
        """The plan index of the step before step ``i`` (None before the first)."""
        return next((s.index for s in reversed(self._steps[:i]) if s.index not in self._dropped), None)

    def _current_end(self, t: float) -> float:
        """When the current step is expected to end: its deadline, or now if it runs over."""
        pause = (t - self._pause_start) if self._pause_start is not None else 0.0
        end = self._step_start + self._step_paused + pause + self._step_planned
        return end if self._auto else max(end, t)

    def _respread(self, first: int, begin: float, t: float, events: list[Event]) -> None:
        """Fit the steps from ``first`` on into the booking left after ``begin``."""
        if self.target_s is None:
            return
        later = self._following(first)
        previous = self._f
        self._f = fit_fraction(later, self.target_s - begin, rigid=previous)
        self._fit_end = begin
        if abs(self._f - previous) > 1e-9:
            over = begin + total_at(later, self._f) - self.target_s
            events.append(Respread(at=self._abs(t), index=self._index, fraction=self._f,
                                   previous=previous, over_s=over))

    def _respread_later(self, begin: float, t: float, events: list[Event]) -> None:
        self._respread(self._index + 1, begin, t, events)  # type: ignore[operator]
        self._rest = total_at(self._following(self._index + 1), self._f)  # type: ignore[operator]

    def _start_step(self, i: int, t: float, events: list[Event], back: bool = False, auto: bool = False) -> None:
        step = self._steps[i]
        self._respread(i, t, t, events)
        if step.side and self._prev_side and step.side != self._prev_side:
            events.append(SideSwitched(at=self._abs(t), index=i, side=step.side, previous=self._prev_side))
        self._prev_side = step.side or self._prev_side
        self._index = i
        self._step_start, self._step_paused = t, 0.0
        self._step_planned = duration_at(step, self._f)
        self._step_reps = reps_at(step.reps_min, step.reps_max, self._f) if step.reps_min is not None else None
        self._step_extended, self._step_extends = 0.0, 0
        self._step_back, self._step_auto_started = back, auto
        self._auto = step.paced or (step.kind == "timed" and self.pace == "auto")
        self._rest = total_at(self._following(i + 1), self._f)
        self._fit_end = t + self._step_planned
        self._arm_timers(after=-1.0)
        events.append(StepStarted(at=self._abs(t), index=i, step=step, planned_s=self._step_planned,
                                  reps=self._step_reps, back=back))
        if step.paced:
            events.append(Rep(at=self._abs(t), index=i, rep=1, of=self._reps_of()))

    def _arm_timers(self, after: float) -> None:
        """The current step's own deadlines (offsets in its running time) still to come."""
        step = self._steps[self._index]  # type: ignore[index]
        planned = self._step_planned
        timers: list[tuple[float, str, int | None]] = []
        if step.paced:
            timers += [((k - 1) * step.pace_s, "rep", k) for k in range(2, self._reps_of() + 1)]  # type: ignore[operator]
        if self._auto:
            if self.warning_s > 0 and planned > self.warning_s:
                timers.append((planned - self.warning_s, "warning", None))
            timers.append((planned, "end", None))
        elif step.kind == "timed":
            if step.min_s < step.max_s:
                timers.append((step.min_s, "min", None))
            timers.append((step.max_s, "max", None))
        self._timers = sorted(
            ([off, _ORDER[tag], tag, payload] for off, tag, payload in timers if off > after),
            key=lambda x: (x[0], x[1]),
        )

    def _end_step(self, t: float, how: str, events: list[Event]) -> None:
        if self._pause_start is not None:  # stopped while paused: the pause ends here
            self._close_pause(t)
        step = self._steps[self._index]  # type: ignore[index]
        actual = t - self._step_start - self._step_paused
        timing = None
        if step.kind == "timed" or step.paced:
            timing = "early" if actual < step.min_s - _EPS else "late" if actual > step.max_s + _EPS else "within"
        reps_done = None
        if step.paced:
            reps_done = min(self._reps_of(), int(math.floor(actual / step.pace_s + _EPS)))  # type: ignore[operator]
        self.records.append(StepRecord(
            index=step.index, name=step.name, side=step.side, planned_s=self._step_planned,
            min_s=step.min_s, max_s=step.max_s, actual_s=actual, started_s=self._step_start, ended_s=t,
            reps_done=reps_done, paused_s=self._step_paused, extended_s=self._step_extended,
            extends=self._step_extends, how=how, timing=timing, back=self._step_back,
        ))
        self._timers = []
        events.append(StepEnded(at=self._abs(t), index=step.index, name=step.name, actual_s=actual,
                                planned_s=self._step_planned, how=how, timing=timing, reps_done=reps_done))

    def _next_step(self, t: float, events: list[Event], auto: bool = False) -> None:
        i = self._after(self._index)  # type: ignore[arg-type]
        if i is not None:
            self._start_step(i, t, events, auto=auto)
        else:
            self._finish(t, "finished", events)

    def _finish(self, t: float, how: str, events: list[Event]) -> None:
        self.state = "finished"
        self._finished_at, self._finish_how = t, how
        self._index, self._timers, self._rest = None, [], 0.0
        over = None if self.target_s is None else t - self.target_s
        events.append(SessionFinished(at=self._abs(t), index=None, how=how, elapsed_s=t,
                                      paused_s=self._paused_total, over_s=over))

    def _close_pause(self, t: float) -> float:
        length = t - self._pause_start  # type: ignore[operator]
        self._step_paused += length
        self._paused_total += length
        self._pause_start = None
        return length

    def _resume(self, t: float, events: list[Event]) -> None:
        length = self._close_pause(t)
        self.state = "running"
        events.append(Resumed(at=self._abs(t), index=self._index, paused_s=length))
        self._respread_later(self._current_end(t), t, events)

    # --- reading ---------------------------------------------------------------------------

    @property
    def index(self) -> int | None:
        """Plan index of the current step (``None`` when ready or finished)."""
        return self._index

    @property
    def fraction(self) -> float:
        """The common fraction later windows sit at now."""
        return self._f

    @property
    def grace_until(self) -> float | None:
        """Clock time until which ``advance`` is ignored (the current step just started by itself)."""
        if self.state != "running" or not self._step_auto_started or self.grace_s <= 0:
            return None
        return self._abs(self._step_start + self.grace_s)

    def snapshot(self, now: float | None = None) -> Snapshot:
        """What a screen shows at ``now``; call :meth:`tick` first so no event is missed."""
        return build_snapshot(self, self._rel(now))

    def later_steps_at(self, end: float) -> tuple[float, float]:
        """``(fraction, seconds)`` the steps after the current one take if it ends at ``end``."""
        first = 0 if self._index is None else self._index + 1
        if self.target_s is None or abs(end - self._fit_end) <= _EPS:
            return self._f, self._rest
        later = self._following(first)
        f = fit_fraction(later, self.target_s - end, rigid=self._f)
        return f, total_at(later, f)

    def __repr__(self) -> str:
        return f"<Session {self.plan.routine.name!r} {self.state} step={self._index} f={self._f:.4f}>"


__all__ = ["ACTIONS", "STATES", "PlannedStep", "Session", "StepRecord"]
