"""One wall-clock frame per session, whatever the clock does.

A Pi without a real-time clock jumps when NTP syncs, sometimes by hours. The journal stamps a
session's records from its own session time through one origin per run (see
:class:`~kiosk.journal.resume.LiveSession`), so a jump can only move the frame, never tear it:

- a resume's age and the time a session was off are measured with the boot id and the time since
  boot (``CLOCK_BOOTTIME``), which no clock change moves; only across a reboot does the wall
  clock decide, and a negative gap counts as none;
- a jump seen while a session runs (the wall clock moves against the monotonic one) shifts the
  whole session, records already written included, into the corrected frame.
"""

from __future__ import annotations

import time
from typing import Callable

#: A wall clock that moved this much against the monotonic one has jumped (seconds); NTP's
#: slewing moves it by milliseconds.
JUMP_S = 2.0

Boot = Callable[[], "tuple[str, float]"]


def system_boot() -> tuple[str, float]:
    """This boot's id and the seconds since it began (counting suspend), from the kernel."""
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as f:
            boot_id = f.read().strip()
    except OSError:
        boot_id = ""
    clock = getattr(time, "CLOCK_BOOTTIME", time.CLOCK_MONOTONIC)
    return boot_id, time.clock_gettime(clock)


def stamp(boot: Boot) -> dict:
    """What a save records about the moment, for :func:`since_save`."""
    boot_id, up = boot()
    return {"boot": boot_id, "up": up}


def since_save(extra: dict, saved_at_ms: int, now_ms: int, boot: Boot) -> float:
    """Seconds since a save: by the time since boot in the same boot, else by the wall clock (>= 0)."""
    boot_id, up = boot()
    if boot_id and extra.get("boot") == boot_id and isinstance(extra.get("up"), (int, float)) and up >= extra["up"]:
        return up - float(extra["up"])
    return max(0.0, (now_ms - saved_at_ms) / 1000.0)


def jump(wall: float, now: float, offset: float | None) -> float:
    """How far the wall clock jumped against the monotonic ``now`` since ``offset`` (0 when it did not)."""
    if offset is None:
        return 0.0
    moved = (wall - now) - offset
    return moved if abs(moved) >= JUMP_S else 0.0
