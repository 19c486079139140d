"""The planner: flat timeline from blocks/sides/repeats, and the common-fraction fit to a length."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.errors import PlanError
from kiosk.routines.plan import (
    duration_at, fit_fraction, make_plan, optional_tags, reachable, reps_at, total_at,
)
from tests.engine.factories import (
    WORKED, any_steps, block, manual, reps, routine, routines, timed, window_steps,
)


class TestExpand:
    def test_block_with_sides_runs_once_per_side_in_order(self):
        r = routine(timed("Warm", 60), block("Each side", timed("A", 30), timed("B", 30), sides=("left", "right")))
        plan = make_plan(r)
        assert [(s.index, s.name, s.side) for s in plan.steps] == [
            (0, "Warm", None), (1, "A", "left"), (2, "B", "left"), (3, "A", "right"), (4, "B", "right"),
        ]
        assert plan.steps[1].block == "Each side"

    def test_repeat_runs_all_passes_on_one_side_before_the_next(self):
        r = routine(block("Twice", timed("A", 30), sides=("left", "right"), repeat=2))
        assert [(s.side, s.repeat) for s in make_plan(r).steps] == [
            ("left", 1), ("left", 2), ("right", 1), ("right", 2),
        ]

    def test_nested_block_inherits_the_outer_side(self):
        r = routine(block("Outer", block("Inner", timed("A", 30), repeat=2), sides=("right",)))
        assert [s.side for s in make_plan(r).steps] == ["right", "right"]

    def test_steps_own_side_is_kept_outside_sided_blocks(self):
        assert make_plan(routine(timed("A", 30, side="left"))).steps[0].side == "left"

    @pytest.mark.parametrize("skip, names", [
        ((), ["Warm", "Consent", "Glute", "Glute", "Close"]),
        (("glutes",), ["Warm", "Close"]),
        (("glutes", "glutes"), ["Warm", "Close"]),
    ])
    def test_skipping_a_tag_drops_its_steps_and_blocks(self, skip, names):
        r = routine(
            timed("Warm", 60), manual("Consent", optional="glutes"),
            block("G", timed("Glute", 60), sides=("left", "right"), optional="glutes"), timed("Close", 30),
        )
        plan = make_plan(r, skip=skip)
        assert [s.name for s in plan.steps] == names
        assert [s.index for s in plan.steps] == list(range(len(names)))

    def test_optional_tag_is_carried_into_the_block_steps(self):
        r = routine(block("G", timed("Glute", 60), optional="glutes"))
        assert make_plan(r).steps[0].optional == "glutes"

    def test_unknown_skip_tag_lists_the_routines_tags(self):
        r = routine(timed("A", 60), block("G", timed("B", 60), optional="glutes"))
        with pytest.raises(PlanError, match=r'tagged "glute".*optional tags are: glutes'):
            make_plan(r, skip=["glute"])

    def test_skip_tag_on_routine_without_tags_says_nothing_can_be_skipped(self):
        with pytest.raises(PlanError, match="nothing in it can be skipped"):
            make_plan(routine(timed("A", 60)), skip=["x"])

    def test_skipping_everything_is_an_error(self):
        with pytest.raises(PlanError, match="leaves no steps"):
            make_plan(routine(timed("A", 60, optional="x")), skip=["x"])

    def test_optional_tags_in_file_order(self):
        r = routine(timed("A", 1, optional="b"), block("B", timed("C", 1, optional="a"), optional="c"))
        assert optional_tags(r) == ("b", "c", "a")


class TestDurations:
    def test_without_target_windows_sit_at_their_midpoints(self):
        plan = make_plan(routine(timed("A", 300, 360), timed("B", 90)))
        assert [s.planned_s for s in plan.steps] == [330.0, 90.0]
        assert [s.start_s for s in plan.steps] == [0.0, 330.0]
        assert plan.total_s == 420.0 and plan.fraction == 0.5 and plan.target_s is None

    def test_untimed_steps_count_as_their_estimate(self):
        plan = make_plan(routine(manual("Talk", 300), manual("Wait"), reps("Sweeps", 3, 4, estimate=40)))
        assert [(s.kind, s.planned_s, s.min_s, s.max_s) for s in plan.steps] == [
            ("manual", 300.0, 300.0, 300.0), ("manual", 0.0, 0.0, 0.0), ("reps", 40.0, 40.0, 40.0),
        ]
        assert [s.auto for s in plan.steps] == [False, False, False]

    @pytest.mark.parametrize("low, high, f, count", [
        (3, 4, 0.0, 3), (3, 4, 0.49, 3), (3, 4, 0.5, 4), (2, 3, 0.5, 3), (3, 5, 0.24, 3),
        (3, 5, 0.25, 4), (3, 5, 0.75, 5), (3, 5, 1.0, 5), (4, 4, 0.7, 4),
    ])
    def test_paced_reps_follow_the_fraction_rounding_halves_up(self, low, high, f, count):
        assert reps_at(low, high, f) == count

    def test_paced_reps_last_reps_times_pace(self):
        plan = make_plan(routine(reps("Sweeps", 3, 4, pace=15)))
        step = plan.steps[0]
        assert (step.reps, step.planned_s, step.min_s, step.max_s, step.auto) == (4, 60.0, 45.0, 60.0, True)

    @pytest.mark.parametrize("pace, auto", [("auto", True), ("manual", False)])
    def test_timed_steps_end_by_themselves_only_in_auto_pace(self, pace, auto):
        assert make_plan(routine(timed("A", 60), pace=pace)).steps[0].auto is auto

    @pytest.mark.parametrize("step, label", [
        (timed("A", 300, 360), "5-6m"), (timed("A", 90), "1m30s"), (reps("R", 3, 4), "3-4 reps"),
        (reps("R", 3, 3, pace=15), "3 reps every 15s"), (manual("M", 60), "until advance"),
    ])
    def test_window_label(self, step, label):
        assert make_plan(routine(step)).steps[0].window_label == label


class TestFit:
    def test_worked_example(self):
        plan = make_plan(WORKED, 600)
        assert plan.fraction == pytest.approx(0.583333, abs=1e-6)
        assert [s.planned_s for s in plan.steps] == pytest.approx([60, 190, 190, 130, 30])
        assert [s.start_s for s in plan.steps] == pytest.approx([0, 60, 250, 440, 570])
        assert plan.total_s == pytest.approx(600)

    def test_the_routines_length_is_the_default_target(self):
        r = routine(*WORKED.steps, length=600)
        assert make_plan(r).total_s == pytest.approx(600)
        assert make_plan(r, use_length=False).target_s is None
        assert make_plan(r, 540).total_s == pytest.approx(540)

    @pytest.mark.parametrize("target", [389, 751, 60])
    def test_target_out_of_reach_names_both_bounds(self, target):
        with pytest.raises(PlanError) as err:
            make_plan(WORKED, target)
        assert "6:30" in str(err.value) and "12:30" in str(err.value)

    def test_routines_own_length_out_of_reach_says_so(self):
        with pytest.raises(PlanError, match="the routine's length of 20:00"):
            make_plan(routine(*WORKED.steps, length=1200))

    def test_reachable(self):
        assert reachable(WORKED) == (390.0, 750.0)

    @pytest.mark.parametrize("target, reps_planned, total", [
        (45, 3, 45), (52, 3, 45), (53, 4, 60), (60, 4, 60),
    ])
    def test_budget_inside_a_rep_jump_takes_the_nearer_side(self, target, reps_planned, total):
        plan = make_plan(routine(reps("R", 3, 4, pace=15)), target)
        assert (plan.steps[0].reps, plan.total_s) == (reps_planned, total)

    @pytest.mark.parametrize("target, total", [
        (105, 105), (120, 120), (135, 135), (140, 135), (142.5, 135), (143, 150), (150, 150), (180, 180),
    ])
    def test_time_windows_absorb_all_but_the_rep_jump_itself(self, target, total):
        # 3-4 reps of 15 s jump from 45 s to 60 s at f = 0.5: totals 135 to 150 cannot be met exactly.
        plan = make_plan(routine(reps("R", 3, 4, pace=15), timed("T", 60, 120)), target)
        assert plan.total_s == pytest.approx(total)

    @pytest.mark.parametrize("budget, f", [(100, 0.0), (500, 1.0), (300, 0.5)])
    def test_nothing_flexible_clamps_or_takes_the_midpoint(self, budget, f):
        steps = make_plan(routine(timed("A", 300))).steps
        assert fit_fraction(steps, budget) == f
        assert fit_fraction(steps, budget, rigid=0.3) == 0.3

    @settings(max_examples=150, deadline=None)
    @given(routines(window_steps), st.floats(0, 1))
    def test_fit_equals_any_reachable_target(self, r, where):
        low, high = reachable(r)
        target = low + where * (high - low)
        plan = make_plan(r, target)
        assert plan.total_s == pytest.approx(target, abs=1e-6)
        assert 0.0 <= plan.fraction <= 1.0

    @settings(max_examples=150, deadline=None)
    @given(routines(any_steps), st.floats(0, 1))
    def test_windows_never_left_and_fixed_steps_fixed(self, r, where):
        low, high = reachable(r)
        plan = make_plan(r, low + where * (high - low))
        free = make_plan(r, use_length=False)
        for s, mid in zip(plan.steps, free.steps):
            assert s.min_s - 1e-9 <= s.planned_s <= s.max_s + 1e-9
            if not s.flexible:
                assert s.planned_s == mid.planned_s
            if s.reps_min is not None:
                assert s.reps_min <= s.reps <= s.reps_max
        assert plan.steps[-1].start_s + plan.steps[-1].planned_s == pytest.approx(plan.total_s)
        jump = sum(s.pace_s for s in plan.steps if s.paced and s.flexible)
        assert abs(plan.total_s - plan.target_s) <= jump / 2 + 1e-6

    @settings(max_examples=100, deadline=None)
    @given(st.lists(any_steps("S"), min_size=1, max_size=6), st.floats(0, 1), st.floats(0, 1))
    def test_total_grows_with_the_fraction(self, steps, a, b):
        planned = make_plan(routine(*steps)).steps
        lo, hi = sorted((a, b))
        assert total_at(planned, lo) <= total_at(planned, hi) + 1e-9
        assert all(duration_at(s, lo) <= duration_at(s, hi) + 1e-9 for s in planned)


class TestJson:
    def test_shape_is_the_contract(self):
        data = make_plan(routine(timed("A", 60, 120), reps("R", 3, 4, pace=15, side="left")), 150).to_json()
        assert data == {
            "routine": "Test routine", "total_s": 150.0, "min_total_s": 105.0, "max_total_s": 180.0,
            "steps": [
                {"index": 0, "name": "A", "side": None, "kind": "timed", "planned_s": 90.0,
                 "min_s": 60.0, "max_s": 120.0, "start_s": 0.0, "reps": None},
                {"index": 1, "name": "R", "side": "left", "kind": "reps", "planned_s": 60.0,
                 "min_s": 45.0, "max_s": 60.0, "start_s": 90.0, "reps": 4},
            ],
        }
        assert list(data) == ["routine", "total_s", "min_total_s", "max_total_s", "steps"]

    def test_float_dust_is_rounded_away(self):
        data = make_plan(WORKED, 600).to_json()
        assert data["total_s"] == 600.0
        assert [s["start_s"] for s in data["steps"]] == [0.0, 60.0, 250.0, 440.0, 570.0]
