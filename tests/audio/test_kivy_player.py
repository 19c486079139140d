"""The real Kivy player on SDL's disk driver, and the kiosk with no audio device at all.

Each case runs in its own Python process so SDL starts with a clean environment and the mixer
is opened once, as in the kiosk. The disk driver writes the mix in real time; the scripts pace
themselves by how far the output file has grown (no blind sleeps).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from kiosk.audio.cues import cue_files
from kiosk_testkit.audio_analysis import (
    DISK_RATE, dbfs, dominant_hz, onsets, read_disk_output, read_wav, segment_peaks, semitone,
)

pytestmark = pytest.mark.slow

PRELUDE = """
import json, os, sys, time
from kiosk.audio.cues import cue_files
from kiosk.audio.player import open_player

OUT = os.environ.get("SDL_DISKAUDIOFILE", "")
BYTES_PER_S = 44100 * 2 * 2

def wait_stream(seconds, since):
    '''Wait until the disk driver has written `seconds` of audio past byte `since`.'''
    deadline = time.monotonic() + 10 + seconds
    while os.path.getsize(OUT) < since + seconds * BYTES_PER_S:
        if time.monotonic() > deadline:
            sys.exit("disk audio output stopped growing")
        time.sleep(0.01)
    return os.path.getsize(OUT)
"""


def run(script: str, **env) -> dict:
    full_env = {**os.environ, "KIVY_NO_ARGS": "1", "KIVY_NO_CONSOLELOG": "1", "KIVY_NO_FILELOG": "1", **env}
    result = subprocess.run([sys.executable, "-c", PRELUDE + textwrap.dedent(script)], env=full_env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def output(tmp_path_factory):
    """Four rep ticks (full, half volume, muted, switched off), then the window cue."""
    out = tmp_path_factory.mktemp("disk") / "out.raw"
    report = run("""
        player = open_player(buffer_frames=512)
        player.load(cue_files())
        player._loader = None  # from here on, loading a file would raise: play must not load
        pos = wait_stream(0.2, 0)
        player.play("rep_tick"); pos = wait_stream(0.7, pos)
        player.volume = 0.5
        player.play("rep_tick"); pos = wait_stream(0.7, pos)
        player.muted = True
        player.play("rep_tick"); pos = wait_stream(0.7, pos)
        player.muted = False
        player.enabled["rep_tick"] = False
        player.play("rep_tick"); pos = wait_stream(0.7, pos)
        player.volume = 1.0
        player.play("window"); pos = wait_stream(2.2, pos)
        print(json.dumps({"type": type(player).__name__, "buffer": player.buffer_frames, "notice": player.notice}))
    """, SDL_AUDIODRIVER="disk", SDL_DISKAUDIOFILE=str(out))
    pcm = read_disk_output(out)
    return report, pcm, onsets(pcm.channel(0), 40, int(0.2 * DISK_RATE))



class TestDiskDriver:
    def test_player_is_kivy_with_a_small_buffer(self, output):
        report, _, _ = output
        assert report == {"type": "KivyCuePlayer", "buffer": 512, "notice": None}

    def test_output_holds_each_audible_cue_once(self, output):
        _, _, starts = output
        assert len(starts) == 3  # full, half volume, window; muted and switched-off ones are silent

    def test_cues_come_out_as_loaded_and_quiet(self, output):
        _, pcm, starts = output
        left = pcm.channel(0)
        tick_peak = read_wav(cue_files()["rep_tick"]).peak
        peaks = segment_peaks(left, starts)
        assert peaks[0] == pytest.approx(tick_peak, rel=0.05)
        assert peaks[1] == pytest.approx(tick_peak / 2, rel=0.05)
        assert dbfs(peaks[2]) == pytest.approx(-14, abs=0.5)
        assert max(peaks) < 0.5
        window = [s / 32768 for s in left[starts[2]:]]
        assert semitone(dominant_hz(window, DISK_RATE, 0, 4096)) == 72  # C5, the window cue's first chime


class TestNoDevice:
    @pytest.mark.parametrize("driver", ["nonexistent"])
    def test_silent_player_with_a_notice_and_nothing_raises(self, driver):
        report = run("""
            player = open_player()
            player.load(cue_files())
            player.play("step_start")
            print(json.dumps({"type": type(player).__name__, "available": player.available, "notice": player.notice}))
        """, SDL_AUDIODRIVER=driver)
        assert report["type"] == "SilentPlayer"
        assert report["available"] is False
        assert report["notice"].startswith("No sound:") and "\n" not in report["notice"]
        assert driver in report["notice"]  # SDL's own reason is passed on

    def test_sound_switched_off_in_the_room_config(self):
        report = run("""
            player = open_player(backend="off")
            print(json.dumps({"type": type(player).__name__, "notice": player.notice}))
        """)
        assert report == {"type": "SilentPlayer", "notice": "Sound is off in the room settings."}


def test_the_rooms_audio_buffer_is_the_mixers(tmp_path):
    """A busy Pi's room sets ``audio_buffer: 2048``; the kiosk opens the mixer with that buffer."""
    report = run("""
        from types import SimpleNamespace
        from kiosk.composition import attach_audio
        from kiosk.config import RoomConfig
        services = SimpleNamespace(volume_percent=50, notices=[], late_notices=[], spoken=False,
                                   controller=SimpleNamespace(add_listener=lambda listener: listener))
        attach_audio(services, RoomConfig(audio_buffer=2048), None, None)
        print(json.dumps({"type": type(services.player).__name__, "buffer": services.player.buffer_frames}))
    """, SDL_AUDIODRIVER="disk", SDL_DISKAUDIOFILE=str(tmp_path / "out.raw"))
    assert report == {"type": "KivyCuePlayer", "buffer": 2048}
