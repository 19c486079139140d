"""The systemd unit: it verifies, is Type=notify with a watchdog and restarts, and is hardened."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from kiosk.paths import ROOT

UNIT = ROOT / "systemd" / "kiosk.service"
EXEC = "/opt/kiosk/venv/bin/kiosk"

needs_analyze = pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")


def settings(path) -> dict[str, dict[str, list[str]]]:
    """Unit file as {section: {key: [values...]}} (systemd allows repeated keys)."""
    out: dict[str, dict[str, list[str]]] = {}
    section = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            section = line.strip("[]")
            out.setdefault(section, {})
            continue
        key, _, value = line.partition("=")
        out[section].setdefault(key.strip(), []).append(value.strip())
    return out


def staged(tmp_path, text: str | None = None):
    """A copy of the unit whose ExecStart points at an executable the test creates."""
    binary = tmp_path / "kiosk"
    binary.write_text("#!/bin/sh\nexit 0\n")
    binary.chmod(0o755)
    unit = tmp_path / "kiosk.service"
    unit.write_text((text or UNIT.read_text()).replace(EXEC, str(binary)))
    return unit


def analyze(*args):
    return subprocess.run(["systemd-analyze", *args], capture_output=True, text=True, timeout=60)


class TestShape:
    def test_notify_with_watchdog_and_restart(self):
        unit = settings(UNIT)
        service = unit["Service"]
        assert service["Type"] == ["notify"]
        assert service["NotifyAccess"] == ["main"]
        assert 5 <= int(service["WatchdogSec"][0]) <= 60
        assert service["Restart"] == ["always"]
        assert int(unit["Unit"]["StartLimitBurst"][0]) > 1

    def test_runs_as_the_kiosk_user_on_its_own_console(self):
        unit = settings(UNIT)
        service = unit["Service"]
        assert service["User"] == ["kiosk"]
        assert service["PAMName"] == ["kiosk"]
        assert service["TTYPath"] == ["/dev/tty1"]
        assert "getty@tty1.service" in unit["Unit"]["Conflicts"]
        assert service["ExecStart"][0].split()[0] == EXEC

    def test_logs_to_the_journal_and_writes_only_its_state_directory(self):
        service = settings(UNIT)["Service"]
        assert service["StandardOutput"] == service["StandardError"] == ["journal"]
        assert "KIVY_NO_FILELOG=1" in service["Environment"]
        assert service["ProtectSystem"] == ["strict"]
        assert service["StateDirectory"] == ["kiosk"]
        assert "KIOSK_DATA_DIR=/var/lib/kiosk" in service["Environment"]


@needs_analyze
class TestSystemdAnalyze:
    def test_verify_is_clean(self, tmp_path):
        result = analyze("verify", str(staged(tmp_path)))
        assert result.returncode == 0, result.stderr
        assert result.stderr.strip() == ""

    def test_verify_catches_a_broken_unit(self, tmp_path):
        broken = UNIT.read_text().replace("Type=notify", "Type=notfy")
        result = analyze("verify", str(staged(tmp_path, broken)))
        assert "notfy" in result.stderr

    def test_security_exposure_at_most_4(self, tmp_path):
        unit = staged(tmp_path)
        # --threshold counts in tenths: 40 means an exposure level of 4.0.
        result = analyze("security", "--offline=true", "--threshold=40", "--no-pager", str(unit))
        match = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", result.stdout)
        assert match, result.stdout + result.stderr
        assert float(match.group(1)) <= 4.0
        assert result.returncode == 0, result.stderr

    def test_security_score_reflects_the_hardening(self, tmp_path):
        """Guard against a check that passes anything: without hardening the score is far worse."""
        bare = "\n".join(
            line for line in UNIT.read_text().splitlines()
            if line.startswith(("[", "Description", "Type", "User", "ExecStart"))
        )
        result = analyze("security", "--offline=true", "--no-pager", str(staged(tmp_path, bare)))
        match = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", result.stdout)
        assert match and float(match.group(1)) > 4.0


DESKTOP = ROOT / "systemd" / "kiosk-desktop.service"


class TestDesktopVariant:
    def test_same_notify_watchdog_restart(self):
        service = settings(DESKTOP)["Service"]
        assert (service["Type"], service["Restart"]) == (["notify"], ["always"])
        assert service["WatchdogSec"] == settings(UNIT)["Service"]["WatchdogSec"]
        assert service["ExecStart"] == settings(UNIT)["Service"]["ExecStart"]

    @needs_analyze
    def test_verifies(self, tmp_path):
        unit = staged(tmp_path, DESKTOP.read_text())
        result = analyze("verify", str(unit.rename(tmp_path / "kiosk-desktop.service")))
        assert result.returncode == 0, result.stderr


class TestCloudInit:
    def test_user_data_installs_and_keeps_its_room_config(self, tmp_path):
        import yaml

        from kiosk.config import load_config

        text = (ROOT / "deploy" / "cloud-init" / "user-data.yaml").read_text()
        assert text.startswith("#cloud-config\n")
        data = yaml.safe_load(text)
        assert any("scripts/install.sh" in cmd for cmd in data["runcmd"])
        room = next(f for f in data["write_files"] if f["path"] == "/etc/kiosk/room.yaml")
        path = tmp_path / "room.yaml"
        path.write_text(room["content"])
        config, problems = load_config(path, {})
        assert [p.message for p in problems if "no folder" not in p.message] == []
        assert config.room == "Treatment room 1" and config.pin == "2468"
