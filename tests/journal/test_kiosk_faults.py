"""The real kiosk when the disk misbehaves: a full data partition, another program's lock, a damaged
journal. Each session still ends in the history with every step, and the screen says what happened."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest

from kiosk.engine.clock import FakeClock
from kiosk.journal import store
from tests.journal.crashcheck import check_finished, check_integrity
from kiosk_testkit.journal_drive import Kiosk, damage_steps_root_page, open_journal, write_routine
from kiosk_testkit.process import KioskProcess
from kiosk_testkit.tinyfs import Filler, can_mount, tiny_fs
from kiosk_testkit.xvfb import Xvfb
from tests.ui.conftest import DATA

pytestmark = [pytest.mark.ui, pytest.mark.slow]
FAST = DATA / "fast" / "fast.yaml"
STEPS = [("Warm-up", None), ("Sweeps", "left"), ("Sweeps", "right"), ("Check in", None)]


@pytest.fixture(scope="module")
def screen():
    with Xvfb(1280, 800) as x:
        yield x


def finish(kiosk: KioskProcess, data) -> dict:
    """From the kiosk's first step to the end: tap through "Check in", wait for the history."""
    kiosk.wait_log(r"step 4 Check in shown", timeout=30)
    time.sleep(1.5)  # a tap right after a step changed by itself is taken as a late press
    kiosk.key("space")
    deadline = time.monotonic() + 30
    while True:
        try:
            return check_finished(data, STEPS)
        except (AssertionError, subprocess.CalledProcessError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


@pytest.mark.skipif(not can_mount(), reason="mounting a tmpfs needs root")
def test_a_data_partition_that_fills_and_frees_mid_session_loses_no_step(screen):
    with tiny_fs("300k") as data:
        filler = Filler(data)
        kiosk = KioskProcess(screen, "--routine", str(FAST), "--windowed", "--data-dir", str(data)).start()
        try:
            kiosk.key("space")
            kiosk.wait_log(r"step 1 .* shown", timeout=15)
            time.sleep(0.5)
            deadline = time.monotonic() + 20
            while not kiosk.matching(r"notice on screen: Session history paused: the disk holding .* is full"):
                assert time.monotonic() < deadline, kiosk.log()
                filler.fill()  # again: the space the kiosk gives back (its reserve, the WAL) is taken too
                time.sleep(0.3)
            kiosk.wait_log(r"step 3 .* shown", timeout=20)
            time.sleep(0.5)
            filler.free()
            kiosk.wait_log(r"notice on screen: Session history caught up", timeout=20)
            finish(kiosk, data)
            check_integrity(data)
        finally:
            kiosk.stop()
            filler.free()


def test_a_lock_held_through_start_and_the_first_step_delays_records_but_loses_none(screen, tmp_path):
    data = tmp_path / "data"
    clock = FakeClock()
    open_journal(data, clock).close()  # a journal from earlier days
    other = sqlite3.connect(store.database_path(data), isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # another program (a backup, a curious sqlite3 shell) writes
    released = threading.Timer(14.0, lambda: other.execute("COMMIT"))
    try:
        released.start()
        kiosk = KioskProcess(screen, "--routine", str(FAST), "--windowed", "--data-dir", str(data)).start()
        try:
            kiosk.key("space")
            kiosk.wait_log(r"step 2 .* shown", timeout=20)
            assert not kiosk.matching(r"Session history is off"), kiosk.log()
            finish(kiosk, data)
            assert kiosk.matching(r"journal caught up"), kiosk.log()
        finally:
            kiosk.stop()
    finally:
        released.join()
        other.close()


def test_a_damaged_journal_is_moved_aside_with_a_notice_and_history_says_so(screen, tmp_path):
    data = tmp_path / "data"
    clock = FakeClock()
    journal = open_journal(data, clock)
    kiosk = Kiosk(journal, clock)
    kiosk.start(write_routine(tmp_path))
    kiosk.run_to_end()
    journal.close()
    damage_steps_root_page(store.database_path(data))

    for form in ("--json", "--csv"):
        out = subprocess.run([sys.executable, "-m", "kiosk", "history", form, "--data-dir", str(data)],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 1, out
        assert "Traceback" not in out.stderr
        assert "damaged" in out.stderr and ".recover" in out.stderr, out.stderr

    kiosk = KioskProcess(screen, "--routine", str(FAST), "--windowed", "--data-dir", str(data)).start()
    try:
        kiosk.wait_log(r"notice on screen: The session history file was damaged; it was kept as "
                       r"kiosk\.sqlite3\.damaged-", timeout=10)
        kiosk.key("space")
        finish(kiosk, data)
    finally:
        kiosk.stop()
    kept = [p for p in data.iterdir() if ".damaged-" in p.name]
    assert len(kept) == 1 and kept[0].stat().st_size > 0
    history = json.loads(subprocess.run([sys.executable, "-m", "kiosk", "history", "--json", "--data-dir",
                                         str(data)], capture_output=True, text=True, check=True).stdout)
    assert [s["status"] for s in history] == ["finished"]


LIBFAKETIME = next(iter(sorted(Path("/usr/lib").glob("*/faketime/libfaketime.so.1"))), None)


@pytest.mark.skipif(LIBFAKETIME is None, reason="needs faketime (scripts/ensure-test-deps.sh)")
def test_a_wall_clock_jump_between_a_kill_and_the_restart_still_resumes_in_one_frame(screen, tmp_path):
    data = tmp_path / "data"
    args = ("--windowed", "--data-dir", str(data))
    kiosk = KioskProcess(screen, "--routine", str(FAST), *args).start()
    kiosk.key("space")
    kiosk.wait_log(r"step 2 .* shown", timeout=20)
    time.sleep(1.0)
    kiosk.kill(signal.SIGKILL)
    # NTP syncs between the crash and the restart: the wall clock is 4 hours ahead, the
    # monotonic clock and the time since boot are not (same boot).
    kiosk = KioskProcess(screen, *args, env={"LD_PRELOAD": str(LIBFAKETIME), "FAKETIME": "+4h",
                                             "FAKETIME_DONT_FAKE_MONOTONIC": "1"}).start()
    try:
        kiosk.wait_log(r"resuming session \d+ of Fast practice", timeout=20)
        kiosk.key("space")
        session = finish(kiosk, data)
    finally:
        kiosk.stop()
    starts = [datetime.fromisoformat(s["started_at"]) for s in session["steps"]]
    began, ended = datetime.fromisoformat(session["started_at"]), datetime.fromisoformat(session["ended_at"])
    assert starts == sorted(starts) and began <= starts[0] and ended >= starts[-1]
    assert (ended - began).total_seconds() < 120, f"a 20 s session spans {ended - began}"
