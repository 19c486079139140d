"""Screen brightness through the kernel's backlight class (the official Pi displays have one).

Settings > Brightness writes ``/sys/class/backlight/*/brightness`` as the unprivileged kiosk user:
deploy/udev/90-kiosk-backlight.rules gives group video write access to that one file, and
kiosk.service allows writes below /sys/devices/platform (where it lives on a Pi). Where either is
missing, the kiosk dims its own picture instead, and says why once in the log.
"""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)
SYSFS = Path("/sys/class/backlight")
FIX = "install deploy/udev/90-kiosk-backlight.rules (scripts/install.sh does) and keep the kiosk user in group video"


class Backlight:
    """One backlight device; ``set`` returns False when it cannot be driven (the kiosk then dims in software)."""

    def __init__(self, device: Path):
        self.device = device
        self.maximum = int((device / "max_brightness").read_text().strip())
        self.failed: str | None = None

    @classmethod
    def find(cls, root: Path = SYSFS) -> "Backlight | None":
        try:
            for device in sorted(root.iterdir()):
                if (device / "brightness").exists() and (device / "max_brightness").exists():
                    return cls(device)
        except (OSError, ValueError):
            pass
        return None

    def level(self, fraction: float) -> int:
        """The kernel's brightness value for ``fraction``; never fully dark (a black screen in a dim
        room looks like a dead kiosk)."""
        return max(1, round(self.maximum * max(0.05, min(1.0, fraction))))

    def set(self, fraction: float) -> bool:
        if self.failed is not None:
            return False  # said once already; a slider drag must not retry and log at every step
        try:
            (self.device / "brightness").write_text(str(self.level(fraction)))
            return True
        except OSError as exc:
            self.failed = str(exc)
            log.warning("backlight %s cannot be set (%s): dimming on screen instead; to fix, %s",
                        self.device / "brightness", exc.strerror or exc, FIX)
            return False
