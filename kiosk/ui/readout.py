"""What the session screen shows, worked out from an engine snapshot (needs no window, so easy to test)."""

from __future__ import annotations

import math
import time

from kiosk.routines.durations import fmt_clock, fmt_countdown
from kiosk.ui import theme

#: The session screen is refreshed at least this often ("ends 15:42", the offset, the bars).
REFRESH_MAX_S = 1.0


def next_change_s(snap) -> float:
    """Seconds until the session screen shows something different by itself: the big clock's next
    second. The bars move with it, once a second, so the kiosk draws about one frame a second
    (software rendering costs a Pi's CPU per frame); events such as step changes refresh at once."""
    if snap.state != "running":
        return REFRESH_MAX_S
    remaining = snap.step_remaining_s
    if remaining is not None and not snap.waiting and remaining > 0:
        digit = remaining - (math.ceil(remaining - 1e-9) - 1)  # fmt_countdown rounds up
    else:
        elapsed = snap.step_elapsed_s or 0.0
        digit = math.floor(elapsed + 0.5) + 0.5 - elapsed      # fmt_clock rounds to nearest
    return max(0.0, min(REFRESH_MAX_S, digit))


def rep_label(snap) -> str:
    """``sweep 2 of 3-4`` for a paced step, ``3-4 sweeps`` for one that waits."""
    if snap.kind != "reps" or snap.step is None:
        return ""
    step = snap.step
    noun = getattr(step, "rep_name", None) or "rep"
    low, high = step.reps_min, step.reps_max
    target = str(low) if low == high else f"{low}-{high}"
    if snap.rep:
        return f"{noun} {snap.rep} of {target}"
    return f"{target} {noun}s"


def big_readout(snap) -> tuple[str, str, tuple]:
    """The large digits, their caption and colour: time left, or time taken when the step waits."""
    if snap.state == "finished":
        return "0:00", "finished", theme.TEXT_DIM
    remaining = snap.step_remaining_s
    if remaining is not None and not snap.waiting and remaining > 0:
        caption = "left"
        if snap.min_reached and not snap.max_reached:
            caption = "left · window reached"
        return fmt_countdown(remaining), caption, theme.TEXT
    elapsed = snap.step_elapsed_s or 0.0
    if snap.max_reached:
        return fmt_clock(elapsed), "past the window · tap when done", theme.LATE
    if snap.min_reached:
        return fmt_clock(elapsed), "window reached · tap when done", theme.GOOD
    return fmt_clock(elapsed), "tap the pedal when done", theme.TEXT


def wall_time(seconds_from_now: float) -> str:
    return time.strftime("%H:%M", time.localtime(time.time() + max(0.0, seconds_from_now)))


def plural(count: int, noun: str) -> str:
    """``1 step``, ``3 steps``: a count with its noun, never "1 steps"."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
