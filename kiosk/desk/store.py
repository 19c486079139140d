"""The desk's own SQLite file: every room's finished sessions and the browsers logged in.

Session records arrive at least once over MQTT (QoS 1, a persistent session), so a repeat is
dropped by its clinic-wide id. Logins are kept here too, so a restarted desk does not log the
front desk out. WAL with ``synchronous=FULL``, as for the kiosk's journal.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,          -- ROOM_ID/SESSION_ID, unique in the clinic
    room TEXT NOT NULL,
    routine TEXT NOT NULL,
    status TEXT NOT NULL,
    started_at TEXT NOT NULL,     -- ISO 8601 with offset, as the room sent it
    ended_at TEXT,
    started_epoch REAL NOT NULL,
    actual_s REAL,
    planned_s REAL,
    received_at REAL NOT NULL,
    record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_by_room ON sessions (room, started_epoch);
CREATE TABLE IF NOT EXISTS logins (
    token_hash TEXT PRIMARY KEY,
    csrf TEXT NOT NULL,
    expires REAL NOT NULL
);
"""
#: A session that ends this much past its planned length is "late" on the history page.
ON_TIME_SLACK_S = 60.0
CSV_COLUMNS = ("id", "room", "routine", "status", "started_at", "ended_at", "planned_min", "actual_min", "on_time")


@dataclass(frozen=True)
class SessionRow:
    id: str
    room: str
    routine: str
    status: str
    started_at: datetime
    ended_at: datetime | None
    planned_s: float | None
    actual_s: float | None

    @property
    def over_s(self) -> float | None:
        if self.planned_s is None or self.actual_s is None:
            return None
        return self.actual_s - self.planned_s

    @property
    def on_time(self) -> bool | None:
        over = self.over_s
        return None if over is None else over <= ON_TIME_SLACK_S


class RecordError(ValueError):
    """A session record that cannot be stored (the reason is logged; the record is dropped)."""


def _parse_time(value, what: str) -> datetime:
    if not isinstance(value, str):
        raise RecordError(f"{what} is not a time")
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise RecordError(f"{what} {value[:40]!r} is not an ISO 8601 time") from None
    if when.tzinfo is None:
        raise RecordError(f"{what} has no UTC offset")
    return when


def planned_of(record: dict) -> float | None:
    """The planned length: the booking's target, else the sum of the steps' planned times."""
    target = record.get("target_s")
    if isinstance(target, (int, float)) and not isinstance(target, bool) and target > 0:
        return float(target)
    steps = [s.get("planned_s") for s in record.get("steps") or [] if isinstance(s, dict)]
    planned = [p for p in steps if isinstance(p, (int, float)) and not isinstance(p, bool)]
    return float(sum(planned)) if planned else None


class Store:
    """One SQLite connection, used from the desk's event loop thread only."""

    def __init__(self, data_dir: Path):
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o750)
        self.path = data_dir / "desk.sqlite3"
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    # --- sessions -----------------------------------------------------------------------------

    def add_session(self, room: str, record: dict) -> bool:
        """Store one record from ``PREFIX/ROOM/sessions``; False when it was a repeat.

        Raises :class:`RecordError` for a record that is not a session of that room.
        """
        if not isinstance(record, dict):
            raise RecordError("the record is not a JSON object")
        rid = record.get("id")
        if not isinstance(rid, str) or not rid.startswith(f"{room}/"):
            raise RecordError(f"id {str(rid)[:60]!r} is not a session of room {room}")
        routine = record.get("routine")
        if not isinstance(routine, str):
            raise RecordError("routine is missing")
        started = _parse_time(record.get("started_at"), "started_at")
        ended = _parse_time(record["ended_at"], "ended_at") if record.get("ended_at") else None
        actual = (ended - started).total_seconds() if ended else None
        cur = self.db.execute(
            "INSERT OR IGNORE INTO sessions (id, room, routine, status, started_at, ended_at, started_epoch,"
            " actual_s, planned_s, received_at, record) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (rid, room, routine[:200], str(record.get("status", "finished"))[:20], started.isoformat(),
             ended.isoformat() if ended else None, started.timestamp(), actual, planned_of(record),
             time.time(), json.dumps(record)))
        return cur.rowcount == 1

    def sessions(self, room: str, since: float = 0.0, limit: int = 500) -> list[SessionRow]:
        """The room's sessions started at or after ``since`` (epoch seconds), newest first."""
        rows = self.db.execute(
            "SELECT * FROM sessions WHERE room = ? AND started_epoch >= ? ORDER BY started_epoch DESC LIMIT ?",
            (room, since, limit)).fetchall()
        return [SessionRow(r["id"], r["room"], r["routine"], r["status"], datetime.fromisoformat(r["started_at"]),
                           datetime.fromisoformat(r["ended_at"]) if r["ended_at"] else None, r["planned_s"],
                           r["actual_s"]) for r in rows]

    def rooms(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT DISTINCT room FROM sessions ORDER BY room")]

    def csv(self, room: str) -> str:
        """Every session of ``room`` as CSV (oldest first), for a spreadsheet."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for s in reversed(self.sessions(room, limit=1_000_000)):
            writer.writerow([s.id, s.room, _cell(s.routine), s.status, s.started_at.isoformat(),
                             s.ended_at.isoformat() if s.ended_at else "",
                             "" if s.planned_s is None else f"{s.planned_s / 60:.1f}",
                             "" if s.actual_s is None else f"{s.actual_s / 60:.1f}",
                             {True: "yes", False: "no", None: ""}[s.on_time]])
        return out.getvalue()

    # --- logins -------------------------------------------------------------------------------

    def add_login(self, token: str, csrf: str, expires: float) -> None:
        self.db.execute("DELETE FROM logins WHERE expires < ?", (time.time(),))
        self.db.execute("INSERT INTO logins VALUES (?,?,?)", (_hash(token), csrf, expires))

    def login(self, token: str) -> str | None:
        """The CSRF token of a live login, or None."""
        row = self.db.execute("SELECT csrf, expires FROM logins WHERE token_hash = ?", (_hash(token),)).fetchone()
        if row is None or row["expires"] < time.time():
            return None
        return row["csrf"]

    def drop_login(self, token: str) -> None:
        self.db.execute("DELETE FROM logins WHERE token_hash = ?", (_hash(token),))

    def drop_all_logins(self) -> None:
        """A new password logs every browser out."""
        self.db.execute("DELETE FROM logins")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _cell(text: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
