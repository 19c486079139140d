"""scripts/install.sh on a scratch root: what it installs, that a second run changes nothing, and undo."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from kiosk.paths import ROOT

INSTALLER = ROOT / "scripts" / "install.sh"
CMDLINE = "console=serial0,115200 console=tty1 root=PARTUUID=6c586e13-02 rootfstype=ext4 fsck.repair=yes rootwait\n"
BACKUPS = {"etc/passwd-", "etc/group-", "etc/shadow-", "etc/gshadow-"}

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("useradd") is None or shutil.which("systemctl") is None,
    reason="the installer writes users and files owned by root: run as root with shadow and systemd tools",
)


@pytest.fixture
def source(tmp_path) -> Path:
    """A small project checkout: the real unit and example config, plus things that must not be copied."""
    src = tmp_path / "src"
    for rel in ("pyproject.toml", "systemd/kiosk.service", "deploy/room.example.yaml",
                "deploy/udev/90-kiosk-backlight.rules"):
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / rel, src / rel)
    (src / "kiosk").mkdir()
    (src / "kiosk" / "__init__.py").write_text('"""kiosk"""\n')
    for junk in (".git/HEAD", ".venv/bin/python", "kiosk/__pycache__/x.pyc", "bench/results/r.json"):
        (src / junk).parent.mkdir(parents=True, exist_ok=True)
        (src / junk).write_text("junk\n")
    return src


@pytest.fixture
def scratch(tmp_path) -> Path:
    """A minimal Raspberry Pi OS root: accounts without the render/input/gpio groups, a boot partition."""
    root = tmp_path / "root"
    files = {
        "etc/passwd": "root:x:0:0:root:/root:/bin/bash\npi:x:1000:1000:,,,:/home/pi:/bin/bash\n",
        "etc/group": "root:x:0:\nvideo:x:44:pi\naudio:x:29:pi\npi:x:1000:\n",
        "etc/shadow": "root:*:19000:0:99999:7:::\npi:*:19000:0:99999:7:::\n",
        "etc/gshadow": "root:*::\nvideo:*::pi\naudio:*::pi\npi:!::\n",
        "etc/fstab": "proc /proc proc defaults 0 0\nPARTUUID=6c586e13-02 / ext4 defaults,noatime 0 1\n",
        "boot/firmware/cmdline.txt": CMDLINE,
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    (root / "etc/shadow").chmod(0o640)
    (root / "etc/gshadow").chmod(0o640)
    return root


def run(root: Path, source: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(INSTALLER), "--root", str(root), "--source", str(source), *args],
        capture_output=True, text=True, timeout=120,
    )


def install(root, source, *args):
    result = run(root, source, *args)
    assert result.returncode == 0, result.stderr + result.stdout
    return result


def tree(root: Path, skip: set[str] = frozenset()) -> dict[str, tuple]:
    """Every path under root with its type, mode, owner and content (or link target)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = str(path.relative_to(root))
            if rel in skip:
                continue
            st = path.lstat()
            if stat.S_ISLNK(st.st_mode):
                content = os.readlink(path)
            elif stat.S_ISREG(st.st_mode):
                content = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                content = None
            out[rel] = (stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid, content)
    return out


def account(root: Path, file: str, name: str) -> list[str]:
    for line in (root / "etc" / file).read_text().splitlines():
        fields = line.split(":")
        if fields[0] == name:
            return fields
    raise AssertionError(f"{name} not in etc/{file}")


class TestInstall:
    def test_user_with_its_groups(self, scratch, source):
        install(scratch, source)
        user = account(scratch, "passwd", "kiosk")
        assert user[5:] == ["/var/lib/kiosk", "/usr/sbin/nologin"]
        assert int(user[2]) < 1000  # a system user
        for group in ("render", "video", "input", "audio", "gpio"):
            assert "kiosk" in account(scratch, "group", group)[3].split(","), group
        assert account(scratch, "group", "video")[3].split(",") == ["pi", "kiosk"]  # others kept

    def test_group_left_by_an_earlier_install_is_reused(self, scratch, source):
        with open(scratch / "etc/group", "a") as f:
            f.write("kiosk:x:990:\n")
        with open(scratch / "etc/gshadow", "a") as f:
            f.write("kiosk:!::\n")
        install(scratch, source)
        assert account(scratch, "passwd", "kiosk")[3] == "990"

    def test_unit_enabled_and_tty1_taken_over(self, scratch, source):
        install(scratch, source)
        system = scratch / "etc/systemd/system"
        assert (system / "kiosk.service").read_bytes() == (ROOT / "systemd/kiosk.service").read_bytes()
        assert os.readlink(system / "multi-user.target.wants/kiosk.service").endswith("/kiosk.service")
        assert os.readlink(system / "getty@tty1.service") == "/dev/null"
        assert "pam_systemd.so" in (scratch / "etc/pam.d/kiosk").read_text()

    def test_config_data_dir_and_program(self, scratch, source):
        install(scratch, source)
        kiosk_gid = int(account(scratch, "group", "kiosk")[2])
        kiosk_uid = int(account(scratch, "passwd", "kiosk")[2])
        room = scratch / "etc/kiosk/room.yaml"
        assert room.read_bytes() == (ROOT / "deploy/room.example.yaml").read_bytes()
        st = room.stat()
        assert (stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid) == (0o640, 0, kiosk_gid)  # holds the PIN
        data = (scratch / "var/lib/kiosk").stat()
        assert (stat.S_IMODE(data.st_mode), data.st_uid, data.st_gid) == (0o750, kiosk_uid, kiosk_gid)
        assert (scratch / "etc/kiosk/routines").is_dir()
        program = scratch / "opt/kiosk/src"
        assert (program / "kiosk/__init__.py").is_file()
        assert not any((program / junk).exists() for junk in (".git", ".venv", "kiosk/__pycache__", "bench/results"))

    def test_backlight_rule_lets_group_video_set_the_brightness(self, scratch, source):
        install(scratch, source)
        rule = scratch / "etc/udev/rules.d/90-kiosk-backlight.rules"
        assert rule.read_text() == (ROOT / "deploy/udev/90-kiosk-backlight.rules").read_text()
        assert stat.S_IMODE(rule.stat().st_mode) == 0o644
        run(scratch, source, "--uninstall")
        assert not rule.exists()

    def test_console_never_blanks(self, scratch, source):
        install(scratch, source)
        cmdline = (scratch / "boot/firmware/cmdline.txt").read_text()
        assert cmdline == CMDLINE.rstrip("\n") + " consoleblank=0\n"  # still one line

    def test_second_run_changes_nothing(self, scratch, source):
        install(scratch, source, "--data-device", "LABEL=KIOSKDATA")
        first = tree(scratch)
        second_run = install(scratch, source, "--data-device", "LABEL=KIOSKDATA")
        assert tree(scratch) == first
        assert "created" not in second_run.stdout
        assert (scratch / "etc/fstab").read_text().count("LABEL=KIOSKDATA /var/lib/kiosk") == 1

    def test_clinic_config_is_never_overwritten(self, scratch, source):
        install(scratch, source)
        room = scratch / "etc/kiosk/room.yaml"
        room.write_text("room: Blue room\n")
        os.chown(room, 0, 0)
        room.chmod(0o600)
        install(scratch, source)
        assert room.read_text() == "room: Blue room\n"
        kiosk_gid = int(account(scratch, "group", "kiosk")[2])
        assert (stat.S_IMODE(room.stat().st_mode), room.stat().st_gid) == (0o640, kiosk_gid)  # the kiosk can read it

    def test_config_option_installs_that_file(self, scratch, source, tmp_path):
        mine = tmp_path / "mine.yaml"
        mine.write_text("room: Green room\n")
        install(scratch, source, "--config", str(mine))
        assert (scratch / "etc/kiosk/room.yaml").read_text() == "room: Green room\n"

    @pytest.mark.parametrize("args", [["--bogus"], ["--root"]], ids=["unknown", "missing-value"])
    def test_usage_errors(self, scratch, source, args):
        result = subprocess.run(["bash", str(INSTALLER), *args], capture_output=True, text=True, timeout=30)
        assert result.returncode != 0
        assert "install.sh" in result.stderr or "--root" in result.stderr


class TestUninstall:
    def test_keeps_config_and_journal(self, scratch, source):
        install(scratch, source, "--data-device", "LABEL=KIOSKDATA")
        (scratch / "var/lib/kiosk/journal.sqlite").write_text("sessions")
        install(scratch, source, "--uninstall")
        system = scratch / "etc/systemd/system"
        assert not (system / "kiosk.service").exists()
        assert not (system / "getty@tty1.service").is_symlink()
        assert not (scratch / "opt/kiosk").exists()
        assert (scratch / "boot/firmware/cmdline.txt").read_text() == CMDLINE
        assert "KIOSKDATA" not in (scratch / "etc/fstab").read_text()
        assert (scratch / "etc/kiosk/room.yaml").exists()
        assert (scratch / "var/lib/kiosk/journal.sqlite").read_text() == "sessions"

    def test_purge_restores_the_original_tree(self, scratch, source):
        before = tree(scratch)
        install(scratch, source)
        install(scratch, source, "--uninstall")
        install(scratch, source, "--uninstall", "--purge")
        after = tree(scratch, skip=BACKUPS)
        # Directories the installer made for systemd may stay when empty; nothing else may.
        leftovers = {rel for rel in set(after) - set(before) if after[rel][0] != stat.S_IFDIR}
        assert leftovers == set()
        assert {rel: after[rel] for rel in before} == before
