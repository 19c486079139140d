"""Reading what was played: WAV files and SDL's disk-driver output, cue onsets, peaks and pitch.

Tests and benchmarks use these to check what a player really produced, so they depend on the
standard library only (no numpy on a Pi's kiosk image).

SDL's ``disk`` audio driver writes the raw mix in the device's format. Kivy's SDL2 audio provider
opens the mixer itself with ``Mix_OpenAudio(44100, AUDIO_S16SYS, 2, 4096)``: 44.1 kHz, signed
16-bit native-endian (little-endian on x86 and on the Pi's ARM), two interleaved channels.
:class:`~kiosk.audio.player.KivyCuePlayer` keeps that format when it opens the mixer with a
smaller buffer, so one reader fits both.
"""

from __future__ import annotations

import cmath
import math
import sys
import wave
from array import array
from dataclasses import dataclass
from pathlib import Path

FULL_SCALE = 32768
DISK_RATE = 44100
DISK_CHANNELS = 2


@dataclass(frozen=True)
class Pcm:
    """16-bit audio: ``samples`` interleaved over ``channels``."""

    rate: int
    channels: int
    samples: array

    @property
    def frames(self) -> int:
        return len(self.samples) // self.channels

    @property
    def seconds(self) -> float:
        return self.frames / self.rate

    def channel(self, index: int = 0) -> array:
        """One channel's samples (cues are mono, so both channels of the mix carry the same)."""
        return self.samples[index :: self.channels]

    def mono(self) -> list[float]:
        """The channels averaged, as floats in -1..1."""
        if self.channels == 1:
            return [s / FULL_SCALE for s in self.samples]
        chans = [self.channel(c) for c in range(self.channels)]
        return [sum(frame) / (self.channels * FULL_SCALE) for frame in zip(*chans)]

    @property
    def peak(self) -> float:
        """The largest absolute sample as a fraction of full scale (1.0 = clipping)."""
        if not self.samples:
            return 0.0
        return max(max(self.samples), -min(self.samples)) / FULL_SCALE


def _s16(data: bytes) -> array:
    samples = array("h")
    samples.frombytes(data[: len(data) - len(data) % 2])
    if sys.byteorder == "big":
        samples.byteswap()
    return samples


def read_wav(path: str | Path) -> Pcm:
    """A 16-bit PCM WAV file."""
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2:
            raise ValueError(f"{path}: expected 16-bit samples, found {8 * w.getsampwidth()}-bit")
        return Pcm(w.getframerate(), w.getnchannels(), _s16(w.readframes(w.getnframes())))


def read_disk_output(path: str | Path, rate: int = DISK_RATE, channels: int = DISK_CHANNELS) -> Pcm:
    """What SDL's ``disk`` driver wrote (``SDL_DISKAUDIOFILE``): raw S16LE, interleaved."""
    data = Path(path).read_bytes()
    usable = len(data) - len(data) % (2 * channels)
    return Pcm(rate, channels, _s16(data[:usable]))


def dbfs(level: float) -> float:
    """A level as a fraction of full scale, in dB (full scale = 0 dBFS)."""
    return 20 * math.log10(level) if level > 0 else float("-inf")


def onsets(samples, threshold: float, min_silence: int) -> list[int]:
    """Indices where ``|x|`` first exceeds ``threshold`` after ``min_silence`` quieter samples.

    This finds cue starts in a player's output, where cues are separated by (near) silence.
    ``samples`` may be floats in -1..1 or raw 16-bit ints with a threshold to match.
    """
    found = []
    quiet = min_silence  # the stream's start counts as silence
    for i, x in enumerate(samples):
        if x > threshold or -x > threshold:
            if quiet >= min_silence:
                found.append(i)
            quiet = 0
        else:
            quiet += 1
    return found


def envelope(samples: list[float], rate: int, hop_s: float = 0.005, window_s: float = 0.02) -> list[float]:
    """RMS level over ``window_s`` every ``hop_s``.

    The window spans several periods of the beat between two low notes (about 100 Hz), so
    that beat does not read as a string of new strikes.
    """
    hop = max(int(rate * hop_s), 1)
    size = max(int(rate * window_s), hop)
    out = []
    for start in range(0, len(samples) - size + 1, hop):
        frame = samples[start : start + size]
        out.append(math.sqrt(sum(x * x for x in frame) / size))
    return out


def strikes(samples: list[float], rate: int, rise: float = 1.6, floor: float = 0.08) -> list[float]:
    """Times (s) where a new strike begins: the level jumps by ``rise`` within 30 ms.

    Unlike :func:`onsets` this also finds strikes that land while an earlier one still rings,
    which is what gives a cue its rhythm. ``floor`` ignores anything below that fraction of
    the loudest frame.
    """
    hop_s = 0.005
    env = envelope(samples, rate, hop_s)
    if not env:
        return []
    top = max(env)
    lookback = 6
    times: list[float] = []
    for k in range(len(env)):
        before = min(env[max(0, k - lookback) : k], default=0.0)
        if env[k] >= floor * top and env[k] > rise * before:
            t = k * hop_s
            if not times or t - times[-1] > 0.08:
                times.append(t)
    return times


def _fft(values: list[complex]) -> list[complex]:
    """Radix-2 FFT (length must be a power of two)."""
    n = len(values)
    out = list(values)
    j = 0
    for i in range(1, n):
        bit = n >> 1
        while j & bit:
            j ^= bit
            bit >>= 1
        j |= bit
        if i < j:
            out[i], out[j] = out[j], out[i]
    size = 2
    while size <= n:
        w_step = cmath.exp(-2j * math.pi / size)
        half = size // 2
        for start in range(0, n, size):
            w = 1 + 0j
            for k in range(start, start + half):
                t = w * out[k + half]
                out[k + half] = out[k] - t
                out[k] += t
                w *= w_step
        size *= 2
    return out


def spectrum(samples: list[float], start: int, n: int = 8192) -> list[float]:
    """Magnitudes of the Hann-windowed ``n`` samples from ``start`` (zero-padded past the end)."""
    chunk = list(samples[max(start, 0) : max(start, 0) + n]) if start >= 0 else []
    chunk += [0.0] * (n - len(chunk))
    windowed = [x * (0.5 - 0.5 * math.cos(2 * math.pi * i / n)) for i, x in enumerate(chunk)]
    return [abs(c) for c in _fft(windowed)[: n // 2]]


def _peak_hz(mags: list[float], rate: int, n: int, lo_hz: float) -> float:
    lo = max(int(lo_hz * n / rate), 1)
    k = max(range(lo, len(mags) - 1), key=mags.__getitem__)
    a, b, c = mags[k - 1], mags[k], mags[k + 1]
    denom = a - 2 * b + c
    shift = 0.5 * (a - c) / denom if denom else 0.0
    return (k + shift) * rate / n


def dominant_hz(samples: list[float], rate: int, start: int = 0, n: int = 8192, lo_hz: float = 60) -> float:
    """The strongest frequency in ``n`` samples from ``start``."""
    return _peak_hz(spectrum(samples, start, n), rate, n, lo_hz)


def new_pitch_hz(samples: list[float], rate: int, at_s: float, n: int = 4096, lo_hz: float = 60) -> float:
    """The strongest frequency that *appeared* at ``at_s``: the spectrum after minus the one before.

    A strike that lands while an earlier one rings is heard by what it adds, not by the sum.
    """
    at = int(at_s * rate)
    after = spectrum(samples, at, n)
    before = spectrum(samples, at - n, n) if at >= n else [0.0] * (n // 2)
    gained = [max(a - b, 0.0) for a, b in zip(after, before)]
    return _peak_hz(gained, rate, n, lo_hz)


def semitone(hz: float) -> int:
    """The nearest MIDI note number (69 = A4 = 440 Hz)."""
    return int(round(69 + 12 * math.log2(hz / 440.0)))


def max_step(samples) -> float:
    """The largest jump between neighbouring samples, in the samples' own unit."""
    return max((abs(b - a) for a, b in zip(samples, samples[1:])), default=0.0)


def segment_peaks(samples, starts: list[int]) -> list[float]:
    """Peak of each stretch from one start to the next (the last runs to the end), as a
    fraction of full scale: the loudness of each cue found by :func:`onsets` in 16-bit output."""
    ends = list(starts[1:]) + [len(samples)]
    return [max((abs(s) for s in samples[a:b]), default=0) / FULL_SCALE for a, b in zip(starts, ends)]
