"""The analysis helpers find what a listener would: where cues start, how loud, what pitch."""

from __future__ import annotations

import math
import struct

import pytest

from kiosk_testkit.audio_analysis import (
    dbfs, dominant_hz, new_pitch_hz, onsets, read_disk_output, segment_peaks, semitone, strikes,
)

RATE = 44100


def tone(hz: float, seconds: float, level: float = 0.2, decay_s: float | None = None) -> list[float]:
    n = int(seconds * RATE)
    return [level * math.sin(2 * math.pi * hz * i / RATE) * (math.exp(-i / (decay_s * RATE)) if decay_s else 1.0)
            for i in range(n)]


def silence(seconds: float) -> list[float]:
    return [0.0] * int(seconds * RATE)


class TestOnsets:
    def test_finds_each_sound_after_silence(self):
        signal = silence(0.1) + tone(440, 0.05) + silence(0.2) + tone(660, 0.05)
        found = onsets(signal, 0.001, int(0.05 * RATE))
        assert [round(i / RATE, 3) for i in found] == [0.1, 0.35]

    def test_short_gaps_do_not_split_one_sound(self):
        # the zero crossings of a tone are not silences
        assert len(onsets(tone(100, 0.5), 0.001, 50)) == 1

    def test_disk_output_is_read_as_interleaved_s16le(self, tmp_path):
        frames = [(0, 0)] * 100 + [(1000, 1000)] * 10 + [(0, 0)] * 100 + [(-16384, -16384)] * 5
        raw = tmp_path / "out.raw"
        raw.write_bytes(b"".join(struct.pack("<hh", *f) for f in frames) + b"\x01")  # torn last write
        pcm = read_disk_output(raw)
        assert pcm.frames == len(frames) and pcm.channels == 2
        starts = onsets(pcm.channel(0), 0, 50)
        assert starts == [100, 210]
        assert segment_peaks(pcm.channel(0), starts) == [1000 / 32768, 0.5]
        assert pcm.peak == 0.5 and dbfs(pcm.peak) == pytest.approx(-6.02, abs=0.01)


class TestPitchAndRhythm:
    @pytest.mark.parametrize("hz", [262.0, 440.0, 1175.0])
    def test_dominant_frequency(self, hz):
        assert dominant_hz(tone(hz, 0.3), RATE) == pytest.approx(hz, abs=2)
        assert semitone(hz) == round(69 + 12 * math.log2(hz / 440))

    def test_strikes_over_a_ringing_note(self):
        first = tone(392, 1.0, decay_s=0.5)
        second = silence(0.3) + tone(294, 0.7, decay_s=0.5)
        mixed = [a + b for a, b in zip(first, second)]
        times = strikes(mixed, RATE)
        assert [round(t, 1) for t in times] == [0.0, 0.3]
        assert semitone(new_pitch_hz(mixed, RATE, times[1])) == semitone(294)
