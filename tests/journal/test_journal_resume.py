"""Coming back after an unclean stop: the same session, paused where it was, one tap to go on."""

from __future__ import annotations

import sqlite3

import pytest

from kiosk.engine.clock import FakeClock
from kiosk.journal import reports
from kiosk_testkit.journal_drive import DRILL_STEPS, WALL0, Kiosk, open_journal, write_routine


@pytest.fixture
def routine(tmp_path):
    return write_routine(tmp_path)


@pytest.fixture
def data(tmp_path):
    return tmp_path / "data"


def crash(data, routine, *, run_s: float, length_s=None, actions=()) -> tuple[int, Kiosk]:
    """Run a session for ``run_s`` seconds and 'lose power': the writer gets to finish what was
    handed over, as with a kill -9 after the last commit, but nothing ends the session."""
    clock = FakeClock(500.0)
    journal = open_journal(data, clock)
    kiosk = Kiosk(journal, clock)
    sid = kiosk.start(routine, length_s=length_s)
    for action in actions:
        kiosk.wait(run_s / (len(actions) + 1))
        kiosk.act(action)
    kiosk.wait(run_s / (len(actions) + 1))
    journal.close()
    return sid, kiosk


def restart(data, *, downtime_s: float = 60.0, clock_start: float = 3.0, **kwargs):
    """A fresh process after a reboot: a new monotonic clock, the wall clock moved on."""
    clock = FakeClock(clock_start)
    journal = open_journal(data, clock, wall_base=WALL0 + 10_000 + downtime_s, **kwargs)
    return clock, journal


def statuses(data) -> list[tuple[int, str]]:
    conn = reports.open_reader(data)
    try:
        return [(s.id, s.status) for s in reports.recent_sessions(conn, limit=None)]
    finally:
        conn.close()


class TestPendingResume:
    def test_the_interrupted_session_is_offered_with_what_replans_it(self, data, routine):
        sid, before = crash(data, routine, run_s=47, length_s=180)
        clock, journal = restart(data)
        info = journal.pending_resume()
        journal.close()
        assert info.session_id == sid
        assert (info.routine, info.target_s, info.skip) == ("Practice drill", 180, ())
        assert info.routine_path == str(routine.resolve())
        assert (info.step_index, info.step_name) == (1, "Calf")
        assert info.state["elapsed_s"] == 45  # the last autosave, at most 5 s before the crash

    def test_nothing_is_offered_after_a_clean_end(self, data, routine):
        clock = FakeClock()
        journal = open_journal(data, clock)
        kiosk = Kiosk(journal, clock)
        kiosk.start(routine)
        kiosk.run_to_end()
        journal.close()
        clock, journal = restart(data)
        assert journal.pending_resume() is None
        journal.close()

    @pytest.mark.parametrize("change", ["too old", "edited", "deleted"])
    def test_a_session_that_cannot_be_continued_is_closed_as_interrupted(self, data, routine, change):
        sid, _ = crash(data, routine, run_s=47)
        downtime = 60.0
        if change == "too old":
            downtime = 3 * 3600.0 + 60
        elif change == "edited":
            routine.write_text(routine.read_text().replace("time: 30s", "time: 45s"))
        else:
            routine.unlink()
        clock, journal = restart(data, downtime_s=downtime)
        assert journal.pending_resume(max_age_s=3 * 3600.0) is None
        journal.close()
        assert statuses(data) == [(sid, "interrupted")]

    def test_only_the_newest_of_two_unfinished_sessions_is_offered(self, data, routine):
        first, _ = crash(data, routine, run_s=20)
        second, _ = crash(data, routine, run_s=20)
        clock, journal = restart(data)
        assert journal.pending_resume().session_id == second
        journal.close()
        assert dict(statuses(data))[first] == "interrupted"

    def test_an_interrupted_session_ends_at_its_last_save(self, data, routine):
        sid, before = crash(data, routine, run_s=47)
        clock, journal = restart(data, downtime_s=4 * 3600.0)
        journal.pending_resume()
        journal.close()
        conn = reports.open_reader(data)
        (session,) = reports.recent_sessions(conn)
        conn.close()
        assert session.ended_at == round((WALL0 + 500 + 45) * 1000)


class TestRestore:
    def test_restore_is_paused_on_the_same_step_with_the_saved_remaining_time(self, data, routine):
        sid, before = crash(data, routine, run_s=47, length_s=180)
        clock, journal = restart(data)
        session = journal.restore(journal.pending_resume(), clock)
        snap = session.snapshot()
        journal.close()
        assert (session.state, snap.index, snap.name, snap.side) == ("paused", 1, "Calf", "left")
        assert snap.step_elapsed_s == 15  # saved at 45 s: Opening 30 s, then 15 s of Calf
        assert snap.step_remaining_s == pytest.approx(35)

    def test_one_tap_continues_the_same_session_to_a_single_finished_record(self, data, routine):
        sid, before = crash(data, routine, run_s=100, actions=["pause", "resume"])
        clock, journal = restart(data)
        kiosk = Kiosk(journal, clock)
        kiosk.session = journal.restore(journal.pending_resume(), clock)
        kiosk.session_id = sid
        kiosk.act("advance")  # the tap
        assert kiosk.session.state == "running"
        kiosk.run_to_end()
        journal.close()
        conn = reports.open_reader(data)
        (session,) = reports.recent_sessions(conn)
        conn.close()
        assert (session.id, session.status, session.resumes) == (sid, "finished", 1)
        assert [(s.name, s.side) for s in session.steps] == DRILL_STEPS
        assert [s.run for s in session.steps] == list(range(len(DRILL_STEPS)))

    def test_a_step_cut_by_the_crash_keeps_its_real_start_time(self, data, routine):
        sid, before = crash(data, routine, run_s=47)
        clock, journal = restart(data, downtime_s=600)
        kiosk = Kiosk(journal, clock)
        kiosk.session = journal.restore(journal.pending_resume(), clock)
        kiosk.session_id = sid
        kiosk.act("advance")
        kiosk.wait(55)  # Calf ends (35 s left); Squeeze runs 15 s, all after the power cut
        journal.close()
        conn = sqlite3.connect(journal.path)
        starts = dict(conn.execute("SELECT idx, started_at FROM steps").fetchall())
        conn.close()
        assert starts[1] == round((WALL0 + 500 + 30) * 1000)  # before the cut: the first run's clock
        resumed_wall = WALL0 + 10_000 + 600 + 3  # restart's wall base + downtime + its clock start
        assert starts[2] == round((resumed_wall + 35) * 1000)  # after it: the second run's clock

    def test_a_routine_that_no_longer_plans_the_same_is_closed_not_restored(self, data, routine):
        sid, _ = crash(data, routine, run_s=47)
        clock, journal = restart(data)
        info = journal.pending_resume()
        bad = dict(info.state, plan="0000000000000000")
        assert journal.restore(type(info)(**{**info.__dict__, "state": bad}), clock) is None
        journal.close()
        assert statuses(data) == [(sid, "interrupted")]
