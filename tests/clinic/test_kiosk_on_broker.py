"""The real kiosk under Xvfb on a real Mosquitto: a session seen from the desk, the broker going away
and coming back mid-session, a desk message, kill -9 (the will says offline) and the resumed session."""

from __future__ import annotations

import json
import signal

import pytest

from tests.clinic.conftest import Watcher
from tests.clinic.room import room_config as write_room_config
from kiosk_testkit.process import KioskProcess
from kiosk_testkit.xvfb import Xvfb
from tests.ui.conftest import DATA

pytestmark = [pytest.mark.ui, pytest.mark.slow]
FAST = DATA / "fast" / "fast.yaml"
STATE, AVAIL, SESSIONS = "kiosk/room-3/state", "kiosk/room-3/availability", "kiosk/room-3/sessions"


@pytest.fixture(scope="module")
def screen():
    with Xvfb(1280, 800) as x:
        yield x


def room_config(tmp_path, broker, password: str | None = None) -> str:
    return str(write_room_config(tmp_path, broker.port, password or broker.users["room-3"], extra="  keepalive: 5\n"))


def test_a_session_seen_from_the_desk_through_faults(screen, broker, tmp_path):
    data = tmp_path / "data"
    args = ("--windowed", "--data-dir", str(data), "--config", room_config(tmp_path, broker))
    desk = Watcher(broker)
    kiosk = KioskProcess(screen, "--routine", str(FAST), *args).start()
    try:
        desk.wait_for(lambda m: m[0] == AVAIL and m[1] == b"online", timeout=20)
        assert desk.json_on(STATE, lambda d: d["state"] == "ready")["routine"] == "Fast practice"
        kiosk.key("space")
        running = desk.json_on(STATE, lambda d: d["state"] == "running")
        assert running["step"]["name"] == "Warm-up" and running["session"]["id"] == "room-3/1"

        desk.publish("kiosk/room-3/command", b'{"message": "Your 15:00 client has arrived", "id": "m1"}')
        assert desk.json_on("kiosk/room-3/command/result", lambda d: d["id"] == "m1")["ok"]
        kiosk.wait_log(r"desk message on screen for 300 s: Your 15:00 client has arrived")
        desk.json_on(STATE, lambda d: (d["message"] or {}).get("text") == "Your 15:00 client has arrived")

        # The broker goes away mid-session: the kiosk keeps pacing, then catches up when it is back.
        desk.close()
        broker.stop()
        kiosk.wait_log(r"step 3 Sweeps \(right\) shown", timeout=20)
        broker.start()
        desk = Watcher(broker)
        desk.wait_for(lambda m: m[0] == AVAIL and m[1] == b"online", timeout=30)
        desk.json_on(STATE, lambda d: d["step"] and d["step"]["index"] >= 2, timeout=30)

        # kill -9: the broker says offline for the room, by the will, within the keepalive.
        kiosk.kill(signal.SIGKILL)
        desk.wait_for(lambda m: m[0] == AVAIL and m[1] == b"offline", timeout=20, what="the will")
        after_kill = len(desk.messages)

        kiosk = KioskProcess(screen, *args).start()  # comes back paused in the same session
        kiosk.wait_log(r"resuming session 1 of Fast practice")
        desk.wait_for(lambda m: m[0] == AVAIL and m[1] == b"online", timeout=20, since=after_kill)
        resumed = desk.json_on(STATE, lambda d: d["state"] == "paused")
        assert resumed["session"]["id"] == "room-3/1" and resumed["routine"] == "Fast practice"
        record = None
        for _tap in range(6):  # resume, then tap through what is left (the last step waits for a tap)
            kiosk.key("space")
            try:
                record = desk.json_on(SESSIONS, lambda d: d["id"] == "room-3/1", timeout=3)
                break
            except AssertionError:
                continue
        assert record is not None, kiosk.log()
        assert record["status"] == "finished" and [s["name"] for s in record["steps"]][0] == "Warm-up"
        kiosk.stop()
        desk.wait_for(lambda m: m[0] == AVAIL and m[1] == b"offline", timeout=10, what="offline on exit")
    finally:
        kiosk.stop()
        desk.close()


def test_a_wrong_password_keeps_the_kiosk_pacing_and_says_why(screen, broker, tmp_path):
    desk = Watcher(broker)
    kiosk = KioskProcess(screen, "--routine", str(FAST), "--windowed", "--data-dir", str(tmp_path / "d"),
                         "--config", room_config(tmp_path, broker, password="not-the-password")).start()
    try:
        kiosk.wait_log(r"clinic broker 127\.0\.0\.1:\d+ refused the room: Not authorized", timeout=20)
        kiosk.key("space")
        kiosk.wait_log(r"step 2 Sweeps \(left\) shown", timeout=20)
        assert broker.log().count("Sending CONNACK to 127.0.0.1 (0, 5)") == 1  # one refused try; the next waits 30 s
        assert desk.on(STATE) == [] and desk.on(AVAIL) == []
    finally:
        kiosk.stop()
        desk.close()


def test_a_flood_of_bad_commands_leaves_the_kiosk_responsive(screen, broker, tmp_path):
    desk = Watcher(broker)
    kiosk = KioskProcess(screen, "--routine", str(FAST), "--windowed", "--data-dir", str(tmp_path / "d"),
                         "--config", room_config(tmp_path, broker)).start()
    try:
        desk.wait_for(lambda m: m[0] == AVAIL and m[1] == b"online", timeout=20)
        for n in range(1000):
            desk.client.publish("kiosk/room-3/command", b'{"id": "f%d", "colour": "red"}' % n, qos=0)
        kiosk.key("space")  # while the flood is being answered: the press still starts the session
        kiosk.wait_log(r"step 1 Warm-up shown", timeout=20)
        kiosk.wait_log(r"step 2 Sweeps \(left\) shown", timeout=20)  # and the session keeps pacing
        desk.wait_for(lambda m: len(desk.on("kiosk/room-3/command/result")) >= 1000, timeout=60, what="1000 results")
        results = [json.loads(p) for _t, p, _r in desk.on("kiosk/room-3/command/result")]
        assert len(results) == 1000 and not any(r["ok"] for r in results)
        assert len(kiosk.matching(r"desk command refused")) <= 10  # logged, not flooding the journal
        desk.json_on(STATE, lambda d: d["state"] == "running")
    finally:
        kiosk.stop()
        desk.close()


def test_a_room_without_mqtt_opens_no_network_socket(screen, broker, tmp_path):
    import subprocess

    plain = KioskProcess(screen, "--routine", str(FAST), "--windowed", "--data-dir", str(tmp_path / "a")).start()
    on = KioskProcess(screen, "--routine", str(FAST), "--windowed", "--data-dir", str(tmp_path / "b"),
                      "--config", room_config(tmp_path, broker)).start()
    try:
        on.wait_log(r"connected to the clinic broker")
        inet = subprocess.run(["ss", "-tanpH"], capture_output=True, text=True).stdout
        assert f"pid={on.proc.pid}," in inet            # the check sees a room's broker connection
        assert f"pid={plain.proc.pid}," not in inet, inet
        assert plain.matching(r"kiosk\.clinic") == []
    finally:
        plain.stop()
        on.stop()
