"""The board against a real broker: rooms appear, change, answer messages, go offline; history is kept."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import datetime, timedelta


from kiosk.clinic.protocol import build_state, dumps
from tests.clinic.conftest import Watcher
from tests.clinic.test_fleet import FAST, room_yaml


def room_client(broker, n: int) -> Watcher:
    """A paho client logged in as room-N (it may publish only that room's topics)."""
    return Watcher(broker, user=f"room-{n}", topics=(f"kiosk/room-{n}/command",))


def record(n: int, session: int, started="2026-12-01T09:00:00.000+01:00", ended="2026-12-01T10:02:00.000+01:00"):
    return {"id": f"room-{n}/{session}", "room": f"room-{n}", "session_id": session, "routine": "Back massage",
            "started_at": started, "ended_at": ended, "status": "finished", "target_s": 3600, "steps": []}


class TestLiveBoard:
    def test_a_room_appears_and_changes_and_goes_offline(self, broker, browser):
        room = room_client(broker, 3)
        try:
            room.publish("kiosk/room-3/availability", b"online")
            state = build_state(room="room-3", state="running", updated_at=time.time(), routine="Back massage",
                                step={"index": 1, "name": "Kneading", "side": "left", "kind": "timed",
                                      "ends_at": "2026-12-01T15:40:00.000+01:00", "remaining_s": 100,
                                      "reps": None})
            room.client.publish("kiosk/room-3/state", dumps(state), qos=1, retain=True).wait_for_publish(5)
            seen = browser.wait_room("room-3", lambda r: r["state"] and r["state"]["state"] == "running")
            assert seen["name"] == "Room 3" and seen["online"] is True
            assert seen["state"]["step"]["name"] == "Kneading" and seen["state"]["step"]["side"] == "left"
            room.publish("kiosk/room-3/availability", b"offline")
            assert browser.wait_room("room-3", lambda r: r["online"] is False)["state"]["routine"] == "Back massage"
        finally:
            room.close()

    def test_a_broken_state_is_ignored_and_the_board_stays(self, broker, browser):
        room = room_client(broker, 3)
        try:
            room.publish("kiosk/room-3/state", b"{not json")
            room.publish("kiosk/room-3/state", json.dumps({"room": "room-4", "state": "running"}).encode())
            room.publish("kiosk/room-3/availability", b"online")
            seen = browser.wait_room("room-3", lambda r: r["online"] is True)
            assert seen["state"] is None
        finally:
            room.close()

    def test_a_simulated_room_answers_a_message(self, broker, browser, tmp_path):
        proc = subprocess.Popen([sys.executable, "-m", "kiosk", "simulate", str(FAST), "--realtime", "--speed", "2",
                                 "--mqtt-config", room_yaml(tmp_path, broker, 4)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        try:
            browser.wait_room("room-4", lambda r: r["state"] and r["state"]["state"] == "running", timeout=30)
            status, answer = browser.command("room-4", {"message": "Client has arrived", "ttl_s": 60})
            assert status == 200, answer
            seen = browser.wait_room("room-4", lambda r: (r["result"] or {}).get("id") == answer["id"])
            assert seen["result"]["ok"] is True and seen["result"]["command"] == "message"
            seen = browser.wait_room("room-4", lambda r: r["state"]["message"] is not None)
            assert seen["state"]["message"]["text"] == "Client has arrived"
            end_by = (datetime.now().astimezone() + timedelta(minutes=45)).isoformat(timespec="seconds")
            status, answer = browser.command("room-4", {"end_by": end_by})
            assert status == 200, answer
            seen = browser.wait_room("room-4", lambda r: (r["result"] or {}).get("id") == answer["id"])
            assert seen["result"]["command"] == "end_by", seen["result"]
        finally:
            proc.kill()
            proc.communicate()
        # killed without a goodbye: the broker publishes the room's will
        assert browser.wait_room("room-4", lambda r: r["online"] is False, timeout=90)["online"] is False


class TestHistory:
    def test_sessions_are_kept_once_and_shown_and_exported(self, broker, browser):
        room = room_client(broker, 3)
        try:
            for payload in (record(3, 1), record(3, 1), record(3, 2, "2026-12-01T11:00:00+01:00",
                                                                 "2026-12-01T11:58:00+01:00")):
                room.publish("kiosk/room-3/sessions", dumps(payload))
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                status, headers, body = browser.get("/rooms/room-3/history.csv")
                if body.decode().count("room-3/") >= 2:
                    break
                time.sleep(0.1)
            lines = body.decode().strip().splitlines()
            assert status == 200 and headers["Content-Type"].startswith("text/csv")
            assert len(lines) == 3, lines  # header + two sessions: the repeat was dropped
            assert lines[1].startswith("room-3/1,room-3,Back massage,finished") and lines[1].endswith(",60.0,62.0,no")
            assert lines[2].endswith(",60.0,58.0,yes")
            status, _, page = browser.get("/rooms/room-3/history")
            text = page.decode()
            assert status == 200 and "2:00 late" in text and "on time" in text and "<svg" in text
        finally:
            room.close()

    def test_sessions_sent_while_the_desk_was_off_arrive(self, broker, desk, browser):
        desk.stop()
        room = room_client(broker, 3)
        try:
            room.publish("kiosk/room-3/sessions", dumps(record(3, 7)))
        finally:
            room.close()
        desk.start()
        deadline = time.monotonic() + 10
        while "room-3/7" not in browser.get("/rooms/room-3/history.csv")[2].decode():
            assert time.monotonic() < deadline, "the session sent while the desk was off never arrived"
            time.sleep(0.1)
