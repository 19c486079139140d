"""``kiosk schema NAME``: the JSON Schema of a file format, for editors, made from the code that reads it.

Each schema is generated from the reader's own tables, so the shipped ``schema/NAME.schema.json``
never drifts from what the kiosk accepts: after changing a format, ``kiosk schema NAME --write``;
``--check`` says whether the shipped file is still what the reader generates.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Callable

from kiosk import paths
from kiosk.config_schema import room_schema
from kiosk.routines.schema import routine_schema

#: Every format with a schema: its name, the function that makes it, and the name in
#: :mod:`kiosk.paths` of the shipped copy. A new format adds one line here.
GENERATORS: dict[str, tuple[Callable[[], dict[str, Any]], str]] = {
    "routine": (routine_schema, "SCHEMA_FILE"),
    "room": (room_schema, "ROOM_SCHEMA_FILE"),
}


def schema_text(name: str) -> str:
    """The schema called ``name`` as the shipped file holds it."""
    return json.dumps(GENERATORS[name][0](), indent=2, ensure_ascii=False) + "\n"


def schema_path(name: str) -> Path:
    """Where the shipped copy of the schema called ``name`` lives (editors and the README point there)."""
    return getattr(paths, GENERATORS[name][1])


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "schema",
        help="print the JSON Schema of a file format (for editors), or write the shipped copy",
        description="Print the JSON Schema of a file format, made from the kiosk's own tables: routine "
                    "(routine files), room (room.yaml). With --write, replace the shipped copy in schema/; "
                    "with --check, say whether it is up to date.",
    )
    parser.add_argument("name", choices=sorted(GENERATORS), help="the format")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="write schema/NAME.schema.json instead of printing")
    mode.add_argument("--check", action="store_true",
                      help="exit 1 when the shipped schema file differs from the generated one")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    text = schema_text(args.name)
    path = schema_path(args.name)
    if args.check:
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            print(f"{path}: up to date")
            return 0
        print(f"{path}: out of date; run: kiosk schema {args.name} > {path}", file=sys.stderr)
        return 1
    if not args.write:
        sys.stdout.write(text)
        return 0
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"kiosk schema: cannot write {path}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"wrote {path}")
    return 0
