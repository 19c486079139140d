"""A tiny real filesystem for full-disk tests: tmpfs mounted by root, filled and freed on cue.

``tmpfs`` needs no loop device and behaves like a small SD card partition for what matters here:
writes fail with ENOSPC once it is full, and deleting a file gives the space back at once.
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Iterator


def can_mount() -> bool:
    """Whether this process may mount a tmpfs (root, and a kernel that lets it)."""
    return os.geteuid() == 0 and Path("/proc/filesystems").read_text().find("tmpfs") >= 0


@contextlib.contextmanager
def tiny_fs(size: str = "300k") -> Iterator[Path]:
    """A fresh tmpfs of ``size`` mounted on a temporary folder, unmounted (and removed) afterwards."""
    where = Path(tempfile.mkdtemp(prefix="kiosk-tinyfs-"))
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(where)], check=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)
        where.rmdir()


class Filler:
    """Fills a filesystem to the last byte with one file, and frees it again."""

    def __init__(self, folder: Path):
        self.path = Path(folder) / "filler.bin"

    def fill(self) -> int:
        """Write until the disk is full; returns the bytes written."""
        written = 0
        block = b"\xa5" * 4096
        with open(self.path, "ab", buffering=0) as out:
            try:
                while True:
                    written += out.write(block)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
            try:  # the last partial block, so not one byte is left
                while out.write(b"\xa5"):
                    written += 1
            except OSError:
                pass
        return written

    def free(self) -> None:
        self.path.unlink(missing_ok=True)

    @property
    def full(self) -> bool:
        return self.path.exists()
