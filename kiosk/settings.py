"""What a therapist changes on the kiosk itself (volume, brightness, spoken prompts, practice mode, language).

The room config (``room.yaml``) is the clinic's; these few values may be changed on the kiosk's
Settings screen and are kept in ``settings.json`` in the data folder. The rule a clinic can
predict: a value changed on the kiosk wins until the clinic changes that key in ``room.yaml``;
then the clinic's new value wins. So each kept value is stored with the room value it overrode,
and dropped when ``room.yaml`` no longer says that::

    {"volume": {"value": 20, "room": 40}}

The room's name, PIN and exit chord are not settings: only the room config sets them.
A settings file that cannot be read or written is ignored with a log line: the kiosk runs on.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kiosk.config import RoomConfig
from kiosk.files import read_regular_file

log = logging.getLogger(__name__)

#: The settings a therapist may change on the kiosk, in the order the Settings screen shows them.
KIOSK_SETTINGS = ("volume", "brightness", "spoken_prompts", "practice_mode", "language")
FILENAME = "settings.json"
#: A settings file is a few hundred bytes; anything much larger is not one.
MAX_BYTES = 64 * 1024


def room_values(config: RoomConfig | None) -> dict[str, object]:
    """What the room config says for each kiosk setting (its defaults without a config)."""
    config = config or RoomConfig()
    return {"volume": config.volume, "brightness": config.display.brightness,
            "spoken_prompts": config.spoken_prompts, "practice_mode": config.practice_mode,
            "language": config.language}  # None: room.yaml leaves it to the system locale


@dataclass(frozen=True)
class Override:
    """A value changed on this kiosk that wins over the room config's value for the same key."""

    key: str
    kiosk: object
    room: object


def read_stored(path: Path | None, room: Mapping[str, object]) -> tuple[dict[str, dict], bool]:
    """The kept overrides still in force, and whether the file must be written again to say so.

    An override whose room value is no longer what ``room.yaml`` says is dropped (the clinic
    changed that key since). A file from before overrides were kept with their room value
    (``{"volume": 20}``) is read as overriding today's room value; other keys in it are dropped.
    """
    if path is None or not path.exists():
        return {}, False
    try:
        raw = json.loads(read_regular_file(path, MAX_BYTES, "settings file").decode("utf-8"))
    except (OSError, ValueError) as exc:  # FileReadError (a FIFO, a device, too large) is an OSError
        log.warning("ignoring unreadable settings file %s: %s", path, exc)
        return {}, False
    if not isinstance(raw, dict):
        log.warning("ignoring settings file %s: not a JSON object", path)
        return {}, False
    kept: dict[str, dict] = {}
    for key, entry in raw.items():
        if key not in KIOSK_SETTINGS:
            continue
        if not (isinstance(entry, dict) and set(entry) == {"value", "room"}):
            entry = {"value": entry, "room": room[key]}
        if entry["room"] == room[key] and entry["value"] != room[key]:
            kept[key] = entry
    return kept, kept != raw


def overrides_in(path: Path | None, config: RoomConfig | None) -> list[Override]:
    """The values this kiosk's settings file overrides, as the kiosk would apply them (nothing is written)."""
    room = room_values(config)
    kept, _ = read_stored(path, room)
    return [Override(key, kept[key]["value"], room[key]) for key in KIOSK_SETTINGS if key in kept]


class LocalSettings:
    """The kiosk settings: the room config's values with the therapist's changes on top.

    ``path`` None keeps changes in memory only (no data folder). Writes happen only when a kept
    value really changes: a slider dragged over the same value writes nothing.
    """

    def __init__(self, path: Path | None, config: RoomConfig | None = None):
        self.path = path
        self.room = room_values(config)
        self._stored, stale = read_stored(path, self.room)
        self.values = {**self.room, **{k: e["value"] for k, e in self._stored.items()}}
        if stale:
            self._write()

    def get(self, key: str, default=None):
        return self.values.get(key, default)

    def set(self, key: str, value) -> None:
        """Change a kiosk setting and keep it; back at the room's value, the override is dropped."""
        if key not in KIOSK_SETTINGS:
            raise KeyError(f"{key!r} is not a kiosk setting (those are {', '.join(KIOSK_SETTINGS)})")
        self.values[key] = value
        if value == self.room[key]:
            changed = self._stored.pop(key, None) is not None
        else:
            entry = {"value": value, "room": self.room[key]}
            changed = self._stored.get(key) != entry
            self._stored[key] = entry
        if changed:
            self._write()

    def overrides(self) -> list[Override]:
        """The values changed on this kiosk that win over the room config now."""
        return [Override(k, self._stored[k]["value"], self.room[k]) for k in KIOSK_SETTINGS if k in self._stored]

    def _write(self) -> None:
        if not self.path:
            return
        try:
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(self._stored, indent=1), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError as exc:
            log.warning("could not save settings to %s: %s", self.path, exc)
