"""The session engine's behaviour on a fake clock: pacing, actions, re-spread, snapshot."""

from __future__ import annotations

import pytest

from kiosk.engine.clock import FakeClock
from kiosk.engine.session import UNDO_SKIP_S, Session
from kiosk.inputs.actions import Action
from kiosk.routines.plan import REP_ESTIMATE_S, make_plan
from tests.engine.factories import WORKED, block, manual, reps, routine, timed


def session(r, target=None, **kw) -> Session:
    return Session(make_plan(r, target, use_length=target is not None), FakeClock(1000.0), **kw)


def worked(**kw) -> Session:
    return Session(make_plan(WORKED, 600), FakeClock(1000.0), **kw)


def seen(events, *kinds):
    """``(kind, index, seconds after 1000)`` for events of the given kinds (all if none given)."""
    return [(e.kind, e.index, round(e.at - 1000.0, 6)) for e in events if not kinds or e.kind in kinds]


def starts(events):
    return [(e.index, round(e.at - 1000.0, 6)) for e in events if e.kind == "step_started"]


class TestWorkedExample:
    def test_without_presses_steps_start_as_planned_and_finish_at_600(self):
        s = worked()
        events = s.start(1000.0) + s.tick(1000.0 + 10_000)
        assert starts(events) == [(0, 0), (1, 60), (2, 250), (3, 440), (4, 570)]
        assert seen(events)[-1] == ("session_finished", None, 600)
        assert not [e for e in events if e.kind == "respread"]

    def test_advance_at_200_respreads_legs_and_arms(self):
        s = worked()
        events = s.start(1000.0) + s.advance(1200.0) + s.tick(1000.0 + 10_000)
        planned = {e.index: e.planned_s for e in events if e.kind == "step_started"}
        assert planned[2] == pytest.approx(215) and planned[3] == pytest.approx(155)
        assert starts(events) == [(0, 0), (1, 60), (2, 200), (3, 415), (4, 570)]
        respread = [e for e in events if e.kind == "respread"]
        assert len(respread) == 1 and respread[0].fraction == pytest.approx(0.791667, abs=1e-6)
        assert seen(events)[-1] == ("session_finished", None, 600)

    def test_a_minute_of_pause_moves_back_to_310_and_the_rest_shrinks(self):
        s = worked()
        events = s.start(1000.0) + s.pause(1100.0) + s.resume(1160.0) + s.tick(1000.0 + 10_000)
        assert [e for e in events if e.kind == "step_ended"][1].at == 1310.0
        planned = {e.index: e.planned_s for e in events if e.kind == "step_started"}
        assert (planned[2], planned[3]) == pytest.approx((160, 100))
        assert seen(events)[-1] == ("session_finished", None, 600)
        finished = events[-1]
        assert (finished.elapsed_s, finished.paused_s, finished.over_s) == pytest.approx((600, 60, 0))


class TestTick:
    def test_a_late_tick_returns_every_event_once_at_its_due_time(self):
        s = worked()
        s.start(1000.0)
        late = s.tick(1000.0 + 600)
        again = s.tick(1000.0 + 600)
        every = worked()
        every.start(1000.0)
        stepwise = []
        for t in range(1, 601):
            stepwise += every.tick(1000.0 + t)
        assert seen(late) == seen(stepwise) and again == []
        assert len(set(seen(late))) == len(late)
        assert [e.at for e in late] == sorted(e.at for e in late)

    def test_next_deadline_is_the_next_events_time(self):
        s = worked()
        s.start(1000.0)
        assert s.next_deadline() == pytest.approx(1000.0 + 45)  # Opening's 15 s warning
        s.tick(1045.0)
        assert s.next_deadline() == pytest.approx(1060.0)

    def test_time_going_backwards_changes_nothing(self):
        s = worked()
        s.start(1000.0)
        s.tick(1100.0)
        assert s.tick(1050.0) == []
        assert s.snapshot(1050.0).session_elapsed_s == 100.0


class TestAdvance:
    def test_advance_in_ready_starts(self):
        s = worked()
        assert [e.kind for e in s.advance(1000.0)][:2] == ["session_started", "step_started"]

    def test_advance_while_paused_resumes_instead_of_skipping(self):
        s = worked()
        s.start(1000.0)
        s.pause(1010.0)
        events = s.advance(1020.0)
        assert [e.kind for e in events][0] == "resumed" and "step_ended" not in [e.kind for e in events]
        assert s.index == 0 and s.state == "running"

    def test_advance_right_after_an_automatic_step_change_is_ignored(self):
        s = worked()
        s.start(1000.0)
        events = s.advance(1060.5)  # Opening ended by itself at 60 s; the press was meant for it
        assert [e.kind for e in events] == ["warning", "step_ended", "step_started"] and s.index == 1
        assert [e.kind for e in s.advance(1062.0)][:1] == ["step_ended"] and s.index == 2

    def test_advance_on_the_last_step_finishes(self):
        s = session(routine(manual("Only")))
        s.start(1000.0)
        events = s.advance(1030.0)
        assert [e.kind for e in events] == ["step_ended", "session_finished"]
        assert events[0].how == "advance" and events[0].actual_s == 30.0
        assert s.state == "finished" and s.advance(1040.0) == []


class TestBack:
    def test_back_restarts_the_previous_step(self):
        s = session(routine(timed("A", 60), timed("B", 60)))
        s.start(1000.0)
        s.tick(1070.0)
        events = s.back(1070.0)
        assert [(e.kind, e.index) for e in events] == [("step_ended", 1), ("step_started", 0)]
        assert events[0].how == "back" and events[1].back is True
        assert s.snapshot(1070.0).step_remaining_s == 60.0

    def test_back_on_the_first_step_restarts_it(self):
        s = session(routine(timed("A", 60), timed("B", 60)))
        s.start(1000.0)
        events = s.back(1030.0)
        assert [(e.kind, e.index) for e in events] == [("step_ended", 0), ("step_started", 0)]
        assert s.tick(1089.0)[-1].kind != "step_ended" and s.tick(1090.0)[0].kind == "step_ended"


class TestBackAfterASkip:
    """A skip by mistake: Back within a few seconds returns to the step where it was."""

    def test_back_within_seconds_of_a_skip_returns_with_the_time_it_had_left(self):
        s = session(routine(timed("A", 120), timed("B", 60)))
        s.start(1000.0)
        s.extend(1010.0, 60)                       # A: 180 s now, 140 s left at 1040
        s.advance(1040.0)                          # skipped by mistake
        events = s.back(1043.0)
        assert [(e.kind, e.index) for e in events] == [("step_ended", 1), ("step_started", 0)]
        snap = s.snapshot(1043.0)
        assert (snap.name, snap.step_remaining_s, snap.step_elapsed_s) == ("A", 140.0, 40.0)
        assert seen(s.tick(1300.0), "step_ended")[0] == ("step_ended", 0, 183)   # 140 s later

    def test_a_paced_step_carries_on_at_the_rep_it_was_on(self):
        s = session(routine(reps("Sweeps", 4, pace=15), timed("B", 60)))
        s.start(1000.0)
        s.advance(1020.0)                          # during rep 2
        s.back(1022.0)
        snap = s.snapshot(1022.0)
        assert (snap.rep, snap.step_remaining_s) == (2, 40.0)
        events = s.tick(1100.0)
        assert [(e.rep, round(e.at - 1000.0, 6)) for e in events if e.kind == "rep"] == [(3, 32), (4, 47)]
        assert seen(events, "step_ended")[0] == ("step_ended", 0, 62)
        assert (s.records[-1].name, s.records[-1].reps_done, s.records[-1].timing) == ("Sweeps", 4, "within")

    def test_back_later_than_that_restarts_the_step(self):
        s = session(routine(timed("A", 120), timed("B", 60)))
        s.start(1000.0)
        s.advance(1040.0)
        s.back(1040.0 + UNDO_SKIP_S + 1)
        assert s.snapshot(1046.0).step_remaining_s == 120.0

    def test_only_the_skipped_step_is_returned_to(self):
        s = session(routine(timed("A", 120), timed("B", 60), timed("C", 60)))
        s.start(1000.0)
        s.advance(1040.0)
        s.advance(1041.0)                          # two skips: Back returns to B, with its minute left
        s.back(1042.0)
        snap = s.snapshot(1042.0)
        assert (snap.name, snap.step_remaining_s) == ("B", 59.0)
        s.back(1043.0)                             # and once more: A restarts in full
        assert (s.snapshot(1043.0).name, s.snapshot(1043.0).step_remaining_s) == ("A", 120.0)

    def test_step_times_still_add_up_to_the_session(self):
        s = session(routine(timed("A", 120), timed("B", 60)))
        s.start(1000.0)
        s.advance(1040.0)
        s.back(1042.0)
        finished = s.tick(2000.0)[-1]
        assert sum(r.actual_s for r in s.records) == pytest.approx(finished.elapsed_s) == 182.0


class TestPause:
    @pytest.mark.parametrize("action", ["pause", "toggle_pause", Action.TOGGLE_PAUSE])
    def test_pause_freezes_the_step(self, action):
        s = worked()
        s.start(1000.0)
        s.act(action, 1030.0)
        assert s.state == "paused" and s.tick(1000.0 + 290) == []  # halfway (300 s) is the booking's
        snap = s.snapshot(1290.0)
        assert (snap.step_elapsed_s, snap.step_remaining_s, snap.paused_s) == (30.0, 30.0, 260.0)

    def test_pause_counts_against_the_booking(self):
        s = worked()
        s.start(1000.0)
        s.pause(1030.0)
        snap = s.snapshot(1090.0)
        assert snap.target_end_s == 600 and snap.projected_end_s == pytest.approx(600)
        assert snap.offset_label == "on time" and snap.fraction < 0.5833

    def test_long_pause_clamps_and_reports_the_overrun(self):
        s = worked()
        s.start(1000.0)
        s.pause(1030.0)
        events = s.resume(1330.0)
        respread = [e for e in events if e.kind == "respread"][0]
        # Opening's last 30 s end at 360; the rest at its shortest (330 s) ends at 690: 1:30 late.
        assert respread.fraction == 0.0 and respread.over_s == pytest.approx(90)
        snap = s.snapshot(1330.0)
        assert snap.over_s == pytest.approx(90) and snap.offset_label == "1:30 behind"
        assert (s.tick(5000.0)[-1].over_s) == pytest.approx(90)

    @pytest.mark.parametrize("state_action, action", [("none", "resume"), ("pause", "pause")])
    def test_pause_and_resume_are_idempotent(self, state_action, action):
        s = worked()
        s.start(1000.0)
        if state_action == "pause":
            s.pause(1010.0)
        assert s.act(action, 1020.0) == []


class TestExtend:
    def test_extend_adds_a_minute_and_rearms_the_warning(self):
        s = worked()
        s.start(1000.0)
        s.tick(1050.0)  # warning at 45 s already given
        events = s.extend(1050.0)
        assert [e.kind for e in events][:1] == ["extended"] and events[0].planned_s == 120.0
        later = s.tick(1000.0 + 120)
        assert seen(later) == [("warning", 0, 105), ("step_ended", 0, 120), ("step_started", 1, 120)]
        assert [e.kind for e in events] == ["extended", "respread"]  # the later windows gave way
        assert s.tick(5000.0)[-1].at == pytest.approx(1600.0)

    def test_extend_goes_past_the_window_and_the_end_says_late(self):
        s = session(routine(timed("A", 60, 90)))
        s.start(1000.0)
        s.extend(1010.0, seconds=30)
        ended = [e for e in s.tick(2000.0) if e.kind == "step_ended"][0]
        assert (ended.actual_s, ended.timing) == (105.0, "late")
        assert s.records[0].extended_s == 30 and s.records[0].extends == 1


class TestStop:
    @pytest.mark.parametrize("pause_first", [False, True])
    def test_stop_ends_the_step_and_the_session(self, pause_first):
        s = worked()
        s.start(1000.0)
        if pause_first:
            s.pause(1010.0)
        events = s.stop(1030.0)
        assert [e.kind for e in events] == ["step_ended", "session_finished"]
        assert events[0].how == "stop" and events[1].how == "stopped"
        assert events[0].actual_s == (10.0 if pause_first else 30.0)
        assert s.state == "finished" and s.stop(1040.0) == [] and s.tick(9999.0) == []


class TestManualPace:
    def test_timed_steps_wait_and_report_their_window_edges(self):
        s = session(routine(timed("A", 60, 120), pace="manual"))
        events = s.start(1000.0) + s.tick(1000.0 + 1000)
        assert seen(events, "min_reached", "max_reached", "step_ended") == [
            ("min_reached", 0, 60), ("max_reached", 0, 120)]
        snap = s.snapshot(1500.0)
        assert snap.waiting and snap.max_reached and snap.step_remaining_s == 0.0
        assert s.advance(1500.0)[0].timing == "late"

    def test_untimed_steps_wait_without_a_remaining_time(self):
        s = session(routine(manual("Talk"), reps("Sweeps", 3, 4)))
        s.start(1000.0)
        # Nothing ends by itself; only the halfway cue of the sweeps' per-rep estimate (3.5 x 15 s) falls due.
        assert [(e.kind, e.at) for e in s.tick(1000.0 + 3600)] == [("halfway", 1000.0 + 3.5 * 15 / 2)]
        snap = s.snapshot(1000.0 + 3600)
        assert snap.waiting and snap.step_remaining_s is None and snap.name == "Talk"
        s.advance(5000.0)
        assert s.snapshot(5000.0).reps_label == "3-4 reps"


class TestRepEstimate:
    def test_a_counted_reps_step_without_an_estimate_is_planned_at_a_strokes_time_a_rep(self):
        plan = make_plan(routine(timed("Warm-up", 60), reps("Sweeps", 3, 4)))
        assert [s.planned_s for s in plan.steps] == [60.0, 3.5 * REP_ESTIMATE_S]
        assert plan.total_s == 60.0 + 52.5

    def test_an_estimate_given_wins(self):
        plan = make_plan(routine(reps("Sweeps", 3, 4, estimate=30)))
        assert plan.steps[0].planned_s == 30.0


class TestCues:
    def test_paced_reps_give_one_rep_event_each_then_end(self):
        s = session(routine(reps("Sweeps", 3, 3, pace=15), timed("B", 60)))
        events = s.start(1000.0) + s.tick(1000.0 + 50)
        assert [(e.rep, e.of, e.at - 1000.0) for e in events if e.kind == "rep"] == [
            (1, 3, 0), (2, 3, 15), (3, 3, 30)]
        assert seen(events, "step_ended") == [("step_ended", 0, 45)]
        assert s.records[0].reps_done == 3

    def test_snapshot_counts_reps(self):
        s = session(routine(reps("Sweeps", 3, 4, pace=15)))
        s.start(1000.0)
        assert s.snapshot(1020.0).reps_label == "2 of 3-4" and s.snapshot(1020.0).rep == 2

    @pytest.mark.parametrize("length, warned", [(10, False), (15, False), (16, True)])
    def test_no_warning_for_steps_not_longer_than_it(self, length, warned):
        s = session(routine(timed("A", length)))
        events = s.start(1000.0) + s.tick(2000.0)
        assert any(e.kind == "warning" for e in events) is warned

    def test_side_switched_between_sides(self):
        s = session(routine(timed("Warm", 30), block("B", timed("A", 30), sides=("left", "right"))))
        events = s.start(1000.0) + s.tick(2000.0)
        switched = [e for e in events if e.kind == "side_switched"]
        assert [(e.side, e.previous, e.index, e.at - 1000.0) for e in switched] == [("right", "left", 2, 60)]
        assert [e.kind for e in events].index("side_switched") < [
            (e.kind, e.index) for e in events].index(("step_started", 2))

    def test_halfway_of_the_booking_fires_once_even_during_a_pause(self):
        s = worked()
        s.start(1000.0)
        s.pause(1290.0)
        assert seen(s.tick(1310.0)) == [("halfway", 2, 300)]
        s.resume(1320.0)
        assert not [e for e in s.tick(5000.0) if e.kind == "halfway"]

    def test_without_a_target_halfway_is_half_the_running_time(self):
        s = session(routine(timed("A", 100), timed("B", 100)))
        s.start(1000.0)
        s.pause(1050.0)
        s.resume(1070.0)
        assert seen(s.tick(2000.0), "halfway") == [("halfway", 1, 120)]


class TestSnapshot:
    def test_ready_shows_the_plan_and_the_first_step_as_next(self):
        snap = worked().snapshot(1000.0)
        assert (snap.state, snap.index, snap.next_name, snap.next_index) == ("ready", None, "Opening", 0)
        assert snap.projected_end_s == pytest.approx(600) and snap.total_steps == 5

    def test_running_step(self):
        s = worked()
        s.start(1000.0)
        s.tick(1100.0)
        snap = s.snapshot(1100.0)
        assert (snap.name, snap.index, snap.next_name, snap.kind) == ("Back", 1, "Legs", "timed")
        assert snap.step_elapsed_s == 40 and snap.step_remaining_s == pytest.approx(150)
        assert snap.step_progress == pytest.approx(40 / 190) and not snap.waiting
        assert snap.min_reached is False and snap.session_elapsed_s == 100
        assert snap.session_remaining_s == pytest.approx(500) and snap.offset_label == "on time"

    def test_without_target_there_is_no_offset(self):
        s = session(routine(timed("A", 60)))
        s.start(1000.0)
        snap = s.snapshot(1010.0)
        assert (snap.target_end_s, snap.over_s, snap.offset_label) == (None, None, "")

    def test_a_therapist_lingering_shows_the_session_running_late_once_clamped(self):
        s = session(routine(manual("Talk", 60), timed("A", 60, 120)), target=180, pace="manual")
        s.start(1000.0)
        assert s.snapshot(1100.0).offset_label == "on time"
        assert s.snapshot(1000.0 + 170).over_s == pytest.approx(50)

    def test_finished(self):
        s = worked()
        s.start(1000.0)
        s.tick(2000.0)
        snap = s.snapshot(2000.0)
        assert (snap.state, snap.step, snap.next_name, snap.session_elapsed_s) == ("finished", None, None, 600)


class TestRecords:
    def test_step_times_plus_pauses_equal_elapsed(self):
        s = worked()
        s.start(1000.0)
        s.pause(1100.0)
        s.resume(1130.0)
        s.advance(1200.0)
        s.back(1300.0)
        events = s.tick(9000.0)
        finished = events[-1]
        assert sum(r.actual_s for r in s.records) + finished.paused_s == pytest.approx(finished.elapsed_s)
        assert [r.how for r in s.records][:3] == ["auto", "advance", "back"]


def test_unknown_action_is_refused():
    with pytest.raises(ValueError, match="unknown action"):
        worked().act("jump")
