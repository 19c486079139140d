"""A Debian Trixie root booted under systemd-nspawn: a real systemd 257 as PID 1, journald, logind.

The cached root (scripts/system-test/build-root.sh) is never written: each run mounts an overlay
on it, so a run starts from the same clean root and leaves nothing behind. Commands run inside
with ``nsenter`` into the container's PID 1. Everything made here (the nspawn process, the
overlay mount, the scratch folder) is removed by :meth:`Container.destroy`, on success and failure.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

CACHE = Path(os.environ.get("KIOSK_SYSTEM_TEST_CACHE", "/var/cache/kiosk-system-test"))
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
REBOOT_EXIT = 133  # systemd-nspawn's exit status when the container asked for a reboot


class Container:
    def __init__(self, base: Path, binds: list[tuple[str, str]]):
        self.base = base
        self.binds = binds
        self.work = Path(tempfile.mkdtemp(prefix="kiosk-system-test.", dir="/var/tmp"))
        self.root = self.work / "root"
        self.name = f"kst-{os.getpid():x}-{os.urandom(3).hex()}"  # nspawn takes letters, digits and "-"
        self.nspawn: subprocess.Popen | None = None
        self.console: Path = self.work / "console.log"
        self.leader: int | None = None
        self.booted_at: float | None = None
        self.display = ":0"  # the X display inside, set by the test's setup
        for sub in ("root", "upper", "work"):
            (self.work / sub).mkdir()
        subprocess.run(["mount", "-t", "overlay", "overlay", "-o",
                        f"lowerdir={base},upperdir={self.work / 'upper'},workdir={self.work / 'work'}",
                        str(self.root)], check=True)

    @classmethod
    def from_env(cls) -> "Container":
        base = Path(os.environ["KIOSK_SYSTEM_TEST_ROOT"])
        (CACHE / "pip").mkdir(parents=True, exist_ok=True)
        (CACHE / "apt-amd64" / "partial").mkdir(parents=True, exist_ok=True)
        return cls(base, [(str(CACHE / "pip"), "/root/.cache/pip"),
                          (str(CACHE / "apt-amd64"), "/var/cache/apt/archives"),
                          ("/dev/tty1", "/dev/tty1")])

    # -- life cycle -------------------------------------------------------------------------------

    def boot(self, timeout: float = 90.0) -> float:
        """Start the container; returns when its systemd has finished booting (seconds taken)."""
        cmd = ["systemd-nspawn", "-D", str(self.root), "--boot", "--register=no", "--keep-unit",
               "--console=passive", f"--machine={self.name}", "--resolv-conf=copy-host"]
        cmd += [f"--bind={src}:{dst}" for src, dst in self.binds]
        env = dict(os.environ, SYSTEMD_NSPAWN_UNIFIED_HIERARCHY="1")
        self.booted_at = time.monotonic()
        with open(self.console, "ab") as out:
            self.nspawn = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                           env=env, start_new_session=True)
        deadline = time.monotonic() + timeout
        self.leader = None
        while self.leader is None:
            if self.nspawn.poll() is not None:
                raise RuntimeError(f"the container did not start (exit {self.nspawn.returncode}):\n{self.console_tail()}")
            self.leader = self._find_leader()
            if self.leader is None and time.monotonic() > deadline:
                raise TimeoutError("no container PID 1 after %.0f s\n%s" % (timeout, self.console_tail()))
            elif self.leader is None:
                time.sleep(0.05)
        while True:
            state = self.sh("systemctl is-system-running", check=False).stdout.strip()
            if state in ("running", "degraded"):
                return time.monotonic() - self.booted_at
            if time.monotonic() > deadline:
                raise TimeoutError(f"boot did not finish (state {state!r})\n{self.console_tail()}")
            time.sleep(0.2)

    def _find_leader(self) -> int | None:
        """The container's PID 1: a child of systemd-nspawn that is PID 1 of its own PID namespace
        (nspawn briefly has another child while it sets the container up)."""
        assert self.nspawn is not None
        children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.nspawn.pid)],
                                  capture_output=True, text=True).stdout.split()
        for pid in children:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            nspid = next((line.split()[1:] for line in status.splitlines() if line.startswith("NSpid:")), [])
            if len(nspid) >= 2 and nspid[-1] == "1":
                return int(pid)
        return None

    def wait_exit(self, timeout: float) -> int:
        """Wait for the container to end by itself (poweroff or reboot); its nspawn exit status."""
        assert self.nspawn is not None
        code = self.nspawn.wait(timeout=timeout)
        self.nspawn = None
        self.leader = None
        return code

    def poweroff(self, timeout: float = 60.0) -> None:
        if self.nspawn is None or self.nspawn.poll() is not None:
            self.nspawn = None
            return
        if self.leader:
            try:
                os.kill(self.leader, signal.SIGRTMIN + 4)  # systemd: orderly poweroff
            except ProcessLookupError:
                pass
        try:
            self.nspawn.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            # Killing nspawn alone would leave the container running, re-parented to this machine's
            # init: kill its PID 1 first, which ends every process in its PID namespace.
            leader = self._find_leader() or self.leader
            if leader:
                try:
                    os.kill(leader, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            os.killpg(self.nspawn.pid, signal.SIGKILL)
            self.nspawn.wait(timeout=10)
        self.nspawn = None
        self.leader = None

    def destroy(self) -> None:
        """Stop the container and remove its overlay and scratch folder, whatever state it is in."""
        try:
            self.poweroff()
        finally:
            for _ in range(5):
                if subprocess.run(["mountpoint", "-q", str(self.root)]).returncode != 0:
                    break
                subprocess.run(["umount", str(self.root)], capture_output=True)
                time.sleep(0.2)
            else:
                subprocess.run(["umount", "-l", str(self.root)], capture_output=True)
            shutil.rmtree(self.work, ignore_errors=True)

    # -- commands inside --------------------------------------------------------------------------

    def run(self, argv: list[str], *, check: bool = True, timeout: float = 600.0, env: dict | None = None,
            input: str | None = None) -> subprocess.CompletedProcess:
        """Run ``argv`` inside the container (all its namespaces, root), with a clean environment."""
        assert self.leader, "the container is not running"
        environ = {"PATH": PATH, "LANG": "C.UTF-8", "HOME": "/root", "SYSTEMD_PAGER": "", "TERM": "dumb",
                   **(env or {})}
        cmd = ["nsenter", "-t", str(self.leader), "-a", "--", "env", "-i",
               *[f"{k}={v}" for k, v in environ.items()], *argv]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, input=input)
        if check and proc.returncode != 0:
            raise AssertionError(f"in the container: {shlex.join(argv)} -> exit {proc.returncode}\n"
                                 f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
        return proc

    def sh(self, script: str, **kw) -> subprocess.CompletedProcess:
        return self.run(["/bin/bash", "-c", script], **kw)

    def show(self, unit: str, *props: str) -> dict[str, str]:
        out = self.run(["systemctl", "show", unit, *[f"--property={p}" for p in props]]).stdout
        return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)

    def wait_for(self, what: str, predicate, timeout: float, poll: float = 0.2):
        """Poll ``predicate()`` until it returns something truthy; that value, or TimeoutError."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            last = predicate()
            if last:
                return last
            time.sleep(poll)
        raise TimeoutError(f"{what}: not within {timeout:.0f} s (last: {last!r})\n{self.journal('kiosk', 40)}")

    def journal(self, unit: str | None = None, lines: int = 60, since: str | None = None) -> str:
        argv = ["journalctl", "--no-pager", "-o", "short-monotonic", "-n", str(lines)]
        if unit:
            argv += ["-u", unit]
        if since:
            argv += ["--since", since]
        return self.run(argv, check=False).stdout

    def console_tail(self, n: int = 30) -> str:
        try:
            return "\n".join(self.console.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def write(self, path: str, text: str, mode: int = 0o644) -> None:
        """Write a file inside the running container (also under its own /run, which this side cannot see)."""
        self.run(["/bin/sh", "-c", 'mkdir -p "$(dirname "$1")" && cat > "$1" && chmod "$2" "$1"', "_",
                  path, format(mode, "o")], input=text)

    def monotonic(self) -> float:
        """The container's CLOCK_MONOTONIC is this machine's (no time namespace): seconds."""
        return time.monotonic()


def usec(value: str) -> int:
    """A systemd ``...TimestampMonotonic`` value in microseconds (0 when unset)."""
    return int(value) if re.fullmatch(r"\d+", value or "") else 0
