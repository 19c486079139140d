"""``kiosk schema NAME``: the JSON Schema of a file format, for editors, made from the code that reads it.

Each schema is generated from the reader's own tables, so the shipped ``schema/NAME.schema.json``
never drifts from what the kiosk accepts: after changing a format, ``kiosk schema NAME --write``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Callable

from kiosk.paths import SCHEMA_FILE
from kiosk.routines.schema import routine_schema

#: Every format with a schema: its name (``schema/<name>.schema.json``) and the function that
#: writes it. A new format adds one line here.
GENERATORS: dict[str, Callable[[], dict[str, Any]]] = {
    "routine": routine_schema,
}

#: Where the shipped schemas live (editors and the README point there).
SCHEMA_DIR = SCHEMA_FILE.parent


def schema_text(name: str) -> str:
    """The schema called ``name`` as the shipped file holds it."""
    return json.dumps(GENERATORS[name](), indent=2, ensure_ascii=False) + "\n"


def schema_path(name: str) -> Path:
    return SCHEMA_DIR / f"{name}.schema.json"


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "schema",
        help="print the JSON Schema of a file format (for editors), or write the shipped copy",
        description="Print the JSON Schema of a file format, made from the kiosk's own tables. With --write, "
                    "replace the shipped copy in schema/ instead.",
    )
    parser.add_argument("name", choices=sorted(GENERATORS), help="the format")
    parser.add_argument("--write", action="store_true", help="write schema/NAME.schema.json instead of printing")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    text = schema_text(args.name)
    if not args.write:
        sys.stdout.write(text)
        return 0
    path = schema_path(args.name)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"kiosk schema: cannot write {path}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"wrote {path}")
    return 0
