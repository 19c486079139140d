"""Many 60-step sessions on a 300 KB filesystem that fills and frees at random moments.

Prints records made against records written (they must be equal), the sessions the journal shows
finished, how often the disk filled, the largest WAL seen and the journal's final size. Needs root
(it mounts a tmpfs). The history itself must fit the filesystem: a 60-step session takes about
5 KiB of journal, and the WAL (up to ~100 KiB between checkpoints) and the space reserve need
room too, so 300 KB holds about 30 sessions; past that the disk stays full after every free (a
checkpoint cannot grow the database either), records wait until the kiosk leaves and are then
lost, and the log counts them. Measured: 30 sessions on 300 KB and 100 on 2 MB, every record
written; 60 sessions on 300 KB, the history stopped at session 33.

    sudo .venv/bin/python bench/bench_journal_full_disk.py --sessions 30 --size 300k
    sudo .venv/bin/python bench/bench_journal_full_disk.py --sessions 100 --size 2m
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.benchlib import write_results  # noqa: E402
from kiosk_testkit.journal_soak import run_sessions  # noqa: E402
from kiosk_testkit.tinyfs import can_mount, tiny_fs  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--size", default="300k", help="tmpfs size (default 300k)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", help="results file (default bench/results/journal_full_disk.json)")
    args = parser.parse_args(argv)
    if not can_mount():
        print("bench_journal_full_disk: needs root to mount a tmpfs", file=sys.stderr)
        return 2
    began = time.monotonic()
    with tiny_fs(args.size) as data, tempfile.TemporaryDirectory() as routines:
        tally = run_sessions(data, Path(routines), args.sessions, args.seed)
    spent = time.monotonic() - began
    print(f"filesystem            {args.size} tmpfs")
    print(f"sessions              {tally.sessions} (60 steps each), disk filled {tally.fills} times")
    print(f"records made          {tally.made}")
    print(f"records written       {tally.written}")
    print(f"sessions finished     {tally.finished} of {tally.sessions}")
    print(f"largest WAL           {tally.largest_wal / 1024:.0f} KiB")
    print(f"journal at the end    {tally.journal_bytes / 1024:.0f} KiB")
    print(f"took                  {spent:.1f} s")
    for problem in tally.problems:
        print(f"PROBLEM: {problem}")
    write_results("journal_full_disk", {
        "size": args.size, "sessions": tally.sessions, "fills": tally.fills, "made": tally.made,
        "written": tally.written, "finished": tally.finished, "largest_wal_bytes": tally.largest_wal,
        "journal_bytes": tally.journal_bytes,
        "problems": tally.problems,
    }, args.out)
    return 0 if tally.made == tally.written and not tally.problems else 1


if __name__ == "__main__":
    sys.exit(main())
