"""Mirrored sides: the second side is planned to match the first side as it was actually done."""

from __future__ import annotations

import pytest

from kiosk.engine.clock import FakeClock
from kiosk.engine.session import Session
from kiosk.engine.simulate import Press, simulate
from kiosk.routines.plan import make_plan
from tests.engine.factories import block, reps, routine, timed

#: 60 + 2 x 180 + 180 = 600 s at the middle of every window; the therapist moves on (manual pace).
BACK = routine(
    timed("Warm-up", 60),
    block("Each side", timed("Circles", 120, 240), sides=("left", "right")),
    timed("Closing", 60, 300),
    pace="manual",
)


def run(plan, *advances):
    """A session of ``plan`` where the therapist moves on at each of ``advances`` (seconds), then
    at each step's planned time; every event."""
    s = Session(plan, FakeClock(0.0))
    events = s.start(0.0)
    for t in advances:
        events += s.advance(t)
    _, rest = simulate(plan, session=s, start=False, now=advances[-1] if advances else 0.0)
    return events + rest


def planned(events, name, side=None):
    """The planned seconds (and reps) each start of step ``name`` on ``side`` was given."""
    return [(round(e.planned_s, 6), e.reps) for e in events
            if e.kind == "step_started" and e.step.name == name and e.step.side == side]


class TestMatched:
    def test_the_right_side_gets_what_the_left_got_and_the_closing_absorbs_it(self):
        plan = make_plan(BACK, 600)
        assert [s.planned_s for s in plan.steps] == [60, 180, 180, 180]
        events = run(plan, 60, 60 + 230)                           # left circles: 230 s, not 180
        assert planned(events, "Circles", "right") == [(230, None)]
        assert planned(events, "Closing") == [(80, None)]          # 600 - 290 - 230
        assert events[-1].at == pytest.approx(600)
        assert not [e for e in events if e.kind == "side_shortened"]

    def test_a_short_left_side_is_matched_too_and_the_closing_gets_longer(self):
        events = run(make_plan(BACK, 600), 60, 60 + 130)
        assert planned(events, "Circles", "right") == [(130, None)]
        assert planned(events, "Closing") == [(280, None)]

    def test_the_match_stays_within_the_steps_window(self):
        plan = make_plan(BACK, 600)
        events = run(plan, 60, 60 + 100)                           # left cut short at 100 s
        assert planned(events, "Circles", "right") == [(120, None)]   # its window starts at 2 min

    def test_reps_as_done(self):
        r = routine(block("Each side", reps("Sweeps", 3, 5, pace=15), sides=("left", "right")),
                    timed("Closing", 60, 600))
        plan = make_plan(r, 2 * 60 + 330)
        assert [s.reps for s in plan.steps[:2]] == [4, 4]
        _, events = simulate(plan, [Press(1, "extend")])              # left: one minute more
        assert planned(events, "Sweeps", "left") == [(60, 4)]
        assert planned(events, "Sweeps", "right") == [(75, 5)]        # 8 done, kept to the window's 5

    def test_without_a_booking_the_second_side_still_matches(self):
        plan = make_plan(BACK)
        events = run(plan, 60, 60 + 200)
        assert planned(events, "Circles", "right") == [(200, None)]


class TestShortened:
    def test_when_the_booking_cannot_fit_the_match_the_second_side_shrinks_and_says_so(self):
        plan = make_plan(BACK, 600)
        events = run(plan, 60, 60 + 300)                           # left: 5 minutes, kept to 4
        shortened = [e for e in events if e.kind == "side_shortened"]
        assert [(e.side, round(e.short_s, 6)) for e in shortened] == [("right", 100)]
        assert planned(events, "Circles", "right") == [(140, None)]   # 240 s left for circles + closing
        assert planned(events, "Closing") == [(100, None)]
        assert events[-1].at == pytest.approx(600)

    def test_the_event_comes_once(self):
        s = Session(make_plan(BACK, 600), FakeClock(0.0))
        events = s.start(0.0) + s.advance(60.0) + s.advance(360.0) + s.extend(400.0) + s.advance(420.0)
        assert [e.kind for e in events].count("side_shortened") == 1
