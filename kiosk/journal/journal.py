"""The session journal: what the kiosk records about each session, and how it comes back after a crash.

The kiosk calls :meth:`Journal.begin` when a session starts, :meth:`Journal.on_events` with every
batch of engine events and :meth:`Journal.autosave` every second or so. Each call does its
bookkeeping on the caller's thread (cheap: a ``to_dict`` and a few numbers) and hands one job to the
writer thread. A step's record and the resume state that counts it are written in one transaction,
so after a kill the history and the resume point always agree. The journal never raises into the
kiosk: a disk problem sets :attr:`Journal.notice` and the session goes on unrecorded.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import sqlite3
import threading
import time
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from kiosk.engine.events import Event, Paused, SessionFinished, StepEnded, StepStarted
from kiosk.errors import KioskError
from kiosk.i18n import _, ngettext
from kiosk.journal import reports, schema, store, timeframe
from kiosk.journal.resume import (
    RESUME_MAX_AGE_S, LiveSession, ResumeInfo, ResumeMixin, file_hash, session_elapsed,
)
from kiosk.journal.reserve import Reserve
from kiosk.journal.writer import Writer

if TYPE_CHECKING:
    from kiosk.engine.session import Session

log = logging.getLogger(__name__)

#: Default longest gap between two saves of a running session (seconds).
SAVE_EVERY_S = 5.0


class Damaged(sqlite3.DatabaseError):
    """``PRAGMA quick_check`` found the journal damaged (a torn page, a broken index)."""


#: How long opening the journal waits for another program's lock before it leaves the schema
#: work to the writer thread (which waits as long as it takes); the kiosk's start never hangs.
OPEN_LOCK_WAIT_S = 2.0


def _prepare(path: Path, connect: Callable[[Path], sqlite3.Connection]) -> tuple[int, bool]:
    """Create the folder and the tables as needed, check the file; returns (next session id, ready).

    ``ready`` is False when another program held the write lock through :data:`OPEN_LOCK_WAIT_S`:
    the schema work is then the writer's first job. Raises :class:`Damaged` for a damaged file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = connect(path)
    try:
        found = store.check(conn)
        if found is not None:
            raise Damaged(found)
        ready = schema.version(conn) == schema.LATEST  # the usual case: no write lock needed
        if not ready:
            conn.execute(f"PRAGMA busy_timeout = {int(OPEN_LOCK_WAIT_S * 1000)}")
            try:
                store.ensure_schema(conn, str(path))
                ready = True
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc).lower():
                    raise
                log.warning("journal %s is locked by another program; its tables wait", path)
        if schema.version(conn) == 0:
            return 1, ready
        return int(conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM sessions").fetchone()[0]), ready
    finally:
        conn.close()


def _status(session: "Session") -> str:
    return "paused" if session.state == "paused" else "running"


class Journal(ResumeMixin):
    """SQLite history and crash-resume points for the sessions one kiosk runs."""

    def __init__(self, path: Path, *, room: str = "", writer: Writer | None, next_id: int,
                 notice: str | None = None, save_every_s: float = SAVE_EVERY_S,
                 wall: Callable[[], float] = time.time, boot: timeframe.Boot = timeframe.system_boot):
        self.path = path
        self.room = room
        self.save_every_s = float(save_every_s)
        self.notice: str | None = notice
        self._writer = writer
        self._next_id = next_id
        self._wall = wall
        self._boot = boot  # (boot id, seconds since boot): the time a wall-clock jump cannot move
        self._live: dict[int, LiveSession] = {}
        self._pending: dict[int, ResumeInfo] = {}
        self._lock = threading.Lock()
        self._seq = 0  # jobs submitted so far: a queued autosave may absorb a newer one only if last

    # --- opening and closing ----------------------------------------------------------------

    @classmethod
    def open(cls, data_dir: Path | str, *, room: str = "", save_every_s: float = SAVE_EVERY_S,
             wall: Callable[[], float] = time.time, boot: timeframe.Boot = timeframe.system_boot,
             connect: Callable[[Path], sqlite3.Connection] = store.connect) -> "Journal":
        """The journal in ``data_dir`` (created with its database if need be); never raises.

        When the folder or the file cannot be used, the journal records nothing and says why in
        :attr:`notice`; the kiosk works on without history or resume.
        """
        data_dir = Path(data_dir).expanduser()
        path = store.database_path(data_dir)
        notice = None
        try:
            try:
                next_id, ready = _prepare(path, connect)
            except sqlite3.DatabaseError as exc:
                if not (isinstance(exc, Damaged) or store.is_damaged(exc)):
                    raise
                kept = store.move_aside(path)
                log.error("journal %s is damaged (%s); kept as %s, starting a new one", path, exc, kept)
                notice = _("The session history file was damaged; it was kept as {file} in {folder} "
                           "and a new one started. Sessions are recorded again.").format(file=kept.name,
                                                                                          folder=data_dir)
                next_id, ready = _prepare(path, connect)
        except (OSError, sqlite3.Error, KioskError) as exc:
            log.warning("journal %s unusable: %s", path, exc)
            if isinstance(exc, KioskError):
                notice = str(exc)
            elif data_dir.is_dir() and not os.access(data_dir, os.W_OK):  # SQLite says only "unable to open"
                notice = store.describe_failure(PermissionError(errno.EACCES, "read-only"), data_dir)
            else:
                notice = store.describe_failure(exc, data_dir)
            return cls(path, room=room, writer=None, next_id=1, notice=notice,
                       save_every_s=save_every_s, wall=wall, boot=boot)
        journal = cls(path, room=room, writer=None, next_id=next_id, notice=notice,
                      save_every_s=save_every_s, wall=wall, boot=boot)
        prepare = None if ready else (lambda conn: store.ensure_schema(conn, str(path)))
        journal._writer = Writer(path, journal._failed, connect=connect, on_caught_up=journal._caught_up,
                                 reserve=Reserve(data_dir), prepare=prepare)
        weakref.finalize(journal, journal._writer.close)  # at exit, what is queued still gets written
        return journal

    @property
    def enabled(self) -> bool:
        """Whether anything gets recorded (False when the data folder could not be used)."""
        return self._writer is not None

    @property
    def live_ids(self) -> tuple[int, ...]:
        """Ids of the sessions being recorded now (the running one, or one resumed after a power cut)."""
        return tuple(self._live)

    def flush(self, timeout: float | None = 5.0) -> bool:
        """Wait until everything handed over so far is on disk (tests, shutdown)."""
        return self._writer.flush(timeout) if self._writer else True

    def close(self, timeout: float | None = 10.0) -> None:
        """Write what is queued and stop the writer thread."""
        if self._writer is not None:
            self._writer.close(timeout)

    def _failed(self, exc: BaseException) -> None:
        """The writer's records started to wait: the notice says why (once per episode, no flicker)."""
        self.notice = store.describe_failure(exc, self.path.parent)

    def _caught_up(self, count: int) -> None:
        self.notice = ngettext("Session history caught up: the {n} record that waited is written.",
                               "Session history caught up: the {n} records that waited are written.",
                               count).format(n=count)

    def status(self) -> str:
        """One line for the screen: whether recording keeps up, and how many records wait if not."""
        if self._writer is None:
            return self.notice or _("Session history is off.")
        stuck, waiting = self._writer.stuck, self._writer.waiting
        if stuck is not None and waiting:
            why = _("disk full") if store.is_full(stuck) else (
                _("journal locked by another program") if "locked" in str(stuck).lower() else str(stuck))
            return ngettext("Recording paused: {why}, {n} record waiting.",
                            "Recording paused: {why}, {n} records waiting.", waiting).format(why=why, n=waiting)
        return _("Recording: caught up.")

    @property
    def lost(self) -> int:
        """Records that never reached the disk (given up at close, or refused by SQLite)."""
        return self._writer.lost if self._writer is not None else 0

    def _submit(self, job) -> None:
        with self._lock:
            self._seq += 1
        if self._writer is not None:
            self._writer.submit(job)

    # --- reading (for the kiosk's screens: never raises, a problem becomes the notice) -----

    def recent(self, limit: int | None = 20, routine: str | None = None) -> list[reports.SessionRow]:
        """Recorded sessions, newest first, everything handed over so far included."""
        return self._read(lambda conn: reports.recent_sessions(conn, limit=limit, routine=routine), [])

    def trends(self, routine: str, limit: int = 20) -> list[reports.StepTrend]:
        """Each step of ``routine`` over its last ``limit`` sessions, against its window."""
        return self._read(lambda conn: reports.step_trends(conn, routine, limit=limit), [])

    def export_csv(self, target: Path | str, *, limit: int | None = None, routine: str | None = None) -> int:
        """Write the history as CSV to ``target`` (a USB stick, say) in one piece; returns its rows,
        or -1 when it could not be written (the reason is in :attr:`notice`)."""
        target = Path(target)
        sessions = self.recent(limit=limit, routine=routine)
        part = target.with_name(target.name + ".part")
        try:
            with open(part, "w", encoding="utf-8", newline="") as out:
                rows = reports.write_csv(sessions, out)
                out.flush()
                os.fsync(out.fileno())
            part.replace(target)
        except OSError as exc:
            self.notice = _("Could not export the history to {file}: {why}.").format(file=target,
                                                                                       why=exc.strerror or exc)
            part.unlink(missing_ok=True)
            return -1
        return rows

    def _read(self, query, empty):
        self.flush(0.2 if self._writer is not None and self._writer.stuck is not None else 5.0)
        try:
            conn = reports.open_reader(self.path.parent)
            if conn is None:
                return empty
            try:
                return query(conn)
            finally:
                conn.close()
        except (sqlite3.Error, KioskError) as exc:
            log.warning("journal read failed: %s", exc)
            self.notice = self.notice or _("Session history cannot be read: {why}").format(why=exc)
            return empty

    # --- recording --------------------------------------------------------------------------

    def begin(self, session: "Session", *, routine_path: str | Path) -> int:
        """Record a new session (normally just after ``session.start()``); returns its id."""
        session_id = self._next_id
        self._next_id += 1
        now = session.clock.now()
        wall = self._wall()
        elapsed = session_elapsed(session, now)
        origin = store.to_ms(wall - elapsed)
        live = LiveSession(session_id, recorded=0, origins=[[0.0, origin]], last_save=now, offset=wall - now)
        self._live[session_id] = live
        path = Path(routine_path).expanduser().resolve()
        plan = session.plan
        row = dict(
            id=session_id, routine=plan.routine.name, room=self.room, target_s=session.target_s,
            started_at=origin, status=_status(session), routine_path=str(path),
            routine_hash=file_hash(path), skip=json.dumps(list(plan.skipped)),
        )
        steps = self._new_steps(live, session, ())
        save = self._save_args(live, session, now, wall)

        def job(conn: sqlite3.Connection) -> None:
            store.insert_session(conn, row)
            store.insert_steps(conn, session_id, steps)
            store.save_state(conn, session_id, **save)

        self._submit(job)
        return session_id

    def on_events(self, session_id: int, events: Iterable[Event], session: "Session") -> None:
        """Record what ``events`` say (ended steps, the end) and save the resume point."""
        events = list(events)
        if not events:
            return
        live = self._live.get(session_id)
        if live is None:
            log.warning("journal: events for session %s, which this kiosk did not begin or resume", session_id)
            return
        now = session.clock.now()
        wall = self._wall()
        steps = self._new_steps(live, session, events)
        finished = next((e for e in events if isinstance(e, SessionFinished)), None)
        if finished is not None:
            how = finished.how if finished.how in ("finished", "stopped") else "stopped"
            ended = live.wall_ms(finished.elapsed_s)  # on the session's own time line, like its steps
            self._live.pop(session_id, None)

            def end_job(conn: sqlite3.Connection) -> None:
                store.insert_steps(conn, session_id, steps)
                store.end_session(conn, session_id, status=how, ended_at=ended)

            self._submit(end_job)
            return
        save = self._save_args(live, session, now, wall)
        live.last_save = now

        def job(conn: sqlite3.Connection) -> None:
            store.insert_steps(conn, session_id, steps)
            store.save_state(conn, session_id, **save)

        self._submit(job)

    def autosave(self, session_id: int, session: "Session") -> bool:
        """Save a running session's resume point if ``save_every_s`` has passed; call it often.

        Cheap when there is nothing to do: a paused or idle session changes only through events,
        which :meth:`on_events` saves already. Returns whether a save was handed to the writer.
        """
        live = self._live.get(session_id)
        if live is None or session.state != "running":
            return False
        now = session.clock.now()
        wall = self._wall()
        self._follow_jump(session_id, live, wall, now)
        if now - live.last_save < self.save_every_s:
            return False
        save = self._save_args(live, session, now, wall)
        live.last_save = now
        with self._lock:
            box = live.autosave
            if box is not None and not box["taken"] and box["seq"] == self._seq:
                box["save"] = save  # a slow disk: the queued save writes this newer state instead
                return True
            box = live.autosave = {"save": save, "taken": False, "seq": self._seq + 1}

        def job(conn: sqlite3.Connection) -> None:
            with self._lock:
                box["taken"] = True
                latest = box["save"]
            store.save_state(conn, session_id, **latest)

        self._submit(job)
        return True

    def _follow_jump(self, session_id: int, live: LiveSession, wall: float, now: float) -> None:
        """A wall-clock jump (NTP syncing a Pi without a clock): move the session into the new frame."""
        moved = timeframe.jump(wall, now, live.offset)
        if not moved:
            return
        ms = store.to_ms(moved)
        live.shift(ms)
        live.offset += moved
        log.warning("journal: the wall clock jumped %+.1f s; session %s moved into the new time frame",
                    moved, session_id)
        self._submit(lambda conn: store.shift_session(conn, session_id, ms))

    def _new_steps(self, live: LiveSession, session: "Session", events: Iterable[Event]) -> list[dict]:
        """Rows for the step records the journal has not handed over yet (pause counts from events)."""
        pauses_at_end: list[int] = []
        for event in events:
            if isinstance(event, Paused):
                live.pauses += 1
            elif isinstance(event, StepEnded):
                pauses_at_end.append(live.pauses)
            elif isinstance(event, StepStarted):
                live.pauses = 0
        rows = []
        for k, rec in enumerate(session.records[live.recorded:]):
            rows.append(dict(
                run=live.recorded + k, idx=rec.index, name=rec.name, side=rec.side,
                planned_s=rec.planned_s, min_s=rec.min_s, max_s=rec.max_s, actual_s=rec.actual_s,
                started_at=live.wall_ms(rec.started_s), reps=rec.reps_done,
                pauses=pauses_at_end[k] if k < len(pauses_at_end) else 0, paused_s=rec.paused_s,
                extends=rec.extends, how=rec.how, timing=rec.timing,
            ))
        live.recorded = len(session.records)
        return rows

    def _save_args(self, live: LiveSession, session: "Session", now: float, wall: float) -> dict:
        index = session.index
        extra = {
            "origins": live.origins, "pauses": live.pauses, **timeframe.stamp(self._boot),
            "step_name": session.plan.steps[index].name if index is not None else None,
        }
        return dict(status=_status(session), saved_at=store.to_ms(wall), step_index=index,
                    state=session.to_dict(now), extra=json.loads(json.dumps(extra)))


__all__ = ["Journal", "ResumeInfo", "RESUME_MAX_AGE_S", "SAVE_EVERY_S"]
