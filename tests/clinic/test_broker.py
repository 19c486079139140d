"""The shipped broker config, run for real: no anonymous access, each room confined to its own topics."""

from __future__ import annotations

import subprocess

from kiosk_testkit.mosquitto import find_binary


def pub(broker, user, topic, message, password=None):
    args = broker.sub_args(user)
    if password is not None:
        args[-1] = password
    return subprocess.run([find_binary("mosquitto_pub"), *args, "-t", topic, "-m", message, "-q", "1"],
                          capture_output=True, text=True, timeout=20)


def test_anonymous_clients_are_refused(broker):
    done = subprocess.run([find_binary("mosquitto_pub"), "-h", "127.0.0.1", "-p", str(broker.port),
                           "-t", "kiosk/room-3/state", "-m", "x"], capture_output=True, text=True, timeout=20)
    assert done.returncode != 0 and "not authori" in done.stderr.lower()


def test_wrong_password_is_refused(broker):
    done = pub(broker, "room-3", "kiosk/room-3/state", "x", password="wrong")
    assert done.returncode != 0 and "not authori" in done.stderr.lower()


def test_a_room_writes_its_own_topics_and_not_another_rooms(broker, watcher):
    assert pub(broker, "room-3", "kiosk/room-3/state", "mine").returncode == 0
    assert pub(broker, "room-3", "kiosk/room-4/state", "theirs").returncode == 0  # MQTT 3.1.1: dropped silently
    assert pub(broker, "room-3", "kiosk/room-3/state", "mine again").returncode == 0
    watcher.wait_for(lambda m: m[1] == b"mine again")
    assert [m[1] for m in watcher.on("kiosk/room-3/state")] == [b"mine", b"mine again"]
    assert watcher.on("kiosk/room-4/state") == []
    assert "Denied PUBLISH from" in broker.log() and "kiosk/room-4/state" in broker.log()


def test_the_desk_commands_rooms_but_cannot_pose_as_one(broker, watcher):
    assert pub(broker, "desk", "kiosk/room-3/command", '{"clear_message": true}').returncode == 0
    assert pub(broker, "desk", "kiosk/room-3/state", "fake").returncode == 0
    watcher.wait_for(lambda m: m[0] == "kiosk/room-3/command")
    assert watcher.on("kiosk/room-3/state") == []
