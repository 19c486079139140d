"""A dry run: a session driven on a virtual clock from start to finish, with scripted presses.

Steps that wait for the therapist are advanced at their planned time (their estimate; at once
without one), the way a therapist who keeps to the plan would, so a preview always finishes.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.engine.clock import FakeClock
from kiosk.engine.events import Event
from kiosk.engine.session import ACTIONS, Session
from kiosk.errors import KioskError
from kiosk.routines.plan import Plan

#: Actions a script may press (``start`` is implied at 0).
PRESS_ACTIONS = tuple(a for a in ACTIONS if a != "start")


@dataclass(frozen=True, order=True)
class Press:
    """One scripted press: ``action`` at ``t`` seconds after the start."""

    t: float
    action: str


class SimulationError(KioskError, RuntimeError):
    """A scripted session cannot finish (for example it is paused and never resumed)."""


def simulate(plan: Plan, presses: list[Press] | tuple[Press, ...] = (), *, session: Session | None = None,
             start: bool = True, now: float = 0.0, until: float | None = None,
             ticks: tuple[float, ...] | list[float] = (), max_events: int = 1_000_000) -> tuple[Session, list[Event]]:
    """Run ``plan`` from start to ``session_finished``; every event in order.

    The virtual clock starts at ``now``. ``session`` carries on an existing (say, restored)
    session, with ``start=False`` when it is already running; ``until`` stops early, after
    everything due up to that time has happened. ``ticks`` are extra times to call ``tick()`` at,
    as a screen polling the engine would; they must change nothing.
    """
    presses = sorted(presses, key=lambda p: p.t)  # stable: same-time presses keep their order
    for p in presses:
        if p.action not in PRESS_ACTIONS:
            raise ValueError(f"unknown action {p.action!r}; expected one of: {', '.join(PRESS_ACTIONS)}")
    clock = FakeClock(now)
    s = session or Session(plan, clock)
    s.clock = clock
    events = s.start(now) if start else []
    i = 0
    seen = -1
    polls = sorted(t for t in ticks if t >= now)
    stalled = 0
    while s.state != "finished":
        stalled = stalled + 1 if len(events) == seen else 0
        seen = len(events)
        if stalled > 10_000:  # no event and no progress: a bug, never a hang
            raise SimulationError(f"the session stopped making progress at {now:g}s")
        if len(events) > max_events:
            raise SimulationError(f"the session did not finish within {max_events} events")
        press = presses[i].t if i < len(presses) else None
        deadline = s.next_deadline()
        therapist = _therapist_advance(s, now)
        poll = polls[0] if polls else None
        candidates = [t for t in (press, deadline, therapist, poll) if t is not None]
        if not candidates:
            raise SimulationError(
                f"the session is paused at {now:g}s and never resumed; add --press T:resume"
            )
        t = max(now, min(candidates))
        if until is not None and t > until:
            clock.set(max(now, until))
            events += s.tick(until)
            break
        clock.set(t)
        if poll is not None and poll <= t:
            events += s.tick(polls.pop(0))
        elif press is not None and press <= t:
            events += s.act(presses[i].action, t)
            i += 1
        elif deadline is not None and deadline <= t:
            events += s.tick(t)
        else:
            events += s.advance(t)
        now = t
    return s, events


def _therapist_advance(s: Session, now: float) -> float | None:
    """When a therapist keeping to the plan moves on from a step that waits for them."""
    if s.state != "running":
        return None
    snap = s.snapshot(now)
    if not snap.waiting:
        return None
    t = now + (snap.step_remaining_s or 0.0)
    grace = s.grace_until
    return max(t, grace) if grace is not None else t
