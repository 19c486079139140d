"""Checks for crash tests, usable against any kiosk process that writes the journal.

After a SIGKILL: :func:`check_killed` (the file is sound, the ended steps are recorded exactly as
the resume point counts them, and the resume point is at most one save interval behind where the
session was). After the restart: :func:`check_resumed` (paused at the saved step with the saved
remaining time). At the very end: :func:`check_finished` (``kiosk history --json`` shows one
finished session with each step once). They read the journal read-only and never change it.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from kiosk.engine.clock import FakeClock
from kiosk.engine.session import Session
from kiosk.journal import store
from kiosk.routines.loader import load_routine
from kiosk.routines.plan import make_plan

#: Two session times this close are the same moment (to_dict runs a hair after the last note).
TOLERANCE_S = 0.005


@dataclass(frozen=True)
class SavedPoint:
    """The resume point of an unfinished session, seen through a restored (fake-clock) engine."""

    session_id: int
    status: str
    index: int | None
    remaining_s: float | None
    active_s: float  # time in steps up to the save, pauses left out
    records: tuple[tuple[int, int], ...]  # (run, plan index) of every ended step the state counts


def _reader(data_dir: Path) -> sqlite3.Connection:
    conn = store.connect_readonly(store.database_path(data_dir))
    conn.row_factory = sqlite3.Row
    return conn


def check_integrity(data_dir: Path) -> None:
    conn = _reader(data_dir)
    try:
        result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        assert result == ["ok"], f"integrity_check: {result}"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


def saved_point(data_dir: Path) -> SavedPoint | None:
    """The one unfinished session's resume point (None when every session has ended)."""
    conn = _reader(data_dir)
    try:
        rows = conn.execute(
            "SELECT s.id, s.status, s.routine_path, s.target_s, s.skip, r.state FROM sessions s"
            " LEFT JOIN resume r ON r.session_id = s.id WHERE s.status IN ('running', 'paused')"
        ).fetchall()
    finally:
        conn.close()
    if not rows:
        return None
    assert len(rows) == 1, f"more than one unfinished session: {[r['id'] for r in rows]}"
    row = rows[0]
    assert row["state"] is not None, f"session {row['id']} is unfinished but has no resume point"
    state = json.loads(row["state"])
    plan = make_plan(load_routine(row["routine_path"]), row["target_s"], json.loads(row["skip"]), use_length=False)
    session = Session.from_dict(state, plan, FakeClock(0.0))
    snap = session.snapshot()
    return SavedPoint(
        session_id=row["id"], status=row["status"], index=snap.index, remaining_s=snap.step_remaining_s,
        active_s=snap.session_elapsed_s - snap.paused_s,
        records=tuple((run, r.index) for run, r in enumerate(session.records)),
    )


def recorded_steps(data_dir: Path, session_id: int) -> list[tuple[int, int]]:
    conn = _reader(data_dir)
    try:
        return [tuple(r) for r in conn.execute(
            "SELECT run, idx FROM steps WHERE session_id = ? ORDER BY run", (session_id,))]
    finally:
        conn.close()


def check_killed(data_dir: Path, *, active_at_kill: float | None, ended: Iterable[tuple[int, float]],
                 save_every_s: float, slack_s: float) -> float | None:
    """Check the journal right after a kill; returns the session time lost (None if unknown).

    ``active_at_kill``: the session's time in steps (pauses left out) last seen before the kill;
    ``ended``: ``(plan index, time in steps)`` of every step seen to end, in order.
    """
    check_integrity(data_dir)
    point = saved_point(data_dir)
    if point is None:
        return None
    recorded = recorded_steps(data_dir, point.session_id)
    assert recorded == list(point.records), (
        f"steps table {recorded} disagrees with the resume point's records {list(point.records)}")
    indices = [i for _, i in recorded]
    assert len(indices) == len(set(indices)), f"a step is recorded twice: {indices}"
    before_save = [i for i, at in ended if at <= point.active_s - TOLERANCE_S]
    assert indices[:len(before_save)] == before_save, (
        f"steps that ended before the last save {before_save} are not all recorded: {indices}")
    if active_at_kill is None:
        return None
    lost = active_at_kill - point.active_s
    assert -TOLERANCE_S <= lost <= save_every_s + slack_s, (
        f"the resume point is {lost:.3f} s behind the kill (save interval {save_every_s} s + {slack_s} s)")
    return lost


def check_resumed(point: SavedPoint, *, index: int | None, remaining_s: float | None, state: str) -> None:
    """The restarted kiosk shows the saved step, paused, with the saved remaining time."""
    assert state == "paused", f"resumed {state}, not paused"
    assert index == point.index, f"resumed at step {index}, saved at step {point.index}"
    if point.remaining_s is None:
        assert remaining_s is None
    else:
        assert abs(remaining_s - point.remaining_s) <= TOLERANCE_S, (
            f"resumed with {remaining_s:.3f} s left, saved with {point.remaining_s:.3f} s")


def check_finished(data_dir: Path, steps: Sequence[tuple[str, str | None]],
                   kiosk: Sequence[str] = (sys.executable, "-m", "kiosk")) -> dict:
    """``kiosk history --json``: one finished session with each step once, in order."""
    out = subprocess.run([*kiosk, "history", "--json", "--data-dir", str(data_dir)],
                         capture_output=True, text=True, check=True, timeout=60)
    sessions = json.loads(out.stdout)
    assert len(sessions) == 1, f"{len(sessions)} sessions in the history, expected one"
    (session,) = sessions
    assert session["status"] == "finished", session["status"]
    assert [(s["name"], s["side"]) for s in session["steps"]] == list(steps)
    assert [s["index"] for s in session["steps"]] == list(range(len(steps)))
    return session
