"""Where the kiosk finds what ships with it (routines, sounds, schema)."""

from __future__ import annotations

from pathlib import Path

#: The project checkout the package runs from (installs are editable, from a checkout).
ROOT = Path(__file__).resolve().parent.parent
ROUTINES_DIR = ROOT / "routines"
SOUNDS_DIR = ROOT / "sounds"
SCHEMA_FILE = ROOT / "schema" / "routine.schema.json"
ROOM_SCHEMA_FILE = ROOT / "schema" / "room.schema.json"
