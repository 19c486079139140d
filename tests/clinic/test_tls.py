"""TLS to the clinic's broker: a room that trusts the clinic's CA connects; doctor names a wrong CA."""

from __future__ import annotations

import shutil

import pytest

from kiosk.clinic.doctor import check_clinic
from kiosk.config import load_config
from kiosk.doctor import FAIL, OK, Context
from kiosk.doctor.system import System
from tests.clinic.conftest import USERS, Watcher
from kiosk.clinic.config import TlsConfig
from tests.clinic.room import Room, room_config
from kiosk_testkit.mosquitto import Certificates, Mosquitto

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl makes the test certificates")


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    return Certificates(tmp_path_factory.mktemp("certs"))


@pytest.fixture
def tls_broker(tmp_path, certs):
    broker = Mosquitto(tmp_path / "broker", USERS, tls=certs).start()
    try:
        yield broker
    finally:
        broker.stop()


def room(tmp_path, broker, ca) -> Context:
    path = room_config(tmp_path, broker.port, USERS["room-3"], host="localhost", extra=f"  tls:\n    ca: {ca}\n")
    config, problems = load_config(path, {})
    assert problems == []
    return Context(System(), "root", config)


def test_a_room_trusting_the_clinic_ca_connects_and_publishes(tmp_path, tls_broker, certs):
    findings = check_clinic(room(tmp_path, tls_broker, certs.ca))
    assert [f.status for f in findings] == [OK] * 4, [(f.status, f.message) for f in findings]
    assert findings[1].message.startswith("TLS: the broker's certificate is trusted")

    desk = Watcher(tls_broker)
    r = Room(tls_broker, tmp_path / "r", tls=TlsConfig(ca=certs.ca))
    try:
        r.choose()
        assert desk.json_on("kiosk/room-3/state", lambda d: d["state"] == "ready")["routine"] == "Back massage"
        assert r.link.status == f"connected to localhost:{tls_broker.port}"
    finally:
        r.close()
        desk.close()


def test_doctor_names_an_untrusted_certificate(tmp_path, tls_broker, certs):
    other = Certificates(tmp_path / "other")
    findings = check_clinic(room(tmp_path, tls_broker, other.ca))
    assert findings[-1].status == FAIL and "certificate is not trusted" in findings[-1].message
    assert "copy the clinic's CA" in findings[-1].fix


def test_doctor_names_a_plain_listener_where_tls_was_expected(tmp_path, broker, certs):
    findings = check_clinic(room(tmp_path, broker, certs.ca))
    assert findings[-1].status == FAIL and "TLS: no secure connection" in findings[-1].message
