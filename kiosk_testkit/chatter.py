"""Simulated presses of a cheap pedal: contact chatter on both edges, random but seeded.

A plan is a list of presses; :func:`edges` turns it into the raw ``(time, pressed)`` edges a
GPIO pin would see, and :func:`expected` into the gestures the logic must report.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

MAX_CHATTER = 0.008


@dataclass(frozen=True)
class Press:
    """One press: first contact at ``start``, first opening ``length`` later, each edge chattering."""

    start: float
    length: float
    press_chatter: tuple[float, ...] = ()  # times (after start) the contact toggles while settling
    release_chatter: tuple[float, ...] = ()  # times (after the opening) it toggles

    @property
    def end(self) -> float:
        return self.start + self.length


def burst(rng: random.Random, max_len: float = MAX_CHATTER, max_toggles: int = 6) -> tuple[float, ...]:
    """An even number of toggle times within ``max_len`` (0 to 8 ms), so the contact ends where it went."""
    span = rng.uniform(0, max_len)
    toggles = 2 * rng.randint(0, max_toggles // 2)
    return tuple(sorted(rng.uniform(0, span) for _ in range(toggles)))


def plan(rng: random.Random, count: int, *, hold_time: float, holds: float = 0.2, start: float = 1.0,
         min_tap: float = 0.06, min_gap: float = 0.06) -> list[Press]:
    """``count`` presses, about ``holds`` of them holds, the rest taps from ``min_tap`` to well below a hold."""
    presses: list[Press] = []
    t = start
    for _ in range(count):
        if rng.random() < holds:
            length = rng.uniform(hold_time + 0.05, hold_time * 2.5)
        else:
            length = rng.choice([min_tap, rng.uniform(min_tap, hold_time - 0.1)])
        press = Press(t, length, burst(rng), burst(rng))
        presses.append(press)
        t = press.end + MAX_CHATTER + rng.uniform(min_gap, 1.0)
    return presses


def edges(presses: list[Press]) -> list[tuple[float, bool]]:
    """The raw edges of a plan, in time order."""
    out: list[tuple[float, bool]] = []
    for p in presses:
        out.append((p.start, True))
        for i, dt in enumerate(p.press_chatter):
            out.append((p.start + dt, i % 2 == 1))
        out.append((p.end, False))
        for i, dt in enumerate(p.release_chatter):
            out.append((p.end + dt, i % 2 == 0))
    return out


def expected(presses: list[Press], hold_time: float) -> list[tuple[str, float]]:
    """(gesture, decided at) for the default map: a tap on release, a hold at hold_time while pressed."""
    return [("hold", p.start + hold_time) if p.length >= hold_time else ("tap", p.end) for p in presses]
