"""Sessions on a tiny filesystem that fills and frees at random moments: every record accounted for.

Shared by ``tests/journal/test_journal_full_disk.py`` (a few sessions) and
``bench/bench_journal_full_disk.py`` (many, with figures). A record is a session's start, each of
its step runs, and its end; "written" counts what ``kiosk.sqlite3`` holds once the disk is freed.
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.engine.clock import FakeClock
from kiosk.journal import store
from kiosk_testkit.journal_drive import Kiosk, open_journal, write_routine
from kiosk_testkit.tinyfs import Filler

#: 60 steps of 2 s: 30 rounds, left and right.
SIXTY = """\
version: 1
name: Sixty steps
pace: auto
steps:
  - block: Rounds
    repeat: 30
    sides: [left, right]
    steps:
      - name: Press
        time: 2s
"""


@dataclass
class Tally:
    sessions: int = 0
    made: int = 0         # session starts + step runs + session ends the kiosk produced
    written: int = 0      # the same, found in the journal afterwards
    fills: int = 0
    finished: int = 0     # sessions the journal shows as finished
    largest_wal: int = 0  # bytes
    journal_bytes: int = 0  # kiosk.sqlite3 at the end: the history has to fit the disk
    problems: list[str] = field(default_factory=list)


def run_sessions(data: Path, routines: Path, sessions: int, seed: int, *, per_journal: int = 3) -> Tally:
    """Run ``sessions`` 60-step sessions in ``data`` (a tiny filesystem), filling and freeing at random."""
    rng = random.Random(seed)
    routine = write_routine(routines, SIXTY, "sixty.yaml")
    filler = Filler(data)
    tally = Tally()
    clock = FakeClock()
    wal = store.database_path(data).with_name(store.FILENAME + "-wal")
    journal = None
    for number in range(sessions):
        if number % per_journal == 0:
            if journal is not None:
                journal.close()
            journal = open_journal(data, clock)
            assert journal.enabled, journal.notice
        kiosk = Kiosk(journal, clock)
        fill_at = rng.randrange(0, 60)
        free_at = rng.randrange(fill_at, 61)
        kiosk.start(routine)
        step = 0
        while kiosk.session.state != "finished":
            if step == fill_at and not filler.full:
                filler.fill()
                tally.fills += 1
            if step == free_at and filler.full:
                filler.free()
            kiosk.wait(2.0)
            step = len(kiosk.session.records)
            if wal.exists():
                tally.largest_wal = max(tally.largest_wal, wal.stat().st_size)
        filler.free()
        tally.sessions += 1
        tally.made += 2 + len(kiosk.session.records)
    journal.close(timeout=30)
    tally.journal_bytes = store.database_path(data).stat().st_size
    conn = sqlite3.connect(store.database_path(data))
    try:
        rows = conn.execute("SELECT id, status, ended_at IS NOT NULL FROM sessions").fetchall()
        steps = dict(conn.execute("SELECT session_id, COUNT(*) FROM steps GROUP BY session_id").fetchall())
    finally:
        conn.close()
    for session_id, status, ended in rows:
        tally.written += 1 + steps.get(session_id, 0) + (1 if ended else 0)
        tally.finished += status == "finished"
        if steps.get(session_id, 0) != 60:
            tally.problems.append(f"session {session_id}: {steps.get(session_id, 0)} of 60 steps")
    return tally
