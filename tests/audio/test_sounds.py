"""The shipped cue WAVs: quiet, click-free, each recognisable by pitch and rhythm."""

from __future__ import annotations

import subprocess
import sys
from functools import lru_cache

import pytest

from kiosk.audio.cues import CUES, cue_files
from kiosk.paths import ROOT
from kiosk_testkit.audio_analysis import FULL_SCALE, dbfs, max_step, new_pitch_hz, read_wav, semitone, strikes

FILES = cue_files()


@lru_cache(maxsize=None)
def wav(name: str):
    return read_wav(FILES[name])


@lru_cache(maxsize=None)
def signature(name: str) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """(semitone of each strike, gaps between strikes rounded to 50 ms): what a listener tells apart."""
    pcm = wav(name)
    mono = pcm.mono()
    times = strikes(mono, pcm.rate)
    notes = tuple(semitone(new_pitch_hz(mono, pcm.rate, t)) for t in times)
    gaps = tuple(round((b - a) * 20) / 20 for a, b in zip(times, times[1:]))
    return notes, gaps


@pytest.mark.parametrize("name", CUES)
class TestLevels:
    def test_is_cd_quality_pcm(self, name):
        pcm = wav(name)
        assert (pcm.rate, pcm.channels) == (44100, 1)
        assert 0.3 <= pcm.seconds <= 8

    def test_peak_well_below_full_scale(self, name):
        assert wav(name).peak < 0.5
        assert dbfs(wav(name).peak) <= -12.0


@pytest.mark.parametrize("name", CUES)
class TestNoClicks:
    def test_starts_and_ends_at_silence(self, name):
        samples = wav(name).samples
        assert abs(samples[0]) <= 2 and abs(samples[-1]) <= 2

    def test_fades_in_over_at_least_5_ms(self, name):
        pcm = wav(name)
        first_5ms = pcm.samples[: int(0.005 * pcm.rate)]
        assert max(abs(s) for s in first_5ms) <= 0.5 * pcm.peak * FULL_SCALE

    def test_fades_out_to_nothing(self, name):
        pcm = wav(name)
        last_5ms = pcm.samples[-int(0.005 * pcm.rate) :]
        assert max(abs(s) for s in last_5ms) <= 0.05 * pcm.peak * FULL_SCALE

    def test_no_jump_between_neighbouring_samples(self, name):
        # A sound cut or started mid-wave at the cues' level (-14 dBFS, 0.2 of full scale) jumps
        # by up to 0.2 at once; the smooth cues move at most a fraction of that per sample.
        assert max_step(wav(name).samples) <= 0.04 * FULL_SCALE


class TestDistinct:
    def test_every_cue_has_its_own_pitch_and_rhythm(self):
        signatures = {name: signature(name) for name in CUES}
        assert len(set(signatures.values())) == len(CUES), signatures

    @pytest.mark.parametrize("name, strikes_expected", [
        ("step_start", 1), ("rep_tick", 1), ("warning", 2), ("window", 2), ("pause", 2),
        ("resume", 2), ("side_switch", 3), ("session_end", 3),
    ])
    def test_rhythm(self, name, strikes_expected):
        assert len(signature(name)[0]) == strikes_expected

    def test_pause_falls_and_resume_rises(self):
        pause, resume = signature("pause")[0], signature("resume")[0]
        assert pause[0] > pause[1]
        assert resume[0] < resume[1]

    def test_session_end_is_lowest_and_rep_tick_highest(self):
        lowest = {name: min(signature(name)[0]) for name in CUES}
        assert min(lowest, key=lowest.get) == "session_end"
        assert max(lowest, key=lowest.get) == "rep_tick"

    def test_warning_repeats_one_note_window_rises(self):
        warning, window = signature("warning")[0], signature("window")[0]
        assert warning[0] == warning[1]
        assert window[0] < window[1]


class TestScript:
    def test_script_rebuilds_the_committed_files(self, tmp_path):
        subprocess.run([sys.executable, str(ROOT / "scripts" / "make_sounds.py"), "--out", str(tmp_path)],
                       check=True, capture_output=True)
        for name in CUES:
            fresh, shipped = read_wav(tmp_path / f"{name}.wav"), wav(name)
            assert len(fresh.samples) == len(shipped.samples), name
            assert max(abs(a - b) for a, b in zip(fresh.samples, shipped.samples)) <= 1, name
