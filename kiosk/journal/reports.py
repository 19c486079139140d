"""Reading the journal back: recent sessions, one routine's step timings over time, CSV export.

For the kiosk's history and summary screens and for ``kiosk history``. Opens the database
read-only, so reading never creates a file or blocks the kiosk's writer (WAL lets both run).
"""

from __future__ import annotations

import csv
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterable

from kiosk.engine.records import StepRun
from kiosk.errors import JournalError
from kiosk.journal import schema, store


#: The status of a session stopped before its first step ended.
ABANDONED = "abandoned"

@dataclass(frozen=True)
class StepRow(StepRun):
    """One run of a step as recorded: the engine's step run, numbered in the session
    (``started_at`` in epoch milliseconds)."""

    run: int
    started_at: int
    reps: int | None
    pauses: int
    paused_s: float
    extends: int
    how: str
    timing: str | None

    def to_json(self) -> dict:
        """The step object of ``kiosk history --json``; other scripts rely on exactly this shape."""
        return {
            "index": self.index, "name": self.name, "side": self.side, "planned_s": self.planned_s,
            "actual_s": self.actual_s, "started_at": store.iso(self.started_at),
        }


@dataclass(frozen=True)
class SessionRow:
    """One recorded session with its steps in the order they ran."""

    id: int
    routine: str
    room: str
    target_s: float | None
    started_at: int
    ended_at: int | None
    status: str
    resumes: int
    steps: tuple[StepRow, ...]

    @property
    def active_s(self) -> float:
        """Time spent in steps, pauses left out."""
        return sum(s.actual_s for s in self.steps)

    @property
    def length_s(self) -> float | None:
        """Start to end on the wall clock (pauses and any power cut included); None while open."""
        return None if self.ended_at is None else (self.ended_at - self.started_at) / 1000.0

    @property
    def unrecorded(self) -> int:
        """Step runs missing between the recorded ones: records the disk never took (normally 0)."""
        runs = {s.run for s in self.steps}
        return (max(runs) + 1 - len(runs)) if runs else 0

    def to_json(self) -> dict:
        """The session object of ``kiosk history --json``; other scripts rely on exactly this shape."""
        return {
            "id": self.id, "routine": self.routine, "started_at": store.iso(self.started_at),
            "ended_at": store.iso(self.ended_at), "status": self.status, "target_s": self.target_s,
            "steps": [s.to_json() for s in self.steps],
        }


@dataclass(frozen=True)
class TrendPoint:
    """How one step went in one session."""

    session_id: int
    started_at: int
    planned_s: float
    actual_s: float
    timing: str | None


@dataclass(frozen=True)
class StepTrend:
    """One step of a routine across sessions, oldest first, against its window."""

    name: str
    side: str | None
    occurrence: int  # 1 for the first time this name and side come up in a session, 2 for a repeat ...
    min_s: float
    max_s: float
    points: tuple[TrendPoint, ...]

    @property
    def label(self) -> str:
        side = f" ({self.side})" if self.side else ""
        repeat = f" #{self.occurrence}" if self.occurrence > 1 else ""
        return f"{self.name}{side}{repeat}"


def open_reader(data_dir: Path | str) -> sqlite3.Connection | None:
    """A read-only connection to the journal in ``data_dir``; None when nothing was recorded there.

    Raises :class:`JournalError` when the file is damaged, not a journal, or needs an upgrade
    that only a writable folder allows.
    """
    path = store.database_path(data_dir)
    if not path.is_file():
        return None
    try:
        conn = store.connect_readonly(path)
        found = schema.version(conn)
        if found < schema.LATEST:
            conn.close()
            if found == 0 and path.stat().st_size == 0:
                return None
            try:  # an older kiosk wrote it: upgrade it in place, as the kiosk would
                writer = store.connect(path)
                try:
                    schema.migrate(writer, where=str(path))
                finally:
                    writer.close()
            except sqlite3.Error as exc:
                raise JournalError(
                    f"{path}: the history needs an upgrade (schema {found} -> {schema.LATEST}) but the file "
                    f"cannot be written ({exc}); run the kiosk once, or use a copy in a writable folder"
                ) from exc
            conn = store.connect_readonly(path)
        elif found > schema.LATEST:
            conn.close()
            raise JournalError(f"{path}: written by a newer kiosk (schema {found}); update this one")
        conn.row_factory = sqlite3.Row
        return conn
    except sqlite3.DatabaseError as exc:
        hint = f" {store.RECOVER_HINT.format(path=path)}" if store.is_damaged(exc) else ""
        raise JournalError(f"{path}: cannot read the history ({exc}).{hint}") from exc


def recent_sessions(conn: sqlite3.Connection, limit: int | None = 20,
                    routine: str | None = None, status: str | None = None) -> list[SessionRow]:
    """Sessions newest first; ``routine`` matches the routine's name or file name, case aside;
    ``status`` keeps only sessions that ended so (``finished``)."""
    clauses, params = [], []
    if routine:
        clauses.append("(lower(routine) = lower(?) OR lower(routine_path) LIKE ? ESCAPE '\\')")
        stem = routine.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params += [routine, f"%/{stem}.y%ml"]
    if status:
        clauses.append("status = ?")
        params.append(status)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    sql = f"SELECT * FROM sessions{where} ORDER BY started_at DESC, id DESC"
    if limit is not None and limit > 0:
        sql += " LIMIT ?"
        params.append(limit)
    sessions = conn.execute(sql, params).fetchall()
    steps: dict[int, list[StepRow]] = {s["id"]: [] for s in sessions}
    if sessions:
        marks = ",".join("?" * len(steps))
        for row in conn.execute(
            f"SELECT * FROM steps WHERE session_id IN ({marks}) ORDER BY session_id, run", list(steps)
        ):
            steps[row["session_id"]].append(_step(row))
    return [
        SessionRow(
            id=s["id"], routine=s["routine"], room=s["room"], target_s=s["target_s"],
            started_at=s["started_at"], ended_at=s["ended_at"], status=_status(s["status"], steps[s["id"]]),
            resumes=s["resumes"], steps=tuple(steps[s["id"]]),
        )
        for s in sessions
    ]


def session(conn: sqlite3.Connection, session_id: int) -> SessionRow | None:
    """One session by id (the summary screen after a session)."""
    row = conn.execute("SELECT * FROM sessions WHERE id = ?", (session_id,)).fetchone()
    if row is None:
        return None
    steps = tuple(_step(r) for r in conn.execute(
        "SELECT * FROM steps WHERE session_id = ? ORDER BY run", (session_id,)))
    return SessionRow(id=row["id"], routine=row["routine"], room=row["room"], target_s=row["target_s"],
                      started_at=row["started_at"], ended_at=row["ended_at"], status=_status(row["status"], steps),
                      resumes=row["resumes"], steps=steps)


def step_trends(conn: sqlite3.Connection, routine: str, limit: int = 20) -> list[StepTrend]:
    """Per-step timing for ``routine`` over its last ``limit`` sessions, in running order.

    A step gone back to counts once, by its last run. Steps are told apart by name, side and
    how many times that pair came up before in the session (a repeated block's second pass).
    Only finished sessions count: a stopped or abandoned one would drag every trend towards "short".
    """
    sessions = list(reversed(recent_sessions(conn, limit=limit, routine=routine, status="finished")))
    order: list[tuple] = []
    windows: dict[tuple, tuple[float, float]] = {}
    points: dict[tuple, list[TrendPoint]] = {}
    for s in sessions:
        last: dict[int, StepRow] = {}
        for step in s.steps:
            last.pop(step.index, None)
            last[step.index] = step
        seen: dict[tuple, int] = {}
        for step in sorted(last.values(), key=lambda r: r.index):
            pair = (step.name, step.side)
            seen[pair] = seen.get(pair, 0) + 1
            key = (*pair, seen[pair])
            if key not in points:
                order.append(key)
                points[key] = []
            windows[key] = (step.min_s, step.max_s)
            points[key].append(TrendPoint(s.id, step.started_at, step.planned_s, step.actual_s, step.timing))
    return [
        StepTrend(name=k[0], side=k[1], occurrence=k[2], min_s=windows[k][0], max_s=windows[k][1],
                  points=tuple(points[k]))
        for k in order
    ]


CSV_COLUMNS = (
    "session_id", "routine", "room", "session_started_at", "session_ended_at", "status", "target_s",
    "run", "index", "name", "side", "planned_s", "min_s", "max_s", "actual_s", "started_at", "reps",
    "pauses", "paused_s", "extends", "how", "timing",
)


def write_csv(sessions: Iterable[SessionRow], out: IO[str]) -> int:
    """One row per step run (a session without steps gets one row of its own); returns the rows."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    rows = 0
    for s in sessions:
        head = [s.id, s.routine, s.room, store.iso(s.started_at), store.iso(s.ended_at) or "", s.status,
                _num(s.target_s)]
        if not s.steps:
            writer.writerow(head + [""] * (len(CSV_COLUMNS) - len(head)))
            rows += 1
        for st in s.steps:
            writer.writerow(head + [
                st.run, st.index, st.name, st.side or "", _num(st.planned_s), _num(st.min_s), _num(st.max_s),
                _num(st.actual_s), store.iso(st.started_at), "" if st.reps is None else st.reps, st.pauses,
                _num(st.paused_s), st.extends, st.how, st.timing or "",
            ])
            rows += 1
    return rows


def _num(value: float | None) -> str:
    """Seconds for a spreadsheet: up to milliseconds, no trailing zeros."""
    if value is None:
        return ""
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _status(recorded: str, steps: Iterable[StepRow]) -> str:
    """The session's status as people read it: a session stopped before its first step ended
    (picked by mistake, the client left) is ``abandoned``."""
    if recorded == "stopped" and not any(step.how in ("advance", "auto") for step in steps):
        return ABANDONED
    return recorded


def _step(row: sqlite3.Row) -> StepRow:
    return StepRow(
        run=row["run"], index=row["idx"], name=row["name"], side=row["side"], planned_s=row["planned_s"],
        min_s=row["min_s"], max_s=row["max_s"], actual_s=row["actual_s"], started_at=row["started_at"],
        reps=row["reps"], pauses=row["pauses"], paused_s=row["paused_s"], extends=row["extends"],
        how=row["how"], timing=row["timing"],
    )
