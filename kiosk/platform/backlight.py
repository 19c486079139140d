"""Screen brightness through the kernel's backlight class (the official Pi displays have one)."""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)
SYSFS = Path("/sys/class/backlight")


class Backlight:
    """One backlight device; ``set`` returns False when it cannot be driven (the kiosk then dims in software)."""

    def __init__(self, device: Path):
        self.device = device
        self.maximum = int((device / "max_brightness").read_text().strip())

    @classmethod
    def find(cls, root: Path = SYSFS) -> "Backlight | None":
        try:
            for device in sorted(root.iterdir()):
                if (device / "brightness").exists() and (device / "max_brightness").exists():
                    return cls(device)
        except (OSError, ValueError):
            pass
        return None

    def set(self, fraction: float) -> bool:
        # Never fully dark: a black screen in a dim room looks like a dead kiosk.
        level = max(1, round(self.maximum * max(0.05, min(1.0, fraction))))
        try:
            (self.device / "brightness").write_text(str(level))
            return True
        except OSError as exc:
            log.info("backlight %s not writable (%s); dimming on screen instead", self.device, exc)
            return False
