"""What the doctor's checks may read from the machine, behind one small object.

Checks never touch ``/`` or run a command directly: they ask a :class:`System`. The real one reads
the live machine; tests build one on a scratch folder laid out like ``/`` (``/proc``, ``/sys``,
``/dev`` and ``/etc`` as plain files) with canned command output, so every fault can be staged.
"""

from __future__ import annotations

import glob as _glob
import os
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

#: ``run(argv) -> (exit status, stdout)``, or None when the program is not installed.
Runner = Callable[[list[str]], "tuple[int, str] | None"]
#: ``probe_pin(pin) -> None`` when the pin can be claimed, else a one-line reason ("GPIO busy").
PinProbe = Callable[[object], "str | None"]


def run_command(argv: list[str]) -> tuple[int, str] | None:
    """Run a read-only command with a short timeout; None when it is not installed."""
    if shutil.which(argv[0]) is None:
        return None
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=15,
                              env={**os.environ, "SYSTEMD_PAGER": "", "LC_ALL": "C"})
    except (OSError, subprocess.SubprocessError) as exc:
        return 127, str(exc)
    return done.returncode, done.stdout


def probe_gpio_pin(pin: object) -> str | None:
    """Claim ``pin`` as an input for a moment with gpiozero; the reason when that is refused."""
    try:
        from gpiozero import Button
        from gpiozero.exc import GPIOPinInUse, GPIOZeroError
    except ImportError as exc:  # pragma: no cover - gpiozero is a dependency
        return f"gpiozero cannot be imported: {exc}"
    try:
        button = Button(pin)
    except GPIOPinInUse as exc:
        return f"GPIO busy: this pin is already in use ({exc})"
    except (GPIOZeroError, OSError, RuntimeError, ValueError) as exc:
        text = str(exc) or type(exc).__name__
        if "busy" in text.lower():
            return f"GPIO busy: another program owns this pin ({text})"
        return text
    button.close()
    return None


@dataclass(frozen=True)
class Mount:
    mountpoint: str
    fstype: str
    options: frozenset[str]


class System:
    """The machine as the checks see it: files under ``root``, commands through ``run``."""

    def __init__(self, root: str | os.PathLike[str] = "/", *, run: Runner = run_command,
                 probe_pin: PinProbe = probe_gpio_pin, environ: Mapping[str, str] | None = None,
                 euid: int | None = None):
        self.root = Path(root)
        self._run = run
        self.probe_pin = probe_pin
        self.environ = dict(os.environ if environ is None else environ)
        self.euid = os.geteuid() if euid is None else euid

    # Files -------------------------------------------------------------------------------------

    def path(self, path: str) -> Path:
        """``path`` (absolute, as on the machine) under this system's root."""
        return self.root / path.lstrip("/")

    def read(self, path: str) -> str | None:
        try:
            return self.path(path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None

    def exists(self, path: str) -> bool:
        return self.path(path).exists()

    def glob(self, pattern: str) -> list[str]:
        """Absolute machine paths matching ``pattern``, sorted."""
        base = str(self.root).rstrip("/")
        found = _glob.glob(base + "/" + pattern.lstrip("/"))
        return sorted("/" + os.path.relpath(p, base) if base else p for p in found)

    def run(self, *argv: str) -> tuple[int, str] | None:
        return self._run(list(argv))

    # Accounts and permissions -----------------------------------------------------------------

    def _table(self, name: str) -> list[list[str]]:
        text = self.read(f"/etc/{name}") or ""
        return [line.split(":") for line in text.splitlines() if line and not line.startswith("#")]

    def user(self, name: str) -> tuple[int, int] | None:
        """``(uid, primary gid)`` of a user, or None when there is no such user."""
        for fields in self._table("passwd"):
            if fields[0] == name and len(fields) >= 4:
                return int(fields[2]), int(fields[3])
        return None

    def user_name(self, uid: int) -> str | None:
        for fields in self._table("passwd"):
            if len(fields) >= 3 and fields[2] == str(uid):
                return fields[0]
        return None

    def groups_of(self, name: str) -> dict[str, int]:
        """The groups ``name`` is in, primary group included: ``{group name: gid}``."""
        user = self.user(name)
        out = {}
        for fields in self._table("group"):
            if len(fields) < 4:
                continue
            gid = int(fields[2])
            if name in fields[3].split(",") or (user and gid == user[1]):
                out[fields[0]] = gid
        return out

    def group_id(self, name: str) -> int | None:
        for fields in self._table("group"):
            if fields[0] == name and len(fields) >= 3:
                return int(fields[2])
        return None

    def group_name(self, gid: int) -> str:
        for fields in self._table("group"):
            if len(fields) >= 3 and fields[2] == str(gid):
                return fields[0]
        return str(gid)

    def owner(self, path: str) -> tuple[int, int, int] | None:
        """``(uid, gid, permission bits)`` of a path, or None when it does not exist."""
        try:
            st = self.path(path).stat()
        except OSError:
            return None
        return st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)

    def can(self, user: str, path: str, mode: str) -> bool:
        """Whether ``user`` may ``mode`` ("r", "w", "rw") ``path`` by its owner, group and mode bits.

        Works for any user, so root can check on behalf of the kiosk user. ACLs that logind adds for
        the active seat are not seen; without them the groups must be right, which is what a
        restart after a crash (no seat yet) depends on.
        """
        info = self.owner(path)
        account = self.user(user)
        if info is None or account is None:
            return False
        uid, gid, bits = info
        if account[0] == 0:
            return True
        if uid == account[0]:
            shift = 6
        elif gid in self.groups_of(user).values():
            shift = 3
        else:
            shift = 0
        need = (4 if "r" in mode else 0) | (2 if "w" in mode else 0)
        return (bits >> shift) & need == need

    def try_write(self, directory: str) -> str | None:
        """Create and remove a file in ``directory`` as this process; the error, or None when it worked."""
        try:
            with tempfile.NamedTemporaryFile(dir=self.path(directory), prefix=".doctor-"):
                pass
        except OSError as exc:
            return exc.strerror or str(exc)
        return None

    def free_bytes(self, directory: str) -> int | None:
        try:
            st = os.statvfs(self.path(directory))
        except OSError:
            return None
        return st.f_bavail * st.f_frsize

    def mount_of(self, path: str) -> Mount | None:
        """The mount holding ``path``, from /proc/self/mountinfo (longest matching mount point)."""
        text = self.read("/proc/self/mountinfo")
        if not text:
            return None
        best: Mount | None = None
        target = os.path.normpath(path)
        for line in text.splitlines():
            left, sep, right = line.partition(" - ")
            fields, rest = left.split(), right.split()
            if not sep or len(fields) < 6 or not rest:
                continue
            point = fields[4].replace("\\040", " ")
            if target == point or target.startswith(point.rstrip("/") + "/"):
                if best is None or len(point) >= len(best.mountpoint):
                    options = frozenset(fields[5].split(",")) | frozenset(rest[-1].split(","))
                    best = Mount(point, rest[0], options)
        return best

    def importable(self, module: str) -> bool:
        import importlib.util

        try:
            return importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            return False
