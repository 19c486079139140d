"""The ``kiosk`` command: run, validate, plan, simulate, history, doctor, schema, desk.

Every sub-command lives in ``kiosk/commands/<name>.py`` with a ``register(subparsers)`` function
that adds its parser and sets ``func(args) -> int``. Errors a person can cause are printed as one
clear message and never as a traceback. Exit codes: 0 good, 1 a problem was found, 2 usage error.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from kiosk import __version__
from kiosk.errors import KioskError

#: Sub-commands in the order ``kiosk --help`` lists them.
COMMANDS = ("run", "validate", "plan", "simulate", "history", "doctor", "schema", "desk")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Guided massage-session timer: run the kiosk, or check and preview routines.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"kiosk.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"kiosk.commands.{name}":
                raise
            continue
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except KioskError as exc:
        print(f"kiosk {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
