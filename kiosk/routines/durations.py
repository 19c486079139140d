"""Durations and counts as people write them: ``90s``, ``5m``, ``1m30s``, ``1:30``, ``5-6m``, ``2-3 min``.

A bare number is refused: ``5`` could be seconds or minutes, and a wrong guess ruins a session.
"""

from __future__ import annotations

import math
import re
import unicodedata

from kiosk.errors import KioskError

_UNITS = {
    "h": 3600.0, "hr": 3600.0, "hrs": 3600.0, "hour": 3600.0, "hours": 3600.0,
    "m": 60.0, "min": 60.0, "mins": 60.0, "minute": 60.0, "minutes": 60.0,
    "s": 1.0, "sec": 1.0, "secs": 1.0, "second": 1.0, "seconds": 1.0,
}
#: The pieces of the written forms, shared by the parser here and the routine schema's patterns:
#: a number, a clock time (1:30, 1:05:00) and the word between a window's ends (5-6m, 5 to 6m).
NUM = r"[0-9]+(?:\.[0-9]+)?"  # ASCII digits only: Python's \d takes any script's
CLOCK = r"[0-9]+:[0-5][0-9](?::[0-5][0-9])?"
TO = r"(?:-|–|—|\bto\b)"
_PART = re.compile(rf"\s*({NUM})\s*([a-z]+)?", re.IGNORECASE)
_CLOCK = re.compile(rf"^{CLOCK}$")
_RANGE = re.compile(rf"^(.+?)\s*{TO}\s*(.+)$", re.IGNORECASE)
_COUNT_RANGE = re.compile(rf"^\s*([0-9]+)\s*{TO}\s*([0-9]+)\s*$", re.IGNORECASE)

_MAX_COUNT_TEXT = 40

HINT_UNIT = 'add a unit, for example "90s", "5m" or "1:30"'


class DurationError(KioskError, ValueError):
    """A duration or count could not be read; ``hint`` says how to write it."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint


def ascii_digits(text: str) -> str | None:
    """``text`` as it would read with the digits 0-9 (``٥m`` -> ``5m``, ``５ｍ`` -> ``5m``) when it is
    written with another script's digits; ``None`` when it has none. Those are refused, not read:
    the JSON Schema and the kiosk's screens take 0-9 only, and the author is told what to write."""
    if text.isascii() or not any(c.isdecimal() and not c.isascii() for c in text):
        return None
    wide = unicodedata.normalize("NFKC", text)
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in wide)


def _refuse_other_digits(text: str) -> None:
    ascii = ascii_digits(text)
    if ascii is not None:
        raise DurationError(f'"{text}" has digits other than 0-9', f'write "{ascii}"')


def _parts(text: str) -> list[tuple[float, str | None]]:
    """Split ``1h 30m`` into ``[(1, 'h'), (30, 'm')]``; raise if anything else is left over."""
    parts: list[tuple[float, str | None]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _PART.match(text, pos)
        if not m or m.end() == pos:
            raise DurationError(f'cannot read "{text}" as a duration', HINT_UNIT)
        unit = m.group(2).lower() if m.group(2) else None
        if unit is not None and unit not in _UNITS:
            raise DurationError(f'unknown time unit "{m.group(2)}" in "{text}"', "use s, m or h")
        parts.append((float(m.group(1)), unit))
        pos = m.end()
        while pos < len(text) and text[pos] in " ,":
            pos += 1
    if not parts:
        raise DurationError("empty duration", HINT_UNIT)
    return parts


def _seconds(text: str, default_unit: str | None = None) -> float:
    text = text.strip()
    if _CLOCK.match(text):
        *hours, minutes, seconds = (int(n) for n in text.split(":"))  # m:ss or h:mm:ss
        return sum(hours) * 3600.0 + minutes * 60.0 + seconds
    parts = _parts(text)
    if len(parts) == 1 and parts[0][1] is None:
        if default_unit is None:
            raise DurationError(f'"{text}" has no unit', HINT_UNIT)
        return parts[0][0] * _UNITS[default_unit]
    total = 0.0
    for value, unit in parts:
        if unit is None:
            raise DurationError(f'cannot read "{text}" as a duration', HINT_UNIT)
        total += value * _UNITS[unit]
    return total


def _first_unit(text: str) -> str | None:
    if _CLOCK.match(text.strip()):
        return None
    try:
        parts = _parts(text)
    except DurationError:
        return None
    return parts[0][1]


def patterns() -> dict[str, str]:
    """Regular expressions for a ``duration``, a ``window`` and a ``count`` as this module reads them
    (lower-case units), in the syntax JSON Schema and Python share: for editors' schemas."""
    unit = "(?:" + "|".join(sorted(_UNITS, key=lambda u: (-len(u), u))) + ")"
    one = rf"{NUM}\s*{unit}"
    duration = rf"(?:{CLOCK}|{one}(?:[\s,]*{one})*)"
    return {
        "duration": rf"^\s*{duration}\s*$",
        "window": rf"^\s*(?:(?:{duration}|{NUM})\s*{TO}\s*)?{duration}\s*$",
        "count": rf"^\s*[0-9]+\s*(?:{TO}\s*[0-9]+\s*)?$",
    }


def parse_duration(text: str) -> float:
    """Seconds in a fixed duration such as ``90s``, ``5m``, ``1m30s`` or ``1:30``; must be above zero."""
    text = str(text).strip()
    _refuse_other_digits(text)
    if text.startswith("-"):
        raise DurationError(f'"{text}" is negative', "a duration must be longer than zero")
    seconds = _seconds(text)
    if not math.isfinite(seconds) or seconds <= 0:
        raise DurationError(f'"{text}" is not longer than zero', "a duration must be longer than zero")
    return seconds


def parse_window(text: str) -> tuple[float, float]:
    """``(min_s, max_s)`` of a fixed duration (``5m`` gives ``(300, 300)``) or a window (``5-6m``).

    In a window the unit may be written once, after the second number: ``5-6m``, ``2-3 min``.
    """
    text = str(text).strip()
    if not text:
        raise DurationError("empty duration", HINT_UNIT)
    _refuse_other_digits(text)
    if text.startswith("-"):
        raise DurationError(f'"{text}" is negative', "a duration must be longer than zero")
    m = _RANGE.match(text)
    if not m:
        seconds = parse_duration(text)
        return seconds, seconds
    low_text, high_text = m.group(1), m.group(2)
    if high_text.strip().startswith("-"):
        raise DurationError(f'"{text}" has a negative end', "write a window as low-high, for example 5-6m")
    high = _seconds(high_text)
    low = _seconds(low_text, default_unit=_first_unit(high_text))
    if low <= 0 or high <= 0:
        raise DurationError(f'window "{text}" starts at zero', "a duration must be longer than zero")
    if not (math.isfinite(low) and math.isfinite(high)):
        raise DurationError(f'"{text}" is too long to be a duration', "check the number")
    if low > high:
        raise DurationError(
            f'window "{text}" starts after it ends ({fmt_clock(low)} > {fmt_clock(high)})',
            "write the shorter time first",
        )
    return low, high


def parse_count(value: object) -> tuple[int, int]:
    """``(low, high)`` of a count (``3``) or a count window (``3-4``); both at least 1."""
    if isinstance(value, bool):
        raise DurationError(f'"{value}" is not a count', "write a whole number such as 3, or a range such as 3-4")
    if isinstance(value, int):
        low = high = value
    else:
        text = str(value).strip()
        if len(text) > _MAX_COUNT_TEXT:
            raise DurationError(f'"{text[:20]}…" is too long to be a count', "write a whole number such as 3")
        _refuse_other_digits(text)
        m = _COUNT_RANGE.match(text)
        if m:
            low, high = int(m.group(1)), int(m.group(2))
        elif text.lstrip("+-").isdigit() and text.isascii():
            low = high = int(text)
        else:
            raise DurationError(f'"{text}" is not a count', "write a whole number such as 3, or a range such as 3-4")
    if low < 1 or high < 1:
        raise DurationError(f'count "{value}" must be at least 1', "write a whole number of 1 or more")
    if low > high:
        raise DurationError(f'count window "{value}" starts above its end', "write the smaller count first")
    return low, high


def fmt_clock(seconds: float) -> str:
    """``m:ss`` (or ``h:mm:ss`` from one hour), rounding to the nearest second."""
    total = int(round(abs(seconds)))
    sign = "-" if seconds < 0 and total else ""
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    if h:
        return f"{sign}{h}:{m:02d}:{s:02d}"
    return f"{sign}{m}:{s:02d}"


def fmt_countdown(seconds: float) -> str:
    """Remaining time as shown on the session screen: rounds up, so 0:00 means the step is over."""
    return fmt_clock(math.ceil(max(0.0, seconds) - 1e-9))


def fmt_human(seconds: float) -> str:
    """Compact duration for tables and tiles: ``45s``, ``5m``, ``1m30s``, ``1h05m``."""
    total = int(round(seconds))
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    if h:
        return f"{h}h{m:02d}m" if not s else f"{h}h{m:02d}m{s:02d}s"
    if m and s:
        return f"{m}m{s:02d}s"
    if m:
        return f"{m}m"
    return f"{s}s"


def fmt_window(low: float, high: float) -> str:
    """``5-6m``, ``1m30s-2m`` or ``90s``."""
    if low == high:
        return fmt_human(low)
    if low % 60 == 0 and high % 60 == 0 and low < 3600 and high < 3600:
        return f"{int(low // 60)}-{int(high // 60)}m"
    return f"{fmt_human(low)}-{fmt_human(high)}"


def fmt_offset(seconds: float, tolerance: float = 1.0) -> str:
    """Difference against a target as shown on screen: ``on time``, ``+1:20`` (late) or ``-0:45`` (early)."""
    if abs(seconds) < tolerance:
        return "on time"
    sign = "+" if seconds > 0 else "-"
    return sign + fmt_clock(abs(seconds))
