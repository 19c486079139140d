"""What the session screen shows, worked out from an engine snapshot (needs no window, so easy to test)."""

from __future__ import annotations

import locale
import math
import time
from datetime import datetime

from babel.dates import format_time

from kiosk import i18n
from kiosk.engine.budget import ON_TIME_S
from kiosk.engine.session import Session
from kiosk.i18n import _, ngettext
from kiosk.routines.durations import fmt_clock, fmt_countdown, fmt_window
from kiosk.ui import theme
from kiosk.ui.scripts import quoted

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
    named = getattr(step, "rep_name", None)
    noun = named or _("rep")
    low, high = step.reps_min, step.reps_max
    target = str(low) if low == high else f"{low}-{high}"
    if snap.rep:
        return _("{noun} {rep} of {target}").format(noun=noun, rep=snap.rep, target=target)
    if named:  # the routine's own word, in the routine's language
        return _("{target} {noun}s").format(target=target, noun=named)
    return ngettext("{target} rep", "{target} reps", high).format(target=target)


def big_readout(snap) -> tuple[str, str, tuple]:
    """The large digits, their caption and colour.

    A step that ends by itself counts down ("remaining"). A step that waits for the pedal counts
    up instead, in the accent colour and captioned "elapsed", so "0:37" is never read as 37 s
    left; a step with no window (a consultation) is measured against its estimate, never against
    a window it does not have.
    """
    if snap.state == "finished":
        return "0:00", _("finished"), theme.TEXT_DIM
    remaining = snap.step_remaining_s
    if remaining is not None and not snap.waiting and remaining > 0:
        caption = _("remaining")
        if snap.min_reached and not snap.max_reached:
            caption = _("remaining") + " · " + _("window reached")
        return fmt_countdown(remaining), caption, theme.TEXT
    elapsed = snap.step_elapsed_s or 0.0
    return fmt_clock(elapsed), _("elapsed") + " · " + waiting_hint(snap), theme.ACCENT


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
        "step_of": _("Step {n} of {total}").format(n=snap.number, total=snap.total_steps) if snap.number else "",
        "side_text": side_word(snap.side).upper(),
        "side_color": theme.LEFT if snap.side == "left" else theme.RIGHT,
        "rep_text": rep_label(snap),
        "say": snap.say or "",
        "caution": snap.caution or "",
        "note": snap.note or "" if practice else "",
        "big_text": big, "big_caption": caption, "big_color": colour,
        "step_progress": round(snap.step_progress or 0.0, 3),
        "session_progress": round(min(1.0, snap.session_elapsed_s / scale), 3),
        "target_marker": round(snap.target_end_s / scale, 3) if snap.target_end_s else -1.0,
        "ends_text": _("ends {time}").format(time=wall_time(snap.projected_end_s - snap.session_elapsed_s, hours)),
        "offset_text": offset_words(snap.over_s) if snap.offset_label else "",
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
    return " · ".join(_waiting_parts(snap))


def _waiting_parts(snap) -> list[str]:
    """The hint in its parts: where the step stands (if anything), then what to do."""
    if has_window(snap):
        if snap.max_reached:
            return [_("past the window"), _("tap when done")]
        if snap.min_reached:
            return [_("window reached"), _("tap when done")]
        return [_("tap the pedal when done")]
    planned = snap.step_planned_s or 0.0
    if planned <= 0:
        return [_("tap when done")]
    if (snap.step_elapsed_s or 0.0) >= planned:
        return [_("past the estimate of {time}").format(time=fmt_clock(planned)), _("tap when done")]
    return [_("about {time} planned").format(time=fmt_clock(planned)), _("tap when done")]


def pause_line(snap) -> str:
    """The paused step and where it stood, for the pause overlay (the same words as the session)."""
    if snap is None or snap.step is None:
        return ""
    text, _caption, colour = big_readout(snap)
    # quoted: the time stays after a Hebrew name
    name = quoted(snap.name + (f" ({side_word(snap.side)})" if snap.side else ""))
    reps = rep_label(snap)
    name += f"  ·  {reps}" if reps else ""
    if colour == theme.ACCENT:  # counting up: the step waits for the pedal
        return f"{name}  ·  " + _("{time} elapsed").format(time=text) + "  ·  " + _waiting_parts(snap)[0]
    if snap.state == "finished":
        return f"{name}  ·  {text} " + _("finished")
    return f"{name}  ·  " + _("{time} remaining").format(time=text)


def window_text(step) -> str:
    """A step's window as students read it on the session screen: ``window 5-6 min``."""
    if step is None or step.kind != "timed":
        return ""
    low, high = step.min_s, step.max_s
    if low % 60 == 0 and high % 60 == 0:
        span = f"{int(low // 60)}" if low == high else f"{int(low // 60)}-{int(high // 60)}"
        return _("window {span} min").format(span=span)
    span = fmt_clock(low) if low == high else f"{fmt_clock(low)}-{fmt_clock(high)}"
    return _("window {span}").format(span=span)


def window_words(step) -> str:
    """A step's window on the ready screen's plan: ``5-6m``, ``3-4 reps every 10s``, ``until advance``."""
    if step.kind == "timed":
        return fmt_window(step.min_s, step.max_s)
    if step.kind == "reps":
        count = str(step.reps_min) if step.reps_min == step.reps_max else f"{step.reps_min}-{step.reps_max}"
        label = ngettext("{count} rep", "{count} reps", step.reps_max).format(count=count)
        if step.pace_s is not None:
            label = _("{reps} every {pace}").format(reps=label, pace=fmt_window(step.pace_s, step.pace_s))
        return label
    return _("until advance")


def next_label(snap, steps) -> str:
    """``Next: Sweeps (right)``: the next step, with its side so a switch is never a surprise."""
    if snap.next_name is None or snap.next_index is None:
        return _("Last step")
    side = steps[snap.next_index].side if snap.next_index < len(steps) else None
    return _("Next: {step}").format(step=snap.next_name + (f" ({side_word(side)})" if side else ""))


def side_word(side: str | None) -> str:
    """``left`` / ``right`` in the kiosk's language (a routine's sides are always these two words)."""
    return {"left": _("left"), "right": _("right")}.get(side or "", side or "")


def offset_words(over_s: float | None) -> str:
    """The budget readout in the kiosk's language: ``on time``, ``0:42 early`` or ``1:20 behind``."""
    if over_s is None:
        return ""
    if abs(over_s) < ON_TIME_S:
        return _("on time")
    words = _("{time} behind") if over_s > 0 else _("{time} early")
    return words.format(time=fmt_clock(abs(over_s)))


def side_shortened_note(event) -> str:
    """What the screen says when the booking cannot give the second side what the first got."""
    short = fmt_clock(event.short_s)
    if event.side == "left":
        return _("The left side gets {time} less than the first: the booking cannot fit more").format(time=short)
    if event.side == "right":
        return _("The right side gets {time} less than the first: the booking cannot fit more").format(time=short)
    return _("The second side gets {time} less than the first: the booking cannot fit more").format(time=short)


def wall_time(seconds_from_now: float, hours: int | None = 24, locale=None) -> str:
    """The time of day ``seconds_from_now``, written as the kiosk's language writes it (CLDR, via
    Babel) on a 12 hour (``3:05 PM``) or 24 hour (``15:05``) clock; ``hours`` None: the language's
    own choice. ``locale`` defaults to the current language's."""
    when = time.localtime(time.time() + max(0.0, seconds_from_now))
    return time_of_day(datetime(*when[:6]), hours, locale)


def time_of_day(when: datetime, hours: int | None = None, locale=None, *, seconds: bool = False) -> str:
    """``when`` as the language writes a time of day: its own pattern, or on the 12 or 24 hour clock
    a room asks for (``3:05 PM``, ``15:05``; ``15 h 05`` in French Canada); with its seconds
    (``15:05:27``) for the pedal test."""
    loc = locale or i18n.current().locale
    skeletons = loc.datetime_skeletons
    pattern = loc.time_formats["medium" if seconds else "short"].pattern
    twelve, twenty_four = ("hms", "Hms") if seconds else ("hm", "Hm")
    if hours == 12 and "a" not in pattern:      # a language that writes 24 hours, on a 12 hour clock
        pattern = skeletons[twelve].pattern if twelve in skeletons else "h:mm:ss a" if seconds else "h:mm a"
    elif hours == 24 and "a" in pattern:        # a 12 hour language on a 24 hour clock
        pattern = skeletons[twenty_four].pattern if twenty_four in skeletons else "HH:mm:ss" if seconds else "HH:mm"
    # CLDR puts a narrow no-break space before "PM", which the screen's font may not have
    return format_time(when, pattern, locale=loc).replace("\u202f", " ")


def clock_hours(room_clock: int | None, language: str, system_language: str) -> int | None:
    """The clock the screen writes the time of day on: the room's ``clock:`` when it says; else the
    system locale's own (LC_TIME) while the kiosk speaks the system's language; else None, the
    kiosk's language's own way (CLDR)."""
    if room_clock:
        return room_clock
    if i18n.locale_name(language).split("_")[0] == i18n.locale_name(system_language).split("_")[0]:
        return locale_hours()
    return None


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


def step_count(count: int) -> str:
    """``1 step``, ``3 steps``: never "1 steps", in each language's plural forms."""
    return ngettext("{n} step", "{n} steps", count).format(n=count)


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
    for _tries in range(MAX_DEADLINES):
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
