"""The budget readout: in words, "on time" while the steps ahead can still meet the booking, steady."""

from __future__ import annotations

import pytest

from kiosk.controller import Controller
from kiosk.engine.budget import STEADY_S, SteadyBudget, budget_words
from kiosk.engine.clock import FakeClock
from kiosk.engine.session import Session
from kiosk.routines.plan import make_plan
from tests.engine.factories import block, reps, routine, timed


class TestWords:
    @pytest.mark.parametrize("over, words", [
        (None, ""), (0.0, "on time"), (4.0, "on time"), (-4.9, "on time"),
        (42.0, "0:42 behind"), (-42.0, "0:42 early"), (80.4, "1:20 behind"), (-3725.0, "1:02:05 early"),
    ])
    def test_the_offset_in_words(self, over, words):
        assert budget_words(over) == words


class TestSteady:
    def test_small_moves_do_not_change_what_is_shown(self):
        steady = SteadyBudget()
        assert [steady.update(x) for x in (10.0, 14.0, 8.0, 13.0, 16.0)] == [10.0, 10.0, 10.0, 10.0, 16.0]

    def test_back_on_time_shows_at_once(self):
        steady = SteadyBudget()
        assert [steady.update(x) for x in (7.0, 3.0)] == [7.0, 3.0]


#: Paced reps and a step that waits for the therapist: the re-spread moves the plan in whole reps.
REPS = routine(
    timed("Talk", 60, 120),
    block("Each side", reps("Sweeps", 3, 5, pace=20), reps("Circles", 2, 4, pace=25), sides=("left", "right")),
    reps("Closing sweeps", 2, 6, pace=30),
    pace="manual",
)


class TestOnTheKiosk:
    def test_waiting_on_a_step_the_rest_can_absorb_stays_on_time(self):
        plan = make_plan(REPS, 600)
        c = Controller(FakeClock(0.0))
        c.choose(REPS, 600)
        c.act("advance", 0.0)
        labels = {c.snapshot(t / 2).offset_label for t in range(0, 2 * 240)}   # 4 minutes of "Talk"
        # The plan itself lands 35 s short (whole reps); that is rounding, not the session running early.
        assert labels == {"on time"} and plan.total_s == pytest.approx(565)

    def test_running_over_changes_the_readout_only_every_few_seconds(self):
        r = routine(timed("Talk", 100), timed("Rest", 200), pace="manual")
        c = Controller(FakeClock(0.0))
        c.choose(r, 300)
        c.act("advance", 0.0)
        shown = [c.snapshot(100.0 + t).offset_label for t in range(0, 21)]
        changes = [label for before, label in zip(shown, shown[1:]) if label != before]
        assert shown[0] == "on time" and shown[-1] in ("0:18 behind", "0:19 behind", "0:20 behind")
        assert len(changes) <= 20 / STEADY_S
        assert all(label.endswith(" behind") for label in changes)

    def test_the_raw_snapshot_still_says_exactly_where_the_session_stands(self):
        s = Session(make_plan(routine(timed("Talk", 100), timed("Rest", 200), pace="manual"), 300), FakeClock(0.0))
        s.start(0.0)
        assert s.snapshot(107.0).over_s == pytest.approx(7.0)
