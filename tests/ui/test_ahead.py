"""What the screen will show once the next step begins, worked out ahead on a copy of the session."""

from __future__ import annotations

from kiosk.engine.clock import FakeClock
from kiosk.engine.session import Session
from kiosk.routines.loader import load_routine_text
from kiosk.routines.plan import make_plan
from kiosk.ui.readout import next_step_snapshot, screen_values

ROUTINE = """
version: 1
name: Ahead
warning: 5s
steps:
  - {name: Warm-up, time: 90s, say: Light strokes.}
  - {name: Sweeps, reps: 3-4, pace: 10s, rep_name: sweep, caution: Not on the spine.}
  - {name: Check in, until: advance}
  - {name: Close, time: 30s}
"""


def started():
    clock = FakeClock(0.0)
    s = Session(make_plan(load_routine_text(ROUTINE)), clock)
    s.start(0.0)
    return s, clock


def test_a_step_that_ends_by_itself_is_run_to_its_end_on_a_copy():
    s, clock = started()
    clock.advance(20.0)
    s.tick(20.0)
    before = s.to_dict(20.0)
    ahead = next_step_snapshot(s, 20.0)
    assert (ahead.name, ahead.number, ahead.caution, ahead.rep) == ("Sweeps", 2, "Not on the spine.", 1)
    assert s.to_dict(20.0) == before and s.index == 0  # the session itself did not move
    # The words the screen shows when the step really begins, ends-at and offset included.
    s.tick(90.0)
    assert screen_values(ahead, s.plan.steps) == screen_values(s.snapshot(90.0), s.plan.steps)


def test_a_step_that_waits_for_the_pedal_is_advanced_on_the_copy_even_just_after_it_began():
    s, clock = started()
    s.advance(1.0)
    s.tick(41.0)  # the paced sweeps end by themselves; Check in waits for the pedal
    assert s.snapshot(41.0).name == "Check in"
    ahead = next_step_snapshot(s, 41.2)  # within the advance grace after an automatic start
    assert ahead.name == "Close" and ahead.next_name is None
    assert s.snapshot(41.2).name == "Check in"


def test_nothing_comes_after_the_last_step_or_while_paused():
    s, clock = started()
    s.pause(5.0)
    assert next_step_snapshot(s, 5.0) is None
    s.resume(6.0)
    for t in (7.0, 8.0, 9.0):
        s.advance(t)
    assert s.snapshot(9.0).name == "Close"
    assert next_step_snapshot(s, 9.0) is None
