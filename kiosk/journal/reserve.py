"""A small file of real bytes the journal keeps beside its database and gives back when the disk fills.

A full disk must not cost a session its last records: when a write fails for lack of space the
writer deletes the reserve, which frees exactly that much for SQLite to finish the session, and
makes it again once the journal has caught up and the space is there. The reserve is sized to the
filesystem (an eighth of it at most) so that on a tiny filesystem it never starts the problem itself.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

FILENAME = "kiosk.reserve"
#: The reserve on an ordinary disk: enough for a few hundred step records and a WAL checkpoint.
RESERVE_BYTES = 256 * 1024
_CHUNK = 64 * 1024


def reserve_size(folder: Path) -> int:
    """How big the reserve should be on ``folder``'s filesystem (0 when it cannot be told)."""
    try:
        fs = os.statvfs(folder)
    except OSError:
        return 0
    total = fs.f_blocks * fs.f_frsize
    return int(min(RESERVE_BYTES, total // 8)) // 4096 * 4096


class Reserve:
    """The reserve file in ``folder``: :meth:`release` on a full disk, :meth:`refill` when space is back."""

    def __init__(self, folder: Path):
        self.path = Path(folder) / FILENAME

    @property
    def held(self) -> bool:
        return self.path.is_file() and self.path.stat().st_size > 0

    def release(self) -> bool:
        """Delete the reserve; True when that freed space."""
        try:
            size = self.path.stat().st_size
            self.path.unlink()
        except OSError:
            return False
        log.warning("journal: disk full, gave back the %d-byte reserve in %s", size, self.path.parent)
        return size > 0

    def refill(self) -> bool:
        """Make the reserve when it is missing and the disk has room to spare for it; never raises.

        Written with real bytes and synced, so the space is really taken (a sparse file would free
        nothing when deleted).
        """
        size = reserve_size(self.path.parent)
        if size <= 0 or self.held:
            return self.held
        try:
            fs = os.statvfs(self.path.parent)
            if fs.f_bavail * fs.f_frsize < 2 * size:  # keep room for the journal itself
                return False
            part = self.path.with_name(self.path.name + ".part")
            with open(part, "wb") as out:
                block = b"\0" * _CHUNK
                left = size
                while left > 0:
                    left -= out.write(block[:min(left, _CHUNK)])
                out.flush()
                os.fsync(out.fileno())
            part.replace(self.path)
            return True
        except OSError as exc:
            log.info("journal: no space reserve in %s (%s)", self.path.parent, exc)
            self.path.with_name(self.path.name + ".part").unlink(missing_ok=True)
            return False
