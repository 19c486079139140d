"""``kiosk history``: the sessions this kiosk ran, newest first, as a table, JSON or CSV.

The data directory is ``--data-dir``, else the room config's (``KIOSK_DATA_DIR`` included), else
the platform's user data folder. ``--json`` prints an array of sessions in a fixed shape that other
scripts rely on; ``--csv`` one row per step for a spreadsheet. Reading never writes the journal.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from datetime import datetime
from pathlib import Path

from kiosk.commands import add_command
from kiosk.journal import reports, store
from kiosk.routines.durations import fmt_clock

#: Sessions the readable table shows unless ``--limit`` says otherwise (JSON and CSV show all).
TABLE_LIMIT = 20


def register(subparsers) -> None:
    parser = add_command(subparsers, "history", run, help="list recorded sessions (table, --json or --csv)",
                         description="List the sessions recorded in the journal, newest first.")
    parser.add_argument("--data-dir", metavar="DIR",
                        help="folder holding kiosk.sqlite3 (default: the room config's, else the user data folder)")
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="an array of sessions with their steps (a fixed shape)")
    form.add_argument("--csv", action="store_true", help="one row per step, for a spreadsheet")
    parser.add_argument("--limit", type=_count, metavar="N",
                        help=f"at most N sessions (table default {TABLE_LIMIT}; JSON and CSV default all)")
    parser.add_argument("--routine", metavar="NAME", help="only this routine (its name or file name)")


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def data_dir(cli_value: str | None) -> Path:
    """Where the journal is: ``--data-dir``, the room config, then the user data folder."""
    from kiosk.config import load_config, resolve_data_dir

    if cli_value:
        return Path(cli_value).expanduser()
    config, _problems = load_config()  # a broken setting falls back to its default, as in the kiosk
    return resolve_data_dir(None, config)


def _unreadable(folder: Path) -> str | None:
    """Why ``folder`` cannot hold a journal at all (a file given as the folder, a folder as the file)."""
    path = store.database_path(folder)
    if folder.exists() and not folder.is_dir():
        return f"{folder} is a file, not a folder; --data-dir names the folder that holds {store.FILENAME}"
    if path.exists() and not path.is_file():
        return f"{path} is not a regular file (a folder?); the journal is a file the kiosk writes"
    return None


def _damaged(path: Path, exc: BaseException) -> str:
    return f"{path} is damaged or not a journal ({exc}). {store.RECOVER_HINT.format(path=path)}"


def run(args: argparse.Namespace) -> int:
    folder = data_dir(args.data_dir)
    problem = _unreadable(folder)
    if problem:
        print(f"kiosk history: error: {problem}", file=sys.stderr)
        return 1
    limit = args.limit if args.limit is not None else (None if args.json or args.csv else TABLE_LIMIT)
    sessions = []
    path = store.database_path(folder)
    try:
        conn = reports.open_reader(folder)
        if conn is not None:
            try:
                found = store.check(conn)
                if found is not None:
                    raise sqlite3.DatabaseError(found)
                sessions = reports.recent_sessions(conn, limit=limit, routine=args.routine)
            finally:
                conn.close()
    except sqlite3.DatabaseError as exc:
        print(f"kiosk history: error: {_damaged(path, exc)}", file=sys.stderr)
        return 1
    for s in sessions:
        if s.unrecorded and (args.json or args.csv):  # the shape stays; the gap is still said
            print(f"kiosk history: session {s.id} ({s.routine}): {s.unrecorded} step(s) were never recorded "
                  "(the disk refused them)", file=sys.stderr)
    if args.json:
        json.dump([s.to_json() for s in sessions], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    elif args.csv:
        reports.write_csv(sessions, sys.stdout)
    elif not sessions:
        where = store.database_path(folder)
        what = f' of "{args.routine}"' if args.routine else ""
        why = "" if conn is not None else " (no journal there yet; is --data-dir right?)"
        print(f"No sessions{what} recorded in {where}{why}.")
    else:
        print(table(sessions))
    return 0


def table(sessions: list[reports.SessionRow]) -> str:
    """An aligned table a person reads in a terminal."""
    head = ("ID", "Started", "Routine", "Room", "Status", "Length", "Booked", "Steps")
    rows = []
    for s in sessions:
        started = datetime.fromtimestamp(s.started_at / 1000.0).strftime("%Y-%m-%d %H:%M")
        status = s.status + (f" (resumed {s.resumes}x)" if s.resumes else "") + (
            f" ({s.unrecorded} steps not recorded)" if s.unrecorded else "")
        rows.append((
            str(s.id), started, s.routine, s.room or "-", status, fmt_clock(s.active_s),
            fmt_clock(s.target_s) if s.target_s else "-", str(len({st.index for st in s.steps})),
        ))
    right = {0, 5, 6, 7}
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = []
    for r in [head, *rows]:
        cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))]
        lines.append("  ".join(cells).rstrip())
    lines.append("Length: time in steps, pauses left out. Steps: how many different steps ran.")
    return "\n".join(lines)
