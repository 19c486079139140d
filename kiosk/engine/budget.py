"""The budget readout: how the session stands against its booking, in words, and steady.

The offset is the part of the projected end the steps still to come cannot absorb: while their
windows can still meet the booking the session is "on time", whatever whole reps the re-spread
rounds to. :class:`SteadyBudget` then holds what the screen shows until the projected end really
moves by more than :data:`STEADY_S`, so the readout never flickers between two values.
"""

from __future__ import annotations

from kiosk.routines.durations import fmt_clock

#: The readout changes only when the offset moves by more than this (seconds).
STEADY_S = 5.0
#: Closer to the booking than this is "on time" (seconds).
ON_TIME_S = 5.0


def budget_words(over_s: float | None) -> str:
    """``on time``, ``0:42 early`` or ``1:20 behind``; "" without a booking."""
    if over_s is None:
        return ""
    if abs(over_s) < ON_TIME_S:
        return "on time"
    return f"{fmt_clock(abs(over_s))} {'behind' if over_s > 0 else 'early'}"


def unabsorbed(budget_s: float, low_s: float, high_s: float) -> float:
    """How late (positive) or early the session ends when the steps still to come, which can
    last from ``low_s`` to ``high_s``, have ``budget_s`` left: 0 while they can meet it."""
    if budget_s < low_s:
        return low_s - budget_s
    if budget_s > high_s:
        return high_s - budget_s
    return 0.0


class SteadyBudget:
    """What the budget readout shows: a new offset only once it differs from the one shown by
    more than ``steady_s``; "on time" and a session's end always show at once."""

    def __init__(self, steady_s: float = STEADY_S):
        self.steady_s = steady_s
        self.shown: float | None = None

    def update(self, over_s: float | None) -> float | None:
        """The offset to show now that the session stands at ``over_s``."""
        if over_s is None or self.shown is None or abs(over_s - self.shown) > self.steady_s:
            self.shown = over_s
        elif abs(over_s) < ON_TIME_S <= abs(self.shown):
            self.shown = over_s
        return self.shown
