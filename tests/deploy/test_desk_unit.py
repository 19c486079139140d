"""The front desk's systemd unit: it verifies, restarts, runs unprivileged and is hardened (exposure <= 2.5)."""

from __future__ import annotations

import re

from kiosk.paths import ROOT
from tests.deploy.test_unit import analyze, needs_analyze, settings, staged

UNIT = ROOT / "systemd" / "kiosk-desk.service"


def staged_desk(tmp_path, text: str | None = None):
    unit = staged(tmp_path, text or UNIT.read_text())
    return unit.rename(tmp_path / "kiosk-desk.service")


class TestShape:
    def test_runs_the_board_as_its_own_user_and_restarts(self):
        service = settings(UNIT)["Service"]
        assert service["ExecStart"] == ["/opt/kiosk/venv/bin/kiosk desk --config /etc/kiosk-desk/desk.yaml"]
        assert service["User"] == service["Group"] == ["kiosk-desk"]
        assert service["Restart"] == ["always"]
        assert service["StateDirectory"] == ["kiosk-desk"] and service["ProtectSystem"] == ["strict"]
        assert service["RestrictAddressFamilies"] == ["AF_UNIX AF_INET AF_INET6"]


@needs_analyze
class TestSystemdAnalyze:
    def test_verify_is_clean(self, tmp_path):
        result = analyze("verify", str(staged_desk(tmp_path)))
        assert result.returncode == 0 and result.stderr.strip() == "", result.stderr

    def test_security_exposure_at_most_2_5(self, tmp_path):
        result = analyze("security", "--offline=true", "--threshold=25", "--no-pager", str(staged_desk(tmp_path)))
        match = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", result.stdout)
        assert match, result.stdout + result.stderr
        assert float(match.group(1)) <= 2.5 and result.returncode == 0

    def test_without_its_hardening_it_would_fail(self, tmp_path):
        bare = "\n".join(line for line in UNIT.read_text().splitlines()
                         if line.startswith(("[", "Description", "Type", "User", "ExecStart")))
        result = analyze("security", "--offline=true", "--no-pager", str(staged_desk(tmp_path, bare)))
        match = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", result.stdout)
        assert match and float(match.group(1)) > 2.5
