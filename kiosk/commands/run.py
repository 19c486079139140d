"""``kiosk run``: open the kiosk (the composition root is kiosk/composition.py)."""

from __future__ import annotations

import argparse
import re

from kiosk.commands.plan import length_arg


def _size(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d{3,5})\s*[xX×]\s*(\d{3,5})\s*", text)
    if not m:
        raise argparse.ArgumentTypeError(f'"{text}" is not a size; write WIDTHxHEIGHT, e.g. 800x480')
    return int(m.group(1)), int(m.group(2))


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "run",
        help="open the kiosk",
        description="Open the kiosk: full screen where it can own the screen (a Pi console), "
                    "windowed on a desktop. Keys work as pedals (space = next, p = pause).",
    )
    parser.add_argument("--routine", metavar="PATH", help="open this routine's ready screen (a file, or the "
                        "name of a routine in the routine folders, such as back-massage)")
    parser.add_argument("--routines", metavar="DIR", action="append", default=None,
                        help="a folder of routines (repeatable; default: the shipped routines and "
                             "the room's own folders)")
    parser.add_argument("--length", metavar="D", type=length_arg, help="session length, e.g. 60m")
    parser.add_argument("--skip", metavar="TAG", action="append", default=[],
                        help="leave out the routine's optional parts with this tag (repeatable)")
    parser.add_argument("--windowed", action="store_true", help="a window, not the whole screen")
    parser.add_argument("--size", metavar="WxH", type=_size, help="window size, e.g. 800x480")
    parser.add_argument("--data-dir", metavar="DIR", help="where the journal and settings live")
    parser.add_argument("--config", metavar="FILE", help="room config file (default /etc/kiosk/room.yaml)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kiosk.composition import run_kiosk

    return run_kiosk(args)
