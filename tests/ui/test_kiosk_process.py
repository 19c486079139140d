"""The real kiosk process: `kiosk run --routine R --windowed`, keys typed with xdotool, cues in SDL's
disk audio output, and the session in the journal."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from kiosk_testkit.audio_analysis import onsets, read_disk_output, segment_peaks
from kiosk_testkit.process import KioskProcess
from kiosk_testkit.xvfb import Xvfb
from tests.ui.conftest import DATA

pytestmark = [pytest.mark.ui, pytest.mark.slow]
FAST = DATA / "fast" / "fast.yaml"


@pytest.fixture(scope="module")
def screen():
    with Xvfb(1280, 800) as x:
        yield x


def history(data_dir) -> list[dict]:
    out = subprocess.run([sys.executable, "-m", "kiosk", "history", "--json", "--data-dir", str(data_dir)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def wait_for_status(data_dir, status: str, timeout: float = 15.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while True:
        sessions = history(data_dir)
        if sessions and sessions[0]["status"] == status:
            return sessions
        if time.monotonic() > deadline:
            raise AssertionError(f"no {status} session in the journal: {sessions}")
        time.sleep(0.2)


def test_a_session_run_with_the_space_bar(screen, tmp_path):
    audio, data = tmp_path / "out.raw", tmp_path / "data"
    kiosk = KioskProcess(screen, "--routine", str(FAST), "--windowed", "--data-dir", str(data),
                         env={"SDL_AUDIODRIVER": "disk", "SDL_DISKAUDIOFILE": str(audio)})
    with kiosk:
        time.sleep(1.0)
        assert not kiosk.matching(r"step \d+ .* shown")  # the ready screen waits for the pedal
        assert kiosk.matching(r"listening to pedal 1 on GPIO17")  # a real FootSwitch on mock pins, and keys
        kiosk.key("space")
        kiosk.wait_log(r"step 1 Warm-up shown")
        kiosk.wait_log(r"step 2 Sweeps \(left\) shown", timeout=10)
        kiosk.wait_log(r"step 3 Sweeps \(right\) shown", timeout=10)
        kiosk.wait_log(r"step 4 Check in shown", timeout=10)
        time.sleep(3.0)                          # the untimed step waits for the pedal
        kiosk.key("space")
        sessions = wait_for_status(data, "finished")
        time.sleep(3.0)                          # let the closing cue ring out into the file
    lateness = [float(m.group(1)) for m in kiosk.matching(r"shown ([\d.]+) ms after it fell due")]
    print("step changes, ms after their deadlines:", lateness)
    assert len(lateness) == 4

    assert len(sessions) == 1
    steps = sessions[0]["steps"]
    assert [(s["name"], s["side"]) for s in steps] == [
        ("Warm-up", None), ("Sweeps", "left"), ("Sweeps", "right"), ("Check in", None)]
    for step in steps[:3]:
        assert step["actual_s"] == pytest.approx(4.0, abs=0.1)

    pcm = read_disk_output(audio)
    samples = pcm.channel(0)
    starts = onsets(samples, threshold=40, min_silence=int(0.3 * pcm.rate))
    peaks = segment_peaks(samples, starts)
    print("cue onsets (s):", [round(i / pcm.rate, 2) for i in starts], "peaks:", peaks)
    # One cue per step start (at a side switch the side cue stands for it), then the closing cue.
    assert len(starts) == 5
    gaps = [(b - a) / pcm.rate for a, b in zip(starts, starts[1:4])]
    assert gaps == pytest.approx([4.0, 4.0, 4.0], abs=0.25)
    assert all(p < 0.5 for p in peaks), peaks


def test_without_any_audio_device_the_kiosk_runs_and_says_so(screen, tmp_path):
    kiosk = KioskProcess(screen, "--routine", str(FAST), "--windowed", "--data-dir", str(tmp_path / "data"),
                         env={"SDL_AUDIODRIVER": "no-such-driver"})
    with kiosk:
        notice = kiosk.wait_log(r"notice on screen: (No sound: .*)").group(1)
        assert "flashes" in notice
        kiosk.key("space")
        kiosk.wait_log(r"step 2 Sweeps \(left\) shown", timeout=10)


def test_a_bad_room_config_starts_on_defaults_and_shows_the_problem(screen, tmp_path):
    config = tmp_path / "room.yaml"
    config.write_text("room: Room 3\nvolume: loud\npedals:\n  - pin: 17\n    hold_time: 1s\n")
    kiosk = KioskProcess(screen, "--config", str(config), "--routine", str(FAST), "--windowed",
                         "--data-dir", str(tmp_path / "data"))
    with kiosk:
        m = kiosk.wait_log(r"notice on screen: Room config: (\S+):(\d+):(\d+): error: (.*)")
        assert m.group(1).endswith("room.yaml") and m.group(2) == "2" and "loud" in m.group(4)
        kiosk.key("space")                       # the rest of the config and the kiosk work on
        kiosk.wait_log(r"step 2 Sweeps \(left\) shown", timeout=10)


def test_spoken_prompts_from_the_room_config_are_rendered_once_into_the_cache(screen, tmp_path):
    config = tmp_path / "room.yaml"
    config.write_text("spoken_prompts: true\n")
    data = tmp_path / "data"
    kiosk = KioskProcess(screen, "--config", str(config), "--routine", str(FAST), "--windowed",
                         "--data-dir", str(data), env={"SDL_AUDIODRIVER": "disk",
                                                       "SDL_DISKAUDIOFILE": str(tmp_path / "out.raw")})
    with kiosk:
        kiosk.key("space")
        kiosk.wait_log(r"step 1 Warm-up shown", timeout=10)
        deadline = time.monotonic() + 30
        # Warm-up, Sweeps, Check in, "switch sides" and the heads-up phrase.
        while len(list((data / "speech").glob("*.wav"))) < 5:
            assert time.monotonic() < deadline, kiosk.log()
            time.sleep(0.2)
        kiosk.wait_log(r"step 4 Check in shown", timeout=15)


def test_the_idle_kiosk_sleeps_until_a_key_and_shows_it_at_once(screen, tmp_path):
    """On a desktop (X11) the loop idles slowly and a key wakes it: the key still starts the session."""
    kiosk = KioskProcess(screen, "--routine", str(FAST), "--windowed", "--data-dir", str(tmp_path / "data"))
    with kiosk:
        kiosk.wait_log(r"frame loop: wakes on input, 20 frames a second at most while idle")
        time.sleep(1.0)
        kiosk.key("space")
        kiosk.wait_log(r"step 1 Warm-up shown", timeout=5)
        kiosk.wait_log(r"step 2 Sweeps \(left\) shown", timeout=10)
