"""Start-up that explains itself: the screen is waited for, and every reason not to start is said.

Under systemd nobody watches the console, so each way the kiosk can fail before its first frame
(no display, no permission on the screen's device, no GL window) logs one line and becomes the
unit's STATUS=, which ``systemctl status kiosk`` and ``kiosk doctor`` show. A display that is not
there yet (a Pi's DRM device after a slow boot, a compositor still starting) is waited for with a
STATUS line, instead of failing and spending the unit's start limit (10 starts, then a reboot).
Kivy-free: it checks sockets and device files, so it runs before Kivy opens anything.
"""

from __future__ import annotations

import glob
import logging
import os
import socket
import sys
import time
from collections.abc import Callable, Mapping

from kiosk.platform.sdnotify import Notifier

log = logging.getLogger(__name__)

DEFAULT_WAIT_S = 60.0  # within the unit's TimeoutStartSec=90


def _x11_socket(display: str) -> str | None:
    """The local socket path for a DISPLAY like ``:0`` or ``:0.0``; None for a remote display."""
    host, _, rest = display.rpartition(":")
    if host not in ("", "unix") or not rest:
        return None
    number = rest.split(".", 1)[0]
    return f"/tmp/.X11-unix/X{number}" if number.isdigit() else None


def _can_connect(address: str | bytes) -> bool:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(1.0)
    try:
        sock.connect(address)
        return True
    except OSError:
        return False
    finally:
        sock.close()


def display_problem(env: Mapping[str, str] | None = None) -> tuple[str | None, bool]:
    """Why no window can be opened now: ``(reason, worth_waiting)``, or ``(None, False)`` when it can.

    ``worth_waiting`` is False for a problem time will not fix (a device the kiosk may not open).
    """
    env = os.environ if env is None else env
    display = env.get("DISPLAY", "")
    if display:
        path = _x11_socket(display)
        if path is None:
            return None, False  # a remote X server: nothing to check from here
        # libxcb tries the abstract socket first (it survives PrivateTmp=), then the file.
        if _can_connect(b"\0" + path.encode()) or _can_connect(path):
            return None, False
        return f"the X display DISPLAY={display} is not accepting connections ({path})", True
    wayland = env.get("WAYLAND_DISPLAY", "")
    if wayland:
        path = wayland if wayland.startswith("/") else os.path.join(env.get("XDG_RUNTIME_DIR", ""), wayland)
        if _can_connect(path):
            return None, False
        return f"the Wayland display {path} is not accepting connections", True
    if env.get("SDL_VIDEODRIVER") in ("dummy", "offscreen"):
        return None, False
    cards = sorted(glob.glob("/dev/dri/card*"))
    if not cards:
        return "no display: no $DISPLAY or $WAYLAND_DISPLAY, and no DRM device (/dev/dri/card*) yet", True
    if not any(os.access(card, os.R_OK | os.W_OK) for card in cards):
        return (f"no permission to open {', '.join(cards)}: the kiosk user needs the groups video and render "
                "(sudo usermod -aG video,render kiosk)"), False
    return None, False


def input_problem(pattern: str = "/dev/input/event*") -> str | None:
    """A warning when touch and pedal keys cannot be read from the console's input devices."""
    devices = sorted(glob.glob(pattern))
    if devices and not any(os.access(d, os.R_OK) for d in devices):
        return (f"no permission to read {len(devices)} input device(s) in /dev/input: the touch screen and USB "
                "pedals will not respond (the kiosk user needs the group input)")
    return None


def wait_for_display(status: Callable[[str], object], env: Mapping[str, str] | None = None,
                     timeout: float | None = None, clock: Callable[[], float] = time.monotonic,
                     sleep: Callable[[float], object] = time.sleep) -> str | None:
    """Wait until a window can be opened; None then, else the reason (after ``timeout`` seconds).

    ``status`` receives one line each time the reason changes (the unit's STATUS=). The timeout
    comes from ``$KIOSK_DISPLAY_WAIT`` (seconds) when not given.
    """
    env = os.environ if env is None else env
    if timeout is None:
        try:
            timeout = float(env.get("KIOSK_DISPLAY_WAIT", DEFAULT_WAIT_S))
        except ValueError:
            timeout = DEFAULT_WAIT_S
    started = clock()
    said = None
    while True:
        reason, worth_waiting = display_problem(env)
        if reason is None:
            if said is not None:
                log.info("the display is there after %.1f s", clock() - started)
            return None
        if not worth_waiting:
            return reason
        if clock() - started >= timeout:
            return f"no display after {timeout:.0f} s: {reason}"
        if reason != said:
            log.info("waiting for the display: %s", reason)
            status(f"waiting for the display: {reason}")
            said = reason
        sleep(0.25)


class StartupReport:
    """Says, once, why the kiosk could not start: one log line, and STATUS= when systemd runs it."""

    def __init__(self, notifier: Notifier):
        self.notifier = notifier
        self.said: str | None = None

    @classmethod
    def from_env(cls) -> StartupReport:
        return cls(Notifier.from_env())

    def status(self, text: str) -> None:
        self.notifier.status(text)

    def fail(self, reason: str) -> None:
        if self.said is None:
            self.said = reason
            log.error("kiosk cannot start: %s", reason)
            self.status(f"cannot start: {reason}")

    def screen_ready(self, has_screen: Callable[[], bool]) -> bool:
        """True when a window can be opened. Under systemd a missing display is waited for (a slow boot);
        run by hand, no screen at all is an error at once."""
        if self.notifier.enabled:
            reason = wait_for_display(self.status)
            if reason:
                self.fail(reason)
                return False
            return True
        if not has_screen():
            print("kiosk run: error: no screen here (no $DISPLAY, no Wayland, no /dev/dri); run it on the "
                  "Pi's console, in a desktop session, or under Xvfb", file=sys.stderr)
            return False
        return True

    def run(self, app) -> None:
        """``app.run()``; if it ends before the first frame was shown, say why (Kivy's last complaint)."""
        shown: list[bool] = []
        app.first_frame_callbacks.append(lambda: shown.append(True))
        run_explained(app.run, self, lambda: bool(shown))


class LastProblem(logging.Handler):
    """Keeps the last warning or error logged (Kivy's reason for not opening a window)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.message: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.message = " ".join(record.getMessage().split())
        except Exception:  # a bad log call must not hide the real problem
            pass


def ready_notes(*, data_dir_usable: bool, console: bool) -> tuple[str, ...]:
    """What works less well than it should, said with READY=1 (the kiosk starts anyway)."""
    notes = []
    if not data_dir_usable:
        notes.append("sessions are not saved for good: the data folder cannot be written, so they are kept in "
                     "a temporary folder until a restart (see the log line above)")
    if console:
        problem = input_problem()
        if problem:
            notes.append(problem)
    return tuple(notes)


def run_explained(run: Callable[[], object], report: StartupReport, shown: Callable[[], bool]) -> None:
    """Run the UI loop; if it ends before the first frame was shown, say why (Kivy's last complaint)."""
    last = LastProblem()
    root = logging.getLogger()
    root.addHandler(last)
    try:
        run()
    except SystemExit as exc:
        if exc.code not in (None, 0) and not shown():
            report.fail(f"no window: {last.message or 'Kivy could not open one'} (is there a GL driver? "
                        "kiosk doctor checks)")
        raise
    except Exception as exc:
        if not shown():
            report.fail(f"{type(exc).__name__}: {exc}")
        raise
    finally:
        root.removeHandler(last)
