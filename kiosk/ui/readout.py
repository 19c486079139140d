"""What the session screen shows, worked out from an engine snapshot (needs no window, so easy to test)."""

from __future__ import annotations

import locale
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


def side_shortened_note(event) -> str:
    """What the screen says when the booking cannot give the second side what the first got."""
    side = f"The {event.side} side" if event.side else "The second side"
    return f"{side} gets {fmt_clock(event.short_s)} less than the first: the booking cannot fit more"


def wall_time(seconds_from_now: float, hours: int = 24) -> str:
    """The time of day ``seconds_from_now`` on a 12 hour (``3:05 PM``) or 24 hour (``15:05``) clock."""
    when = time.localtime(time.time() + max(0.0, seconds_from_now))
    if hours == 12:
        return f"{(when.tm_hour + 11) % 12 + 1}:{when.tm_min:02d} {'AM' if when.tm_hour < 12 else 'PM'}"
    return f"{when.tm_hour:02d}:{when.tm_min:02d}"


def locale_hours() -> int:
    """12 or 24: the clock the system's locale (LC_TIME, LC_ALL, LANG) writes the time of day on.

    The locale is read and put back at once: nothing else in the kiosk depends on it.
    """
    try:
        before = locale.setlocale(locale.LC_TIME)
        try:
            locale.setlocale(locale.LC_TIME, "")
            written = locale.nl_langinfo(locale.T_FMT)
        finally:
            locale.setlocale(locale.LC_TIME, before)
    except (locale.Error, AttributeError, ValueError):  # no such locale installed, or no nl_langinfo
        return 24
    return 12 if any(code in written for code in ("%I", "%l", "%p", "%r")) else 24


def plural(count: int, noun: str) -> str:
    """``1 step``, ``3 steps``: a count with its noun, never "1 steps"."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
