"""The desk's message on the room's screen: a quiet banner that never covers the time, gone on a tap or
when its time is up."""

from __future__ import annotations

import pytest

from kiosk.clinic.desk import DeskCommands
from tests.ui.conftest import DATA, kiosk, kivy_window  # noqa: F401  (fixtures)

pytestmark = pytest.mark.ui
SHORT = DATA / "good" / "short.yaml"
TEXT = "Your 15:00 client has arrived"


def desk_for(d):
    replies: list[bytes] = []
    desk = DeskCommands(d.app.controller, room_id="room-3", call=lambda fn, *a: fn(*a), reply=replies.append)
    for screen in ("session", "picker"):
        d.ids(screen).desk_banner.attach_desk(desk)
    return desk, replies


def overlaps(a, b) -> bool:
    return a.x < b.right and b.x < a.right and a.y < b.top and b.y < a.top


@pytest.mark.parametrize("size", [(800, 480), (1280, 720)])
def test_the_banner_shows_beside_the_time_and_a_tap_clears_it(kiosk, size):  # noqa: F811
    d = kiosk(routine=SHORT, size=size)
    desk, replies = desk_for(d)
    d.key("space")
    assert d.screen == "session"
    banner, digits = d.ids("session").desk_banner, d.ids("session").digits
    assert banner.height == 0 and banner.opacity == 0
    desk.receive(b'{"message": "' + TEXT.encode() + b'", "ttl_s": 60}')
    d.frames(3)
    assert TEXT in banner.text and banner.height > 0 and banner.opacity == 1
    assert not overlaps(banner, digits) and digits.height > size[1] * 0.2
    d.screenshot(f"desk-banner-{size[0]}x{size[1]}")
    d.tap(banner)
    assert desk.message is None and banner.height == 0
    assert b'"ok":true' in replies[0]


def test_the_banner_goes_when_its_time_is_up_and_shows_on_the_picker(kiosk):  # noqa: F811
    d = kiosk()
    desk, _ = desk_for(d)
    assert d.screen == "picker"
    desk.receive(b'{"message": "Room 2 needs towels", "ttl_s": 30}')
    d.frames(2)
    banner = d.ids("picker").desk_banner
    assert "Room 2 needs towels" in banner.text and banner.height > 0
    d.clock.advance(29)
    desk.expire(d.clock.now())
    assert desk.message is not None
    d.clock.advance(2)
    desk.expire(d.clock.now())
    d.frames(2)
    assert banner.height == 0 and banner.text == ""


def test_settings_show_the_connection(kiosk):  # noqa: F811
    from types import SimpleNamespace

    from kiosk.clinic import Clinic

    d = kiosk()
    status = d.ids("settings").clinic_status
    assert status.text == "" and status.height == 0  # a room without the clinic network
    link = SimpleNamespace(status="connected to desk-pc.local:1883")
    d.app.services.clinic = Clinic(publisher=None, desk=None, link=link)
    d.app.sm.current = "settings"
    status._watch()
    d.frames(2)
    assert status.text == "Clinic network: connected to desk-pc.local:1883" and status.height > 0
    link.status = "wrong credentials: the broker refused user room-3; check username and password_file"
    status._read(0)
    assert "wrong credentials" in status.text
    d.screenshot("settings-clinic-status")
