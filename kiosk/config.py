"""The room config: one YAML file per treatment room (``/etc/kiosk/room.yaml``) plus ``KIOSK_*`` variables.

Every key is optional. A bad file never stops the kiosk: :func:`load_config` returns the config
with each bad value replaced by its default, and every problem as ``FILE:LINE:COL`` for the kiosk
to show on screen. The environment overrides the file (``KIOSK_ROOM=...``), which is how the unit
and a desktop session set a value without editing the file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from yaml.nodes import Node, ScalarNode, SequenceNode

from kiosk import yamlsafe
from kiosk.audio.cues import CUES
from kiosk.inputs.gestures import GESTURE_NAMES
from kiosk.errors import Problem
from kiosk.inputs.actions import Action
from kiosk.inputs.pedals import BOUNCE_MS_RANGE, HOLD_TIME_RANGE, PedalConfig
from kiosk.inputs.validation import parse_action, parse_pin
from kiosk.routines.durations import DurationError, parse_duration

#: Where the installer puts the room config; read when no path is given and it exists.
SYSTEM_CONFIG = Path("/etc/kiosk/room.yaml")
MAX_CONFIG_BYTES = 64 * 1024

#: Cue sounds that can be switched off one by one (the names of the WAVs in sounds/).
CUE_NAMES = CUES
PEDAL_KEYS = tuple(f"F{n}" for n in range(13, 25))
ROTATIONS = (0, 90, 180, 270)
_TRUE = ("true", "yes", "on")
_FALSE = ("false", "no", "off")
_CHORD_MODIFIERS = ("ctrl", "alt", "shift", "meta", "super")


@dataclass(frozen=True)
class DisplayConfig:
    """How the screen is driven: ``fullscreen`` None means auto (full screen where one can be owned)."""

    rotation: int = 0
    brightness: int = 100
    fullscreen: bool | None = None
    size: tuple[int, int] | None = None


@dataclass(frozen=True)
class RoomConfig:
    """Everything a room can set; the defaults are what a fresh install runs with."""

    path: str | None = None
    room: str = ""
    routines: tuple[Path, ...] = ()
    default_routine: str | None = None
    default_length: float | None = None
    data_dir: Path | None = None
    pin: str | None = None
    exit_chord: str | None = None
    volume: int = 50
    muted: bool = False
    cues: Mapping[str, bool] = field(default_factory=lambda: {name: True for name in CUE_NAMES})
    spoken_prompts: bool = False
    practice_mode: bool = False
    display: DisplayConfig = field(default_factory=DisplayConfig)
    pedals: tuple[PedalConfig, ...] = (PedalConfig(pin=17),)
    keys: Mapping[str, Action] = field(default_factory=dict)
    resume_max_age: float = 3 * 3600.0
    autosave: float = 5.0
    #: The clinic's MQTT broker (a :class:`kiosk.clinic.config.MqttConfig`); None: no network at all.
    mqtt: object = None


def data_dir_default(environ: Mapping[str, str] | None = None) -> Path:
    """The platform's user data folder: ``$XDG_DATA_HOME/kiosk``, else ``~/.local/share/kiosk``."""
    env = os.environ if environ is None else environ
    xdg = env.get("XDG_DATA_HOME", "").strip()
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "kiosk"
    home = env.get("HOME", "").strip()
    return (Path(home) if home else Path.home()) / ".local" / "share" / "kiosk"


def resolve_data_dir(cli_value: str | os.PathLike[str] | None, config: RoomConfig,
                     environ: Mapping[str, str] | None = None) -> Path:
    """Where the journal lives: ``--data-dir``, then the config (with ``KIOSK_DATA_DIR``), then the default."""
    if cli_value:
        return Path(cli_value).expanduser()
    if config.data_dir is not None:
        return config.data_dir
    return data_dir_default(environ)


# ---------------------------------------------------------------------------------------------
# Values: each reader takes raw text (or a node) and returns the value or raises ValueError.


def _bool(text: str) -> bool:
    low = text.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ValueError(f'"{text}" is not yes or no; write true or false')


def _int_in(low: int, high: int, unit: str = "") -> Callable[[str], int]:
    def read(text: str) -> int:
        stripped = text.strip().rstrip("%").strip()
        if not re.fullmatch(r"[+-]?\d+", stripped):
            raise ValueError(f'"{text}" is not a whole number; write one from {low} to {high}{unit}')
        value = int(stripped)
        if not low <= value <= high:
            raise ValueError(f"{value} is out of range; write one from {low} to {high}{unit}")
        return value
    return read


def _duration_in(low: float, high: float) -> Callable[[str], float]:
    def read(text: str) -> float:
        try:
            seconds = parse_duration(text)
        except DurationError as exc:
            raise ValueError(f"{exc.message}; {exc.hint}" if exc.hint else exc.message) from None
        if not low <= seconds <= high:
            raise ValueError(f'"{text}" is out of range; write one from {_short(low)} to {_short(high)}')
        return seconds
    return read


def _short(seconds: float) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{seconds / 3600:g}h"
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds / 60:g}m"
    return f"{seconds:g}s"


def _text(max_len: int) -> Callable[[str], str]:
    def read(text: str) -> str:
        text = text.strip()
        if not text:
            raise ValueError("is empty; write something after the colon, or leave the key out")
        if len(text) > max_len:
            raise ValueError(f"is too long ({len(text)} characters; at most {max_len})")
        return text
    return read


def _pin_code(text: str) -> str:
    text = text.strip()
    if not re.fullmatch(r"\d{4,8}", text):
        raise ValueError('must be 4 to 8 digits, in quotes so a leading 0 stays: pin: "0420"')
    return text


def _chord(text: str) -> str:
    parts = [p.strip().lower() for p in text.split("+")]
    mods = [p for p in parts[:-1] if p in _CHORD_MODIFIERS]
    if len(parts) < 2 or len(mods) != len(parts) - 1 or not parts[-1] or parts[-1] in _CHORD_MODIFIERS:
        raise ValueError(f'"{text}" is not a key chord; write modifiers and one key, e.g. ctrl+alt+q')
    return "+".join(parts)


def _fullscreen(text: str) -> bool | None:
    if text.strip().lower() == "auto":
        return None
    try:
        return _bool(text)
    except ValueError:
        raise ValueError(f'"{text}" is not auto, true or false') from None


def _size(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d{3,5})\s*[xX×]\s*(\d{3,5})\s*", text)
    if not m:
        raise ValueError(f'"{text}" is not a size; write WIDTHxHEIGHT, e.g. 800x480')
    return int(m.group(1)), int(m.group(2))


def _rotation(text: str) -> int:
    value = _int_in(0, 270)(text)
    if value not in ROTATIONS:
        raise ValueError(f"{value} is not a rotation; write 0, 90, 180 or 270")
    return value


def _gpio_pin(text: str) -> int:
    return parse_pin(text.strip())


def _bounce_ms(text: str) -> float:
    low, high = BOUNCE_MS_RANGE
    return float(_int_in(int(low), int(high), " ms")(text))


def _action(text: str) -> Action | None:
    return parse_action(text)


# ---------------------------------------------------------------------------------------------
# The file: nodes to values, every problem kept with its position.


class _Reader:
    """Reads one file's nodes into keyword arguments, reporting each bad value at its node."""

    def __init__(self, report: yamlsafe.Report):
        self.report = report

    def scalar(self, node: Node, what: str, read: Callable[[str], object]):
        """``read(text)`` of a scalar node, or ``_BAD`` after reporting why not."""
        if not isinstance(node, ScalarNode):
            self.report.add(node, f"{what} must be a single value, not {yamlsafe.describe(node)}")
            return _BAD
        try:
            return read(node.value)
        except ValueError as exc:
            self.report.add(node, f"{what}: {exc}")
            return _BAD

    def fields(self, node: Node, what: str, known) -> yamlsafe.Fields | None:
        fields = yamlsafe.mapping(node, self.report, what)
        if fields is not None:
            fields.check_known(known)
        return fields

    def items(self, node: Node, what: str) -> list[Node] | None:
        if isinstance(node, ScalarNode) and node.style is None and node.value.strip() in ("", "[]"):
            return []
        if not isinstance(node, SequenceNode):
            self.report.add(node, f"{what} must be a list (lines starting with -), not {yamlsafe.describe(node)}")
            return None
        return list(node.value)


_BAD = object()

#: Top-level keys read from a single value, with their readers.
_SCALARS: dict[str, Callable[[str], object]] = {
    "room": _text(60),
    "default_routine": _text(200),
    "default_length": _duration_in(60, 4 * 3600),
    "pin": _pin_code,
    "exit_chord": _chord,
    "volume": _int_in(0, 100, " (percent)"),
    "muted": _bool,
    "spoken_prompts": _bool,
    "practice_mode": _bool,
    "resume_max_age": _duration_in(60, 7 * 24 * 3600),
    "autosave": _duration_in(1, 60),
}
_DISPLAY = {"rotation": _rotation, "brightness": _int_in(10, 100, " (percent)"),
            "fullscreen": _fullscreen, "size": _size}
_PEDAL = {"pin": _gpio_pin, "pull_up": _bool, "hold_time": _duration_in(*HOLD_TIME_RANGE), "bounce_ms": _bounce_ms}
TOP_KEYS = (*_SCALARS, "routines", "data_dir", "cues", "display", "pedals", "keys", "mqtt")


def _read_file(root: Node, report: yamlsafe.Report, base: Path) -> dict:
    """Keyword arguments for :class:`RoomConfig` from the good values in the file."""
    r = _Reader(report)
    top = r.fields(root, "the room config", TOP_KEYS)
    if top is None:
        return {}
    out: dict = {}
    for name, read in _SCALARS.items():
        if name in top:
            value = r.scalar(top.get(name), name, read)
            if value is not _BAD:
                out[name] = value
    if "data_dir" in top:
        value = r.scalar(top.get("data_dir"), "data_dir", _text(4096))
        if value is not _BAD:
            out["data_dir"] = (base / Path(value).expanduser()).resolve()
    if "routines" in top:
        folders = _read_routines(r, top.get("routines"), base)
        if folders is not None:
            out["routines"] = folders
    if "cues" in top:
        cues = r.fields(top.get("cues"), "cues", CUE_NAMES)
        if cues is not None:
            values = {name: r.scalar(cues.get(name), f"cues.{name}", _bool) for name in cues.present(CUE_NAMES)}
            if _BAD not in values.values():
                out["cues"] = {**RoomConfig().cues, **values}
    if "display" in top:
        display = r.fields(top.get("display"), "display", _DISPLAY)
        if display is not None:
            values = {name: r.scalar(display.get(name), f"display.{name}", _DISPLAY[name])
                      for name in display.present(_DISPLAY)}
            out["display"] = DisplayConfig(**{k: v for k, v in values.items() if v is not _BAD})
    if "pedals" in top:
        pedals = _read_pedals(r, top.get("pedals"))
        if pedals is not None:
            out["pedals"] = pedals
    if "keys" in top:
        keys = r.fields(top.get("keys"), "keys", PEDAL_KEYS)
        if keys is not None:
            values = {name: r.scalar(keys.get(name), f"keys.{name}", _action) for name in keys.present(PEDAL_KEYS)}
            if _BAD not in values.values():
                out["keys"] = {k: v for k, v in values.items() if v is not None}
    if "mqtt" in top:
        from kiosk.clinic.config import read_mqtt
        out["mqtt"] = read_mqtt(top.get("mqtt"), report, base)
    return out


def _read_routines(r: _Reader, node: Node, base: Path) -> tuple[Path, ...] | None:
    if isinstance(node, ScalarNode) and node.value.strip():
        items: list[Node] | None = [node]
    else:
        items = r.items(node, "routines")
    if items is None:
        return None
    folders = []
    for item in items:
        text = r.scalar(item, "routines", _text(4096))
        if text is _BAD:
            return None
        folder = (base / Path(text).expanduser()).resolve()
        if not folder.is_dir():
            r.report.add(item, f'routines: no folder "{folder}"', "create it, or correct the path")
        folders.append(folder)
    return tuple(folders)


def _read_pedals(r: _Reader, node: Node) -> tuple[PedalConfig, ...] | None:
    items = r.items(node, "pedals")
    if items is None:
        return None
    pedals: list[PedalConfig] = []
    seen: dict[int, int] = {}
    ok = True
    for index, item in enumerate(items):
        what = f"pedals[{index}]"
        fields = r.fields(item, what, (*_PEDAL, "gestures"))
        if fields is None or "pin" not in fields:
            if fields is not None:
                r.report.add(item, f"{what} has no pin", "add pin: 17 (the BCM number the pedal is wired to)")
            ok = False
            continue
        values = {name: r.scalar(fields.get(name), f"{what}.{name}", _PEDAL[name]) for name in fields.present(_PEDAL)}
        if "gestures" in fields:
            gestures = r.fields(fields.get("gestures"), f"{what}.gestures", GESTURE_NAMES)
            if gestures is None:
                values["gestures"] = _BAD
            else:
                mapped = {g: r.scalar(gestures.get(g), f"{what}.gestures.{g}", _action)
                          for g in gestures.present(GESTURE_NAMES)}
                values["gestures"] = (_BAD if _BAD in mapped.values()
                                      else {g: a for g, a in mapped.items() if a is not None})
        if _BAD in values.values():
            ok = False
            continue
        key = values["pin"]
        if key in seen:
            r.report.add(fields.get("pin"), f"{what}.pin: pin {values['pin']} is already used by pedals[{seen[key]}]",
                         "each pedal needs its own pin")
            ok = False
            continue
        seen[key] = index
        pedals.append(PedalConfig(**values))
    return tuple(pedals) if ok else None


# ---------------------------------------------------------------------------------------------
# The environment: KIOSK_* variables override the file.

_ENV: dict[str, tuple[str, Callable[[str], object]]] = {
    "KIOSK_ROOM": ("room", _SCALARS["room"]),
    "KIOSK_DEFAULT_ROUTINE": ("default_routine", _SCALARS["default_routine"]),
    "KIOSK_DEFAULT_LENGTH": ("default_length", _SCALARS["default_length"]),
    "KIOSK_DATA_DIR": ("data_dir", lambda text: Path(_text(4096)(text)).expanduser()),
    "KIOSK_PIN": ("pin", _pin_code),
    "KIOSK_VOLUME": ("volume", _SCALARS["volume"]),
    "KIOSK_MUTED": ("muted", _bool),
    "KIOSK_SPOKEN_PROMPTS": ("spoken_prompts", _bool),
    "KIOSK_PRACTICE_MODE": ("practice_mode", _bool),
    "KIOSK_RESUME_MAX_AGE": ("resume_max_age", _SCALARS["resume_max_age"]),
    "KIOSK_ROUTINES": ("routines", lambda text: tuple(Path(p).expanduser() for p in text.split(os.pathsep) if p)),
    "KIOSK_FULLSCREEN": ("display.fullscreen", _fullscreen),
    "KIOSK_ROTATION": ("display.rotation", _rotation),
    "KIOSK_BRIGHTNESS": ("display.brightness", _DISPLAY["brightness"]),
}
ENV_VARS = ("KIOSK_CONFIG", *_ENV)


def apply_environment(config: RoomConfig, environ: Mapping[str, str]) -> tuple[RoomConfig, list[Problem]]:
    """``config`` with the ``KIOSK_*`` overrides in ``environ`` applied, and the problems with them."""
    problems: list[Problem] = []
    return _apply_env(config, environ, problems), problems


def _apply_env(config: RoomConfig, environ: Mapping[str, str], problems: list[Problem]) -> RoomConfig:
    for var, (name, read) in _ENV.items():
        if var not in environ:
            continue
        try:
            value = read(environ[var])
        except ValueError as exc:
            problems.append(Problem(f"${var}", 0, 0, f"{name}: {exc}", "fix or unset the variable"))
            continue
        if name.startswith("display."):
            config = replace(config, display=replace(config.display, **{name.split(".", 1)[1]: value}))
        else:
            config = replace(config, **{name: value})
    return config


def config_path(path: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None) -> Path | None:
    """The file to read: ``path``, else ``$KIOSK_CONFIG``, else /etc/kiosk/room.yaml if it exists."""
    env = os.environ if environ is None else environ
    if path:
        return Path(path).expanduser()
    if env.get("KIOSK_CONFIG", "").strip():
        return Path(env["KIOSK_CONFIG"].strip()).expanduser()
    return SYSTEM_CONFIG if SYSTEM_CONFIG.is_file() else None


def load_config(path: str | os.PathLike[str] | None = None,
                environ: Mapping[str, str] | None = None) -> tuple[RoomConfig, list[Problem]]:
    """The room config and every problem found; never raises for a bad file or variable.

    A value with a problem is left at its default, so one typo does not take the pedals or the
    PIN with it. No file at all (a laptop) is not a problem: the defaults are a working kiosk.
    """
    env = os.environ if environ is None else environ
    file = config_path(path, env)
    problems: list[Problem] = []
    config = RoomConfig()
    if file is not None and not file.exists():
        problems.append(Problem(str(file), 0, 0, "no such room config file",
                                "create it from deploy/room.example.yaml, or correct --config / KIOSK_CONFIG"))
        config = replace(config, path=str(file))
    elif file is not None:
        report = yamlsafe.Report(file)
        root = yamlsafe.load_file(file, report, max_bytes=MAX_CONFIG_BYTES)
        if root is None and [p.message for p in report.problems] == ["the file is empty"]:
            report.problems.clear()  # a file of comments only: every setting at its default
        values = _read_file(root, report, file.parent) if root is not None else {}
        config = replace(config, path=str(file), **values)
        problems.extend(sorted(report.problems))
    config = _apply_env(config, env, problems)
    return config, problems
