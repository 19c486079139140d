"""Reading a file someone else put in place (a routine, the room config, settings.json) without hanging.

``open()`` on a FIFO blocks until a writer comes, and reading ``/dev/zero`` never ends: under the
systemd unit either one means a start timeout, a restart and finally a reboot loop. So every user
file is opened non-blocking, checked to be a regular file, and read up to a limit; anything else is
refused with a sentence that says what the path really is.
"""

from __future__ import annotations

import errno
import os
import stat

from kiosk.errors import KioskError


class FileReadError(KioskError, OSError):
    """A user file cannot be read: not a regular file, a symlink loop, too large, missing ...

    ``problem`` is what is wrong, as a phrase after the file ("is a symlink loop ...", "is too
    large ...", "does not exist"), ``hint`` what to do, so a caller with its own way of reporting
    (FILE:LINE:COL lines) words it without taking the message apart.
    """

    def __init__(self, path: str, what: str, problem: str, hint: str = ""):
        super().__init__(f"{path}: the {what} {problem}")
        self.path, self.what, self.problem, self.hint = path, what, problem, hint


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KiB" if n >= 1024 else f"{n} bytes"


def read_regular_file(path: str | os.PathLike[str], limit: int, what: str = "file") -> bytes:
    """The bytes of ``path`` when it is a regular file of at most ``limit`` bytes.

    Raises :class:`FileReadError` saying "is not a regular file (a FIFO ...)", "is a symlink loop",
    "is too large (...; at most ...)", "does not exist" or why the system refused; never blocks.
    """
    name = os.fspath(path)
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise FileReadError(name, what, "is a symlink loop (a link that points back at itself)",
                                "point the link at a real file") from None
        if exc.errno == errno.ENOENT:
            raise FileReadError(name, what, "does not exist") from None
        if exc.errno == errno.EISDIR:
            raise FileReadError(name, what, "is not a regular file (a folder)") from None
        raise FileReadError(name, what, f"cannot be read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileReadError(name, what, f"is not a regular file ({_kind(info.st_mode)})",
                                "put a plain file there")
        if info.st_size > limit:
            raise FileReadError(name, what, f"is too large ({_size(info.st_size)}; at most {_size(limit)})",
                                "split it into smaller files")
        os.set_blocking(fd, True)
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(65536, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:  # it grew while being read
            raise FileReadError(name, what, f"is too large (more than {_size(limit)})", "split it into smaller files")
        return b"".join(chunks)
    except OSError as exc:
        if isinstance(exc, FileReadError):
            raise
        raise FileReadError(name, what, f"cannot be read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def only_white_space(path: str | os.PathLike[str], limit: int) -> bool:
    """Whether ``path`` is a regular file holding nothing but white space (an edit cut short)."""
    try:
        return not read_regular_file(path, limit).strip()
    except OSError:
        return False
