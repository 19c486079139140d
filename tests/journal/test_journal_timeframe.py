"""Wall-clock jumps (NTP syncing a Pi that has no real-time clock) never tear a session's time line.

The engine clock is a FakeClock; the wall clock and the boot (id, time since boot) are injected,
so each test says exactly when the wall clock jumps and whether the machine rebooted.
"""

from __future__ import annotations

import sqlite3

import pytest

from kiosk.engine.clock import FakeClock
from kiosk.journal import reports, store
from kiosk_testkit.journal_drive import WALL0, Boot, Kiosk, open_journal, write_routine

HOUR = 3600.0


@pytest.fixture
def routine(tmp_path):
    return write_routine(tmp_path)


def crash(data, routine, *, run_s: float, boot_base: float = 100.0):
    """Run a session for ``run_s`` s and stop dead (the writer finishes, nothing ends the session).

    Returns the session id and the boot's (id, time since boot) at the crash.
    """
    clock = FakeClock(500.0)
    boot = Boot(clock, boot_base)
    journal = open_journal(data, clock, boot=boot)
    kiosk = Kiosk(journal, clock)
    sid = kiosk.start(routine)
    kiosk.wait(run_s)
    journal.close()
    return sid, boot()


def same_boot_restart(data, at_crash, *, off_s: float, wall_jump_s: float):
    """The kiosk process restarts ``off_s`` later in the same boot; the wall clock jumped meanwhile."""
    boot_id, up = at_crash
    clock = FakeClock(3.0)
    boot = Boot(clock, up + off_s - clock.now())
    boot.id = boot_id
    wall_base = WALL0 + 500.0 + (up - 100.0 - 500.0) + off_s - 3.0 + wall_jump_s
    return clock, open_journal(data, clock, boot=boot, wall_base=wall_base)


def session_rows(data):
    conn = reports.open_reader(data)
    try:
        return reports.recent_sessions(conn, limit=None)
    finally:
        conn.close()


def resume_to_the_end(data, journal, clock, info):
    """Restore ``info`` paused, tap on, run to the end; returns the session as history shows it."""
    kiosk = Kiosk(journal, clock)
    kiosk.session = journal.restore(info, clock)
    kiosk.session_id = info.session_id
    kiosk.act("advance")
    kiosk.run_to_end()
    journal.close()
    (session,) = session_rows(data)
    return session


@pytest.mark.parametrize("jump_h", [4.0, -2.0], ids=["ntp-forward-4h", "backward-2h"])
def test_a_jump_between_crash_and_restart_in_the_same_boot_still_resumes(tmp_path, routine, jump_h):
    data = tmp_path / "data"
    sid, at_crash = crash(data, routine, run_s=47)
    clock, journal = same_boot_restart(data, at_crash, off_s=20.0, wall_jump_s=jump_h * HOUR)
    info = journal.pending_resume(max_age_s=3 * HOUR)
    assert info is not None and info.session_id == sid  # 20 s off, whatever the wall clock says
    session = resume_to_the_end(data, journal, clock, info)
    assert session.status == "finished"
    starts = [s.started_at for s in session.steps]
    assert starts == sorted(starts), "the steps' stamps go back in time"
    assert session.started_at <= starts[0] and session.ended_at >= starts[-1]
    # One frame: the session lasted its time in steps plus the 20 s off (and the 2 s the last
    # save was behind the crash), not hours, and never ended before it began.
    assert session.length_s == pytest.approx(session.active_s + 20.0 + 2.0, abs=1.0)


def test_a_jump_after_a_reboot_uses_the_wall_clock_and_is_never_negative(tmp_path, routine):
    data = tmp_path / "data"
    sid, _ = crash(data, routine, run_s=47)
    clock = FakeClock(3.0)
    journal = open_journal(data, clock, wall_base=WALL0 - 5 * HOUR)  # a new boot, clock behind
    info = journal.pending_resume(max_age_s=3 * HOUR)
    assert info is not None and info.session_id == sid
    session = resume_to_the_end(data, journal, clock, info)
    starts = [s.started_at for s in session.steps]
    assert starts == sorted(starts) and session.ended_at >= starts[-1] >= session.started_at


def test_a_jump_during_a_session_moves_the_whole_session_into_the_new_frame(tmp_path, routine):
    data = tmp_path / "data"
    clock = FakeClock(500.0)
    journal = open_journal(data, clock)
    kiosk = Kiosk(journal, clock)
    kiosk.start(routine)
    kiosk.wait(45)                      # Opening (30 s) ended, Calf runs
    journal._wall.base += 2 * HOUR      # NTP syncs: the wall clock jumps two hours ahead
    kiosk.run_to_end()
    journal.close()
    (session,) = session_rows(data)
    starts = [s.started_at for s in session.steps]
    assert starts[0] == store.to_ms(WALL0 + 2 * HOUR + 500.0)  # corrected, the one already written too
    gaps = [(b - a) / 1000.0 for a, b in zip(starts, starts[1:])]
    assert gaps == pytest.approx([s.actual_s + s.paused_s for s in session.steps[:-1]], abs=0.01)
    assert session.length_s == pytest.approx(session.active_s, abs=0.01)
    conn = sqlite3.connect(store.database_path(data))
    assert conn.execute("SELECT started_at FROM sessions").fetchone()[0] == store.to_ms(WALL0 + 2 * HOUR + 500.0)
    conn.close()
