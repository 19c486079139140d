"""systemd's notify protocol (``sd_notify``) in plain socket code: READY=1, STATUS=, WATCHDOG=1.

The unit is ``Type=notify`` with ``WatchdogSec``: the kiosk says READY=1 once its first frame is
up, and pings WATCHDOG=1 from the UI loop itself, so a frozen screen stops the pings and systemd
restarts the kiosk. Outside systemd (a laptop, a test) there is no ``$NOTIFY_SOCKET`` and every
call quietly does nothing. A notification never raises: a kiosk must not fall over because the
service manager went away.

Typical use from the composition root::

    notifier = Notifier.from_env()
    watchdog = Watchdog.from_env(notifier)
    # in the UI loop's clock callback, on the main thread:
    watchdog.tick(clock.now())
    # after the first frame is drawn:
    notifier.ready("showing the routine picker")
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping

log = logging.getLogger(__name__)


def _clean(text: str) -> str:
    """One line: the protocol separates assignments with newlines."""
    return " ".join(str(text).split())


class Notifier:
    """Sends state changes to the service manager over ``$NOTIFY_SOCKET`` (an AF_UNIX datagram socket)."""

    def __init__(self, address: str | None):
        self.address = address or None
        self._sock: socket.socket | None = None
        self._failed_once = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Notifier:
        """The notifier systemd asked for, or one that does nothing when not run by systemd."""
        env = os.environ if environ is None else environ
        return cls(env.get("NOTIFY_SOCKET"))

    @property
    def enabled(self) -> bool:
        """True when a service manager listens (and the address is one this code can reach)."""
        return bool(self.address) and self.address[0] in "/@"

    def _target(self) -> str | bytes:
        assert self.address
        if self.address.startswith("@"):  # abstract namespace: a leading NUL byte instead of '@'
            return b"\0" + self.address[1:].encode()
        return self.address

    def send(self, *assignments: str) -> bool:
        """Send ``KEY=VALUE`` assignments in one datagram; True when it was delivered."""
        if not self.enabled or not assignments:
            return False
        payload = "\n".join(assignments).encode()
        try:
            if self._sock is None:
                self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
            self._sock.sendto(payload, self._target())
        except OSError as exc:
            if not self._failed_once:
                log.warning("cannot notify the service manager at %s: %s", self.address, exc)
                self._failed_once = True
            self.close()
            return False
        return True

    def ready(self, status: str | None = None) -> bool:
        """The kiosk is up: its first frame is on screen."""
        return self.send("READY=1", *([f"STATUS={_clean(status)}"] if status else []))

    def status(self, text: str) -> bool:
        """A one-line status shown by ``systemctl status kiosk``."""
        return self.send(f"STATUS={_clean(text)}")

    def ping(self) -> bool:
        """Tell the watchdog the UI loop is alive."""
        return self.send("WATCHDOG=1")

    def stopping(self, status: str | None = None) -> bool:
        """The kiosk is shutting down on purpose (not a crash)."""
        return self.send("STOPPING=1", *([f"STATUS={_clean(status)}"] if status else []))

    def extend_timeout(self, seconds: float) -> bool:
        """Ask for more time to start or stop (a slow first load from a cold SD card)."""
        return self.send(f"EXTEND_TIMEOUT_USEC={int(seconds * 1_000_000)}")

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None


def watchdog_interval(environ: Mapping[str, str] | None = None, pid: int | None = None) -> float | None:
    """Seconds between watchdog pings: half of ``$WATCHDOG_USEC``, or None when no watchdog is set.

    ``$WATCHDOG_PID``, when set, names the process the watchdog is meant for; any other process
    (a child that inherited the environment) must not ping.
    """
    env = os.environ if environ is None else environ
    raw = env.get("WATCHDOG_USEC", "").strip()
    if not raw:
        return None
    try:
        usec = int(raw)
    except ValueError:
        log.warning("ignoring WATCHDOG_USEC=%r: not a whole number of microseconds", raw)
        return None
    if usec <= 0:
        return None
    owner = env.get("WATCHDOG_PID", "").strip()
    if owner:
        try:
            if int(owner) != (os.getpid() if pid is None else pid):
                return None
        except ValueError:
            return None
    return usec / 1_000_000 / 2


class Watchdog:
    """Pings the service manager's watchdog at most once per ``interval``, driven by the UI loop.

    ``tick(now)`` is called from the loop with a monotonic time; it pings when the last ping is
    ``interval`` old. Because the ping comes from the loop itself, a hung loop stops it.
    """

    def __init__(self, notifier: Notifier, interval: float | None):
        self.notifier = notifier
        self.interval = interval
        self._next: float | None = None
        self.pings = 0

    @classmethod
    def from_env(cls, notifier: Notifier, environ: Mapping[str, str] | None = None) -> Watchdog:
        return cls(notifier, watchdog_interval(environ))

    @property
    def enabled(self) -> bool:
        return self.interval is not None and self.notifier.enabled

    def tick(self, now: float) -> bool:
        """Ping if one is due at monotonic time ``now``; True when a ping was sent."""
        if not self.enabled:
            return False
        if self._next is not None and now < self._next:
            return False
        assert self.interval is not None
        self._next = now + self.interval
        if self.notifier.ping():
            self.pings += 1
            return True
        return False
