"""``kiosk desk add-room``: a new room gets a broker login that works, and only its own topics."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from kiosk.clinic.config import check_secret_file
from tests.clinic.test_fleet import FAST


def add_room(broker, tmp_path, *extra):
    return subprocess.run([sys.executable, "-m", "kiosk", "desk", "add-room", "Treatment room 9",
                           "--passwords", str(broker.folder / "passwords"), "--acl", str(broker.folder / "acl"),
                           "--broker", f"127.0.0.1:{broker.port}", "--out", str(tmp_path / "room9"), *extra],
                          capture_output=True, text=True, timeout=60)


def test_a_new_room_logs_in_and_publishes_as_itself(broker, watcher, tmp_path):
    done = add_room(broker, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "username: treatment-room-9" in done.stdout and "room_id: treatment-room-9" in done.stdout
    secret = tmp_path / "room9" / "mqtt-password"
    assert check_secret_file(secret) is None  # not readable by everyone
    password = secret.read_text().strip()
    assert len(password) >= 24 and password not in done.stdout  # written to the file, not to the screen
    lines = (broker.folder / "passwords").read_text().splitlines()
    assert [line.split(":")[0] for line in lines].count("treatment-room-9") == 1
    assert password not in "\n".join(lines)  # hashed
    broker.proc.send_signal(signal.SIGHUP)  # what `systemctl reload mosquitto` does
    time.sleep(0.5)
    block = (tmp_path / "room9" / "room-mqtt.yaml").read_text().replace("/etc/kiosk/mqtt-password", str(secret))
    config = tmp_path / "room9" / "room.yaml"
    config.write_text("room: Treatment room 9\n" + block)
    run = subprocess.run([sys.executable, "-m", "kiosk", "simulate", str(FAST), "--realtime", "--speed", "20",
                          "--mqtt-config", str(config)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert watcher.json_on("kiosk/treatment-room-9/state", lambda d: d["state"] == "running")["room"] == "treatment-room-9"


def test_an_existing_room_is_not_overwritten_without_replace(broker, tmp_path):
    assert add_room(broker, tmp_path).returncode == 0
    again = add_room(broker, tmp_path)
    assert again.returncode == 1 and "already has a user" in again.stderr and "--replace" in again.stderr
    assert add_room(broker, tmp_path, "--replace").returncode == 0


@pytest.mark.parametrize("room_id, words", [("desk", "broker user of the desk"), ("Room 9", "not a room id")])
def test_a_room_id_that_would_clash_is_refused(broker, tmp_path, room_id, words):
    done = add_room(broker, tmp_path, "--room-id", room_id)
    assert done.returncode == 1 and words in done.stderr and "Traceback" not in done.stderr


def test_an_acl_that_does_not_keep_rooms_apart_is_refused(broker, tmp_path):
    (broker.folder / "acl").write_text("topic readwrite #\n")
    done = add_room(broker, tmp_path)
    assert done.returncode == 1 and "install.sh --desk" in done.stderr
