"""A real headless Chromium on the board: log in, watch rooms live, message a room, see one go away.

One browser for the module (starting Chromium costs seconds). Screenshots of five rooms in
different states at 1366x768 and 768x1024, in both themes, land in artifacts/desk/ to be looked at.
"""

from __future__ import annotations

import json
import os
import time
from datetime import datetime, timedelta
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.clinic.test_fleet import FAST
from kiosk_testkit.desk import PASSWORD, Desk
from tests.desk.rooms import FakeRoom, running, simple
from kiosk_testkit.mosquitto import Mosquitto
from kiosk_testkit.xvfb import artifacts_dir

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER),
                                reason="needs Debian's chromium and chromium-driver (make test-deps installs them)")

ROOMS = {f"room-{n}": f"Treatment room {n}" for n in range(1, 8)}
USERS = {"desk": "desk-pass", **{room: f"{room}-pass" for room in ROOMS}}


@pytest.fixture(scope="module")
def clinic(tmp_path_factory):
    broker = Mosquitto(tmp_path_factory.mktemp("broker"), USERS).start()
    names = "rooms:\n" + "".join(f"  {room}: {name}\n" for room, name in ROOMS.items())
    desk = Desk(broker, tmp_path_factory.mktemp("desk"), extra=names).start()
    try:
        yield broker, desk
    finally:
        desk.stop()
        broker.stop()


@pytest.fixture(scope="module")
def chrome(clinic):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1366,768", "--lang=en-GB"):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(CHROMEDRIVER))
    driver.set_page_load_timeout(20)
    try:
        yield driver
    finally:
        driver.quit()


def card(driver, room: str):
    return driver.find_element(By.CSS_SELECTOR, f'li.card[data-room="{room}"]')


def wait(driver, predicate, timeout: float = 10.0, what: str = "the board"):
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.05).until(lambda d: predicate(d))
    except Exception as exc:
        raise AssertionError(f"{what} never showed up; the page said:\n"
                             f"{driver.find_element(By.TAG_NAME, 'body').text}") from exc


def text_of(driver, room: str) -> str:
    try:
        return card(driver, room).text
    except Exception:
        return ""


@pytest.fixture(scope="module")
def logged_in(chrome, clinic):
    _, desk = clinic
    chrome.get(desk.url + "/")
    assert chrome.current_url.endswith("/login")
    box = chrome.find_element(By.ID, "password")
    box.send_keys(PASSWORD + Keys.ENTER)  # the keyboard alone logs in
    wait(chrome, lambda d: d.find_element(By.ID, "live").text == "● Live", what="the live stream")
    return chrome


def test_a_room_steps_on_answers_a_message_and_goes_offline_when_killed(logged_in, clinic, tmp_path):
    broker, _ = clinic
    driver = logged_in
    secret = tmp_path / "secret"
    secret.write_text(USERS["room-7"] + "\n")
    secret.chmod(0o600)
    config = tmp_path / "room.yaml"
    config.write_text(f"room: Treatment room 7\nmqtt:\n  broker: 127.0.0.1:{broker.port}\n  username: room-7\n"
                      f"  password_file: {secret}\n  room_id: room-7\n")
    proc = subprocess.Popen([sys.executable, "-m", "kiosk", "simulate", str(FAST), "--realtime", "--speed", "0.5",
                             "--mqtt-config", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait(driver, lambda d: "Warm-up" in text_of(d, "room-7"), 20, "room 7 warming up")
        assert "In session" in text_of(driver, "room-7") and "left in this step" in text_of(driver, "room-7")
        wait(driver, lambda d: "Sweeps (left)" in text_of(d, "room-7"), 15, "room 7's step change")
        room = card(driver, "room-7")
        room.find_element(By.TAG_NAME, "summary").click()
        room.find_element(By.CSS_SELECTOR, 'button[data-text="Your client has arrived"]').click()
        wait(driver, lambda d: "✓ Message shown by the room" in text_of(d, "room-7"), 10, "the room's answer")
        wait(driver, lambda d: "Your client has arrived" in text_of(d, "room-7"), 5, "the message on the card")
    finally:
        proc.kill()
        proc.wait()
    wait(driver, lambda d: "Offline" in text_of(d, "room-7"), 20, "room 7 offline")
    assert card(driver, "room-7").get_attribute("data-state") == "offline"


def test_five_rooms_in_different_states_read_at_a_glance(logged_in, clinic):
    broker, _ = clinic
    driver = logged_in
    rooms = [FakeRoom(broker, f"room-{n}") for n in range(1, 6)]
    try:
        rooms[0].show(running("room-1", step="Effleurage", side="right", step_left=95, session_left=170))
        rooms[1].show(running("room-2", step="Kneading", side="left", step_left=240, session_left=2100, over_s=190,
                              message={"text": "Your client has arrived", "expires_at": None}))
        rooms[2].show(running("room-3", step="Stretch", side=None, step_left=60, session_left=1500, state="paused"))
        rooms[3].show(simple("room-4", "finished", "Full body 60"))
        rooms[4].show(simple("room-5", "ready", "Hip pain", length_s=3600))
        wait(driver, lambda d: all(f"room-{n}" in (d.find_element(By.ID, "rooms").get_attribute("innerHTML"))
                                   for n in range(1, 6)), 10, "five rooms")
        wait(driver, lambda d: "Ends in 3 min" in text_of(d, "room-1"), 5, "room 1 ending soon")
        assert "+3:10 late" in text_of(driver, "room-2")
        assert "Paused" in text_of(driver, "room-3")
        assert "Finished" in text_of(driver, "room-4") and "Room free" in text_of(driver, "room-4")
        assert "Ready to start" in text_of(driver, "room-5") and "Hip pain, 60 min" in text_of(driver, "room-5")
        order = [e.get_attribute("data-room") for e in driver.find_elements(By.CSS_SELECTOR, "li.card")]
        assert order.index("room-4") < order.index("room-1") < order.index("room-3") < order.index("room-2")
        assert order.index("room-2") < order.index("room-5")
        folder = Path(artifacts_dir("desk"))
        for width, height in ((1366, 768), (768, 1024)):
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                   {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
            for theme in ("dark", "light"):
                driver.execute_script("document.documentElement.dataset.theme = arguments[0]", theme)
                driver.save_screenshot(str(folder / f"board-{width}x{height}-{theme}.png"))
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    finally:
        for room in rooms:
            room.close()


def test_the_history_page_reads_without_script(logged_in, clinic):
    broker, desk = clinic
    room = FakeRoom(broker, "room-4")
    today = datetime.now().astimezone().replace(hour=9, minute=0, second=0, microsecond=0)
    try:
        for n, (days_ago, minutes) in enumerate([(0, 62), (0, 58), (1, 60), (3, 95), (8, 61), (15, 45)], start=1):
            start = today - timedelta(days=days_ago)
            record = {"id": f"room-4/{n}", "room": "room-4", "session_id": n, "routine": "Back massage",
                      "started_at": start.isoformat(), "ended_at": (start + timedelta(minutes=minutes)).isoformat(),
                      "status": "finished", "target_s": 3600, "steps": []}
            room.client.publish("kiosk/room-4/sessions", json.dumps(record).encode())
    finally:
        room.close()
    deadline = time.monotonic() + 10
    while True:
        logged_in.get(desk.url + "/rooms/room-4/history")
        if logged_in.find_elements(By.CSS_SELECTOR, "svg.chart rect") or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert "Treatment room 4: history" in logged_in.find_element(By.TAG_NAME, "h1").text
    assert len(logged_in.find_elements(By.CSS_SELECTOR, "svg.chart rect")) == 6
    assert "2 sessions today, 1 late" in logged_in.find_element(By.CLASS_NAME, "summary").text
    logged_in.save_screenshot(os.path.join(artifacts_dir("desk"), "history-room-4.png"))
    logged_in.get(desk.url + "/")


def test_the_page_recovers_by_itself_after_the_desk_and_the_broker_restart(logged_in, clinic):
    broker, desk = clinic
    driver = logged_in
    live = lambda d: d.find_element(By.ID, "live").text  # noqa: E731
    desk.stop()
    wait(driver, lambda d: "Reconnecting" in live(d), 10, "the page noticing the desk went away")
    desk.start()
    wait(driver, lambda d: live(d) == "● Live", 15, "the page back on the desk")
    room = FakeRoom(broker, "room-6")
    try:
        room.show(simple("room-6", "ready", "Gluteal work", length_s=1800))
        wait(driver, lambda d: "Gluteal work" in text_of(d, "room-6"), 10, "room 6 after the desk restarted")
    finally:
        room.close()
    broker.stop()
    wait(driver, lambda d: not d.find_element(By.ID, "broker").get_attribute("hidden"), 10, "the broker warning")
    assert "cannot reach the rooms" in driver.find_element(By.ID, "broker").text
    broker.start()
    wait(driver, lambda d: d.find_element(By.ID, "broker").get_attribute("hidden"), 30, "the broker back")
    room = FakeRoom(broker, "room-6")
    try:
        room.show(simple("room-6", "ready", "Hip pain", length_s=1800))
        wait(driver, lambda d: "Hip pain" in text_of(d, "room-6"), 10, "room 6 after the broker restarted")
    finally:
        room.close()
