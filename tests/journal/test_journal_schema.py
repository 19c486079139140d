"""Schema migrations: every earlier version upgrades to the newest without losing a row."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest

from kiosk.engine.clock import FakeClock
from kiosk.errors import JournalError
from kiosk.journal import reports, schema, store
from kiosk_testkit.journal_drive import open_journal

EARLIER = [v for v, _ in schema.MIGRATIONS if v < schema.LATEST] + [0]


def fill_v1(conn: sqlite3.Connection) -> None:
    """A finished session with two steps and one still running, as a version 1 kiosk wrote them."""
    conn.executemany(
        "INSERT INTO sessions (id, routine, room, target_s, started_at, ended_at, status) VALUES (?,?,?,?,?,?,?)",
        [(1, "Back massage", "Room 1", 1800.0, 1_700_000_000_000, 1_700_001_800_123, "finished"),
         (2, "Hip pain", "", None, 1_700_090_000_000, None, "running")],
    )
    conn.executemany(
        "INSERT INTO steps (session_id, run, idx, name, side, planned_s, min_s, max_s, actual_s, started_at,"
        " reps, pauses, paused_s, extends, how, timing) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(1, 0, 0, "Warm-up", None, 330.0, 300.0, 360.0, 331.5, 1_700_000_000_000, None, 1, 12.0, 0, "auto", "within"),
         (1, 1, 1, "Sweeps", "left", 45.0, 45.0, 60.0, 44.0, 1_700_000_343_500, 3, 0, 0.0, 0, "advance", "early")],
    )


def fill_v2(conn: sqlite3.Connection) -> None:
    """A session with a resume point, as a version 2 kiosk wrote it."""
    conn.execute(
        "INSERT INTO sessions (id, routine, room, target_s, started_at, status, routine_path, routine_hash,"
        " skip, resumes) VALUES (3, 'Gluteal work', 'Room 3', 2700.0, 1700100000000, 'paused',"
        " '/srv/routines/gluteal-work.yaml', 'ab12', '[\"glutes\"]', 1)"
    )
    conn.execute("INSERT INTO resume VALUES (3, 1700100600000, 4, '{\"format\": 1}', '{\"pauses\": 2}')")


FILL = {1: fill_v1, 2: fill_v2}


def build(path, version: int) -> None:
    """A database exactly as a kiosk of schema ``version`` left it, with rows in every table."""
    conn = store.connect(path)
    schema.migrate(conn, target=version)
    for v in range(1, version + 1):
        conn.execute("BEGIN")
        FILL[v](conn)
        conn.execute("COMMIT")
    conn.close()


def contents(conn: sqlite3.Connection) -> dict:
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    out = {}
    for table in tables:
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
        out[table] = {"columns": columns, "rows": conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()}
    return out


def definitions(conn: sqlite3.Connection) -> list:
    return conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()


def test_every_migration_is_listed_once_in_order():
    assert [v for v, _ in schema.MIGRATIONS] == list(range(1, schema.LATEST + 1))
    assert set(FILL) == {v for v, _ in schema.MIGRATIONS}, "write a fill function for the new version"


class TestMigrate:
    @pytest.mark.parametrize("version", EARLIER)
    def test_an_earlier_version_migrates_to_the_newest_keeping_every_row(self, tmp_path, version):
        path = tmp_path / "kiosk.sqlite3"
        build(path, version)
        conn = store.connect(path)
        before = contents(conn)
        assert schema.migrate(conn) == version
        after = contents(conn)
        assert schema.version(conn) == schema.LATEST
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        for table, old in before.items():
            width = len(old["columns"])
            assert after[table]["columns"][:width] == old["columns"]
            assert [row[:width] for row in after[table]["rows"]] == old["rows"]
        conn.close()

    @pytest.mark.parametrize("version", EARLIER)
    def test_a_migrated_database_has_the_same_tables_as_a_new_one(self, tmp_path, version):
        build(tmp_path / "old.sqlite3", version)
        build(tmp_path / "new.sqlite3", schema.LATEST)
        old, new = store.connect(tmp_path / "old.sqlite3"), store.connect(tmp_path / "new.sqlite3")
        schema.migrate(old)
        assert definitions(old) == definitions(new)
        old.close()
        new.close()

    def test_a_failing_migration_leaves_the_old_version_and_its_rows(self, tmp_path, monkeypatch):
        path = tmp_path / "kiosk.sqlite3"
        build(path, 1)
        broken = (schema.LATEST + 1, ("ALTER TABLE steps ADD COLUMN note TEXT", "CREATE TABLE sessions (x)"))
        monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS + (broken,))
        monkeypatch.setattr(schema, "LATEST", broken[0])
        conn = store.connect(path)
        before = contents(conn)
        with pytest.raises(sqlite3.OperationalError, match="already exists"):
            schema.migrate(conn, target=broken[0])
        assert schema.version(conn) == 1
        assert contents(conn) == before
        conn.close()

    def test_a_newer_version_is_refused_with_what_to_do(self, tmp_path):
        path = tmp_path / "kiosk.sqlite3"
        build(path, schema.LATEST)
        conn = store.connect(path)
        conn.execute(f"PRAGMA user_version = {schema.LATEST + 1}")
        with pytest.raises(JournalError, match="newer kiosk.*update the kiosk"):
            schema.migrate(conn)
        conn.close()


class TestOldJournals:
    def test_the_kiosk_reads_a_version_1_history_after_upgrading_it(self, tmp_path):
        build(tmp_path / store.FILENAME, 1)
        journal = open_journal(tmp_path, FakeClock())
        assert journal.pending_resume() is None  # session 2 was running, with nothing saved to resume
        journal.close()
        conn = reports.open_reader(tmp_path)
        sessions = {s.id: s for s in reports.recent_sessions(conn, limit=None)}
        conn.close()
        assert sessions[2].status == "interrupted"
        assert sessions[2].ended_at == sessions[2].started_at
        first = sessions[1].to_json()
        assert (first["status"], first["target_s"]) == ("finished", 1800.0)
        assert datetime.fromisoformat(first["ended_at"]).timestamp() == 1_700_001_800.123
        assert [(s["name"], s["actual_s"]) for s in first["steps"]] == [("Warm-up", 331.5), ("Sweeps", 44.0)]

    def test_history_upgrades_an_old_journal_it_can_write(self, tmp_path):
        build(tmp_path / store.FILENAME, 1)
        conn = reports.open_reader(tmp_path)
        assert schema.version(conn) == schema.LATEST
        assert len(reports.recent_sessions(conn)) == 2
        conn.close()
