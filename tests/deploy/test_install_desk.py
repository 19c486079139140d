"""scripts/install.sh --desk on a scratch root: the broker config, the board's unit, rerun and undo."""

from __future__ import annotations

import shutil
import stat

import pytest

from kiosk.paths import ROOT
from tests.deploy.test_install import BACKUPS, install, pytestmark, run, scratch, source, tree  # noqa: F401

pytestmark = [pytestmark, pytest.mark.skipif(shutil.which("mosquitto_passwd") is None,
                                             reason="needs mosquitto_passwd (make test-deps installs it)")]


@pytest.fixture
def desk_source(source):
    for rel in ("systemd/kiosk-desk.service", "deploy/mosquitto/clinic.conf", "deploy/mosquitto/acl"):
        (source / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / rel, source / rel)
    return source


def test_installs_the_broker_config_the_desk_login_and_the_unit(scratch, desk_source):
    out = install(scratch, desk_source, "--desk").stdout
    assert "kiosk-desk.service enabled" in out
    assert (scratch / "etc/mosquitto/conf.d/clinic.conf").read_text() == (ROOT / "deploy/mosquitto/clinic.conf").read_text()
    acl = scratch / "etc/mosquitto/kiosk/acl"
    assert acl.read_text() == (ROOT / "deploy/mosquitto/acl").read_text() and stat.S_IMODE(acl.stat().st_mode) == 0o640
    users = (scratch / "etc/mosquitto/kiosk/passwords").read_text()
    secret = (scratch / "etc/kiosk-desk/mqtt-password")
    assert users.startswith("desk:$7$") and secret.read_text().strip() not in users
    assert stat.S_IMODE(secret.stat().st_mode) == 0o640
    wants = scratch / "etc/systemd/system/multi-user.target.wants/kiosk-desk.service"
    assert wants.is_symlink() and str(wants.readlink()).endswith("/kiosk-desk.service")
    assert "kiosk-desk:" in (scratch / "etc/passwd").read_text()
    from kiosk.desk.config import load_desk_config

    text = (scratch / "etc/kiosk-desk/desk.yaml").read_text().replace("/etc/kiosk-desk", str(scratch / "etc/kiosk-desk"))
    (scratch / "etc/kiosk-desk/check.yaml").write_text(text)
    config = load_desk_config(scratch / "etc/kiosk-desk/check.yaml")
    assert (config.listen_host, config.listen_port) == ("127.0.0.1", 8080) and config.mqtt.username == "desk"


def test_a_second_run_changes_nothing(scratch, desk_source):
    install(scratch, desk_source, "--desk")
    first = tree(scratch)
    install(scratch, desk_source, "--desk")
    assert tree(scratch) == first


def test_uninstall_and_purge_restore_the_tree(scratch, desk_source):
    before = tree(scratch)
    install(scratch, desk_source, "--desk")
    kept = install(scratch, desk_source, "--desk", "--uninstall").stdout
    assert "kept: /etc/kiosk-desk" in kept and not (scratch / "etc/systemd/system/kiosk-desk.service").exists()
    assert not (scratch / "etc/mosquitto/conf.d/clinic.conf").exists()
    install(scratch, desk_source, "--desk", "--uninstall", "--purge")
    after = tree(scratch, skip=BACKUPS)
    # Empty directories (etc/systemd, var/lib, the broker's conf.d) may stay; no file may.
    leftovers = {rel for rel in set(after) - set(before) if after[rel][0] != stat.S_IFDIR}
    assert leftovers == set()
    assert {rel: after[rel] for rel in before} == before
