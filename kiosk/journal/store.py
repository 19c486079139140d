"""Opening the journal's SQLite file, and the few statements that write to it.

WAL with ``synchronous=FULL``: a committed record survives a power cut (NORMAL may lose the last
commits on an SD card). Every write function runs inside one transaction the caller opened, so
a step's record and the resume state that counts it always land together.
"""

from __future__ import annotations

import errno
import json
import sqlite3
from datetime import datetime
from pathlib import Path

from kiosk.i18n import _
from kiosk.journal import schema

FILENAME = "kiosk.sqlite3"
#: How long a connection waits for another one's write lock before giving up (seconds); the
#: writer then tries again with a growing pause (:mod:`kiosk.journal.writer`), it never drops a record.
BUSY_TIMEOUT_S = 5.0
#: The WAL is folded back into the database every this many pages and cut back to
#: :data:`WAL_LIMIT_BYTES` after that: without both it grows to ~4 MB before SQLite folds it back,
#: which alone fills a small data partition.
WAL_AUTOCHECKPOINT_PAGES = 16
WAL_LIMIT_BYTES = 64 * 1024
#: What to do about a damaged journal, for messages that name it as ``{path}``.
RECOVER_HINT = ("The kiosk moves a damaged journal aside at its next start and begins a new one; to save "
                "what it still holds: sqlite3 {path} .recover | sqlite3 recovered.sqlite3 (docs/deploy.md, "
                "'Damaged file', has the way for a sqlite3 without .recover)")


def database_path(data_dir: Path | str) -> Path:
    return Path(data_dir) / FILENAME


def connect(path: Path | str) -> sqlite3.Connection:
    """A read-write connection in autocommit mode (transactions are explicit), WAL, FULL sync."""
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_S)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}")
        conn.execute(f"PRAGMA journal_size_limit = {WAL_LIMIT_BYTES}")
    except BaseException:
        conn.close()
        raise
    return conn


def connect_readonly(path: Path | str) -> sqlite3.Connection:
    """A connection that can never write or create the file (for ``kiosk history``)."""
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    return sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_S)


# --- times ------------------------------------------------------------------------------------


def to_ms(seconds: float) -> int:
    """Epoch seconds as whole milliseconds, the journal's time unit."""
    return int(round(seconds * 1000.0))


def iso(ms: int | None) -> str | None:
    """ISO 8601 in local time with its UTC offset and milliseconds: ``2026-11-21T10:02:03.045+01:00``."""
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000.0).astimezone().isoformat(timespec="milliseconds")


# --- problems ---------------------------------------------------------------------------------


def describe_failure(exc: BaseException, where: Path | str) -> str:
    """A sentence for the screen: what went wrong with the journal and what to do about it."""
    text = str(exc).lower()
    os_code = getattr(exc, "errno", None) if isinstance(exc, OSError) else None
    sql_code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF if isinstance(exc, sqlite3.Error) else None
    if os_code == errno.ENOSPC or sql_code == 13 or "disk is full" in text:  # 13: SQLITE_FULL
        return _("Session history paused: the disk holding {folder} is full. The session goes on; "
                 "free some space to record again.").format(folder=where)
    if sql_code in (5, 6) or "locked" in text:  # SQLITE_BUSY, SQLITE_LOCKED
        return _("Session history waiting: another program holds the journal in {folder}. The session "
                 "goes on and its records are written as soon as the lock is released.").format(folder=where)
    if os_code in (errno.EROFS, errno.EACCES, errno.EPERM) or sql_code == 8 or \
            "readonly" in text or "read-only" in text or "permission" in text:  # 8: SQLITE_READONLY
        return _("Session history is off: {folder} cannot be written (read-only). The session goes on; "
                 "set a writable data_dir in the room config.").format(folder=where)
    return _("Session history is off: {folder}: {why}. The session goes on.").format(folder=where, why=exc)


def is_full(exc: BaseException) -> bool:
    """Whether ``exc`` says the disk (or the database's page limit) is full."""
    if isinstance(exc, OSError):
        return exc.errno == errno.ENOSPC
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and code & 0xFF == 13:  # SQLITE_FULL
        return True
    return "disk is full" in str(exc).lower()


def check(conn: sqlite3.Connection) -> str | None:
    """``PRAGMA quick_check`` in a few words: None when the file is sound, else what SQLite found.

    Raises :class:`sqlite3.DatabaseError` when the file is too damaged to be checked at all.
    """
    rows = [r[0] for r in conn.execute("PRAGMA quick_check(3)").fetchall()]
    return None if rows == ["ok"] else "; ".join(str(r) for r in rows)


def is_damaged(exc: BaseException) -> bool:
    """Whether SQLite says the file is not a database or is corrupt (not: full, locked, read-only)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (11, 26)  # SQLITE_CORRUPT, SQLITE_NOTADB
    text = str(exc).lower()
    return "not a database" in text or "malformed" in text


def move_aside(path: Path) -> Path:
    """Rename a damaged database (and its -wal/-shm) out of the way, keeping it for inspection."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = path.with_name(f"{path.name}.damaged-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        part = path.with_name(path.name + suffix)
        if part.exists():
            part.replace(kept.with_name(kept.name + suffix))
    return kept


# --- writes (each inside the caller's transaction) --------------------------------------------


def insert_session(conn: sqlite3.Connection, row: dict) -> None:
    conn.execute(
        "INSERT INTO sessions (id, routine, room, target_s, started_at, status, routine_path,"
        " routine_hash, skip) VALUES (:id, :routine, :room, :target_s, :started_at, :status,"
        " :routine_path, :routine_hash, :skip)",
        row,
    )


def insert_steps(conn: sqlite3.Connection, session_id: int, steps: list[dict]) -> None:
    """Record step runs; a run already recorded (same session and run number) is kept as it was."""
    conn.executemany(
        "INSERT OR IGNORE INTO steps (session_id, run, idx, name, side, planned_s, min_s, max_s,"
        " actual_s, started_at, reps, pauses, paused_s, extends, how, timing) VALUES (:session_id,"
        " :run, :idx, :name, :side, :planned_s, :min_s, :max_s, :actual_s, :started_at, :reps,"
        " :pauses, :paused_s, :extends, :how, :timing)",
        [dict(step, session_id=session_id) for step in steps],
    )


def save_state(conn: sqlite3.Connection, session_id: int, *, status: str, saved_at: int,
               step_index: int | None, state: dict, extra: dict) -> None:
    """The session's resume point, replacing the previous one, and its running status."""
    conn.execute("UPDATE sessions SET status = ? WHERE id = ?", (status, session_id))
    conn.execute(
        "INSERT OR REPLACE INTO resume (session_id, saved_at, step_index, state, extra)"
        " VALUES (?, ?, ?, ?, ?)",
        (session_id, saved_at, step_index, json.dumps(state, separators=(",", ":")),
         json.dumps(extra, separators=(",", ":"))),
    )


def end_session(conn: sqlite3.Connection, session_id: int, *, status: str, ended_at: int | None) -> None:
    """Close a session (finished, stopped or interrupted); its resume point goes with it.

    Without ``ended_at`` the session ends when it was last saved (or when it started).
    """
    if ended_at is None:
        conn.execute(
            "UPDATE sessions SET status = ?, ended_at = COALESCE((SELECT saved_at FROM resume WHERE"
            " session_id = sessions.id), started_at) WHERE id = ?",
            (status, session_id),
        )
    else:
        conn.execute("UPDATE sessions SET status = ?, ended_at = ? WHERE id = ?", (status, ended_at, session_id))
    conn.execute("DELETE FROM resume WHERE session_id = ?", (session_id,))


def shift_session(conn: sqlite3.Connection, session_id: int, ms: int) -> None:
    """Move a running session's stamps by ``ms`` (the wall clock jumped; the session keeps one frame)."""
    conn.execute("UPDATE sessions SET started_at = started_at + ? WHERE id = ?", (ms, session_id))
    conn.execute("UPDATE steps SET started_at = started_at + ? WHERE session_id = ?", (ms, session_id))
    conn.execute("UPDATE resume SET saved_at = saved_at + ? WHERE session_id = ?", (ms, session_id))


def mark_resumed(conn: sqlite3.Connection, session_id: int) -> None:
    conn.execute("UPDATE sessions SET resumes = resumes + 1 WHERE id = ?", (session_id,))


def ensure_schema(conn: sqlite3.Connection, where: str) -> None:
    """Create or upgrade the tables (see :mod:`kiosk.journal.schema`)."""
    schema.migrate(conn, where=where)
