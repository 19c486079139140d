"""Leaving a part out at the table: the client declines the glute work after the session started."""

from __future__ import annotations

import pytest

from kiosk.engine.clock import FakeClock
from kiosk.engine.session import Session
from kiosk.routines.plan import make_plan
from tests.engine.factories import block, manual, routine, timed

ROUTINE = routine(
    timed("Warm-up", 120, 240),
    manual("Consent for glute work", 30),
    block("Glutes", timed("Gluteus maximus", 120, 240), timed("Piriformis", 60, 120),
          sides=("left", "right"), optional="glutes"),
    timed("Legs", 120, 360),
    timed("Closing", 60),
)


def started(target=None) -> Session:
    s = Session(make_plan(ROUTINE, target), FakeClock(0.0))
    s.start(0.0)
    return s


def names(events, kind="step_started"):
    return [e.step.name + (f" ({e.step.side})" if e.step.side else "") for e in events if e.kind == kind]


class TestLeaveOut:
    def test_the_declined_part_is_skipped_and_the_next_step_follows(self):
        s = started()
        s.tick(200.0)                                   # warm-up ends at 180, consent waits
        assert s.snapshot(200.0).name == "Consent for glute work"
        assert s.tags_ahead() == ("glutes",)
        events = s.leave_out("glutes", 201.0)
        assert [e.kind for e in events][:1] == ["part_left_out"] and len(events[0].steps) == 4
        assert s.snapshot(201.0).next_name == "Legs"
        assert s.tags_ahead() == ()
        events = s.advance(205.0)
        assert names(events) == ["Legs"]
        assert s.snapshot(205.0).number == 3 and s.snapshot(205.0).total_steps == 4

    def test_the_booking_respreads_over_what_is_left(self):
        s = started(target=20 * 60.0)
        s.tick(300.0)                                   # the warm-up ran its planned 205 s
        assert s.snapshot(300.0).name == "Consent for glute work"
        before = s.snapshot(301.0).fraction
        events = s.leave_out("glutes", 301.0)
        assert any(e.kind == "respread" for e in events)
        s.advance(305.0)
        snap = s.snapshot(305.0)
        # Glutes gone, the legs take all they can; the session ends as close to 20:00 as it may.
        assert snap.name == "Legs" and snap.fraction == 1.0 and snap.fraction > before
        assert snap.projected_end_s == pytest.approx(305.0 + 360.0 + 60.0)
        assert snap.offset_label == "7:55 early" and snap.over_s == pytest.approx(305 + 360 + 60 - 1200)

    def test_every_step_runs_once_and_none_of_the_part(self):
        s = started()
        s.tick(200.0)
        s.leave_out("glutes", 200.0)
        s.advance(210.0)
        t, events = 210.0, []
        while s.state != "finished":
            t += 30.0
            events += s.tick(t)
        ran = [r.name for r in s.records]
        assert ran == ["Warm-up", "Consent for glute work", "Legs", "Closing"]

    def test_back_skips_over_what_was_left_out(self):
        s = started()
        s.tick(200.0)
        s.leave_out("glutes", 200.0)
        s.advance(210.0)
        events = s.back(220.0)
        assert names(events) == ["Consent for glute work"]

    def test_unknown_tag_and_ready_or_finished_sessions_change_nothing(self):
        s = started()
        assert s.leave_out("no-such-tag", 10.0) == []
        ready = Session(make_plan(ROUTINE), FakeClock(0.0))
        assert ready.leave_out("glutes", 0.0) == [] and ready.tags_ahead() == ()

    def test_a_saved_session_keeps_what_was_left_out(self):
        s = started()
        s.tick(200.0)
        s.leave_out("glutes", 200.0)
        restored = Session.from_dict(s.to_dict(200.0), s.plan, FakeClock(5000.0), 5000.0)
        assert restored.snapshot(5000.0).next_name == "Legs"
        assert restored.tags_ahead() == ()
