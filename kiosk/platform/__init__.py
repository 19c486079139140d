"""What the kiosk needs from the operating system: systemd's notify protocol and watchdog."""

from kiosk.platform.sdnotify import Notifier, Watchdog, watchdog_interval

__all__ = ["Notifier", "Watchdog", "watchdog_interval"]
