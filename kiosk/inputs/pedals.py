"""The pedals part of the room config: which pins, how wired, how long a hold, which gesture does what.

Pure checks (no gpiozero), so the config loader and ``kiosk validate`` can use them anywhere.
:class:`PedalConfig` and :func:`parse_pedals` are also importable from
:mod:`kiosk.inputs.footswitch`, which opens the pins.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kiosk.inputs.actions import Action
from kiosk.inputs.gestures import DEFAULT_BOUNCE_MS, DEFAULT_HOLD_TIME, GESTURE_NAMES, HOLD, TAP
from kiosk.inputs.validation import (
    Problems, Where, did_you_mean, header_pin, parse_action, parse_number, parse_pin,
)
from kiosk.routines.durations import parse_duration

#: A pedal nobody configured: tap advances, hold pauses or resumes.
DEFAULT_GESTURES: Mapping[str, Action] = {TAP: Action.ADVANCE, HOLD: Action.TOGGLE_PAUSE}


@dataclass(frozen=True)
class PedalConfig:
    """One foot switch from the room config: pin (a BCM number), wiring, timing, gesture map."""

    pin: int | str
    pull_up: bool = True
    hold_time: float = DEFAULT_HOLD_TIME
    bounce_ms: float = DEFAULT_BOUNCE_MS
    gestures: dict[str, Action] = field(default_factory=lambda: dict(DEFAULT_GESTURES))


#: Keys a pedal entry in the room config may have.
PEDAL_KEYS: tuple[str, ...] = ("pin", "pull_up", "hold_time", "bounce_ms", "gestures")
HOLD_TIME_RANGE = (0.3, 5.0)
BOUNCE_MS_RANGE = (0.0, 50.0)
_FIXED_PULL_UP = (2, 3)  # GPIO2 and GPIO3 carry 1.8 kOhm pull-ups to 3V3 on the board


def parse_pedals(raw: object, where: Where = ("pedals",)) -> list[PedalConfig]:
    """The room config's ``pedals`` list checked and turned into :class:`PedalConfig` s.

    Each entry is a mapping with ``pin`` (required: ``17``, ``GPIO17``, ``BOARD11``), ``pull_up``
    (default true: pedal to ground), ``hold_time`` (seconds or ``"1.5s"``, default 1),
    ``bounce_ms`` (default 20) and ``gestures`` ({tap, hold, double_tap, long_hold: action or
    null}; given, it replaces the default {tap: advance, hold: toggle_pause}). Raises
    :class:`~kiosk.inputs.validation.InputConfigError` (a ValueError) listing every problem, each
    with the key path (``("pedals", 1, "gestures", "tapp")``) for the loader's FILE:LINE:COL.
    """
    problems = Problems()
    if raw is None:
        return []
    entries = [raw] if isinstance(raw, Mapping) else raw
    if isinstance(raw, (str, bytes)) or not isinstance(entries, (list, tuple)):
        problems.add(where, "expected a list of pedals, each like {pin: 17, gestures: {tap: advance}}")
        problems.raise_if_any()
    configs: list[PedalConfig] = []
    used: dict[int, int] = {}
    for index, entry in enumerate(entries):
        here = where if isinstance(raw, Mapping) else (*where, index)
        config = _parse_pedal(entry, here, problems)
        if config is None:
            continue
        if config.pin in used:
            problems.add((*here, "pin"), f"GPIO{config.pin} is already pedal {used[config.pin] + 1}'s pin; "
                         "each pedal needs its own pin")
            continue
        used[config.pin] = index  # type: ignore[index]
        configs.append(config)
    problems.raise_if_any()
    return configs


def _parse_pedal(entry: object, here: Where, problems: Problems) -> PedalConfig | None:
    if not isinstance(entry, Mapping):
        problems.add(here, "expected a pedal like {pin: 17, gestures: {tap: advance, hold: toggle_pause}}")
        return None
    before = len(problems.items)
    for key in entry:
        if key not in PEDAL_KEYS:
            problems.add((*here, key), f'unknown pedal key "{key}"{did_you_mean(str(key), PEDAL_KEYS)}; '
                         f"a pedal has {', '.join(PEDAL_KEYS)}")
    pin: int | None = None
    if "pin" not in entry:
        problems.add(here, "this pedal has no pin; add one, for example pin: 17 (GPIO17, header pin 11)")
    else:
        try:
            pin = parse_pin(entry["pin"])
        except ValueError as exc:
            problems.add((*here, "pin"), str(exc))
    pull_up = entry.get("pull_up", True)
    if not isinstance(pull_up, bool):
        problems.add((*here, "pull_up"), f"pull_up must be true (pedal wired to ground) or false (to 3V3), "
                     f"not {pull_up!r}")
    elif not pull_up and pin in _FIXED_PULL_UP:
        problems.add((*here, "pull_up"), f"GPIO{pin} (header pin {header_pin(pin)}) has a fixed pull-up: wire "
                     "that pedal to ground and set pull_up: true, or use another pin")
    hold_time = _parse_seconds(entry.get("hold_time", DEFAULT_HOLD_TIME), (*here, "hold_time"), problems)
    bounce_ms = DEFAULT_BOUNCE_MS
    try:
        bounce_ms = parse_number(entry.get("bounce_ms", DEFAULT_BOUNCE_MS), "bounce_ms", *BOUNCE_MS_RANGE, "ms")
    except ValueError as exc:
        problems.add((*here, "bounce_ms"), str(exc))
    gestures = _parse_gestures(entry.get("gestures", dict(DEFAULT_GESTURES)), (*here, "gestures"), problems)
    if len(problems.items) > before or pin is None:
        return None
    return PedalConfig(pin=pin, pull_up=bool(pull_up), hold_time=hold_time, bounce_ms=bounce_ms,
                       gestures=gestures)


def _parse_seconds(value: object, where: Where, problems: Problems) -> float:
    low, high = HOLD_TIME_RANGE
    try:
        if isinstance(value, str):
            seconds = parse_duration(value)
            return parse_number(seconds, "hold_time", low, high, "seconds")
        return parse_number(value, "hold_time", low, high, "seconds")
    except ValueError as exc:
        problems.add(where, str(exc))
        return DEFAULT_HOLD_TIME


def _parse_gestures(value: object, where: Where, problems: Problems) -> dict[str, Action]:
    if not isinstance(value, Mapping):
        problems.add(where, "expected a mapping of gestures to actions, for example {tap: advance, hold: toggle_pause}")
        return {}
    mapped: dict[str, Action] = {}
    before = len(problems.items)
    for gesture, action_name in value.items():
        if gesture not in GESTURE_NAMES:
            problems.add((*where, gesture), f'unknown gesture "{gesture}"{did_you_mean(str(gesture), GESTURE_NAMES)}; '
                         f"a pedal knows {', '.join(GESTURE_NAMES)}")
            continue
        try:
            action = parse_action(action_name)
        except ValueError as exc:
            problems.add((*where, gesture), str(exc))
            continue
        if action is not None:
            mapped[gesture] = action
    if not mapped and value and len(problems.items) == before:
        problems.add(where, "this pedal maps no gesture to an action, so it would do nothing; map at least tap")
    elif not value:
        problems.add(where, "no gestures given; map at least tap, for example {tap: advance}")
    return mapped
