"""A headless kiosk for crash tests: a real Session on the monotonic clock, the real Journal.

    python tests/journal/crash_driver.py DATA_DIR ROUTINE PROGRESS [--seed N] [--save-every S]

It resumes the interrupted session if the journal offers one (and taps once to continue it), else
starts ROUTINE. Then it runs like the kiosk's frame loop: tick, hand events to the journal,
autosave, pausing now and then at random. After every loop it appends one JSON line to PROGRESS
(written straight to the kernel, so a SIGKILL loses none of it) saying where the session is.
Exit 0 when the session has finished, 3 when an offered session could not be restored.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kiosk.engine.clock import MonotonicClock  # noqa: E402
from kiosk.engine.session import Session  # noqa: E402
from kiosk.journal import Journal  # noqa: E402
from kiosk.routines.loader import load_routine  # noqa: E402
from kiosk.routines.plan import make_plan  # noqa: E402

FRAME_S = 0.01


def position(session: Session) -> dict:
    """Where the session is: step, its remaining time, and time spent in steps (pauses left out)."""
    snap = session.snapshot()
    return {
        "state": snap.state, "index": snap.index, "remaining_s": snap.step_remaining_s,
        "active_s": snap.session_elapsed_s - snap.paused_s,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("routine", type=Path)
    parser.add_argument("progress", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--save-every", type=float, default=1.0)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    fd = os.open(args.progress, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def note(**fields) -> None:
        os.write(fd, (json.dumps({"pid": os.getpid(), "wall": time.time(), **fields}) + "\n").encode())

    clock = MonotonicClock()
    journal = Journal.open(args.data_dir, room="crash-test", save_every_s=args.save_every)
    if journal.notice:
        note(kind="notice", text=journal.notice)
    info = journal.pending_resume()
    if info is not None:
        session = journal.restore(info, clock)
        if session is None:
            note(kind="unrestorable", session_id=info.session_id)
            return 3
        session_id = info.session_id
        note(kind="resumed", session_id=session_id, **position(session))
        time.sleep(rng.uniform(0.0, 0.2))  # the therapist looks up, then taps
        journal.on_events(session_id, session.advance(), session)
    else:
        plan = make_plan(load_routine(args.routine))
        session = Session(plan, clock)
        events = session.start()
        session_id = journal.begin(session, routine_path=args.routine)
        journal.on_events(session_id, events, session)
        note(kind="started", session_id=session_id, **position(session))
    pause_until = None
    while session.state != "finished":
        time.sleep(FRAME_S)
        events = session.tick()
        now = clock.now()
        if pause_until is None and session.state == "running" and rng.random() < 0.01:
            events += session.pause()
            pause_until = now + rng.uniform(0.05, 0.4)
        elif pause_until is not None and now >= pause_until:
            events += session.resume()
            pause_until = None
        if events:
            journal.on_events(session_id, events, session)
        journal.autosave(session_id, session)
        ended = [e.index for e in events if e.kind == "step_ended"]
        note(kind="tick", session_id=session_id, ended=ended, **position(session))
    journal.close()
    note(kind="finished", session_id=session_id)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
