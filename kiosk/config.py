"""The room config: one YAML file per treatment room (``/etc/kiosk/room.yaml``) plus ``KIOSK_*`` variables.

Every key is optional. A bad file never stops the kiosk: :func:`load_config` returns the config
with each bad value replaced by its default, and every problem as ``FILE:LINE:COL`` for the kiosk
to show on screen. The environment overrides the file (``KIOSK_ROOM=...``), which is how the unit
and a desktop session set a value without editing the file.

The keys are described once, in the tables below (each key's kind of value from
:mod:`kiosk.config_values`, and a line for people): the reader, the environment and the room's
JSON Schema (:mod:`kiosk.config_schema`) are all made from them. To add a key: a RoomConfig field,
a table entry, then ``kiosk schema room > schema/room.schema.json``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from yaml.nodes import Node, ScalarNode, SequenceNode

from kiosk import config_values as V
from kiosk import yamlsafe
from kiosk.audio.cues import CUES as CUE_NAMES
from kiosk.clinic.config import MqttConfig, read_mqtt
from kiosk.config_values import Key
from kiosk.errors import Problem
from kiosk.files import only_white_space
from kiosk.inputs.actions import Action
from kiosk.inputs.gestures import GESTURE_NAMES
from kiosk.inputs.keys import MAPPABLE_KEYS
from kiosk.inputs.pedals import FIXED_PULL_UP, HOLD_TIME_RANGE, PedalConfig
from kiosk.inputs.validation import header_pin
from kiosk.journal.journal import SAVE_EVERY_S
from kiosk.journal.resume import RESUME_MAX_AGE_S
from kiosk.platform.datadir import data_dir_default, resolve_data_dir  # noqa: F401  (the room's data folder)

#: Where the installer puts the room config; read when no path is given and it exists.
SYSTEM_CONFIG = Path("/etc/kiosk/room.yaml")
MAX_CONFIG_BYTES = 64 * 1024


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
    audio_buffer: int = 512
    cues: Mapping[str, bool] = field(default_factory=lambda: {name: True for name in CUE_NAMES})
    spoken_prompts: bool = False
    practice_mode: bool = False
    clock: int | None = None  #: 12 or 24 hour time of day; None: as the locale writes it
    language: str | None = None  #: BCP 47 tag of the screens' language; None: the system locale's
    display: DisplayConfig = field(default_factory=DisplayConfig)
    pedals: tuple[PedalConfig, ...] = (PedalConfig(pin=17),)
    keys: Mapping[str, Action] = field(default_factory=dict)
    resume_max_age: float = RESUME_MAX_AGE_S
    autosave: float = SAVE_EVERY_S
    #: The clinic's MQTT broker (a :class:`kiosk.clinic.config.MqttConfig`); None: no network at all.
    mqtt: MqttConfig | None = None


# ---------------------------------------------------------------------------------------------
# The keys: one table per level of the file. The reader below and the room's JSON Schema
# (kiosk/config_schema.py) are both made from these, so they cannot drift apart.

#: Top-level keys that hold a single value.
SCALARS: dict[str, Key] = {
    "room": Key(V.text(60), "The room's name, shown on the picker and recorded with every session."),
    "default_routine": Key(V.text(200), "The routine the picker offers first: its file name (no .yaml) or its name."),
    "default_length": Key(V.duration_in(60, 4 * 3600), "The session length offered first, e.g. 60m."),
    "pin": Key(V.PIN_CODE, 'The PIN for settings and for leaving the kiosk: 4 to 8 digits, in quotes ("0420").'),
    "exit_chord": Key(V.CHORD, "A key chord that also leaves the kiosk, e.g. ctrl+alt+q."),
    "volume": Key(V.int_in(0, 100, " (percent)"), "Cue volume, 0 to 100 percent."),
    "muted": Key(V.BOOL, "true mutes every cue."),
    "audio_buffer": Key(V.AUDIO_BUFFER, "Sound buffer in frames (512: 11.6 ms before a cue starts). A busy Pi "
                                        "whose cues crackle needs more: 1024 or 2048."),
    "spoken_prompts": Key(V.BOOL, "Speak each step's name and instruction as it starts."),
    "practice_mode": Key(V.BOOL, "Show the teaching notes and the timing report, for students."),
    "clock": Key(V.CLOCK, "Time of day on screen: 12 (3:05 PM) or 24 (15:05); without it, as the locale writes it."),
    "language": Key(V.LANGUAGE, "The screens' language, a BCP 47 tag (es, fr, pt-BR); without it, the locale's."),
    "resume_max_age": Key(V.duration_in(60, 7 * 24 * 3600), "A session interrupted (power cut) longer ago "
                                                            "than this is closed instead of resumed."),
    "autosave": Key(V.duration_in(1, 60), "How often a running session is saved for resume."),
    "data_dir": Key(V.FOLDER, "Where the session journal lives (relative to this file, or absolute)."),
}
#: Folders of the room's own routines: one folder, or a list of them.
ROUTINES = Key(V.FOLDER, "Folders of the room's own routines, besides the shipped ones: one folder or a list.")
DISPLAY: dict[str, Key] = {
    "rotation": Key(V.ROTATION, "Screen rotation: 0, 90, 180 or 270."),
    "brightness": Key(V.int_in(10, 100, " (percent)"), "Backlight, 10 to 100 percent."),
    "fullscreen": Key(V.FULLSCREEN, "auto (full screen where the kiosk can own one), true or false."),
    "size": Key(V.SIZE, "Window size when not full screen, WIDTHxHEIGHT."),
}
#: Cue sounds that can be switched off one by one (the names of the WAVs in sounds/).
CUE_SWITCHES: dict[str, Key] = {name: Key(V.BOOL, f"false silences the {name} cue.") for name in CUE_NAMES}
#: Function keys a USB / Bluetooth pedal may send, mapped to actions.
KEYS: dict[str, Key] = {name.upper(): Key(V.ACTION, f"What {name.upper()} does.") for name in MAPPABLE_KEYS}
PEDAL: dict[str, Key] = {
    "pin": Key(V.GPIO_PIN, "The BCM GPIO number the pedal is wired to (17 is header pin 11). Required."),
    "pull_up": Key(V.BOOL, "true: pedal wired to ground (the default); false: to 3V3."),
    "hold_time": Key(V.duration_in(*HOLD_TIME_RANGE), "How long a press is before it counts as a hold."),
    "bounce_ms": Key(V.BOUNCE_MS, "Contact chatter ignored, in milliseconds (0 to 50)."),
}
#: Pedal gestures mapped to actions; given, the map replaces the default {tap: advance, hold: toggle_pause}.
GESTURES: dict[str, Key] = {name: Key(V.ACTION, f"What a {name.replace('_', ' ')} does.") for name in GESTURE_NAMES}
#: Sections: their tables, with a line for people.
SECTIONS: dict[str, tuple[dict[str, Key], str]] = {
    "cues": (CUE_SWITCHES, "Single cue sounds switched off (false) or on."),
    "display": (DISPLAY, "How the screen is driven."),
    "keys": (KEYS, "Actions for pedals that send F13-F24 (the other pedal keys have fixed meanings)."),
}
PEDALS_HELP = "Foot switches on GPIO pins: a list of pedals, each with its pin and optionally its gestures."
TOP_KEYS = (*SCALARS, "routines", *SECTIONS, "pedals", "mqtt")


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

    def section(self, node: Node, what: str, table: Mapping[str, Key]) -> dict | None:
        """The values of a mapping read through ``table``; None when it is not a mapping."""
        fields = self.fields(node, what, table)
        if fields is None:
            return None
        return {name: self.scalar(fields.get(name), f"{what}.{name}", table[name].value.read)
                for name in fields.present(table)}

    def items(self, node: Node, what: str) -> list[Node] | None:
        if isinstance(node, ScalarNode) and node.style is None and node.value.strip() in ("", "[]"):
            return []
        if not isinstance(node, SequenceNode):
            self.report.add(node, f"{what} must be a list (lines starting with -), not {yamlsafe.describe(node)}")
            return None
        return list(node.value)


_BAD = object()


def _read_file(root: Node, report: yamlsafe.Report, base: Path) -> dict:
    """Keyword arguments for :class:`RoomConfig` from the good values in the file."""
    r = _Reader(report)
    top = r.fields(root, "the room config", TOP_KEYS)
    if top is None:
        return {}
    out: dict = {}
    for name in top.present(SCALARS):
        value = r.scalar(top.get(name), name, SCALARS[name].value.read)
        if value is not _BAD:
            out[name] = (base / Path(value).expanduser()).resolve() if name == "data_dir" else value
    if "routines" in top:
        folders = _read_routines(r, top.get("routines"), base)
        if folders is not None:
            out["routines"] = folders
    if "cues" in top:
        cues = r.section(top.get("cues"), "cues", CUE_SWITCHES)
        if cues is not None and _BAD not in cues.values():
            out["cues"] = {**RoomConfig().cues, **cues}
    if "display" in top:
        display = r.section(top.get("display"), "display", DISPLAY)
        if display is not None:
            out["display"] = DisplayConfig(**{k: v for k, v in display.items() if v is not _BAD})
    if "pedals" in top:
        pedals = _read_pedals(r, top.get("pedals"))
        if pedals is not None:
            out["pedals"] = pedals
    if "keys" in top:
        keys = r.section(top.get("keys"), "keys", KEYS)
        if keys is not None and _BAD not in keys.values():
            out["keys"] = {k: v for k, v in keys.items() if v is not None}
    if "mqtt" in top:
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
        text = r.scalar(item, "routines", ROUTINES.value.read)
        if text is _BAD:
            return None
        folder = (base / Path(text).expanduser()).resolve()
        if not folder.is_dir():
            r.report.add(item, f'routines: no folder "{folder}"', "create it, or correct the path")
        folders.append(folder)
    return tuple(folders)


def _read_pedals(r: _Reader, node: Node) -> tuple[PedalConfig, ...] | None:
    """The good pedals of the list; None (the default pedal stays) when there is no list or none is good.

    A bad entry is reported and left out: the room's other pedals keep working.
    """
    items = r.items(node, "pedals")
    if items is None:
        return None
    pedals: list[PedalConfig] = []
    seen: dict[int | str, int] = {}
    for index, item in enumerate(items):
        what = f"pedals[{index}]"
        read = _read_pedal(r, item, what)
        if read is None:
            continue
        pedal, pin_node = read
        if pedal.pin in seen:
            r.report.add(pin_node, f"{what}.pin: pin {pedal.pin} is already used by pedals[{seen[pedal.pin]}]",
                         "each pedal needs its own pin")
            continue
        seen[pedal.pin] = index
        pedals.append(pedal)
    if items and not pedals:
        return None
    return tuple(pedals)


def _read_pedal(r: _Reader, item: Node, what: str) -> tuple[PedalConfig, Node] | None:
    """One pedal entry and its pin's node, or None when anything in it is wrong (each problem reported)."""
    before = len(r.report)
    fields = r.fields(item, what, (*PEDAL, "gestures"))
    if fields is None:
        return None
    values = {name: r.scalar(fields.get(name), f"{what}.{name}", PEDAL[name].value.read)
              for name in fields.present(PEDAL)}
    if "gestures" in fields:
        gestures = r.section(fields.get("gestures"), f"{what}.gestures", GESTURES)
        values["gestures"] = {g: a for g, a in (gestures or {}).items() if a is not None}
        if gestures is not None and not values["gestures"] and len(r.report) == before:
            r.report.add(fields.get("gestures"), f"{what}.gestures maps no gesture to an action, "
                         "so this pedal would do nothing", "map at least tap, for example {tap: advance}")
    if "pin" not in fields:
        r.report.add(item, f"{what} has no pin", "add pin: 17 (the BCM number the pedal is wired to)")
    elif values.get("pull_up") is False and values["pin"] in FIXED_PULL_UP:
        r.report.add(fields.get("pull_up"), f"{what}.pull_up: GPIO{values['pin']} (header pin "
                     f"{header_pin(values['pin'])}) has a fixed pull-up",
                     "wire that pedal to ground and set pull_up: true, or use another pin")
    if len(r.report) > before:
        return None
    return PedalConfig(**values), fields.get("pin")


# ---------------------------------------------------------------------------------------------
# The environment: KIOSK_* variables override the file.

def _scalar(name: str) -> tuple[str, Callable[[str], object]]:
    return name, SCALARS[name].value.read


def _display(name: str) -> tuple[str, Callable[[str], object]]:
    return f"display.{name}", DISPLAY[name].value.read


_ENV: dict[str, tuple[str, Callable[[str], object]]] = {
    "KIOSK_ROOM": _scalar("room"),
    "KIOSK_DEFAULT_ROUTINE": _scalar("default_routine"),
    "KIOSK_DEFAULT_LENGTH": _scalar("default_length"),
    "KIOSK_DATA_DIR": ("data_dir", lambda text: Path(V.FOLDER.read(text)).expanduser()),
    "KIOSK_PIN": _scalar("pin"),
    "KIOSK_VOLUME": _scalar("volume"),
    "KIOSK_MUTED": _scalar("muted"),
    "KIOSK_AUDIO_BUFFER": _scalar("audio_buffer"),
    "KIOSK_SPOKEN_PROMPTS": _scalar("spoken_prompts"),
    "KIOSK_PRACTICE_MODE": _scalar("practice_mode"),
    "KIOSK_CLOCK": _scalar("clock"),
    "KIOSK_LANGUAGE": _scalar("language"),
    "KIOSK_RESUME_MAX_AGE": _scalar("resume_max_age"),
    "KIOSK_ROUTINES": ("routines", lambda text: tuple(Path(p).expanduser() for p in text.split(os.pathsep) if p)),
    "KIOSK_FULLSCREEN": _display("fullscreen"),
    "KIOSK_ROTATION": _display("rotation"),
    "KIOSK_BRIGHTNESS": _display("brightness"),
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
        report = yamlsafe.Report(file, what="the room config")
        root = yamlsafe.load_file(file, report, max_bytes=MAX_CONFIG_BYTES)
        if root is None and [p.message for p in report.problems] == ["the file is empty"]:
            report.problems.clear()  # a file of comments only: every setting at its default
            if only_white_space(file, MAX_CONFIG_BYTES):  # an edit cut short (a power cut), not a choice
                report.add(None, "the room config is empty: every setting is at its default and the PIN is 0000",
                           "restore it from your copy or deploy/room.example.yaml; a file of comments only "
                           "is how to say 'all defaults'")
        values = _read_file(root, report, file.parent) if root is not None else {}
        config = replace(config, path=str(file), **values)
        problems.extend(sorted(report.problems))
    config = _apply_env(config, env, problems)
    return config, problems
