"""One harness for the real kiosk (or a benchmark's baseline app) as a process on a virtual screen.

:class:`WatchedProcess` starts a command on an :class:`~kiosk_testkit.xvfb.Xvfb` with mock GPIO and
silent audio unless told otherwise, keeps every line it prints with the time it arrived, and can
wait for a line, find its window, and report its CPU time and peak memory. Tests drive
``kiosk run`` through :class:`KioskProcess` (keys typed with xdotool, its log read back);
benchmarks read the ``PROBE`` lines of bench/kiosk_probe.py through :class:`Probed`.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from kiosk_testkit.xvfb import Xvfb, end_process

ROOT = Path(__file__).resolve().parent.parent


class WatchedProcess:
    """A command on ``xvfb`` whose output lines are collected, stamped with ``time.monotonic()``."""

    def __init__(self, xvfb: Xvfb, argv: list[str], *, env: dict | None = None):
        self.xvfb = xvfb
        self.argv = argv
        self.name = Path(argv[1]).name if len(argv) > 1 else argv[0]
        self.extra_env = dict(env or {})
        self.lines: list[tuple[float, str]] = []
        self.proc: subprocess.Popen | None = None
        self.window: str | None = None
        self._changed = threading.Condition()

    @property
    def env(self) -> dict:
        """The environment the process runs in: the screen's, mock pins, no sound, unbuffered."""
        env = self.xvfb.env(**self.extra_env)
        env.setdefault("GPIOZERO_PIN_FACTORY", "mock")
        env.setdefault("SDL_AUDIODRIVER", "dummy")
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def start(self) -> "WatchedProcess":
        self.started_at = time.monotonic()
        self.proc = subprocess.Popen(self.argv, cwd=ROOT, env=self.env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, bufsize=1)
        threading.Thread(target=self._read, daemon=True).start()
        return self

    def _read(self) -> None:
        assert self.proc and self.proc.stdout
        for line in self.proc.stdout:
            with self._changed:
                self._received(time.monotonic(), line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def _received(self, at: float, line: str) -> None:
        """Keep a line of output (called with the lines locked)."""
        self.lines.append((at, line))

    def wait_until(self, found: Callable[[], object], what: str, timeout: float) -> object:
        """Wait until ``found()`` (called with the lines locked) returns something other than None;
        raise with the log when the process exits first or ``timeout`` passes."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                result = found()
                if result is not None:
                    return result
                if self.proc is not None and self.proc.poll() is not None:
                    raise RuntimeError(f"{self.name} exited ({self.proc.returncode}) before {what}\n"
                                       + self.log(30))
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no {what} in {timeout:.0f} s\n" + self.log(30))
                self._changed.wait(min(left, 0.2))

    def log(self, last: int | None = None) -> str:
        with self._changed:
            lines = self.lines if last is None else self.lines[-last:]
            return "\n".join(line for _, line in lines)

    def find_window(self, timeout: float = 30.0) -> str:
        """The X window id of the process's window, once it has one."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = subprocess.run(["xdotool", "search", "--pid", str(self.proc.pid)], env=self.env,
                                   capture_output=True, text=True).stdout.split()
            if found:
                self.window = found[0]
                return self.window
            time.sleep(0.1)
        raise TimeoutError("the window did not appear\n" + self.log(30))

    def cpu_seconds(self) -> float:
        """User + system CPU time of the process so far (Linux /proc)."""
        return _cpu_seconds(self.proc.pid)

    def peak_rss_mib(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(10)

    def stop(self) -> int | None:
        """End the process (terminate, then kill); its exit code."""
        return end_process(self.proc, grace_s=10.0) if self.proc else None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class KioskProcess(WatchedProcess):
    """``python -m kiosk run ARGS`` on a screen the caller owns, read from its log, typed at."""

    def __init__(self, xvfb: Xvfb, *args: str, env: dict | None = None):
        super().__init__(xvfb, [sys.executable, "-m", "kiosk", "run", *args], env=env)
        self.name = "kiosk"

    def start(self, timeout: float = 60.0) -> "KioskProcess":
        super().start()
        self.wait_log(r"Start application main loop|showing the kiosk|step 1 ", timeout=timeout)
        self.find_window(timeout)
        return self

    def key(self, name: str) -> float:
        """Type a key into the kiosk window; returns the monotonic time it was sent."""
        sent = time.monotonic()
        subprocess.run(["xdotool", "key", "--window", self.window, name], env=self.env, check=True)
        return sent

    def wait_log(self, pattern: str, timeout: float = 30.0, after: int = 0) -> re.Match:
        """Wait for a log line matching ``pattern`` (searching from line ``after``)."""
        regex = re.compile(pattern)

        def found():
            return next((m for _, line in self.lines[after:] if (m := regex.search(line))), None)

        return self.wait_until(found, f"log line /{pattern}/", timeout)

    def matching(self, pattern: str) -> list[re.Match]:
        regex = re.compile(pattern)
        with self._changed:
            return [m for _, line in self.lines if (m := regex.search(line))]


class CpuQuota:
    """A cgroup that holds its processes to ``share`` of one core (a Pi-sized CPU), made and removed
    by the caller: cgroup v2's ``cpu.max`` where the unified hierarchy has the cpu controller, else
    cgroup v1's ``cpu.cfs_quota_us``. Needs root; :meth:`create` raises OSError otherwise."""

    PERIOD_US = 100_000

    def __init__(self, share: float, name: str | None = None):
        self.share = share
        self.name = name or f"kiosk-bench-{os.getpid()}-{id(self):x}"
        self.path: Path | None = None

    def create(self) -> "CpuQuota":
        quota = max(1000, int(self.PERIOD_US * self.share))
        for root in (Path("/sys/fs/cgroup"), Path("/sys/fs/cgroup/unified")):
            control = root / "cgroup.subtree_control"
            if control.exists() and "cpu" in control.read_text().split():
                self.path = root / self.name
                self.path.mkdir()
                (self.path / "cpu.max").write_text(f"{quota} {self.PERIOD_US}\n")
                return self
        v1 = Path("/sys/fs/cgroup/cpu")
        self.path = v1 / self.name
        self.path.mkdir()
        (self.path / "cpu.cfs_period_us").write_text(f"{self.PERIOD_US}\n")
        (self.path / "cpu.cfs_quota_us").write_text(f"{quota}\n")
        return self

    def add(self, pid: int) -> None:
        """Move ``pid`` (and the threads it has) into the group; children it starts later follow."""
        (self.path / "cgroup.procs").write_text(f"{pid}\n")

    def throttled_s(self) -> float | None:
        """Seconds the group was held back by its quota so far."""
        try:
            stat = dict(line.split() for line in (self.path / "cpu.stat").read_text().splitlines())
        except OSError:
            return None
        if "throttled_usec" in stat:
            return int(stat["throttled_usec"]) / 1e6
        return int(stat.get("throttled_time", 0)) / 1e9

    def remove(self) -> None:
        if self.path is None:
            return
        procs = self.path / "cgroup.procs"
        parent = self.path.parent / "cgroup.procs"
        for pid in procs.read_text().split() if procs.exists() else ():
            try:
                parent.write_text(f"{pid}\n")
            except OSError:
                pass  # it has exited
        for _ in range(50):
            try:
                self.path.rmdir()
                break
            except OSError:
                time.sleep(0.1)
        self.path = None


class Probed(WatchedProcess):
    """A probed process (bench/kiosk_probe.py or the naive timer) on its own screen; its
    ``PROBE <kind> <json>`` lines are its measurements, every other line its log. With
    ``cpu_share`` the process (not its X server) runs held to that share of one core."""

    def __init__(self, argv: list[str], *, env: dict | None = None, size=(1280, 800),
                 cpu_share: float | None = None):
        super().__init__(Xvfb(*size), argv, env=env)
        self.rows: dict[str, list[dict]] = {}
        self.quota = CpuQuota(cpu_share) if cpu_share else None

    def start(self) -> "Probed":
        self.xvfb.start()
        if self.quota is not None:
            self.quota.create()
        super().start()
        if self.quota is not None:
            self.quota.add(self.proc.pid)
        return self

    def _received(self, at: float, line: str) -> None:
        if line.startswith("PROBE "):
            try:
                _, kind, data = line.split(" ", 2)
                row = json.loads(data)
            except ValueError:  # a line cut by another thread's output: kept in the log, not lost
                super()._received(at, line)
                return
            self.rows.setdefault(kind, []).append(row)
        else:
            super()._received(at, line)

    def of(self, kind: str) -> list[dict]:
        """Every ``PROBE`` row of ``kind`` so far, in order."""
        with self._changed:
            return list(self.rows.get(kind, ()))

    def wait(self, kind: str, count: int = 1, timeout: float = 60.0) -> dict:
        """The ``count``-th row of ``kind``, waiting for it."""
        def found():
            rows = self.rows.get(kind, ())
            return rows[count - 1] if len(rows) >= count else None

        return self.wait_until(found, f"{kind} #{count}", timeout)

    def xvfb_cpu_seconds(self) -> float:
        return _cpu_seconds(self.xvfb.proc.pid)

    def stop(self) -> int | None:
        code = super().stop()
        self.xvfb.stop()
        if self.quota is not None:
            self.quota.remove()
        return code


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
