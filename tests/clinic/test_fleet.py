"""``kiosk simulate --realtime --speed N --mqtt-config FILE``: rooms without screens publishing as rooms do."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.clinic.room import room_config
from tests.ui.conftest import DATA

FAST = DATA / "fast" / "fast.yaml"


def room_yaml(tmp_path, broker, n: int) -> str:
    return str(room_config(tmp_path, broker.port, broker.users[f"room-{n}"], n=n))


def test_two_simulated_rooms_publish_their_sessions(broker, watcher, tmp_path):
    procs = [subprocess.Popen([sys.executable, "-m", "kiosk", "simulate", str(FAST), "--realtime", "--speed", "8",
                               "--mqtt-config", room_yaml(tmp_path, broker, n)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for n in (3, 4)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    for n in (3, 4):
        record = watcher.json_on(f"kiosk/room-{n}/sessions", lambda d: d["status"] == "finished")
        assert record["id"] == f"room-{n}/1" and record["routine"] == "Fast practice"
        states = [json.loads(p)["state"] for _t, p, _r in watcher.on(f"kiosk/room-{n}/state")]
        assert "running" in states and states[-1] == "finished"  # a state sent before connecting: the newest only
        assert watcher.on(f"kiosk/room-{n}/availability")[-1][1] == b"offline"  # left cleanly
    assert "session_finished" in outs[0][0]


def test_a_config_without_mqtt_is_refused(tmp_path):
    path = tmp_path / "room.yaml"
    path.write_text("room: Room 3\n")
    done = subprocess.run([sys.executable, "-m", "kiosk", "simulate", str(FAST), "--realtime", "--mqtt-config",
                           str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "has no usable mqtt: block" in done.stderr


def test_a_fast_dry_run_keeps_its_own_time_without_taking_it_for_clock_jumps(broker, watcher, tmp_path):
    # At 60 times real time the room's session clock outruns the machine's wall clock; the journal
    # keeps the room's time, so no record is "moved into a new time frame" (162 were, before).
    done = subprocess.run([sys.executable, "-m", "kiosk", "simulate", str(FAST), "--realtime", "--speed", "60",
                           "--mqtt-config", room_yaml(tmp_path, broker, 3)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done
    assert "wall clock jumped" not in done.stdout + done.stderr
    record = watcher.json_on("kiosk/room-3/sessions", lambda d: d["status"] == "finished")
    assert record["id"] == "room-3/1"
