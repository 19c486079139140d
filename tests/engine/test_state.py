"""Saving a session to a plain dict and restoring it (the journal's crash resume)."""

from __future__ import annotations

import json

import pytest

from kiosk.engine.clock import FakeClock, MonotonicClock
from kiosk.engine.session import Session
from kiosk.errors import PlanError
from kiosk.routines.plan import make_plan
from tests.engine.factories import WORKED, reps, routine, timed


def saved(session: Session, now: float) -> dict:
    return json.loads(json.dumps(session.to_dict(now)))  # JSON-safe, and nothing shared


class TestRoundTrip:
    @pytest.mark.parametrize("state", ["ready", "running", "paused", "finished"])
    def test_restore_keeps_state_and_snapshot(self, state):
        plan = make_plan(WORKED, 600)
        s = Session(plan, FakeClock(0.0))
        if state != "ready":
            s.start(0.0)
            s.advance(100.0)
        if state == "paused":
            s.pause(130.0)
        if state == "finished":
            s.stop(140.0)
        r = Session.from_dict(saved(s, 150.0), plan, FakeClock(7.0), now=7.0)
        assert r.state == state and r.records == s.records
        a, b = s.snapshot(150.0), r.snapshot(7.0)
        assert a == b

    def test_restore_on_another_clock_continues_the_countdown(self):
        plan = make_plan(WORKED, 600)
        s = Session(plan, FakeClock(50_000.0))
        s.start(50_000.0)
        s.tick(50_100.0)
        r = Session.from_dict(saved(s, 50_100.0), plan, FakeClock(3.0), now=3.0)
        assert r.next_deadline() == pytest.approx(3.0 + 135)  # Back's warning at 235 s
        assert [e.kind for e in r.tick(3.0 + 150)] == ["warning", "step_ended", "step_started"]

    def test_paced_reps_and_extends_survive(self):
        plan = make_plan(routine(reps("R", 3, 4, pace=15), timed("T", 60)))
        s = Session(plan, FakeClock(0.0))
        s.start(0.0)
        s.extend(20.0, seconds=30)
        r = Session.from_dict(saved(s, 20.0), plan, FakeClock(0.0), now=20.0)
        assert [(e.kind, e.at) for e in r.tick(200.0)] == [(e.kind, e.at) for e in s.tick(200.0)]

    def test_default_clock_time_is_now(self):
        plan = make_plan(WORKED, 600)
        s = Session(plan, MonotonicClock())
        s.start()
        r = Session.from_dict(s.to_dict(), plan, MonotonicClock())
        assert r.snapshot().session_elapsed_s == pytest.approx(s.snapshot().session_elapsed_s, abs=0.5)


class TestRefused:
    def test_a_changed_routine_is_refused_with_a_clear_message(self):
        s = Session(make_plan(WORKED, 600), FakeClock(0.0))
        s.start(0.0)
        other = make_plan(routine(timed("Opening", 60)))
        with pytest.raises(PlanError, match="does not match.*start a new session"):
            Session.from_dict(saved(s, 10.0), other, FakeClock(0.0))

    def test_unknown_format_is_refused(self):
        plan = make_plan(WORKED, 600)
        data = saved(Session(plan, FakeClock(0.0)), 0.0) | {"format": 99}
        with pytest.raises(PlanError, match="format 99"):
            Session.from_dict(data, plan, FakeClock(0.0))
