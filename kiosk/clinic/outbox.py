"""Finished and abandoned sessions waiting to be published, kept in the journal's own SQLite file.

The journal stays the one truth: a session it has closed (finished, stopped, or interrupted by a
power cut and not resumed) is copied into the ``clinic_outbox`` table as the record the clinic
sees, and marked sent only when the broker acknowledged it (QoS 1). A kill -9 between the two
leaves it unsent, so it goes out again: at-least-once, in session order, duplicates recognisable
by their id. Sessions recorded before the room joined the clinic network are not sent.

One connection, used only by the clinic's worker thread; WAL lets it run beside the journal's
writer and never blocks the UI.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

from kiosk.clinic.protocol import session_record
from kiosk.journal import reports, store

ENDED = ("finished", "stopped", "interrupted")
_TABLES = (
    """CREATE TABLE IF NOT EXISTS clinic_outbox (
        session_id  INTEGER PRIMARY KEY,
        record      TEXT    NOT NULL,
        queued_at   INTEGER NOT NULL,
        sent_at     INTEGER
    )""",
    """CREATE TABLE IF NOT EXISTS clinic_outbox_start (
        only        INTEGER PRIMARY KEY CHECK (only = 1),
        first_id    INTEGER NOT NULL
    )""",
)


class Outbox:
    """The queue of session records for one room, in the journal at ``path``."""

    def __init__(self, path: Path | str, room_id: str):
        self.path = Path(path)
        self.room_id = room_id
        self._conn: sqlite3.Connection | None = None
        #: When the room joined the network (this run, if the outbox was never set up before): sessions
        #: that ended earlier are history, not news. Judged by time, not by when the worker first looks,
        #: so a session that ends before the journal's tables or the broker are ready is still sent.
        self._joined_ms = store.to_ms(time.time())

    def _open(self) -> sqlite3.Connection | None:
        """The connection, tables made if missing; None while the journal has no sessions table yet."""
        if self._conn is not None:
            return self._conn
        if not self.path.exists():
            return None
        conn = store.connect(self.path)
        conn.row_factory = sqlite3.Row
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sessions'").fetchone() is None:
            conn.close()
            return None
        conn.execute("BEGIN IMMEDIATE")
        try:
            for sql in _TABLES:
                conn.execute(sql)
            conn.execute(
                "INSERT OR IGNORE INTO clinic_outbox_start (only, first_id) SELECT 1, COALESCE(MAX(id), 0) + 1 "
                f"FROM sessions WHERE status IN ({', '.join('?' * len(ENDED))}) AND ended_at < ?",
                (*ENDED, self._joined_ms))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            conn.close()
            raise
        self._conn = conn
        return conn

    def collect(self) -> int:
        """Queue every session the journal closed since the last look; returns how many were added."""
        conn = self._open()
        if conn is None:
            return 0
        marks = ", ".join("?" * len(ENDED))
        ids = [row[0] for row in conn.execute(
            f"SELECT id FROM sessions WHERE status IN ({marks}) AND ended_at IS NOT NULL "
            "AND id >= (SELECT first_id FROM clinic_outbox_start) "
            "AND id NOT IN (SELECT session_id FROM clinic_outbox) ORDER BY id", ENDED)]
        added = 0
        for session_id in ids:
            row = reports.session(conn, session_id)
            if row is None:
                continue
            record = json.dumps(session_record(self.room_id, row.to_json()), ensure_ascii=False,
                                separators=(",", ":"))
            conn.execute("INSERT OR IGNORE INTO clinic_outbox (session_id, record, queued_at) VALUES (?, ?, ?)",
                         (session_id, record, store.to_ms(time.time())))
            added += 1
        return added

    def next_unsent(self) -> tuple[int, bytes] | None:
        """The oldest record not yet acknowledged, as ``(session_id, payload)``."""
        conn = self._open()
        if conn is None:
            return None
        row = conn.execute("SELECT session_id, record FROM clinic_outbox WHERE sent_at IS NULL "
                           "ORDER BY session_id LIMIT 1").fetchone()
        return None if row is None else (row[0], row[1].encode())

    def mark_sent(self, session_id: int) -> None:
        conn = self._open()
        if conn is not None:
            conn.execute("UPDATE clinic_outbox SET sent_at = ? WHERE session_id = ? AND sent_at IS NULL",
                         (store.to_ms(time.time()), session_id))

    def pending(self) -> int:
        conn = self._open()
        if conn is None:
            return 0
        return int(conn.execute("SELECT COUNT(*) FROM clinic_outbox WHERE sent_at IS NULL").fetchone()[0])

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
