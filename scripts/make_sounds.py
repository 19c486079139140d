#!/usr/bin/env python3
"""Synthesise the kiosk's audio cues into sounds/*.wav (standard library only).

Each cue is one or more soft strikes of a bell or singing bowl: a few inharmonic partials that
decay exponentially (higher ones faster), with a slow beat between two near-unison partials
for the bowl's shimmer. Every strike fades in over a soft-mallet attack (12 ms or more), every
file fades out to exact zero, and every peak sits at -14 dBFS or below, so the cues stay quiet
over soft music and never click. Cues differ by pitch and rhythm, not loudness.

Run ``make sounds`` (or ``python scripts/make_sounds.py [--out DIR]``) to rebuild them; the
output depends on nothing but this file.
"""

from __future__ import annotations

import argparse
import cmath
import math
import struct
import sys
import wave
from dataclasses import dataclass
from pathlib import Path

RATE = 44100
ATTACK_S = 0.012  # a felt mallet, not a click; at least 5 ms
FADE_OUT_S = 0.15
PEAK_DBFS = -14.0

# Partials as (frequency ratio, relative amplitude, decay as a fraction of the strike's decay).
# A singing bowl's modes sit near 1 : 2.7 : 5.0 : 7.9; the twins 1.5 Hz away make it shimmer.
BOWL = ((1.0, 1.0, 1.0), (2.71, 0.30, 0.45), (5.02, 0.10, 0.22), (7.9, 0.035, 0.12))
BOWL_BEAT_HZ = 1.5
BOWL_TWIN_AMP = 0.35
# A small bright bell (chime): a hum below, a minor third and fifth above, quickly fading.
CHIME = ((1.0, 1.0, 1.0), (2.0, 0.25, 0.6), (2.4, 0.12, 0.4), (3.0, 0.08, 0.3), (0.5, 0.10, 1.2))


@dataclass(frozen=True)
class Strike:
    """One touch of the mallet: when (seconds into the cue), what pitch, how long it rings."""

    at: float
    hz: float
    decay_s: float
    timbre: tuple[tuple[float, float, float], ...] = BOWL
    level: float = 1.0


@dataclass(frozen=True)
class Cue:
    """A named sound: its strikes, total length and peak level."""

    name: str
    strikes: tuple[Strike, ...]
    length_s: float
    peak_dbfs: float = PEAK_DBFS
    meaning: str = ""


# Pitches from one pentatonic scale, so cues that meet still sound consonant.
D4, G4, A4, C5, D5, E5, G5, D6 = 293.66, 392.00, 440.00, 523.25, 587.33, 659.26, 783.99, 1174.66
C4 = 261.63

CUES: tuple[Cue, ...] = (
    Cue("step_start", (Strike(0.0, A4, 1.1),), 2.6, meaning="one bowl strike: next step"),
    Cue(
        "warning",
        (Strike(0.0, E5, 0.7, CHIME), Strike(0.30, E5, 0.8, CHIME)),
        2.0,
        meaning="two chimes on one note: heads-up, the step ends soon",
    ),
    Cue(
        "window",
        (Strike(0.0, C5, 0.7, CHIME), Strike(0.24, G5, 0.9, CHIME)),
        2.0,
        meaning="rising chime pair: the step's time window is reached",
    ),
    Cue(
        "rep_tick",
        (Strike(0.0, D6, 0.09, CHIME),),
        0.5,
        peak_dbfs=-18.0,
        meaning="a tiny high tick per paced rep (softer: it repeats every few seconds)",
    ),
    Cue(
        "side_switch",
        (Strike(0.0, D5, 0.6), Strike(0.32, A4, 0.6), Strike(0.64, D5, 0.9)),
        2.6,
        meaning="high-low-high: switch sides",
    ),
    Cue(
        "pause",
        (Strike(0.0, G4, 0.5), Strike(0.26, D4, 0.7)),
        1.8,
        meaning="falling pair, low: paused",
    ),
    Cue(
        "resume",
        (Strike(0.0, D4, 0.5), Strike(0.26, G4, 0.7)),
        1.8,
        meaning="rising pair, low: running again",
    ),
    Cue(
        "session_end",
        (Strike(0.0, C4, 1.8), Strike(1.2, C4, 1.8), Strike(2.4, C4, 2.2)),
        7.5,
        meaning="three slow low bowl strikes: the session is over",
    ),
)


def _partials(strike: Strike) -> list[tuple[float, float, float]]:
    """``(hz, amplitude, decay_s)`` of every partial of a strike, bowl twins included."""
    out = []
    for ratio, amp, decay in strike.timbre:
        hz = strike.hz * ratio
        out.append((hz, amp, strike.decay_s * decay))
        if strike.timbre is BOWL and ratio < 3:
            out.append((hz + BOWL_BEAT_HZ * ratio, amp * BOWL_TWIN_AMP, strike.decay_s * decay))
    return [p for p in out if p[0] < RATE / 2 * 0.8]


def render(cue: Cue) -> list[float]:
    """The cue as floats in -1..1, peak at ``cue.peak_dbfs``, starting and ending at exact zero."""
    n = int(round(cue.length_s * RATE))
    out = [0.0] * n
    attack_n = max(int(ATTACK_S * RATE), 1)
    for strike in cue.strikes:
        start = int(round(strike.at * RATE))
        for hz, amp, decay_s in _partials(strike):
            # Phase counts from the cue's start, so repeated strikes of one note add up in phase.
            z = amp * strike.level * cmath.exp(1j * 2 * math.pi * hz * start / RATE)
            step = cmath.exp(complex(-1.0 / (decay_s * RATE), 2 * math.pi * hz / RATE))
            for i in range(start, n):
                k = i - start
                gain = 0.5 - 0.5 * math.cos(math.pi * k / attack_n) if k < attack_n else 1.0
                out[i] += gain * z.imag
                z *= step
                if abs(z) < 1e-7:
                    break
    fade_n = int(FADE_OUT_S * RATE)
    for k in range(fade_n):
        out[n - 1 - k] *= 0.5 - 0.5 * math.cos(math.pi * k / fade_n)
    out[0] = out[-1] = 0.0
    peak = max(abs(x) for x in out)
    scale = 10 ** (cue.peak_dbfs / 20) / peak
    return [x * scale for x in out]


def write_wav(path: Path, samples: list[float]) -> None:
    """16-bit mono PCM at :data:`RATE`."""
    frames = struct.pack(f"<{len(samples)}h", *(int(round(x * 32767)) for x in samples))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(frames)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_out = Path(__file__).resolve().parent.parent / "sounds"
    parser.add_argument("--out", type=Path, default=default_out, help=f"folder (default {default_out})")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for cue in CUES:
        path = args.out / f"{cue.name}.wav"
        write_wav(path, render(cue))
        print(f"{path}  {cue.length_s:.1f}s  peak {cue.peak_dbfs:.0f} dBFS  {cue.meaning}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
