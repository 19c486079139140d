"""A full disk delays records but never loses them: on a real 300 KB filesystem that fills and frees."""

from __future__ import annotations

import sqlite3

import pytest

from kiosk.engine.clock import FakeClock
from kiosk.journal import store
from kiosk_testkit.journal_drive import Kiosk, open_journal, write_routine
from kiosk_testkit.journal_soak import SIXTY, run_sessions
from kiosk_testkit.tinyfs import Filler, can_mount, tiny_fs

pytestmark = pytest.mark.skipif(not can_mount(), reason="mounting a tmpfs needs root")


@pytest.fixture
def tiny():
    with tiny_fs("300k") as where:
        yield where


def test_a_disk_full_from_step_10_to_30_loses_no_step(tiny, tmp_path):
    clock = FakeClock()
    routine = write_routine(tmp_path, SIXTY, "sixty.yaml")
    journal = open_journal(tiny, clock)
    filler = Filler(tiny)
    kiosk = Kiosk(journal, clock)
    kiosk.start(routine)
    seen = []
    while kiosk.session.state != "finished":
        done = len(kiosk.session.records)
        if done == 10 and not filler.full:
            journal.flush()
            filler.fill()
        if done == 30 and filler.full:
            assert journal.flush(1.0) is False  # the records wait
            seen.append(journal.status())
            filler.free()
        kiosk.wait(2.0)
    assert journal.flush(10.0)
    seen.append(journal.status())
    notice = journal.notice
    journal.close()
    assert seen[0].startswith("Recording paused: disk full,") and "records waiting" in seen[0]
    assert seen[1] == "Recording: caught up."
    assert "caught up" in notice
    conn = sqlite3.connect(store.database_path(tiny))
    assert conn.execute("SELECT status FROM sessions").fetchall() == [("finished",)]
    assert [r[0] for r in conn.execute("SELECT run FROM steps ORDER BY run")] == list(range(60))
    assert conn.execute("SELECT COUNT(*) FROM resume").fetchone()[0] == 0  # nothing left to resume
    conn.close()


def test_the_wal_alone_never_fills_a_small_disk(tiny, tmp_path):
    clock = FakeClock()
    routine = write_routine(tmp_path, SIXTY, "sixty.yaml")
    journal = open_journal(tiny, clock)
    kiosk = Kiosk(journal, clock)
    kiosk.start(routine)
    kiosk.run_to_end()
    assert journal.flush(10.0)
    assert journal.notice is None, journal.notice
    wal = store.database_path(tiny).with_name(store.FILENAME + "-wal")
    assert wal.stat().st_size <= 2 * store.WAL_LIMIT_BYTES
    journal.close()
    conn = sqlite3.connect(store.database_path(tiny))
    assert conn.execute("SELECT COUNT(*) FROM steps").fetchone()[0] == 60
    conn.close()


def test_sessions_with_random_fill_and_free_keep_every_record(tiny, tmp_path):
    tally = run_sessions(tiny, tmp_path, sessions=4, seed=14)
    assert tally.fills >= 3
    assert tally.problems == []
    assert (tally.written, tally.finished) == (tally.made, tally.sessions)
