"""A room on a real Mosquitto: its state, availability, finished sessions, Home Assistant and the desk."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import jsonschema
import pytest

from kiosk.paths import ROOT
from tests.clinic.conftest import Watcher
from tests.clinic.room import Room

STATE, AVAIL, SESSIONS = "kiosk/room-3/state", "kiosk/room-3/availability", "kiosk/room-3/sessions"
COMMAND, RESULT = "kiosk/room-3/command", "kiosk/room-3/command/result"


def validator(name: str):
    schema = json.loads((ROOT / "schema" / f"clinic-{name}.schema.json").read_text())
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def unsent(room, timeout: float = 10.0) -> list[int]:
    """Session ids queued and not yet acknowledged, once the worker has looked (read from the file)."""
    import sqlite3
    import time

    deadline = time.monotonic() + timeout
    while True:
        conn = sqlite3.connect(room.journal.path)
        try:
            ids = [r[0] for r in conn.execute("SELECT session_id FROM clinic_outbox WHERE sent_at IS NULL "
                                              "ORDER BY session_id")]
        except sqlite3.OperationalError:
            ids = []
        finally:
            conn.close()
        if len(ids) >= 3 or time.monotonic() > deadline:
            return ids
        time.sleep(0.2)


@pytest.fixture
def room(broker, tmp_path):
    r = Room(broker, tmp_path / "room")
    try:
        yield r
    finally:
        r.close()


class TestState:
    def test_online_and_idle_then_every_change(self, room, watcher):
        watcher.wait_for(lambda m: m[0] == AVAIL and m[1] == b"online", what="online")
        idle = watcher.json_on(STATE, lambda d: d["state"] == "idle")
        room.choose(30 * 60.0)
        ready = watcher.json_on(STATE, lambda d: d["state"] == "ready")
        assert ready["routine"] == "Back massage" and ready["session"]["length_s"] == pytest.approx(1800.0)
        room.controller.act("advance")
        running = watcher.json_on(STATE, lambda d: d["state"] == "running")
        assert running["step"]["index"] == 0 and running["step"]["ends_at"] is not None
        assert running["session"]["id"] == "room-3/1" and running["session"]["target_end"] is not None
        room.controller.act("toggle_pause")
        paused = watcher.json_on(STATE, lambda d: d["state"] == "paused")
        assert paused["step"]["ends_at"] is None and paused["step"]["remaining_s"] > 0
        room.controller.stop()
        watcher.json_on(STATE, lambda d: d["state"] == "finished")
        room.controller.clear()
        watcher.json_on(STATE, lambda d: d["state"] == "idle" and d["updated_at"] != idle["updated_at"])
        check = validator("state")
        for _topic, payload, _retained in watcher.on(STATE):
            check.validate(json.loads(payload))

    def test_a_late_subscriber_gets_the_retained_state_and_availability(self, broker, room, watcher):
        room.choose()
        watcher.json_on(STATE, lambda d: d["state"] == "ready")
        late = Watcher(broker, topics=("kiosk/room-3/#",))
        try:
            topic, payload, retained = late.wait_for(lambda m: m[0] == STATE)
            assert retained and json.loads(payload)["state"] == "ready"
            assert late.wait_for(lambda m: m[0] == AVAIL)[1:] == (b"online", True)
        finally:
            late.close()


    def test_mosquitto_sub_reads_the_retained_state_and_availability(self, broker, room, watcher):
        import subprocess

        from kiosk_testkit.mosquitto import find_binary

        room.choose()
        watcher.json_on(STATE, lambda d: d["state"] == "ready")
        done = subprocess.run([find_binary("mosquitto_sub"), *broker.sub_args("desk"), "-t", "kiosk/room-3/+",
                               "-C", "2", "-W", "10", "-v", "--retained-only"], capture_output=True, text=True, timeout=20)
        lines = dict(line.split(" ", 1) for line in done.stdout.splitlines())
        assert lines[AVAIL] == "online", done
        assert json.loads(lines[STATE])["state"] == "ready"


class TestSessions:
    def test_a_finished_session_is_published_once_with_a_clinic_wide_id(self, room, watcher):
        room.run_session(45.0)
        record = watcher.json_on(SESSIONS)
        validator("session").validate(record)
        assert (record["id"], record["room"], record["session_id"], record["status"]) == ("room-3/1", "room-3", 1, "abandoned")  # stopped before its first step ended
        assert record["steps"][0]["name"] and record["routine"] == "Back massage"
        room.pump(9.0)  # the later looks after the end find nothing new to send
        assert len(watcher.on(SESSIONS)) == 1

    def test_sessions_wait_while_the_broker_is_down_and_go_out_in_order(self, broker, room, watcher):
        watcher.wait_for(lambda m: m[0] == AVAIL and m[1] == b"online")
        watcher.close()
        broker.stop()
        for seconds in (20.0, 40.0, 60.0):
            room.run_session(seconds)
        waiting = unsent(room)  # the records wait in the journal's own SQLite file
        assert waiting == [1, 2, 3]
        broker.start()
        again = Watcher(broker)
        try:
            for n in (1, 2, 3):
                again.json_on(SESSIONS, lambda d, n=n: d["id"] == f"room-3/{n}", timeout=20)
            ids = [json.loads(p)["id"] for _t, p, _r in again.on(SESSIONS)]
            assert ids[:3] == ["room-3/1", "room-3/2", "room-3/3"]
            assert set(ids) == {"room-3/1", "room-3/2", "room-3/3"}  # repeats only by id
            again.json_on(STATE, lambda d: d["state"] == "finished")  # re-published on reconnect
        finally:
            again.close()


class TestHomeAssistant:
    def test_discovery_on_connect_and_when_home_assistant_comes_back(self, broker, tmp_path):
        ha = Watcher(broker, user="homeassistant", topics=("homeassistant/+/room-3/+/config",))
        room = Room(broker, tmp_path / "room")
        try:
            ha.wait_for(lambda m: m[0].endswith("/clear_message/config"), what="discovery")
            configs = {t: json.loads(p) for t, p, _r in ha.messages}
            assert set(configs) == {f"homeassistant/{c}/room-3/{o}/config" for c, o in [
                ("sensor", "state"), ("sensor", "routine"), ("sensor", "step"), ("sensor", "step_ends"),
                ("sensor", "session_ends"), ("sensor", "booking_ends"), ("binary_sensor", "in_session"),
                ("text", "message"), ("button", "clear_message")]}
            state = configs["homeassistant/sensor/room-3/state/config"]
            assert state["device_class"] == "enum" and "paused" in state["options"]
            assert state["device"]["identifiers"] == ["session-kiosk-room-3"]
            assert state["origin"]["name"] == "session-kiosk"
            assert configs["homeassistant/sensor/room-3/step_ends/config"]["device_class"] == "timestamp"
            assert all(c["availability_topic"] == AVAIL and c["unique_id"] for c in configs.values())
            assert len({c["unique_id"] for c in configs.values()}) == len(configs)
            count = len(ha.messages)
            ha.publish("homeassistant/status", b"online")
            ha.wait_for(lambda m: len(ha.messages) >= 2 * count, what="discovery again")
        finally:
            room.close()
            ha.close()


class TestCommands:
    def test_a_message_is_shown_answered_and_published(self, room, watcher):
        watcher.wait_for(lambda m: m[0] == AVAIL)
        watcher.publish(COMMAND, b'{"message": "Your 15:00 client has arrived", "ttl_s": 60, "id": "d1"}')
        assert room.pump(5) >= 1 and room.desk.message.text == "Your 15:00 client has arrived"
        result = watcher.json_on(RESULT, lambda d: d["id"] == "d1")
        assert result["ok"] and result["command"] == "message"
        validator("command-result").validate(result)
        state = watcher.json_on(STATE, lambda d: d["message"] is not None)
        assert state["message"]["text"] == "Your 15:00 client has arrived"
        room.clock.advance(61)
        room.publisher.on_frame(room.clock.now())
        watcher.json_on(STATE, lambda d: d["message"] is None and d["updated_at"] > state["updated_at"])

    def test_end_by_moves_the_booking(self, room, watcher):
        room.choose(35 * 60.0)
        room.controller.act("advance")
        watcher.wait_for(lambda m: m[0] == AVAIL)
        end = (datetime.now().astimezone() + timedelta(minutes=30)).isoformat(timespec="seconds")
        watcher.publish(COMMAND, json.dumps({"end_by": end, "id": "e1"}).encode())
        room.pump(5)
        result = watcher.json_on(RESULT, lambda d: d["id"] == "e1")
        assert result["ok"] and result["reason"] == "the session now ends by then", result
        assert room.controller.session.target_s == pytest.approx(30 * 60.0, abs=2.0)
        state = watcher.json_on(STATE, lambda d: d["session"] and d["session"]["target_end"] and
                                abs(datetime.fromisoformat(d["session"]["target_end"]).timestamp()
                                    - datetime.fromisoformat(end).timestamp()) < 2.0)
        assert abs(state["session"]["over_s"]) < 1.0

    def test_end_by_out_of_reach_says_how_late(self, room, watcher):
        room.choose(35 * 60.0)
        room.controller.act("advance")
        end = (datetime.now().astimezone() + timedelta(minutes=10)).isoformat(timespec="seconds")
        watcher.publish(COMMAND, json.dumps({"end_by": end, "id": "e2"}).encode())
        room.pump(5)
        result = watcher.json_on(RESULT, lambda d: d["id"] == "e2")
        assert result["ok"] and result["reason"].startswith("cannot end by then: even the shortest steps end")
        assert result["detail"]["over_s"] > 14 * 60  # 25 minutes at the shortest, 10 booked

    def test_bad_commands_are_refused_with_a_reason_and_change_nothing(self, room, watcher):
        watcher.wait_for(lambda m: m[0] == AVAIL)
        watcher.publish(COMMAND, b'{"message": "hi", "colour": "red"}')
        result = watcher.json_on(RESULT)
        assert not result["ok"] and "unknown key 'colour'" in result["reason"]
        past = (datetime.now().astimezone() - timedelta(minutes=10)).isoformat(timespec="seconds")
        watcher.publish(COMMAND, json.dumps({"end_by": past, "id": "p"}).encode())
        refused = watcher.json_on(RESULT, lambda d: d["id"] == "p")
        assert refused["ok"] is False and "is in the past" in refused["reason"]
        watcher.publish(COMMAND, b'{"end_by": "23:59", "id": "n"}' if datetime.now().hour < 23 else b'{"end_by": "x", "id": "n"}')
        watcher.json_on(RESULT, lambda d: d["id"] == "n" and not d["ok"])  # no routine chosen: nothing to end
        assert room.desk.message is None and room.controller.session is None

    def test_a_flood_of_a_thousand_bad_commands_each_refused(self, room, watcher):
        watcher.wait_for(lambda m: m[0] == AVAIL)
        for n in range(1000):
            watcher.client.publish(COMMAND, b'{"id": "f%d", "nonsense": %d}' % (n, n), qos=0)
        watcher.wait_for(lambda m: len(watcher.on(RESULT)) >= 1000, timeout=60, what="1000 results")
        results = [json.loads(p) for _t, p, _r in watcher.on(RESULT)]
        assert len(results) == 1000 and not any(r["ok"] for r in results)
        assert {r["id"] for r in results} == {f"f{n}" for n in range(1000)}
        assert room.pump(0.2) == 0  # nothing reached the main thread
        room.choose()
        watcher.json_on(STATE, lambda d: d["state"] == "ready")  # and the room still answers


class TestFaults:
    def test_wrong_password_says_so_and_does_not_storm(self, broker, tmp_path):
        import time

        room = Room(broker, tmp_path / "room", password="wrong")
        try:
            deadline = time.monotonic() + 10
            while "wrong credentials" not in room.link.status and time.monotonic() < deadline:
                time.sleep(0.1)
            assert room.link.status.startswith("wrong credentials: the broker refused user room-3")
            time.sleep(5)
            tries = broker.log().count("Sending CONNACK")
            assert tries == 1, broker.log()[-2000:]  # the next try waits 30 s: no storm
        finally:
            room.close()

    def test_a_room_posing_as_another_reaches_nobody(self, broker, tmp_path, watcher):
        room = Room(broker, tmp_path / "room", room_id="room-4")  # logs in as room-3
        try:
            room.choose()
            room.pump(3)
            assert watcher.on("kiosk/room-4/state") == [] and watcher.on("kiosk/room-4/availability") == []
            assert "Denied PUBLISH" in broker.log()
        finally:
            room.close()


class TestNoBroker:
    def test_an_unknown_broker_name_never_holds_the_room_up(self):
        import time

        from kiosk.clinic.config import MqttConfig
        from kiosk.clinic.link import ClinicLink

        link = ClinicLink(MqttConfig(host="no-such-host.invalid"), "room-3", on_command=lambda p: None)
        link.start()  # returns while paho looks the name up on its own thread
        link.publish_state(b"{}")  # kept for when the broker can be reached
        deadline = time.monotonic() + 30  # a resolver without network may take its full timeouts
        while not link.status.startswith("retrying") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert link.status == "retrying: cannot reach the broker no-such-host.invalid:1883"
        assert link._last_state == b"{}" and not link.connected
        link.close()
        assert link.status == "stopped"
