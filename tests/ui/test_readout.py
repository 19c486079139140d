"""What the session screen says for each kind of step, worked out from engine snapshots."""

from __future__ import annotations

import pytest

from kiosk.engine.clock import FakeClock
from kiosk.engine.session import Session
from kiosk.routines.loader import load_routine_text
from kiosk.routines.plan import make_plan
from kiosk.ui.readout import (
    big_readout, locale_hours, next_change_s, next_label, pause_line, rep_label, side_shortened_note, wall_time,
    window_text,
)

ROUTINE = """
version: 1
name: Readout
steps:
  - {name: Warm-up, time: 90s}
  - {name: Sweeps, reps: 3-4, pace: 10s, rep_name: sweep}
  - {name: Strokes, reps: 3-4}
  - {name: Check in, until: advance}
"""

UNTIMED = """
version: 1
name: Untimed
steps:
  - {name: Consultation, until: advance, estimate: 30s}
  - {name: Breathe, until: advance}
  - block: Each side
    sides: [left, right]
    steps:
      - {name: Warm-up, time: 5-6m}
      - {name: Sweeps, reps: 3-4, pace: 15s}
"""


def started(text):
    s = Session(make_plan(load_routine_text(text)), FakeClock(0.0))
    s.start(0.0)
    return s


@pytest.fixture
def session():
    clock = FakeClock(0.0)
    s = Session(make_plan(load_routine_text(ROUTINE)), clock)
    s.start(0.0)
    return s, clock


class TestBigDigits:
    def test_a_timed_step_counts_down_rounding_up(self, session):
        s, clock = session
        assert big_readout(s.snapshot(0.0))[:2] == ("1:30", "remaining")
        assert big_readout(s.snapshot(0.4))[0] == "1:30"
        assert big_readout(s.snapshot(1.0))[0] == "1:29"

    def test_a_step_that_waits_counts_up_and_asks_for_the_pedal(self, session):
        s, _ = session
        s.advance(2.0)           # warm-up ended early; the sweeps run by themselves
        s.tick(60.0)             # ... into the strokes, which wait
        s.advance(61.0)
        snap = s.snapshot(69.0)
        assert snap.name == "Check in"
        text, caption, _ = big_readout(snap)
        assert text == "0:08" and "tap" in caption


class TestUntimedSteps:
    """A step with no window counts up, says so, and is measured against its estimate."""

    def test_elapsed_time_is_not_dressed_as_a_countdown(self):
        s = started(UNTIMED)
        text, caption, colour = big_readout(s.snapshot(2.0))
        countdown = big_readout(s.snapshot(2.0).__class__(**{**s.snapshot(2.0).__dict__, "waiting": False}))
        assert text == "0:02"
        assert caption == "elapsed · about 0:30 planned · tap when done"
        assert "window" not in caption
        assert colour != countdown[2]  # counting up never looks like counting down

    def test_past_the_estimate(self):
        s = started(UNTIMED)
        text, caption, _ = big_readout(s.snapshot(37.0))
        assert text == "0:37"
        assert caption == "elapsed · past the estimate of 0:30 · tap when done"
        assert "window" not in caption

    def test_no_estimate_no_promise(self):
        s = started(UNTIMED)
        s.advance(5.0)
        snap = s.snapshot(40.0)
        assert snap.name == "Breathe"
        caption = big_readout(snap)[1]
        assert caption == "elapsed · tap when done"

    def test_the_pause_overlay_says_the_same(self):
        s = started(UNTIMED)
        s.act("toggle_pause", 37.0)
        assert pause_line(s.snapshot(40.0)) == "Consultation  ·  0:37 elapsed  ·  past the estimate of 0:30"
        s2 = started(UNTIMED)
        s2.act("toggle_pause", 3.0)
        line = pause_line(s2.snapshot(4.0))
        assert line == "Consultation  ·  0:03 elapsed  ·  about 0:30 planned" and "window" not in line


class TestSides:
    def test_a_timed_step_says_remaining_and_shows_its_window(self):
        s = started(UNTIMED)
        s.advance(1.0)
        s.advance(2.0)
        snap = s.snapshot(3.0)
        assert snap.name == "Warm-up" and snap.side == "left"
        text, caption, _ = big_readout(snap)
        assert caption == "remaining" and "left" not in caption
        assert window_text(snap.step) == "window 5-6 min"
        assert pause_line(snap).startswith("Warm-up (left)  ·  ") and pause_line(snap).endswith("remaining")

    def test_the_next_step_names_its_side_across_the_switch(self):
        s = started(UNTIMED)
        s.advance(1.0)
        s.advance(2.0)
        steps = s.plan.steps
        assert next_label(s.snapshot(3.0), steps) == "Next: Sweeps (left)"
        s.advance(4.0)          # into the left sweeps: next is the right side's warm-up
        assert next_label(s.snapshot(5.0), steps) == "Next: Warm-up (right)"


class TestReps:
    def test_paced_reps_count_with_their_name(self, session):
        s, _ = session
        s.tick(90.0)
        assert rep_label(s.snapshot(90.0)) == "sweep 1 of 3-4"
        assert rep_label(s.snapshot(101.0)) == "sweep 2 of 3-4"

    def test_unpaced_reps_show_the_target(self, session):
        s, _ = session
        s.tick(90.0)
        s.advance(95.0)
        assert rep_label(s.snapshot(96.0)) == "3-4 reps"

    def test_other_steps_show_no_count(self, session):
        s, _ = session
        assert rep_label(s.snapshot(1.0)) == ""


class TestRefresh:
    @pytest.mark.parametrize("t", [0.0, 0.3, 10.7, 45.99])
    def test_the_screen_is_refreshed_by_the_next_second(self, session, t):
        s, _ = session
        snap = s.snapshot(t)
        wait = next_change_s(snap)
        assert 0.0 <= wait <= 1.0
        # The digits never change before the screen is refreshed: no second is shown late.
        assert big_readout(s.snapshot(t + wait - 1e-6))[0] == big_readout(snap)[0]


class TestTimeOfDay:
    """The time of day follows the room's 12 or 24 hour clock (``clock:``), else the locale's."""

    @pytest.fixture
    def at_15_05(self, monkeypatch):
        import time as real_time

        monkeypatch.setattr(real_time, "time", lambda: 0.0)
        monkeypatch.setattr(real_time, "localtime", lambda _t=None: real_time.struct_time(
            (2026, 12, 2, 15, 5, 0, 2, 336, 0)))

    def test_24_hour(self, at_15_05):
        assert wall_time(0, 24) == "15:05"

    def test_12_hour(self, at_15_05):
        assert wall_time(0, 12) == "3:05 PM"

    @pytest.mark.parametrize("written, hours", [("%I:%M:%S %p", 12), ("%r", 12), ("%H:%M:%S", 24), ("%T", 24)])
    def test_the_locale_decides_without_a_room_setting(self, monkeypatch, written, hours):
        import locale

        monkeypatch.setattr(locale, "setlocale", lambda *_args: "C")
        monkeypatch.setattr(locale, "nl_langinfo", lambda _item: written)
        assert locale_hours() == hours

    def test_a_locale_that_is_not_installed_is_24_hour(self, monkeypatch):
        import locale

        def missing(*_args):
            raise locale.Error("unsupported locale setting")

        monkeypatch.setattr(locale, "setlocale", missing)
        assert locale_hours() == 24


def test_a_shortened_second_side_is_said_in_words():
    from kiosk.engine.events import SideShortened

    note = side_shortened_note(SideShortened(at=0.0, index=9, side="right", short_s=100.0))
    assert note == "The right side gets 1:40 less than the first: the booking cannot fit more"
