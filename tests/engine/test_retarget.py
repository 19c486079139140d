"""The desk's "end by": the booking's end moves and the steps still to come re-spread over it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from kiosk.engine.clock import FakeClock
from kiosk.engine.session import Session
from kiosk.routines.plan import make_plan
from tests.engine.factories import WORKED

# WORKED: Opening 60, Back 120-240, Legs 120-240, Arms 60-180, Closing 30 -> 390 to 750 s.


def session(target=None) -> Session:
    return Session(make_plan(WORKED, target), FakeClock(0.0))


class TestRunning:
    def test_an_earlier_end_shortens_the_windows_still_to_come(self):
        s = session(target=700.0)
        s.start(0.0)
        s.tick(100.0)  # Back runs
        before = s.snapshot(100.0)
        events = s.retarget(600.0, 100.0)
        assert [e.kind for e in events] == ["respread"]
        after = s.snapshot(100.0)
        assert after.target_end_s == 600.0 and after.fraction < before.fraction
        assert after.projected_end_s == pytest.approx(600.0)
        assert after.offset_label == "on time" or abs(after.over_s) < 1e-6

    def test_an_end_out_of_reach_says_how_late(self):
        s = session(target=700.0)
        s.start(0.0)
        s.tick(100.0)
        s.retarget(300.0, 100.0)  # Back runs 60..; even the shortest windows end well after 300 s
        snap = s.snapshot(100.0)
        assert snap.fraction == 0.0
        assert snap.over_s == pytest.approx(snap.projected_end_s - 300.0) and snap.over_s > 0

    def test_a_session_without_a_booking_gets_one(self):
        s = session(target=None)
        s.start(0.0)
        s.tick(10.0)
        s.retarget(500.0, 10.0)
        snap = s.snapshot(10.0)
        assert snap.target_end_s == 500.0 and snap.projected_end_s == pytest.approx(500.0)

    def test_while_paused_the_new_end_holds_after_resume(self):
        s = session(target=700.0)
        s.start(0.0)
        s.pause(30.0)
        s.retarget(650.0, 40.0)
        s.resume(50.0)
        assert s.snapshot(50.0).projected_end_s == pytest.approx(650.0)

    def test_a_finished_session_is_left_alone(self):
        s = session(target=700.0)
        s.start(0.0)
        s.stop(10.0)
        assert s.retarget(300.0, 20.0) == [] and s.target_s == 700.0

    @pytest.mark.parametrize("bad", [0, -5, float("nan"), float("inf"), "600"])
    def test_a_bad_target_is_refused(self, bad):
        with pytest.raises(ValueError):
            session(700.0).retarget(bad, 0.0)


class TestBeforeTheStart:
    def test_the_plan_is_fitted_to_the_new_length(self):
        s = session(target=700.0)
        s.retarget(500.0, 0.0)
        assert s.snapshot(0.0).projected_end_s == pytest.approx(500.0)
        events = s.start(0.0)
        assert events[0].target_s == 500.0


@settings(max_examples=150, deadline=None)
@given(st.floats(0.0, 380.0), st.floats(100.0, 2000.0))
def test_the_projected_end_is_the_target_whenever_it_is_reachable(at, target):
    s = session(target=700.0)
    s.start(0.0)
    s.tick(at)
    s.retarget(target, at)
    snap = s.snapshot(at)
    if snap.over_s is not None and abs(snap.over_s) > 1e-6:
        # Out of reach: every window left is at its shortest (too late) or longest (too early).
        assert snap.fraction in (0.0, 1.0)
    else:
        assert snap.projected_end_s == pytest.approx(target)
