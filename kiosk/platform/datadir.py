"""A data folder the kiosk can write, or a private temporary one when the configured one cannot be.

An empty read-only data folder (a read-only mount, an overlay root without the data partition)
used to end the kiosk at start: Kivy creates its home folder there. A kiosk in a room with nobody
technical must start anyway; it runs on a private temporary folder and says so on screen, so the
sessions of the day are recorded (until a restart) and the clinic knows to fix the folder.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)


def _unwritable(folder: Path) -> str | None:
    """Why ``folder`` cannot be used (created and written), or None when it can."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".kiosk-probe-", dir=folder)
        os.close(fd)
        os.unlink(probe)
        return None
    except OSError as exc:
        return exc.strerror or str(exc)


def writable_data_dir(folder: Path | None) -> tuple[Path, str | None]:
    """``folder`` when the kiosk can write it; else a new private temporary folder and a notice."""
    why = "no data folder could be worked out" if folder is None else _unwritable(folder)
    if why is None:
        return folder, None
    fallback = Path(tempfile.mkdtemp(prefix="kiosk-data-"))
    log.warning("data folder %s cannot be written (%s); using %s until the kiosk restarts", folder, why, fallback)
    return fallback, (f"The data folder {folder} cannot be written ({why}). Sessions are kept in a temporary "
                      "folder until the kiosk restarts; set a writable data_dir in the room config.")
