"""The real kiosk as a separate process on a virtual screen, driven with xdotool and read from its log."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class KioskProcess:
    """``kiosk run ...`` under ``xvfb``; collects its stderr lines as they arrive."""

    def __init__(self, xvfb, *args: str, env: dict | None = None):
        self.xvfb = xvfb
        self.args = [sys.executable, "-m", "kiosk", "run", *args]
        self.env = xvfb.env(**(env or {}))
        self.env.setdefault("GPIOZERO_PIN_FACTORY", "mock")
        self.env.setdefault("SDL_AUDIODRIVER", "dummy")
        self.env["PYTHONUNBUFFERED"] = "1"
        self.lines: list[tuple[float, str]] = []
        self.proc: subprocess.Popen | None = None
        self.window: str | None = None
        self._changed = threading.Condition()

    def start(self, timeout: float = 60.0) -> "KioskProcess":
        self.started_at = time.monotonic()
        self.proc = subprocess.Popen(self.args, cwd=ROOT, env=self.env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, bufsize=1)
        threading.Thread(target=self._read, daemon=True).start()
        self.wait_log(r"Start application main loop|showing the kiosk|step 1 ", timeout=timeout)
        self.window = self._find_window(timeout)
        return self

    def _read(self) -> None:
        assert self.proc and self.proc.stdout
        for line in self.proc.stdout:
            with self._changed:
                self.lines.append((time.monotonic(), line.rstrip("\n")))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def _find_window(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            out = subprocess.run(["xdotool", "search", "--pid", str(self.proc.pid)], env=self.env,
                                 capture_output=True, text=True).stdout.split()
            if out:
                return out[0]
            time.sleep(0.1)
        raise TimeoutError("the kiosk window did not appear\n" + self.log())

    def key(self, name: str) -> float:
        """Type a key into the kiosk window; returns the monotonic time it was sent."""
        sent = time.monotonic()
        subprocess.run(["xdotool", "key", "--window", self.window, name], env=self.env, check=True)
        return sent

    def wait_log(self, pattern: str, timeout: float = 30.0, after: int = 0) -> re.Match:
        """Wait for a log line matching ``pattern`` (searching from line ``after``)."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for _, line in self.lines[after:]:
                    m = regex.search(line)
                    if m:
                        return m
                if self.proc and self.proc.poll() is not None and not self._pending():
                    raise RuntimeError(f"kiosk exited ({self.proc.returncode}) before /{pattern}/\n" + self.log())
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no log line /{pattern}/ in {timeout}s\n" + self.log())
                self._changed.wait(min(left, 0.2))

    def _pending(self) -> bool:
        return False

    def log(self) -> str:
        return "\n".join(line for _, line in self.lines)

    def matching(self, pattern: str) -> list[re.Match]:
        regex = re.compile(pattern)
        return [m for _, line in self.lines if (m := regex.search(line))]

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(10)

    def stop(self) -> int | None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        return self.proc.returncode if self.proc else None

    def __enter__(self) -> "KioskProcess":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
