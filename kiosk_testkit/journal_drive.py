"""Driving a real Session through a real Journal on a fake clock, the way the kiosk does.

Shared by the journal tests and ``tests/commands/test_history_cli.py``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.engine.clock import FakeClock
from kiosk.engine.session import Session
from kiosk.journal import Journal
from kiosk.routines.loader import load_routine
from kiosk.routines.plan import make_plan

#: Opening 30 s, then per side Calf 40-60 s and three 5 s squeezes, then a Closing that waits.
DRILL = """\
version: 1
name: Practice drill
pace: auto
warning: 5s
steps:
  - name: Opening
    time: 30s
  - block: Legs
    sides: [left, right]
    steps:
      - name: Calf
        time: 40s-1m
      - name: Squeeze
        reps: 3
        pace: 5s
  - name: Closing
    until: advance
    estimate: 20s
"""
DRILL_STEPS = [("Opening", None), ("Calf", "left"), ("Squeeze", "left"), ("Calf", "right"),
               ("Squeeze", "right"), ("Closing", None)]

#: Wall-clock time of the fake clock's zero (2026-03-02 09:00:00 UTC).
WALL0 = 1_772_442_000.0


def write_routine(folder: Path, text: str = DRILL, name: str = "drill.yaml") -> Path:
    path = Path(folder) / name
    path.write_text(text, encoding="utf-8")
    return path


class Wall:
    """A wall clock that follows a fake monotonic clock, plus a jump for time spent powered off."""

    def __init__(self, clock: FakeClock, base: float = WALL0):
        self.clock, self.base = clock, base

    def __call__(self) -> float:
        return self.base + self.clock.now()


@dataclass
class Kiosk:
    """What the kiosk does with a journal: begin, feed events, autosave every second."""

    journal: Journal
    clock: FakeClock
    session: Session | None = None
    session_id: int | None = None
    events: list = field(default_factory=list)

    def start(self, routine_path: Path, length_s: float | None = None, skip=()) -> int:
        plan = make_plan(load_routine(routine_path), length_s, skip)
        self.session = Session(plan, self.clock)
        events = self.session.start()
        self.session_id = self.journal.begin(self.session, routine_path=routine_path)
        self._feed(events)
        return self.session_id

    def act(self, action: str) -> list:
        events = self.session.act(action)
        self._feed(events)
        return events

    def wait(self, seconds: float, step: float = 1.0) -> None:
        """Let ``seconds`` pass, ticking and autosaving every ``step`` like the UI loop."""
        left = seconds
        while left > 1e-9:
            dt = min(step, left)
            self.clock.advance(dt)
            left -= dt
            self._feed(self.session.tick())
            self.journal.autosave(self.session_id, self.session)

    def run_to_end(self, limit_s: float = 3600.0) -> None:
        """Tick until the session waits for an advance, advancing it, until it finishes."""
        spent = 0.0
        while self.session.state != "finished" and spent < limit_s:
            snap = self.session.snapshot()
            if snap.waiting and snap.state == "running" and snap.step_remaining_s in (None, 0.0):
                self.act("advance")
            elif snap.state == "paused":
                self.act("resume")
            else:
                self.wait(1.0)
                spent += 1.0

    def _feed(self, events: list) -> None:
        self.events.extend(events)
        self.journal.on_events(self.session_id, events, self.session)


class Boot:
    """A boot of the machine: its own id, and the time since it began following a fake clock.

    Each journal the tests open is a fresh boot unless they pass the same one (a process
    restarted without a reboot): then the time off is told by the time since boot.
    """

    count = 0

    def __init__(self, clock: FakeClock, since_boot: float = 100.0):
        Boot.count += 1
        self.id, self.clock, self.since_boot = f"boot-{Boot.count}", clock, since_boot

    def __call__(self) -> tuple[str, float]:
        return self.id, self.since_boot + self.clock.now()


def open_journal(data_dir: Path, clock: FakeClock, **kwargs) -> Journal:
    boot = kwargs.pop("boot", None) or Boot(clock)
    return Journal.open(data_dir, wall=Wall(clock, kwargs.pop("wall_base", WALL0)), boot=boot, **kwargs)


def damage_steps_root_page(path) -> None:
    """Overwrite the root page of the steps table with garbage, as a torn write on an SD card might."""
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'steps'").fetchone()[0]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    with open(path, "r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(b"\x0d\xff\xff\xff" * (page_size // 4))
