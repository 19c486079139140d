"""The kinds of value a room config holds: how each is read from text, and how an editor checks it.

Each :class:`Value` pairs a reader (raw text in, value out, ValueError with what to write
instead) with the JSON Schema of the same rule, so the room's schema (:mod:`kiosk.config_schema`)
is generated from what the kiosk really accepts. The key tables in :mod:`kiosk.config` are
built from these.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kiosk import i18n
from kiosk.inputs.actions import ACTION_NAMES
from kiosk.inputs.pedals import BOUNCE_MS_RANGE
from kiosk.inputs.validation import parse_action, parse_pin
from kiosk.routines.durations import DurationError, parse_duration
from kiosk.vocabulary import any_case, bool_schema, parse_bool

ROTATIONS = (0, 90, 180, 270)
#: Sound buffers the mixer is offered, in frames (at 44.1 kHz, 256 frames is 5.8 ms).
AUDIO_BUFFERS = (256, 512, 1024, 2048, 4096, 8192)
CHORD_MODIFIERS = ("ctrl", "alt", "shift", "meta", "super")


@dataclass(frozen=True)
class Value:
    """One kind of value: ``read(text)`` gives it or raises ValueError; ``schema`` says the same to an editor.

    ``show(value)`` writes a value back the way a person would in the file (3h, not 10800.0);
    None when the value has nothing to show (no default).
    """

    read: Callable[[str], Any]
    schema: dict = field(default_factory=dict)
    show: Callable[[Any], Any] = lambda value: value


@dataclass(frozen=True)
class Key:
    """One key of the room config: its kind of value and a line for people (the schema's description)."""

    value: Value
    help: str


def _short(seconds: float) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{seconds / 3600:g}h"
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds / 60:g}m"
    return f"{seconds:g}s"


def text(max_len: int) -> Value:
    """Any text of one to ``max_len`` characters."""
    def read(raw: str) -> str:
        stripped = raw.strip()
        if not stripped:
            raise ValueError("is empty; write something after the colon, or leave the key out")
        if len(stripped) > max_len:
            raise ValueError(f"is too long ({len(stripped)} characters; at most {max_len})")
        return stripped
    return Value(read, {"type": "string", "minLength": 1, "maxLength": max_len})


def int_in(low: int, high: int, unit: str = "") -> Value:
    """A whole number from ``low`` to ``high`` (a trailing ``%`` is allowed)."""
    def read(raw: str) -> int:
        stripped = raw.strip().rstrip("%").strip()
        if not re.fullmatch(r"[+-]?[0-9]+", stripped):
            raise ValueError(f'"{raw}" is not a whole number; write one from {low} to {high}{unit}')
        number = int(stripped)
        if not low <= number <= high:
            raise ValueError(f"{number} is out of range; write one from {low} to {high}{unit}")
        return number
    return Value(read, {"anyOf": [{"type": "integer", "minimum": low, "maximum": high},
                                  {"type": "string", "pattern": r"^\s*[+]?[0-9]+\s*%?\s*$"}]})


def duration_in(low: float, high: float) -> Value:
    """A duration with its unit (``90s``, ``1m30s``, ``2h``) from ``low`` to ``high`` seconds."""
    def read(raw: str) -> float:
        try:
            seconds = parse_duration(raw)
        except DurationError as exc:
            raise ValueError(f"{exc.message}; {exc.hint}" if exc.hint else exc.message) from None
        if not low <= seconds <= high:
            raise ValueError(f'"{raw}" is out of range; write one from {_short(low)} to {_short(high)}')
        return seconds
    return Value(read, {"type": "string", "pattern": r"[0-9]", "examples": [_short(low), _short(high)]},
                 lambda seconds: None if seconds is None else _short(seconds))


def _pin_code(raw: str) -> str:
    stripped = raw.strip()
    if not re.fullmatch(r"[0-9]{4,8}", stripped):
        raise ValueError('must be 4 to 8 digits 0-9, in quotes so a leading 0 stays: pin: "0420"')
    return stripped


def _chord(raw: str) -> str:
    parts = [p.strip().lower() for p in raw.split("+")]
    mods = [p for p in parts[:-1] if p in CHORD_MODIFIERS]
    if len(parts) < 2 or len(mods) != len(parts) - 1 or not parts[-1] or parts[-1] in CHORD_MODIFIERS:
        raise ValueError(f'"{raw}" is not a key chord; write modifiers and one key, e.g. ctrl+alt+q')
    return "+".join(parts)


def _fullscreen(raw: str) -> bool | None:
    if raw.strip().lower() == "auto":
        return None
    try:
        return parse_bool(raw)
    except ValueError:
        raise ValueError(f'"{raw}" is not auto, true or false') from None


def _size(raw: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*([0-9]{3,5})\s*[xX×]\s*([0-9]{3,5})\s*", raw)
    if not m:
        raise ValueError(f'"{raw}" is not a size; write WIDTHxHEIGHT, e.g. 800x480')
    return int(m.group(1)), int(m.group(2))


def _rotation(raw: str) -> int:
    number = int_in(0, 270).read(raw)
    if number not in ROTATIONS:
        raise ValueError(f"{number} is not a rotation; write 0, 90, 180 or 270")
    return number


def _clock(raw: str) -> int:
    match = re.fullmatch(r"\s*(12|24)\s*(h|hours?|-hours?)?\s*", raw, re.IGNORECASE)
    if not match:
        raise ValueError(f'"{raw}" is not a clock; write 12 (3:05 PM) or 24 (15:05)')
    return int(match.group(1))


def _language(raw: str) -> str:
    tag = raw.strip()
    if not i18n.valid_tag(tag):
        raise ValueError(f'"{raw}" is not a language tag; write a BCP 47 tag such as es, fr or pt-BR')
    return tag.replace("_", "-")


def _audio_buffer(raw: str) -> int:
    number = int_in(AUDIO_BUFFERS[0], AUDIO_BUFFERS[-1], " frames").read(raw)
    if number not in AUDIO_BUFFERS:
        raise ValueError(f"{number} is not a buffer size the mixer takes; write "
                         f"{', '.join(map(str, AUDIO_BUFFERS[:-1]))} or {AUDIO_BUFFERS[-1]} (frames)")
    return number


def _bounce_ms(raw: str) -> float:
    low, high = BOUNCE_MS_RANGE
    return float(int_in(int(low), int(high), " ms").read(raw))


_BOOL_SCHEMA = bool_schema()

BOOL = Value(parse_bool, _BOOL_SCHEMA)
PIN_CODE = Value(_pin_code, {"anyOf": [{"type": "string", "pattern": r"^\s*[0-9]{4,8}\s*$"},
                                       {"type": "integer", "minimum": 1000, "maximum": 99999999}]})
_MODIFIER = "(" + "|".join(any_case(m) for m in CHORD_MODIFIERS) + ")"
CHORD = Value(_chord, {"type": "string", "pattern": rf"^\s*({_MODIFIER}\s*\+\s*)+[^+\s]+\s*$",
                       "examples": ["ctrl+alt+q"]})
FULLSCREEN = Value(_fullscreen, {"anyOf": [{"const": "auto"}, *_BOOL_SCHEMA["anyOf"]]},
                   lambda value: "auto" if value is None else value)
SIZE = Value(_size, {"type": "string", "pattern": r"^\s*[0-9]{3,5}\s*[xX×]\s*[0-9]{3,5}\s*$", "examples": ["800x480"]})
ROTATION = Value(_rotation, {"enum": list(ROTATIONS)})
CLOCK = Value(_clock, {"anyOf": [{"enum": [12, 24]}, {"type": "string", "pattern": r"^\s*(12|24)\s*[hH]?\s*$"}]})
LANGUAGE = Value(_language, {"type": "string", "pattern": r"^\s*[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*\s*$",
                             "examples": ["es", "fr", "pt-BR"]})
AUDIO_BUFFER = Value(_audio_buffer, {"enum": list(AUDIO_BUFFERS)})
GPIO_PIN = Value(lambda raw: parse_pin(raw.strip()), {
    "anyOf": [{"type": "integer", "minimum": 2, "maximum": 27},
              {"type": "string", "pattern": rf"^\s*(({any_case('gpio')}|{any_case('bcm')})?\s*[0-9]{{1,2}}"
                                            rf"|({any_case('board')}|{any_case('j8:')})[0-9]{{1,2}})\s*$"}]})
BOUNCE_MS = Value(_bounce_ms, int_in(int(BOUNCE_MS_RANGE[0]), int(BOUNCE_MS_RANGE[1])).schema, round)
ACTION = Value(parse_action, {"anyOf": [{"enum": [*ACTION_NAMES, "none"]}, {"type": "null"}]})
FOLDER = text(4096)

