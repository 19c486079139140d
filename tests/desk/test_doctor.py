"""``kiosk doctor --desk`` against a real broker and a real board: each fault named with its fix."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.desk.test_board import room_client


def doctor(config) -> tuple[int, dict]:
    done = subprocess.run([sys.executable, "-m", "kiosk", "doctor", "--desk", "--config", str(config), "--json"],
                          capture_output=True, text=True, timeout=60)
    return done.returncode, json.loads(done.stdout)


def messages(report: dict, status: str) -> str:
    return "\n".join(f["message"] + " | " + f["fix"] for f in report["findings"] if f["status"] == status)


def test_a_working_desk_is_all_well(broker, desk):
    room = room_client(broker, 3)
    room.client.publish("kiosk/room-3/availability", b"online", qos=1, retain=True).wait_for_publish(5)
    try:
        code, report = doctor(desk.config)
    finally:
        room.close()
    ok = messages(report, "ok")
    assert code == 0, report
    assert "logged in to" in ok and "1 room(s) known to the broker: room-3" in ok and "the board answers" in ok


def test_a_wrong_broker_password_is_named(broker, desk):
    (desk.folder / "mqtt-password").write_text("wrong\n")
    code, report = doctor(desk.config)
    assert code == 1 and "refused user desk" in messages(report, "fail") and "mosquitto_passwd" in messages(report, "fail")


def test_a_stopped_board_and_a_missing_login_are_named(broker, desk):
    desk.stop()
    desk.login_file.unlink()
    code, report = doctor(desk.config)
    assert code == 1 and "set-password" in messages(report, "fail")
    assert "does not answer" in messages(report, "warn") and "systemctl start kiosk-desk" in messages(report, "warn")


@pytest.mark.parametrize("days, status, words", [(400, "ok", "valid for"), (10, "warn", "renew it")])
def test_the_certificate_is_checked(broker, desk, tmp_path, days, status, words):
    cert, key = tmp_path / "desk.pem", tmp_path / "desk.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", str(days), "-subj", "/CN=desk-pc.local"], check=True, capture_output=True)
    key.chmod(0o600)
    desk.config.write_text(desk.config.read_text() + f"https:\n  cert: {cert}\n  key: {key}\n")
    code, report = doctor(desk.config)
    assert words in messages(report, status), report
