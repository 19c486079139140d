"""The kiosk as a systemd service: READY=1 once the first frame is up, watchdog pings from the UI
loop (a frozen screen stops them and systemd restarts the kiosk), STOPPING=1 when it leaves.

A listener (:mod:`kiosk.listeners`), so the pings come from the frame loop itself, which is the
point of the watchdog. Outside systemd there is nothing to tell and the kiosk wires none.
"""

from __future__ import annotations

from collections.abc import Mapping

from kiosk.listeners import Listener
from kiosk.platform.sdnotify import Notifier, Watchdog


class ServiceNotifier(Listener):
    """Keeps systemd informed of the kiosk's life: started, alive, leaving."""

    def __init__(self, notifier: Notifier, watchdog: Watchdog, notes: tuple[str, ...] = ()):
        self.notifier = notifier
        self.watchdog = watchdog
        #: What works less well than it should, said with READY=1 (the kiosk starts anyway).
        self.notes = notes

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None,
                 notes: tuple[str, ...] = ()) -> "ServiceNotifier | None":
        """The notifier for this process's unit; None when not started by systemd as Type=notify."""
        notifier = Notifier.from_env(environ)
        if not notifier.enabled:
            return None
        return cls(notifier, Watchdog.from_env(notifier, environ), notes)

    def ready(self) -> None:
        """The first frame is on screen: systemd may call the unit started."""
        self.notifier.ready("; ".join(["showing the kiosk", *self.notes]))

    def on_frame(self, now: float) -> None:
        self.watchdog.tick(now)  # at most once per half WatchdogSec; nothing when there is none

    def close(self) -> None:
        self.notifier.stopping("leaving the kiosk")
