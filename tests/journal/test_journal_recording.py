"""What the journal records about sessions: the session row, each step run, the end."""

from __future__ import annotations

import json
import sqlite3

import pytest

from kiosk.engine.clock import FakeClock
from kiosk.journal import reports
from kiosk_testkit.journal_drive import DRILL_STEPS, WALL0, Kiosk, open_journal, write_routine


@pytest.fixture
def clock():
    return FakeClock(1000.0)


@pytest.fixture
def routine(tmp_path):
    return write_routine(tmp_path)


@pytest.fixture
def kiosk(tmp_path, clock):
    journal = open_journal(tmp_path / "data", clock, room="Room 2")
    yield Kiosk(journal, clock)
    journal.close()


def rows(kiosk: Kiosk, sql: str, *params) -> list[sqlite3.Row]:
    assert kiosk.journal.flush()
    conn = sqlite3.connect(kiosk.journal.path)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def ms(clock_time: float) -> int:
    return round((WALL0 + clock_time) * 1000)


class TestBegin:
    def test_session_row_names_routine_room_target_and_start(self, kiosk, routine, clock):
        sid = kiosk.start(routine, length_s=180)
        (row,) = rows(kiosk, "SELECT * FROM sessions")
        assert row["id"] == sid
        assert (row["routine"], row["room"], row["target_s"]) == ("Practice drill", "Room 2", 180)
        assert row["started_at"] == ms(1000.0)
        assert (row["status"], row["ended_at"]) == ("running", None)
        assert row["routine_path"] == str(routine.resolve())
        assert len(row["routine_hash"]) == 64

    def test_ids_keep_counting_after_a_reopen(self, tmp_path, routine, clock):
        first = open_journal(tmp_path / "data", clock)
        ids = [Kiosk(first, clock).start(routine) for _ in range(2)]
        first.close()
        second = open_journal(tmp_path / "data", clock)
        ids.append(Kiosk(second, clock).start(routine))
        second.close()
        assert ids == [1, 2, 3]

    def test_the_database_file_is_in_wal_mode(self, kiosk, routine):
        kiosk.start(routine)
        kiosk.journal.flush()
        conn = sqlite3.connect(kiosk.journal.path)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        conn.close()


class TestSteps:
    def test_each_step_is_recorded_once_with_its_timing(self, kiosk, routine, clock):
        kiosk.start(routine)
        kiosk.run_to_end()
        steps = rows(kiosk, "SELECT * FROM steps ORDER BY run")
        assert [(s["name"], s["side"]) for s in steps] == DRILL_STEPS
        assert [s["idx"] for s in steps] == list(range(6))
        opening, calf, squeeze = steps[0], steps[1], steps[2]
        assert (opening["planned_s"], opening["actual_s"], opening["how"], opening["timing"]) == (30, 30, "auto", "within")
        assert opening["started_at"] == ms(1000.0)
        assert calf["started_at"] == ms(1030.0)
        assert (calf["min_s"], calf["max_s"], calf["actual_s"]) == (40, 60, 50)
        assert (squeeze["reps"], squeeze["actual_s"]) == (3, 15)
        assert steps[-1]["how"] == "advance"

    def test_pauses_extends_and_early_advance_are_kept(self, kiosk, routine, clock):
        kiosk.start(routine)
        kiosk.wait(10)
        kiosk.act("pause")
        kiosk.wait(7)
        kiosk.act("resume")
        kiosk.act("pause")
        kiosk.wait(3)
        kiosk.act("resume")
        kiosk.act("extend")
        kiosk.wait(5)
        kiosk.act("advance")  # Opening ends after 15 s of its 90: early
        (opening,) = rows(kiosk, "SELECT * FROM steps")
        assert (opening["pauses"], opening["paused_s"], opening["extends"]) == (2, 10, 1)
        assert (opening["actual_s"], opening["planned_s"]) == (15, 90)
        assert (opening["how"], opening["timing"]) == ("advance", "early")

    def test_going_back_records_both_runs_in_order(self, kiosk, routine, clock):
        kiosk.start(routine)
        kiosk.wait(40)  # into Calf (left)
        kiosk.act("back")  # Opening again
        kiosk.wait(5)
        kiosk.act("advance")
        steps = rows(kiosk, "SELECT run, idx, how FROM steps ORDER BY run")
        assert [tuple(s) for s in steps] == [(0, 0, "auto"), (1, 1, "back"), (2, 0, "advance")]

    @pytest.mark.parametrize("action, status", [(None, "finished"), ("stop", "stopped")])
    def test_the_end_closes_the_session_and_drops_its_resume_point(self, kiosk, routine, clock, action, status):
        kiosk.start(routine)
        if action:
            kiosk.wait(12)
            kiosk.act(action)
        else:
            kiosk.run_to_end()
        (row,) = rows(kiosk, "SELECT status, ended_at FROM sessions")
        assert row["status"] == status
        assert row["ended_at"] == ms(clock.now())
        assert rows(kiosk, "SELECT * FROM resume") == []

    def test_a_pause_is_the_status_until_resumed(self, kiosk, routine):
        kiosk.start(routine)
        kiosk.act("pause")
        assert rows(kiosk, "SELECT status FROM sessions")[0]["status"] == "paused"
        kiosk.act("resume")
        assert rows(kiosk, "SELECT status FROM sessions")[0]["status"] == "running"


class TestAutosave:
    def test_a_running_session_is_saved_every_save_interval(self, kiosk, routine, clock):
        kiosk.start(routine)
        saved = []
        for _ in range(12):
            clock.advance(1.0)
            kiosk.session.tick()
            saved.append(kiosk.journal.autosave(kiosk.session_id, kiosk.session))
        assert saved == [False, False, False, False, True] * 2 + [False, False]
        (row,) = rows(kiosk, "SELECT state, saved_at FROM resume")
        assert json.loads(row["state"])["elapsed_s"] == 10.0
        assert row["saved_at"] == ms(1010.0)

    def test_a_paused_session_is_not_saved_again(self, kiosk, routine, clock):
        kiosk.start(routine)
        kiosk.act("pause")
        clock.advance(60)
        assert kiosk.journal.autosave(kiosk.session_id, kiosk.session) is False

    def test_an_event_save_restarts_the_interval(self, kiosk, routine, clock):
        kiosk.start(routine)
        clock.advance(4)
        kiosk.act("extend")
        clock.advance(4)
        assert kiosk.journal.autosave(kiosk.session_id, kiosk.session) is False
        clock.advance(1)
        assert kiosk.journal.autosave(kiosk.session_id, kiosk.session) is True


class TestReading:
    def test_history_reads_back_what_was_recorded(self, kiosk, routine, clock):
        kiosk.start(routine, length_s=180)
        kiosk.run_to_end()
        kiosk.journal.flush()
        conn = reports.open_reader(kiosk.journal.path.parent)
        (session,) = reports.recent_sessions(conn)
        conn.close()
        assert (session.status, session.target_s, session.room) == ("finished", 180, "Room 2")
        assert [s.name for s in session.steps] == [n for n, _ in DRILL_STEPS]
        assert session.active_s == pytest.approx(180)
