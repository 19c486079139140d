"""What the session screen shows, worked out from an engine snapshot (needs no window, so easy to test)."""

from __future__ import annotations

import locale
import math
import time

from kiosk.engine.session import Session
from kiosk.routines.durations import fmt_clock, fmt_countdown
from kiosk.ui import theme

#: The session screen is refreshed at least this often ("ends 15:42", the offset, the bars).
REFRESH_MAX_S = 1.0
#: Deadlines to look through for the running step's end (its cues and the halfway mark come first).
MAX_DEADLINES = 64


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
    """The large digits, their caption and colour.

    A step that ends by itself counts down ("remaining"). A step that waits for the pedal counts
    up instead, in the accent colour and captioned "elapsed", so "0:37" is never read as 37 s
    left; a step with no window (a consultation) is measured against its estimate, never against
    a window it does not have.
    """
    if snap.state == "finished":
        return "0:00", "finished", theme.TEXT_DIM
    remaining = snap.step_remaining_s
    if remaining is not None and not snap.waiting and remaining > 0:
        caption = "remaining"
        if snap.min_reached and not snap.max_reached:
            caption = "remaining · window reached"
        return fmt_countdown(remaining), caption, theme.TEXT
    elapsed = snap.step_elapsed_s or 0.0
    return fmt_clock(elapsed), "elapsed · " + waiting_hint(snap), theme.ACCENT


def screen_values(snap, steps, *, hours: int = 24, practice: bool = False) -> dict:
    """The App's properties for the session screen showing ``snap`` (``steps``: the plan's), by name.

    One function for both the screen's refresh and the rendering of the next step ahead of time
    (:mod:`kiosk.ui.ahead`), so what is rendered ahead is what the screen will say. The pause
    overlay's line changes only while paused: off screen it would be rendered again every second.
    """
    big, caption, colour = big_readout(snap)
    scale = max(snap.projected_end_s or 0.0, snap.target_end_s or 0.0, 1.0)
    if snap.over_s is None or snap.offset_label == "on time":
        offset_color = theme.GOOD if snap.over_s is not None else theme.TEXT_DIM
    else:
        offset_color = theme.LATE if snap.over_s > 0 else theme.EARLY
    values = {
        "state": snap.state,
        "paused": snap.state == "paused",
        "step_name": snap.name or "",
        "step_of": f"Step {snap.number} of {snap.total_steps}" if snap.number is not None else "",
        "side_text": (snap.side or "").upper(),
        "side_color": theme.LEFT if snap.side == "left" else theme.RIGHT,
        "rep_text": rep_label(snap),
        "say": snap.say or "",
        "caution": snap.caution or "",
        "note": snap.note or "" if practice else "",
        "big_text": big, "big_caption": caption, "big_color": colour,
        "step_progress": round(snap.step_progress or 0.0, 3),
        "session_progress": round(min(1.0, snap.session_elapsed_s / scale), 3),
        "target_marker": round(snap.target_end_s / scale, 3) if snap.target_end_s else -1.0,
        "ends_text": "ends " + wall_time(snap.projected_end_s - snap.session_elapsed_s, hours),
        "offset_text": snap.offset_label or "",
        "offset_color": offset_color,
        "next_text": next_label(snap, steps),
        "window_text": window_text(snap.step),
    }
    if snap.state == "paused":
        values["pause_text"] = pause_line(snap)
    return values


def has_window(snap) -> bool:
    """Whether the step has a time window of its own (timed, or reps at a pace)."""
    step = snap.step
    return step is not None and (step.kind == "timed" or step.paced)


def waiting_hint(snap) -> str:
    """What a step that waits for the pedal asks for: judged by its window, else by its estimate."""
    if has_window(snap):
        if snap.max_reached:
            return "past the window · tap when done"
        if snap.min_reached:
            return "window reached · tap when done"
        return "tap the pedal when done"
    planned = snap.step_planned_s or 0.0
    if planned <= 0:
        return "tap when done"
    if (snap.step_elapsed_s or 0.0) >= planned:
        return f"past the estimate of {fmt_clock(planned)} · tap when done"
    return f"about {fmt_clock(planned)} planned · tap when done"


def pause_line(snap) -> str:
    """The paused step and where it stood, for the pause overlay (the same words as the session)."""
    if snap is None or snap.step is None:
        return ""
    text, caption, _ = big_readout(snap)
    name = snap.name + (f" ({snap.side})" if snap.side else "")
    reps = rep_label(snap)
    name += f"  ·  {reps}" if reps else ""
    if caption.startswith("elapsed · "):
        return f"{name}  ·  {text} elapsed  ·  {waiting_hint(snap).split(' · tap')[0]}"
    return f"{name}  ·  {text} {caption.split(' ·')[0]}"


def window_text(step) -> str:
    """A step's window as students read it on the session screen: ``window 5-6 min``."""
    if step is None or step.kind != "timed":
        return ""
    low, high = step.min_s, step.max_s
    if low % 60 == 0 and high % 60 == 0:
        span = f"{int(low // 60)}" if low == high else f"{int(low // 60)}-{int(high // 60)}"
        return f"window {span} min"
    return "window " + (fmt_clock(low) if low == high else f"{fmt_clock(low)}-{fmt_clock(high)}")


def next_label(snap, steps) -> str:
    """``Next: Sweeps (right)``: the next step, with its side so a switch is never a surprise."""
    if snap.next_name is None or snap.next_index is None:
        return "Last step"
    side = steps[snap.next_index].side if snap.next_index < len(steps) else None
    return f"Next: {snap.next_name}" + (f" ({side})" if side else "")


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


def next_step_snapshot(session, now: float):
    """The snapshot the screen will show once the step after the running one has begun; None
    when there is none (the last step, a session not running).

    Worked out on a copy of the session, so the session itself is untouched: a step that ends by
    itself is run to its end (the ends-at time and the offset are then the ones the screen will
    show); a step that waits for the pedal is advanced now.
    """
    if session is None or session.state != "running" or session.index is None:
        return None
    if session.next_index(session.index) is None:
        return None
    data = session.to_dict(now)
    data["grace_s"] = 0.0  # an advance just after an automatic start is not ignored here
    ahead = Session.from_dict(data, session.plan, session.clock, now)
    index, at = ahead.index, now
    for _ in range(MAX_DEADLINES):
        due = ahead.next_deadline()
        if due is None:
            break
        at = max(at, due)
        ahead.tick(at)
        if ahead.index != index:
            break
    if ahead.index == index:
        ahead.advance(at)
    if ahead.state != "running" or ahead.index == index:
        return None
    return ahead.snapshot(at)
