"""Where the engine's time comes from: a monotonic clock in the kiosk, a fake one in tests.

The engine keeps absolute deadlines on this clock and never counts ticks, so a late or skipped
tick costs nothing but latency.
"""

from __future__ import annotations

import time
from typing import Protocol, runtime_checkable


@runtime_checkable
class Clock(Protocol):
    """Anything with ``now()``: seconds on a clock that never goes backwards."""

    def now(self) -> float: ...


class MonotonicClock:
    """The system's monotonic clock: immune to NTP steps and daylight-saving changes."""

    def now(self) -> float:
        return time.monotonic()


class FakeClock:
    """A clock that moves only when told to, so tests are exact and never sleep."""

    def __init__(self, start: float = 0.0):
        self._now = float(start)

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> float:
        """Move forward by ``seconds`` and return the new time."""
        if seconds < 0:
            raise ValueError("a monotonic clock cannot go backwards")
        self._now += seconds
        return self._now

    def set(self, t: float) -> float:
        """Jump to time ``t`` (not before the current time) and return it."""
        if t < self._now:
            raise ValueError(f"a monotonic clock cannot go backwards ({t} < {self._now})")
        self._now = float(t)
        return self._now
