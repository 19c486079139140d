"""Coming back after an unclean stop: find the interrupted session, restore it paused, go on.

The half of :class:`~kiosk.journal.Journal` that reads resume points. A session is offered again
only when its routine file is unchanged (same SHA-256), it was saved recently enough, and it is
the newest unfinished one; every other unfinished session is closed as interrupted.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.errors import KioskError
from kiosk.journal import store, timeframe

if TYPE_CHECKING:
    from kiosk.engine.clock import Clock
    from kiosk.engine.session import Session

log = logging.getLogger(__name__)

#: Default age beyond which an interrupted session is closed rather than resumed (seconds).
RESUME_MAX_AGE_S = 3 * 3600.0


@dataclass(frozen=True)
class ResumeInfo:
    """An interrupted session the kiosk can continue: enough to re-plan it and restore the engine."""

    session_id: int
    routine: str
    routine_path: str
    routine_hash: str
    target_s: float | None
    skip: tuple[str, ...]
    state: dict
    saved_at: float  #: wall-clock time of the last save (epoch seconds)
    step_index: int | None
    room: str = ""
    extra: dict = field(default_factory=dict, repr=False)

    @property
    def step_name(self) -> str | None:
        """Name of the step the session was on (from the saved records' plan), if known."""
        return self.extra.get("step_name")


def file_hash(path: Path | str) -> str:
    """SHA-256 of a file's bytes ('' when it cannot be read): a resume never runs on an edited routine."""
    from kiosk.files import read_regular_file
    from kiosk.yamlsafe import MAX_BYTES

    try:
        return hashlib.sha256(read_regular_file(path, MAX_BYTES, "routine")).hexdigest()
    except OSError:  # FileReadError included: a FIFO in its place is "changed", never a hang
        return ""


@dataclass
class LiveSession:
    """What the journal keeps in memory about a session this process is running."""

    session_id: int
    recorded: int  # session.records already handed to the writer
    origins: list  # [[from session time s, wall ms of session time 0]], one per process that ran it
    pauses: int = 0  # pauses in the current step
    last_save: float = float("-inf")  # engine clock time of the last save
    autosave: dict | None = None  # the last autosave handed to the writer: {save, taken, seq}
    offset: float | None = None  # wall minus engine clock when this run began: a change is a jump

    def shift(self, ms: int) -> None:
        """Move the whole session into a corrected wall-clock frame (the clock jumped by ``ms``)."""
        for origin in self.origins:
            origin[1] += ms

    def wall_ms(self, session_s: float) -> int:
        """Wall time of a moment in session time, through the origin of the run it fell in.

        A run that resumed from a save at session time ``start`` owns the moments after it; the
        moment of the save itself belongs to the run that saved it.
        """
        origin = self.origins[0][1]
        for start, ms in self.origins[1:]:
            if session_s > start + 1e-9:
                origin = ms
        return int(round(origin + session_s * 1000.0))


def session_elapsed(session: "Session", now: float) -> float:
    """Session time at ``now`` (0 before the start)."""
    return session.snapshot(now).session_elapsed_s if session.state in ("running", "paused") else 0.0


class ResumeMixin:
    """``pending_resume``, ``restore``, ``resumed`` and ``interrupted`` for the Journal."""

    def pending_resume(self, max_age_s: float = RESUME_MAX_AGE_S) -> ResumeInfo | None:
        """The session an unclean stop interrupted, if it can and should be continued.

        Every other unfinished session (too old, its routine file edited or gone, nothing saved,
        or an older one) is closed as interrupted here.
        """
        if self._writer is None:
            return None
        try:
            conn = store.connect_readonly(self.path)
            try:
                conn.row_factory = sqlite3.Row
                rows = conn.execute(
                    "SELECT s.*, r.saved_at AS saved_at, r.step_index AS step_index, r.state AS state,"
                    " r.extra AS extra FROM sessions s LEFT JOIN resume r ON r.session_id = s.id"
                    " WHERE s.status IN ('running', 'paused') ORDER BY s.id DESC"
                ).fetchall()
            finally:
                conn.close()
        except sqlite3.Error as exc:
            self._failed(exc)
            return None
        found: ResumeInfo | None = None
        now_ms = store.to_ms(self._wall())
        for row in rows:
            if row["id"] in self._live:
                continue
            reason = None
            age = 0.0
            if row["state"] is not None:
                try:
                    age = timeframe.since_save(json.loads(row["extra"] or "{}"), row["saved_at"], now_ms, self._boot)
                except (ValueError, AttributeError):
                    age = (now_ms - row["saved_at"]) / 1000.0
            if found is not None:
                reason = "a later session was interrupted too"
            elif row["state"] is None:
                reason = "nothing was saved"
            elif age > max_age_s:
                reason = f"saved {age / 60.0:.0f} min ago"
            elif not Path(row["routine_path"]).is_file():
                reason = f"{row['routine_path']} is gone"
            elif file_hash(row["routine_path"]) != row["routine_hash"]:
                reason = f"{row['routine_path']} changed since"
            if reason is not None:
                log.info("journal: session %s closed as interrupted (%s)", row["id"], reason)
                self.interrupted(row["id"])
                continue
            try:
                state, extra = json.loads(row["state"]), json.loads(row["extra"] or "{}")
            except ValueError:
                self.interrupted(row["id"])
                continue
            found = ResumeInfo(
                session_id=row["id"], routine=row["routine"], routine_path=row["routine_path"],
                routine_hash=row["routine_hash"], target_s=row["target_s"],
                skip=tuple(json.loads(row["skip"] or "[]")), state=state,
                saved_at=row["saved_at"] / 1000.0, step_index=row["step_index"], room=row["room"],
                extra=extra,
            )
        if found is not None:
            self._pending[found.session_id] = found
        return found

    def restore(self, info: ResumeInfo, clock: "Clock", now: float | None = None) -> "Session | None":
        """Re-plan ``info``'s routine, restore the engine there, paused, and carry on recording.

        Returns ``None`` (and closes the session as interrupted) when it cannot be restored
        exactly, for example when the routine no longer plans the same steps.
        """
        from kiosk.engine.session import Session
        from kiosk.routines.loader import load_routine
        from kiosk.routines.plan import make_plan

        try:
            routine = load_routine(info.routine_path)
            plan = make_plan(routine, info.target_s, info.skip, use_length=False)
            session = Session.from_dict(info.state, plan, clock, now)
        except (KioskError, OSError, KeyError, TypeError, ValueError) as exc:
            log.warning("journal: session %s cannot be resumed: %s", info.session_id, exc)
            self.interrupted(info.session_id)
            return None
        events = session.pause(now) if session.state == "running" else []
        self.resumed(info.session_id, session)
        self.on_events(info.session_id, events, session)
        return session

    def resumed(self, session_id: int, session: "Session | None" = None) -> None:
        """The kiosk continues ``session_id`` (restored from :meth:`pending_resume`'s state)."""
        info = self._pending.pop(session_id, None)
        if info is None:
            log.warning("journal: resumed(%s) without pending_resume()", session_id)
            return
        extra = info.extra
        origins = [list(o) for o in extra.get("origins") or []]
        saved_elapsed = info.state.get("elapsed_s") or 0.0
        if session is not None:
            now = session.clock.now()
            recorded = len(session.records)
            elapsed = session_elapsed(session, now)
        else:
            now, recorded, elapsed = float("-inf"), len(info.state.get("records", ())), saved_elapsed
        if not origins:  # saved without them: the session's start as seen from its last save
            origins = [[0.0, store.to_ms(info.saved_at - saved_elapsed)]]
        # The session's own frame carries on: its wall time at the save, plus the time off as a
        # wall-clock jump cannot move it (the time since boot, within one boot).
        wall_now = self._wall()
        off_s = timeframe.since_save(extra, store.to_ms(info.saved_at), store.to_ms(wall_now), self._boot)
        at_save = LiveSession(session_id, 0, origins).wall_ms(saved_elapsed)
        origins.append([saved_elapsed, int(round(at_save + (off_s - elapsed) * 1000.0))])
        live = LiveSession(session_id, recorded=recorded, origins=origins, pauses=int(extra.get("pauses", 0)),
                           last_save=now)
        if session is not None:
            live.offset = wall_now - now
        self._live[session_id] = live
        self._submit(lambda conn: store.mark_resumed(conn, session_id))

    def interrupted(self, session_id: int) -> None:
        """Close a session that will not be continued; it ends at its last save."""
        self._live.pop(session_id, None)
        self._pending.pop(session_id, None)
        self._submit(lambda conn: store.end_session(conn, session_id, status="interrupted", ended_at=None))
