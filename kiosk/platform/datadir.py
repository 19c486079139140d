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
from collections.abc import Mapping
from pathlib import Path

from kiosk.i18n import _

log = logging.getLogger(__name__)


def data_dir_default(environ: Mapping[str, str] | None = None) -> Path:
    """The platform's user data folder: ``$XDG_DATA_HOME/kiosk``, else ``~/.local/share/kiosk``."""
    env = os.environ if environ is None else environ
    xdg = env.get("XDG_DATA_HOME", "").strip()
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "kiosk"
    home = env.get("HOME", "").strip()
    return (Path(home) if home else Path.home()) / ".local" / "share" / "kiosk"


def resolve_data_dir(cli_value: str | os.PathLike[str] | None, config: object | None,
                     environ: Mapping[str, str] | None = None) -> Path:
    """Where the journal lives: ``--data-dir``, then the room config's ``data_dir`` (with
    ``KIOSK_DATA_DIR``), then the default."""
    if cli_value:
        return Path(cli_value).expanduser()
    if getattr(config, "data_dir", None) is not None:
        return config.data_dir  # type: ignore[attr-defined]
    return data_dir_default(environ)


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
    return fallback, _("The data folder {folder} cannot be written ({why}). Sessions are kept in a temporary "
                       "folder until the kiosk restarts; set a writable data_dir in the room config.").format(
                           folder=folder, why=why)
