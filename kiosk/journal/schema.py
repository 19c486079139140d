"""The journal's tables, and the migrations that build them one version at a time.

``PRAGMA user_version`` holds the schema version. A new database runs every migration in order;
an old one runs only those it lacks. Each migration's DDL stays in :data:`MIGRATIONS` for good,
so a test can build every earlier version and migrate it forward. Times are integers: milliseconds
since the Unix epoch (UTC); durations are seconds (REAL).
"""

from __future__ import annotations

import sqlite3

from kiosk.errors import JournalError

#: ``(version, statements)``: applying the statements to version ``n - 1`` gives version ``n``.
MIGRATIONS: tuple[tuple[int, tuple[str, ...]], ...] = (
    # 1: the history — one row per session, one per run of a step.
    (1, (
        """CREATE TABLE sessions (
            id          INTEGER PRIMARY KEY,
            routine     TEXT    NOT NULL,
            room        TEXT    NOT NULL DEFAULT '',
            target_s    REAL,
            started_at  INTEGER NOT NULL,
            ended_at    INTEGER,
            status      TEXT    NOT NULL
                CHECK (status IN ('running', 'paused', 'finished', 'stopped', 'interrupted'))
        )""",
        """CREATE TABLE steps (
            session_id  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            run         INTEGER NOT NULL,
            idx         INTEGER NOT NULL,
            name        TEXT    NOT NULL,
            side        TEXT,
            planned_s   REAL    NOT NULL,
            min_s       REAL    NOT NULL,
            max_s       REAL    NOT NULL,
            actual_s    REAL    NOT NULL,
            started_at  INTEGER NOT NULL,
            reps        INTEGER,
            pauses      INTEGER NOT NULL DEFAULT 0,
            paused_s    REAL    NOT NULL DEFAULT 0,
            extends     INTEGER NOT NULL DEFAULT 0,
            how         TEXT    NOT NULL,
            timing      TEXT,
            PRIMARY KEY (session_id, run)
        )""",
        "CREATE INDEX sessions_by_routine ON sessions (routine, started_at)",
    )),
    # 2: crash resume — what is needed to re-plan a session, and its last saved state.
    (2, (
        "ALTER TABLE sessions ADD COLUMN routine_path TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE sessions ADD COLUMN routine_hash TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE sessions ADD COLUMN skip TEXT NOT NULL DEFAULT '[]'",
        "ALTER TABLE sessions ADD COLUMN resumes INTEGER NOT NULL DEFAULT 0",
        """CREATE TABLE resume (
            session_id  INTEGER PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
            saved_at    INTEGER NOT NULL,
            step_index  INTEGER,
            state       TEXT    NOT NULL,
            extra       TEXT    NOT NULL DEFAULT '{}'
        )""",
        "CREATE INDEX sessions_by_status ON sessions (status)",
    )),
)

LATEST: int = MIGRATIONS[-1][0]


def version(conn: sqlite3.Connection) -> int:
    """The schema version of the open database (0 for an empty one)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, target: int = LATEST, *, where: str = "the journal") -> int:
    """Bring the database up to ``target`` in one transaction; returns the version it was at.

    All pending migrations commit together or not at all, so a power cut mid-way leaves the old
    version intact. Needs a connection in autocommit mode (``isolation_level=None``).
    """
    conn.execute("BEGIN IMMEDIATE")  # re-read under the write lock: another process may have migrated
    try:
        start = version(conn)
        if start > LATEST:
            raise JournalError(
                f"{where} was written by a newer kiosk (schema version {start}; this one knows up to "
                f"{LATEST}); update the kiosk, or use another data directory"
            )
        for number, statements in MIGRATIONS:
            if start < number <= target:
                for sql in statements:
                    conn.execute(sql)
                conn.execute(f"PRAGMA user_version = {int(number)}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return start
