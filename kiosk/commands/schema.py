"""``kiosk schema room``: print the JSON Schema of a file format, generated from the reader itself.

``kiosk schema room > schema/room.schema.json`` refreshes the shipped file after a key changes;
``--check`` says whether the shipped file is still what the reader generates.
"""

from __future__ import annotations

import argparse
import sys

#: Format name -> (module, function giving the schema text, shipped file's attribute in kiosk.paths).
FORMATS = {"room": ("kiosk.config_schema", "room_schema_text", "ROOM_SCHEMA_FILE")}


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "schema",
        help="print the JSON Schema of a file format (for editors)",
        description="Print the JSON Schema an editor uses to complete and check a file, generated from "
                    "the kiosk's own reader: room (room.yaml).",
    )
    parser.add_argument("format", choices=sorted(FORMATS), help="which file format")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when the shipped schema file differs from the generated one")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import importlib

    from kiosk import paths

    module, function, shipped_name = FORMATS[args.format]
    text = getattr(importlib.import_module(module), function)()
    if not args.check:
        sys.stdout.write(text)
        return 0
    shipped = getattr(paths, shipped_name)
    current = shipped.read_text(encoding="utf-8") if shipped.is_file() else None
    if current == text:
        print(f"{shipped}: up to date")
        return 0
    print(f"{shipped}: out of date; run: kiosk schema {args.format} > {shipped}", file=sys.stderr)
    return 1
