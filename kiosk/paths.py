"""Where the kiosk finds what ships with it: the routines and cue sounds inside the package (so an
installed wheel carries them), and, in a checkout, the schema beside it."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: The shipped routines and cues (package data; ``routines`` and ``sounds`` at the top of a
#: checkout are links to these folders).
ROUTINES_DIR = PACKAGE_DIR / "data" / "routines"
SOUNDS_DIR = PACKAGE_DIR / "data" / "sounds"
#: The checkout the package sits in, for tests and scripts run from one; an installed kiosk has
#: none, and nothing the kiosk needs at run time may live here.
ROOT = PACKAGE_DIR.parent
SCHEMA_FILE = ROOT / "schema" / "routine.schema.json"
ROOM_SCHEMA_FILE = ROOT / "schema" / "room.schema.json"
