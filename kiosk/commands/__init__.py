"""One module per ``kiosk`` sub-command; each has ``register(subparsers)`` that sets ``func``.

The helpers here are the arguments several commands share, so each is written (and checked) once.
"""

from __future__ import annotations

import argparse
from typing import Callable

from kiosk.routines.durations import DurationError, parse_duration


def add_command(subparsers, name: str, run: Callable[[argparse.Namespace], int], *, help: str,
                description: str) -> argparse.ArgumentParser:
    """The parser of sub-command ``name``, which ``run(args) -> exit code`` carries out."""
    parser = subparsers.add_parser(name, help=help, description=description)
    parser.set_defaults(func=run)
    return parser


def add_session_arguments(parser: argparse.ArgumentParser, *, length_default: str) -> None:
    """``--length D`` and ``--skip TAG``: how long a session of the routine is, and what it leaves out."""
    parser.add_argument("--length", type=length_arg, metavar="D",
                        help=f"session length such as 30m, 1h, 45:00 (default: {length_default})")
    parser.add_argument("--skip", action="append", default=[], metavar="TAG",
                        help="leave out the routine's steps and blocks with this optional tag (repeatable)")


def length_arg(text: str) -> float:
    """A ``--length`` value in seconds; a usage error that says how to write it otherwise."""
    try:
        return parse_duration(text)
    except DurationError as exc:
        raise argparse.ArgumentTypeError(f"{exc.message} ({exc.hint})" if exc.hint else exc.message) from None
