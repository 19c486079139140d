"""When the disk misbehaves the session goes on: the journal shows a notice and never raises."""

from __future__ import annotations

import json
import os
import sqlite3
import threading

import pytest

from kiosk.engine.clock import FakeClock
from kiosk.journal import store
from kiosk_testkit.journal_drive import DRILL_STEPS, Kiosk, open_journal, write_routine


LONG = """\
version: 1
name: Long drill
pace: auto
steps:
  - block: Rounds
    repeat: 12
    sides: [left, right]
    steps:
      - name: Press
        time: 10s
"""


@pytest.fixture
def routine(tmp_path):
    return write_routine(tmp_path)


@pytest.fixture
def clock():
    return FakeClock()


def run_whole_session(journal, clock, routine) -> Kiosk:
    kiosk = Kiosk(journal, clock)
    kiosk.start(routine)
    kiosk.run_to_end()
    return kiosk


def create_journal(folder, clock) -> None:
    """A healthy journal file, made and closed."""
    open_journal(folder, clock).close()


class TestUnusableFolder:
    def test_a_folder_that_cannot_be_created_gives_a_notice_and_a_working_kiosk(self, tmp_path, clock, routine):
        blocker = tmp_path / "not-a-folder"
        blocker.write_text("")
        journal = open_journal(blocker / "data", clock)
        assert not journal.enabled
        assert "Session history is off" in journal.notice and str(blocker) in journal.notice
        kiosk = run_whole_session(journal, clock, routine)
        assert [e.kind for e in kiosk.events][-1] == "session_finished"
        assert journal.pending_resume() is None
        journal.close()

    @pytest.mark.skipif(os.geteuid() == 0, reason="root writes through read-only permissions")
    def test_a_read_only_folder_gives_a_notice(self, tmp_path, clock, routine):
        folder = tmp_path / "data"
        folder.mkdir()
        folder.chmod(0o555)
        try:
            journal = open_journal(folder, clock)
            assert "read-only" in journal.notice
            run_whole_session(journal, clock, routine)
            journal.close()
        finally:
            folder.chmod(0o755)

    def test_a_folder_without_write_access_is_named_read_only(self, tmp_path, clock, monkeypatch):
        import kiosk.journal.journal as journal_module

        def cannot_open(path):  # what SQLite says when it may not create the file
            raise sqlite3.OperationalError("unable to open database file")

        monkeypatch.setattr(journal_module.os, "access", lambda path, mode: False)
        journal = open_journal(tmp_path, clock, connect=cannot_open)
        assert "read-only" in journal.notice and str(tmp_path) in journal.notice

    def test_a_journal_from_a_newer_kiosk_is_left_alone(self, tmp_path, clock, routine):
        folder = tmp_path / "data"
        create_journal(folder, clock)
        conn = sqlite3.connect(store.database_path(folder))
        conn.execute("PRAGMA user_version = 99")
        conn.close()
        journal = open_journal(folder, clock)
        assert not journal.enabled
        assert "newer kiosk" in journal.notice
        journal.close()
        conn = sqlite3.connect(store.database_path(folder))
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 99
        conn.close()


class TestWriteFailures:
    def test_a_read_only_database_gives_one_notice_and_the_session_goes_on(self, tmp_path, clock, routine):
        folder = tmp_path / "data"
        create_journal(folder, clock)

        def read_only(path):
            conn = store.connect(path)
            if threading.current_thread().name == "journal-writer":  # opened fine; then it turned read-only
                conn.execute("PRAGMA query_only = ON")
            return conn

        journal = open_journal(folder, clock, connect=read_only)
        assert journal.notice is None
        kiosk = run_whole_session(journal, clock, routine)
        journal.flush(timeout=1.0)  # the disk never frees: records wait
        assert "read-only" in journal.notice
        assert sum(e.kind == "step_ended" for e in kiosk.events) == len(DRILL_STEPS)
        journal.close(timeout=1.0)

    def test_a_full_disk_gives_a_notice_and_the_session_goes_on(self, tmp_path, clock):
        folder = tmp_path / "data"
        create_journal(folder, clock)
        routine = write_routine(tmp_path, LONG, "long.yaml")  # its resume state outgrows one page

        def small_disk(path):
            conn = store.connect(path)
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            conn.execute(f"PRAGMA max_page_count = {pages}")  # not one page more
            return conn

        journal = open_journal(folder, clock, connect=small_disk)
        kiosk = run_whole_session(journal, clock, routine)
        journal.flush(timeout=1.0)  # the disk never frees: records wait
        assert "full" in journal.notice
        assert kiosk.session.state == "finished"
        journal.close(timeout=1.0)

    def test_a_damaged_file_is_kept_aside_and_a_new_journal_started(self, tmp_path, clock, routine):
        folder = tmp_path / "data"
        folder.mkdir()
        store.database_path(folder).write_bytes(b"this is not a database file, it was a power cut" * 100)
        journal = open_journal(folder, clock)
        assert journal.enabled
        assert "damaged" in journal.notice
        run_whole_session(journal, clock, routine)
        journal.close()
        kept = [p.name for p in folder.iterdir() if ".damaged-" in p.name]
        assert len(kept) == 1
        conn = sqlite3.connect(store.database_path(folder))
        assert conn.execute("SELECT status FROM sessions").fetchall() == [("finished",)]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()


class TestNeverBlocks:
    def test_a_stalled_disk_does_not_hold_the_session_and_saves_catch_up(self, tmp_path, clock, routine):
        folder = tmp_path / "data"
        create_journal(folder, clock)
        gate = threading.Event()

        def stalled(path):
            if threading.current_thread().name == "journal-writer":
                assert gate.wait(30)
            return store.connect(path)

        journal = open_journal(folder, clock, connect=stalled)
        kiosk = Kiosk(journal, clock)
        kiosk.start(routine)
        kiosk.wait(43)  # Opening ends, Calf runs: all handed over while the writer is stuck
        peek = sqlite3.connect(store.database_path(folder))
        assert peek.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 0
        gate.set()
        assert journal.flush()
        state = json.loads(peek.execute("SELECT state FROM resume").fetchone()[0])
        assert state["elapsed_s"] == 40  # the newest autosave, though the older ones were queued behind
        assert peek.execute("SELECT name FROM steps").fetchall() == [("Opening",)]
        peek.close()
        journal.close()


class TestLocks:
    def test_an_older_journal_locked_at_start_is_upgraded_and_written_once_the_lock_goes(
            self, tmp_path, clock, routine, monkeypatch):
        import kiosk.journal.journal as journal_module
        from kiosk.journal import schema

        monkeypatch.setattr(journal_module, "OPEN_LOCK_WAIT_S", 0.2)
        monkeypatch.setattr(store, "BUSY_TIMEOUT_S", 0.2)
        folder = tmp_path / "data"
        folder.mkdir()
        other = sqlite3.connect(store.database_path(folder), isolation_level=None, check_same_thread=False)
        other.execute("PRAGMA journal_mode = WAL")
        schema.migrate(other, target=1)  # written by an older kiosk: opening has to upgrade it
        other.execute("BEGIN IMMEDIATE")  # and another program (a backup, a sqlite3 shell) holds it
        journal = open_journal(folder, clock)
        assert journal.enabled, journal.notice
        kiosk = run_whole_session(journal, clock, routine)
        assert journal.flush(1.0) is False and "another program holds the journal" in journal.notice
        assert journal.status().startswith("Recording paused: journal locked by another program,")
        other.execute("COMMIT")
        other.close()
        assert journal.flush(10.0)
        journal.close()
        conn = sqlite3.connect(store.database_path(folder))
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.LATEST
        assert conn.execute("SELECT status FROM sessions").fetchall() == [("finished",)]
        assert conn.execute("SELECT COUNT(*) FROM steps").fetchone()[0] == len(DRILL_STEPS)
        conn.close()
        assert kiosk.session.state == "finished"
