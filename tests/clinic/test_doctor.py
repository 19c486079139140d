"""``kiosk doctor`` on a room's clinic network: each fault found, with its fix, against a real broker."""

from __future__ import annotations

from kiosk.clinic.doctor import check_clinic
from kiosk.config import load_config
from kiosk.doctor import FAIL, OK, SKIP, Context
from kiosk.doctor.system import System
from tests.clinic.room import room_config
from kiosk_testkit.mosquitto import free_port


def context(tmp_path, port: int, *, password: str, room_id: str = "room-3") -> Context:
    config, problems = load_config(room_config(tmp_path, port, password, extra=f"  room_id: {room_id}\n"), {})
    assert problems == []
    return Context(System(), "root", config)


def statuses(findings):
    return [(f.status, f.message) for f in findings]


def test_a_room_without_mqtt_is_skipped(tmp_path):
    config, _ = load_config(None, {})
    assert [f.status for f in check_clinic(Context(System(), "root", config))] == [SKIP]


def test_all_well(broker, tmp_path):
    findings = check_clinic(context(tmp_path, broker.port, password=broker.users["room-3"]))
    assert [f.status for f in findings] == [OK, OK, OK], statuses(findings)
    assert findings[1].message == "logged in as room-3"
    assert findings[2].message == "may write its own topics (kiosk/room-3/...)"


def test_wrong_password(broker, tmp_path):
    findings = check_clinic(context(tmp_path, broker.port, password="wrong"))
    assert findings[-1].status == FAIL and "refused user room-3" in findings[-1].message
    assert "mosquitto_passwd" in findings[-1].fix


def test_nothing_listening(tmp_path):
    findings = check_clinic(context(tmp_path, free_port(), password="x"))
    assert len(findings) == 1 and findings[0].status == FAIL and "nothing answers on 127.0.0.1:" in findings[0].message
    assert "systemctl status mosquitto" in findings[0].fix


def test_the_acl_refuses_a_room_id_that_is_not_the_user_name(broker, tmp_path):
    findings = check_clinic(context(tmp_path, broker.port, password=broker.users["room-3"], room_id="room-4"))
    assert findings[-1].status == FAIL and "ACL does not let this room write kiosk/room-4/command/result" in findings[-1].message


def test_a_world_readable_password_file(broker, tmp_path):
    ctx = context(tmp_path, broker.port, password=broker.users["room-3"])
    ctx.config.mqtt.password_file.chmod(0o644)
    findings = check_clinic(ctx)
    assert findings[0].status == FAIL and "can be read by everyone" in findings[0].message
