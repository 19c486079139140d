"""Crash test: SIGKILL a headless kiosk at random moments until its session finishes.

Each round starts ``crash_driver.py`` (a real Session on the monotonic clock with the real
Journal), kills it at a random moment, and checks the journal with :mod:`tests.journal.crashcheck`;
the next round must resume where the journal says. At the end ``kiosk history --json`` shows one
finished session with each step once. Real processes and real time: about 20 s.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.journal import crashcheck
from kiosk_testkit.journal_drive import write_routine

DRIVER = Path(__file__).with_name("crash_driver.py")
ROOT = Path(__file__).resolve().parents[2]
SAVE_EVERY_S = 1.0
#: Beyond the save interval: a frame of the driver's loop plus a commit that had not landed yet.
SLACK_S = 0.5
WALL_BUDGET_S = 60.0

FAST = """\
version: 1
name: Crash drill
pace: auto
warning: 1s
steps:
  - name: Opening
    time: 1s
  - block: Legs
    sides: [left, right]
    steps:
      - name: Press
        time: 1s
      - name: Squeeze
        reps: 2
        pace: 1s
  - name: Closing
    time: 1s
"""
STEPS = [("Opening", None)] + [
    (name, side) for side in ("left", "right") for name in ("Press", "Squeeze")
] + [("Closing", None)]


def lines_of(progress: Path, pid: int) -> list[dict]:
    if not progress.exists():
        return []
    out = []
    for raw in progress.read_text().splitlines():
        try:
            line = json.loads(raw)
        except ValueError:  # only the very last line can be cut short by the kill
            continue
        if line["pid"] == pid:
            out.append(line)
    return out


@pytest.mark.slow
def test_sigkill_at_random_moments_then_one_finished_session(tmp_path):
    seed = int(os.environ.get("CRASH_SEED", "20261121"))
    rng = random.Random(seed)
    data, progress = tmp_path / "data", tmp_path / "progress.jsonl"
    routine = write_routine(tmp_path, FAST, "fast.yaml")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    started = time.monotonic()
    ended: list[tuple[int, float]] = []  # (plan index, time in steps) of every step seen to end
    kills, lost, point, finished = 0, [], None, False
    while not finished:
        assert time.monotonic() - started < WALL_BUDGET_S, f"not finished after {kills} kills (seed {seed})"
        proc = subprocess.Popen(
            [sys.executable, str(DRIVER), str(data), str(routine), str(progress), "--seed", str(rng.randrange(1 << 30)),
             "--save-every", str(SAVE_EVERY_S)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        try:
            code = proc.wait(timeout=rng.uniform(0.2, 2.0))  # import time included: some kills land mid-restore
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            code = proc.wait()
            kills += 1
        stderr = proc.stderr.read().decode()
        proc.stderr.close()
        lines = lines_of(progress, proc.pid)
        resumed = [ln for ln in lines if ln["kind"] == "resumed"]
        if resumed:
            assert point is not None, "resumed a session the journal had not saved"
            crashcheck.check_resumed(point, index=resumed[0]["index"], remaining_s=resumed[0]["remaining_s"],
                                     state=resumed[0]["state"])
            counted = {i for _, i in point.records}  # steps that ended after the save run again
            ended = [(i, at) for i, at in ended if i in counted]
        elif point is not None and lines:
            pytest.fail(f"round {kills}: a saved session was not resumed: {lines[0]}")
        for ln in lines:
            ended += [(i, ln["active_s"]) for i in ln.get("ended", ())]
        finished = any(ln["kind"] == "finished" for ln in lines)
        if finished:  # (the kill may still land while it exits)
            assert code in (0, -signal.SIGKILL), stderr
            break
        assert code == -signal.SIGKILL, f"driver exited {code}: {stderr}"
        ticks = [ln for ln in lines if ln["kind"] in ("tick", "resumed", "started")]
        at_kill = ticks[-1]["active_s"] if ticks else None
        loss = crashcheck.check_killed(data, active_at_kill=at_kill, ended=ended,
                                       save_every_s=SAVE_EVERY_S, slack_s=SLACK_S)
        if loss is not None:
            lost.append(loss)
        point = crashcheck.saved_point(data)
    crashcheck.check_integrity(data)
    session = crashcheck.check_finished(data, STEPS, kiosk=[str(ROOT / ".venv" / "bin" / "kiosk")]
                                        if (ROOT / ".venv" / "bin" / "kiosk").exists() else [sys.executable, "-m", "kiosk"])
    assert kills >= 6, f"only {kills} kills: the test did not exercise much (seed {seed})"
    print(f"\ncrash test: seed {seed}, {kills} kills, session {session['id']} finished; "
          f"time lost per kill: max {max(lost, default=0):.3f} s, mean {sum(lost) / max(len(lost), 1):.3f} s "
          f"(save every {SAVE_EVERY_S} s) in {time.monotonic() - started:.1f} s")
