"""A virtual X screen (Xvfb) for real Kivy windows on a machine without a display."""

from __future__ import annotations

import os
import shutil
import subprocess
import time


class Xvfb:
    """Starts ``Xvfb`` on a free display number; ``display`` is the value for $DISPLAY."""

    def __init__(self, width: int = 1920, height: int = 1080, depth: int = 24):
        self.size = (width, height, depth)
        self.proc: subprocess.Popen | None = None
        self.display: str | None = None

    def start(self) -> "Xvfb":
        binary = shutil.which("Xvfb")
        if binary is None:
            raise RuntimeError("Xvfb is not installed (apt-get install xvfb); `make test` installs it")
        read_fd, write_fd = os.pipe()
        w, h, d = self.size
        self.proc = subprocess.Popen(
            [binary, "-displayfd", str(write_fd), "-screen", "0", f"{w}x{h}x{d}", "-nolisten", "tcp",
             "-noreset"],
            pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        os.close(write_fd)
        deadline = time.monotonic() + 20
        data = b""
        with os.fdopen(read_fd, "rb") as pipe:
            while not data.endswith(b"\n") and time.monotonic() < deadline:
                chunk = pipe.read(1)
                if not chunk:
                    break
                data += chunk
        if not data.strip():
            self.stop()
            raise RuntimeError("Xvfb did not start")
        self.display = ":" + data.decode().strip()
        return self

    def env(self, **extra: str) -> dict:
        env = dict(os.environ)
        env["DISPLAY"] = self.display or ""
        env.pop("WAYLAND_DISPLAY", None)
        env.update(extra)
        return env

    def stop(self) -> None:
        if self.proc is not None:
            end_process(self.proc, grace_s=5.0)
        self.proc = None

    def __enter__(self) -> "Xvfb":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def end_process(proc: subprocess.Popen, grace_s: float) -> int:
    """Terminate ``proc``, kill it if it has not ended within ``grace_s``; its exit code."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(grace_s)
        except subprocess.TimeoutExpired:
            proc.kill()
    return proc.wait(5)


def artifacts_dir(*parts: str) -> str:
    """Where tests keep screenshots and logs for people to look at (git-ignored)."""
    root = os.environ.get("KIOSK_ARTIFACTS") or os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "artifacts")
    path = os.path.join(root, *parts)
    os.makedirs(path, exist_ok=True)
    return path


__all__ = ["Xvfb", "artifacts_dir", "end_process"]
