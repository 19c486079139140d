"""Power cuts on the real kiosk: SIGKILL the `kiosk run` process mid-session, restart it, and one
tap goes on with the same session, paused where it was, until `kiosk history` shows it finished."""

from __future__ import annotations

import random
import re
import signal
import time

import pytest

from kiosk_testkit.process import KioskProcess
from kiosk_testkit.xvfb import Xvfb
from tests.journal.crashcheck import check_finished, check_integrity, recorded_steps, saved_point
from tests.ui.conftest import DATA

pytestmark = [pytest.mark.ui, pytest.mark.slow]
FAST = DATA / "fast" / "fast.yaml"
STEPS = [("Warm-up", None), ("Sweeps", "left"), ("Sweeps", "right"), ("Check in", None)]
SAVE_EVERY_S = 5.0      # the room config's default autosave
STEP_S = 4.0


@pytest.fixture(scope="module")
def screen():
    with Xvfb(1280, 800) as x:
        yield x


def kill_during_a_step(kiosk: KioskProcess, rng: random.Random) -> tuple[int, float]:
    """Wait for the next step change, SIGKILL a random moment into it; return (step, time left)."""
    seen = len(kiosk.matching(r"step \d+ .* shown"))
    if seen == 0:
        kiosk.wait_log(r"step (\d+) .* shown", timeout=15)
    deadline = time.monotonic() + 15
    while len(kiosk.matching(r"step \d+ .* shown")) == seen and seen and time.monotonic() < deadline:
        time.sleep(0.02)
    shown_at, line = [(t, ln) for t, ln in kiosk.lines if re.search(r"step \d+ .* shown", ln)][-1]
    step = int(re.search(r"step (\d+)", line).group(1))
    time.sleep(rng.uniform(0.2, STEP_S - 0.8))
    killed_at = time.monotonic()
    kiosk.kill(signal.SIGKILL)
    return step, STEP_S - (killed_at - shown_at)


def test_kill_9_and_restart_resumes_the_same_session(screen, tmp_path):
    rng = random.Random(20261121)
    data = tmp_path / "data"
    args = ("--windowed", "--data-dir", str(data))
    kiosk = KioskProcess(screen, "--routine", str(FAST), *args).start()
    kiosk.key("space")
    for _cycle in range(3):
        step, left_at_kill = kill_during_a_step(kiosk, rng)
        check_integrity(data)
        point = saved_point(data)
        assert point is not None, "the killed session is not in the journal"
        assert point.index == step - 1, (point.index, step)
        # The resume point is at most one save interval behind the moment of the kill.
        assert left_at_kill - 0.3 <= point.remaining_s <= left_at_kill + SAVE_EVERY_S + 0.3
        ended = [i for _, i in recorded_steps(data, point.session_id)]
        assert ended == list(range(step - 1)), f"ended steps recorded: {ended}"

        kiosk = KioskProcess(screen, *args).start()          # no --routine: straight back in
        m = kiosk.wait_log(r"resuming session (\d+) of Fast practice .*\(step (\d+), ([\d.]+) s left\), paused")
        assert int(m.group(1)) == point.session_id and int(m.group(2)) == step
        assert float(m.group(3)) == pytest.approx(point.remaining_s, abs=0.01)
        time.sleep(0.5)
        assert not kiosk.matching(r"step \d+ .* shown")       # paused until the pedal
        kiosk.key("space")                                     # one tap goes on
        if step == 3:
            break
    kiosk.wait_log(r"step 4 Check in shown", timeout=20)
    time.sleep(1.5)      # a tap right after a step changed by itself is taken as a late press, and ignored
    kiosk.key("space")
    deadline = time.monotonic() + 15
    while saved_point(data) is not None:
        assert time.monotonic() < deadline, kiosk.log()
        time.sleep(0.2)
    kiosk.stop()
    check_integrity(data)
    session = check_finished(data, STEPS)
    assert session["steps"][0]["actual_s"] == pytest.approx(STEP_S, abs=0.5)
