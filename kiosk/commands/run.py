"""``kiosk run``: open the kiosk (the composition root is kiosk/composition.py)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from kiosk.commands import add_command, add_session_arguments


def _size(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d{3,5})\s*[xX×]\s*(\d{3,5})\s*", text)
    if not m:
        raise argparse.ArgumentTypeError(f'"{text}" is not a size; write WIDTHxHEIGHT, e.g. 800x480')
    return int(m.group(1)), int(m.group(2))


def register(subparsers) -> None:
    parser = add_command(subparsers, "run", run,
                         help="open the kiosk",
                         description="Open the kiosk: full screen where it can own the screen (a Pi console), "
                                     "windowed on a desktop. Keys work as pedals (space = next, p = pause).")
    parser.add_argument("--routine", metavar="PATH", help="open this routine's ready screen (a file, or the "
                        "name of a routine in the routine folders, such as back-massage)")
    parser.add_argument("--routines", metavar="DIR", action="append", default=None,
                        help="a folder of routines (repeatable; default: the shipped routines and "
                             "the room's own folders)")
    add_session_arguments(parser, length_default="the room's, else the routine's own")
    parser.add_argument("--windowed", action="store_true", help="a window, not the whole screen")
    parser.add_argument("--size", metavar="WxH", type=_size, help="window size, e.g. 800x480")
    parser.add_argument("--data-dir", metavar="DIR", help="where the journal and settings live")
    parser.add_argument("--config", metavar="FILE", help="room config file (default /etc/kiosk/room.yaml)")


def options(args: argparse.Namespace):
    """The :class:`kiosk.composition.RunOptions` the command line asks for."""
    from kiosk.composition import RunOptions

    return RunOptions(
        routine=args.routine, length=args.length, skip=tuple(args.skip),
        routines=tuple(Path(p) for p in args.routines or ()),
        data_dir=Path(args.data_dir) if args.data_dir else None,
        windowed=args.windowed, size=args.size, config=Path(args.config) if args.config else None,
    )


def run(args: argparse.Namespace) -> int:
    from kiosk.composition import run_kiosk

    return run_kiosk(options(args))
