"""A fake Raspberry Pi for the doctor: a scratch folder laid out like / plus canned command output."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kiosk.doctor.system import System
from kiosk.paths import ROOT

KIOSK_UID, KIOSK_GID = 999, 996
GROUPS = {"video": 44, "audio": 29, "render": 105, "input": 106, "gpio": 997}


def abs_bits(*bits: int) -> str:
    value = sum(1 << b for b in bits)
    return format(value, "x")


TOUCH = (
    'I: Bus=0018 Vendor=0000 Product=0000 Version=0000\nN: Name="generic ft5x06 (79)"\n'
    "H: Handlers=mouse0 event0\nB: EV=b\nB: KEY=400 0 0 0 0 0\n"
    f"B: ABS={abs_bits(0, 1, 0x2f, 0x35, 0x36, 0x39)}\n"
)
MOUNTS = "22 1 179:2 / / rw,noatime shared:1 - ext4 /dev/mmcblk0p2 rw\n"
SERVICE = {
    "LoadState": "loaded", "ActiveState": "active", "SubState": "running", "Result": "success",
    "UnitFileState": "enabled", "NRestarts": "0", "Type": "notify", "WatchdogUSec": "20s", "User": "kiosk",
    "Environment": "KIOSK_CONFIG=/etc/kiosk/room.yaml KIOSK_DATA_DIR=/var/lib/kiosk KIVY_HOME=/var/lib/kiosk/kivy "
                   "GPIOZERO_PIN_FACTORY=lgpio",
}


class Machine:
    """A healthy kiosk; tests break one thing and look for the finding."""

    def __init__(self, root: Path):
        self.root = root
        self.service = dict(SERVICE)
        self.unit_text = (ROOT / "systemd" / "kiosk.service").read_text()  # what `systemctl cat` shows
        self.journal = ["[INFO   ] [GL          ] OpenGL renderer           <b'V3D 7.1'>"]
        self.pin_problem: str | None = None
        self.has_lgpio = True
        group_lines = "".join(f"{g}:x:{gid}:pi,kiosk\n" for g, gid in GROUPS.items())
        self.write("/etc/passwd", f"root:x:0:0:root:/root:/bin/bash\nkiosk:x:{KIOSK_UID}:{KIOSK_GID}::/var/lib/kiosk:"
                                  "/usr/sbin/nologin\n")
        self.write("/etc/group", f"root:x:0:\n{group_lines}kiosk:x:{KIOSK_GID}:\n")
        self.write("/etc/kiosk/room.yaml", "room: Test room\npedals:\n  - pin: 17\n")
        self.device("/dev/dri/card1", "video")
        self.device("/dev/dri/renderD128", "render")
        self.device("/dev/input/event0", "input")
        self.device("/dev/snd/pcmC0D0p", "audio")
        self.device("/dev/gpiochip0", "gpio")
        self.write("/proc/bus/input/devices", TOUCH)
        self.write("/proc/asound/cards", " 0 [Device         ]: USB-Audio - USB Audio Device\n"
                                         "                      USB Audio Device at usb-xhci-hcd.0-1\n")
        self.write("/proc/self/mountinfo", MOUNTS)
        self.write("/sys/module/kernel/parameters/consoleblank", "0\n")
        self.write("/var/lib/kiosk/kivy/config.ini",
                   "[kivy]\nlog_level = info\n\n[input]\nmouse = mouse,disable_on_activity\n%(name)s = probesysfs\n")
        os.chown(self.root / "var/lib/kiosk", KIOSK_UID, KIOSK_GID)
        (self.root / "var/lib/kiosk").chmod(0o750)
        (self.root / "run/systemd/system").mkdir(parents=True)

    def write(self, path: str, text: str) -> Path:
        target = self.root / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        return target

    def device(self, path: str, group: str, mode: int = 0o660) -> None:
        node = self.write(path, "")
        os.chown(node, 0, GROUPS[group])
        node.chmod(mode)

    def run(self, argv: list[str]):
        if argv[0] == "systemctl" and argv[1] == "show":
            return 0, "".join(f"{k}={v}\n" for k, v in self.service.items())
        if argv[:2] == ["systemctl", "cat"]:
            return 0, f"# /etc/systemd/system/{argv[2]}\n{self.unit_text}"
        if argv[0] == "journalctl":
            return 0, "\n".join(self.journal) + "\n"
        return None

    def system(self) -> System:
        system = System(self.root, run=self.run, probe_pin=lambda pin: self.pin_problem, environ={"HOME": "/root"},
                        euid=0)
        system.importable = lambda module: self.has_lgpio if module == "lgpio" else True
        return system


@pytest.fixture
def machine(tmp_path) -> Machine:
    if os.geteuid() != 0:
        pytest.skip("the fake machine gives files to other users and groups: run as root")
    return Machine(tmp_path / "pi")
