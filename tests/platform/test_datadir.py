"""A read-only data folder: the kiosk falls back to a private temporary folder, says so, and starts."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from kiosk.platform.datadir import writable_data_dir
from kiosk_testkit.tinyfs import can_mount

pytestmark = pytest.mark.skipif(not can_mount(), reason="mounting a read-only tmpfs needs root")


@contextlib.contextmanager
def read_only_mount():
    """An empty read-only filesystem (what a data partition mounted ro, or an overlay root, gives)."""
    where = Path(tempfile.mkdtemp(prefix="kiosk-ro-"))
    subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(where)], check=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)
        where.rmdir()


def test_a_writable_folder_is_kept(tmp_path):
    assert writable_data_dir(tmp_path / "data") == (tmp_path / "data", None)
    assert (tmp_path / "data").is_dir() and list((tmp_path / "data").iterdir()) == []


def test_a_read_only_folder_gives_a_private_temporary_one_and_a_notice():
    with read_only_mount() as folder:
        used, notice = writable_data_dir(folder)
        try:
            assert used != folder and used.is_dir()
            assert (used.stat().st_mode & 0o777) == 0o700  # private: mkdtemp
            assert notice.startswith(f"The data folder {folder} cannot be written (Read-only file system)")
            assert "temporary folder" in notice
        finally:
            shutil.rmtree(used)


@pytest.mark.ui
@pytest.mark.slow
def test_the_kiosk_starts_on_an_empty_read_only_data_folder_and_records(tmp_path):
    from kiosk_testkit.process import KioskProcess
    from kiosk_testkit.xvfb import Xvfb
    from tests.ui.conftest import DATA

    with Xvfb(1280, 800) as screen, read_only_mount() as folder:
        kiosk = KioskProcess(screen, "--windowed", "--data-dir", str(folder),
                             "--routine", str(DATA / "fast" / "fast.yaml"))
        with kiosk:
            kiosk.wait_log(rf"notice on screen: The data folder {folder} cannot be written", timeout=20)
            used = kiosk.wait_log(r"using (\S+) until the kiosk restarts").group(1)
            kiosk.key("space")
            kiosk.wait_log(r"step 1 .* shown", timeout=15)
            assert "Traceback" not in kiosk.log()
            assert (Path(used) / "kiosk.sqlite3").is_file()
        shutil.rmtree(used, ignore_errors=True)
