"""The doctor's view of the machine: permissions for another user, mounts, and the GPIO pin probe."""

from __future__ import annotations

import pytest
from gpiozero import Button, Device
from gpiozero.pins.mock import MockFactory

from kiosk.doctor.system import System, probe_gpio_pin


@pytest.fixture
def mock_factory():
    saved = Device.pin_factory
    Device.pin_factory = MockFactory()
    try:
        yield Device.pin_factory
    finally:
        Device.pin_factory.close()
        Device.pin_factory = saved


class TestPinProbe:
    def test_free_pin(self, mock_factory):
        assert probe_gpio_pin(17) is None
        assert probe_gpio_pin(17) is None  # the probe let go of it

    def test_pin_owned_elsewhere_is_busy(self, mock_factory):
        held = Button(27)
        try:
            reason = probe_gpio_pin(27)
        finally:
            held.close()
        assert reason and reason.startswith("GPIO busy")

    def test_no_such_pin(self, mock_factory):
        assert probe_gpio_pin("GPIO99")


class TestPermissions:
    @pytest.mark.parametrize(
        ("owner", "group", "mode", "user", "wanted", "expected"),
        [
            (0, 105, 0o660, "kiosk", "rw", True),    # through the group
            (0, 105, 0o600, "kiosk", "r", False),    # group has no bits
            (0, 0, 0o644, "kiosk", "r", True),       # world-readable
            (0, 0, 0o644, "kiosk", "w", False),
            (999, 0, 0o600, "kiosk", "rw", True),    # owner
            (0, 0, 0o600, "root", "rw", True),       # root may do anything
            (0, 105, 0o660, "nobody", "r", False),   # no such user
        ],
    )
    def test_can(self, tmp_path, owner, group, mode, user, wanted, expected):
        import os

        (tmp_path / "etc").mkdir()
        (tmp_path / "etc/passwd").write_text("root:x:0:0::/root:/bin/sh\nkiosk:x:999:996::/var/lib/kiosk:/bin/false\n")
        (tmp_path / "etc/group").write_text("root:x:0:\nrender:x:105:kiosk\nkiosk:x:996:\n")
        node = tmp_path / "dev/node"
        node.parent.mkdir()
        node.write_text("")
        if os.geteuid() == 0:
            os.chown(node, owner, group)
        elif (owner, group) != (os.geteuid(), os.getegid()):
            pytest.skip("needs root to give the file away")
        node.chmod(mode)
        assert System(tmp_path).can(user, "/dev/node", wanted) is expected


class TestMounts:
    def test_longest_mount_point_wins(self, tmp_path):
        (tmp_path / "proc/self").mkdir(parents=True)
        (tmp_path / "proc/self/mountinfo").write_text(
            "30 1 0:25 / / rw - overlay overlay rw,lowerdir=/x\n"
            "31 30 179:3 / /var/lib/kiosk rw,noatime - ext4 /dev/mmcblk0p3 rw\n"
            "32 30 179:1 / /boot/firmware ro - vfat /dev/mmcblk0p1 ro\n")
        system = System(tmp_path)
        assert system.mount_of("/var/lib/kiosk/journal").fstype == "ext4"
        assert system.mount_of("/var/lib/kiosk-other").fstype == "overlay"
        assert "ro" in system.mount_of("/boot/firmware/cmdline.txt").options

    def test_glob_gives_machine_paths(self, tmp_path):
        (tmp_path / "dev/dri").mkdir(parents=True)
        (tmp_path / "dev/dri/card1").write_text("")
        assert System(tmp_path).glob("/dev/dri/card*") == ["/dev/dri/card1"]
