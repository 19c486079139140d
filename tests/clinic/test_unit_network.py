"""The unit gains network access only for a room on the clinic network, only to the LAN, and stays hardened."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from kiosk.paths import ROOT
from tests.deploy.test_install import install, scratch, source  # noqa: F401  (fixtures)
from tests.deploy.test_unit import UNIT, analyze, needs_analyze, settings, staged

DROPIN = ROOT / "systemd" / "kiosk-mqtt.conf"
MQTT_ROOM = "room: Room 3\nmqtt:\n  broker: desk-pc.local\n  username: room-3\n"


@needs_analyze
def test_with_the_drop_in_the_unit_verifies_and_exposure_stays_at_most_2(tmp_path):
    unit = staged(tmp_path, UNIT.read_text() + "\n" + DROPIN.read_text())
    assert analyze("verify", str(unit)).stderr.strip() == ""
    result = analyze("security", "--offline=true", "--threshold=20", "--no-pager", str(unit))
    level = float(re.search(r"Overall exposure level for \S+: (\d+\.\d+)", result.stdout).group(1))
    assert level <= 2.0 and result.returncode == 0, result.stdout
    merged = settings(unit)["Service"]
    assert merged["IPAddressDeny"] == ["any"]  # everything not allowed stays denied
    assert "AF_INET" in merged["RestrictAddressFamilies"][-1] and "AF_PACKET" not in merged["RestrictAddressFamilies"][-1]
    assert "0.0.0.0/0" not in merged["IPAddressAllow"][0] and "192.168.0.0/16" in merged["IPAddressAllow"][0]


@pytest.mark.skipif(shutil.which("useradd") is None, reason="the installer needs shadow tools")
def test_the_installer_writes_the_drop_in_only_for_a_room_with_mqtt(scratch, source, tmp_path):  # noqa: F811
    (source / "systemd" / "kiosk-mqtt.conf").write_text(DROPIN.read_text())
    plain = tmp_path / "plain.yaml"
    plain.write_text("room: Room 3\n")
    on = tmp_path / "on.yaml"
    on.write_text(MQTT_ROOM)
    target = scratch / "etc/systemd/system/kiosk.service.d/mqtt.conf"

    install(scratch, source, "--config", str(plain))
    assert not target.exists()
    install(scratch, source, "--config", str(on))
    assert target.read_text() == DROPIN.read_text() and oct(target.stat().st_mode & 0o777) == "0o644"
    install(scratch, source, "--config", str(plain))  # the block removed: back to no network
    assert not target.exists() and not target.parent.exists()
    install(scratch, source, "--config", str(on))
    done = subprocess.run(["bash", str(ROOT / "scripts/install.sh"), "--root", str(scratch), "--source", str(source),
                           "--uninstall"], capture_output=True, text=True)
    assert done.returncode == 0 and not target.exists(), done.stderr
