"""Desk commands in the room, without a network: what each does, and that no bytes can break it."""

from __future__ import annotations

import json
import logging
from datetime import datetime

import pytest
from hypothesis import given, settings, strategies as st

from kiosk.clinic.desk import LOG_PER_MINUTE, DeskCommands
from kiosk.controller import Controller
from kiosk.engine.clock import FakeClock
from kiosk.paths import ROOT
from kiosk.routines.loader import load_routine

BACK = load_routine(ROOT / "routines" / "back-massage.yaml")  # 25:00 to 39:30
WALL = datetime(2026, 12, 1, 14, 0).astimezone().timestamp()


class Desk:
    def __init__(self):
        self.clock = FakeClock(500.0)
        self.controller = Controller(self.clock)
        self.replies: list[dict] = []
        self.calls: list = []
        self.wall = WALL
        self.desk = DeskCommands(self.controller, room_id="room-3", call=lambda fn, *a: self.calls.append((fn, a)),
                                 reply=lambda p: self.replies.append(json.loads(p)), wall=lambda: self.wall)

    def send(self, command) -> dict:
        """Send ``command`` (a dict, or raw bytes), run what reached the main thread, give the answer."""
        payload = command if isinstance(command, bytes) else json.dumps(command).encode()
        before = len(self.replies)
        self.desk.receive(payload)
        while self.calls:
            fn, args = self.calls.pop(0)
            fn(*args)
        assert len(self.replies) == before + 1
        return self.replies[-1]


def at(minutes: float) -> str:
    return datetime.fromtimestamp(WALL + minutes * 60).astimezone().isoformat(timespec="seconds")


@pytest.fixture
def d():
    return Desk()


class TestEndBy:
    def test_with_no_routine_chosen_it_is_refused(self, d):
        answer = d.send({"end_by": at(30)})
        assert not answer["ok"] and "no routine is chosen" in answer["reason"]

    def test_before_the_start_the_ready_screen_gets_that_length(self, d):
        d.controller.choose(BACK, 35 * 60.0)
        answer = d.send({"end_by": at(30)})
        assert answer["ok"] and answer["reason"] == "the ready screen offers 30:00 min"
        assert d.controller.length_s == pytest.approx(30 * 60.0)

    def test_before_the_start_too_short_says_how_late(self, d):
        d.controller.choose(BACK, 35 * 60.0)
        answer = d.send({"end_by": at(20)})
        assert answer["ok"] and answer["reason"] == "the shortest plan is 25:00 min; started now it ends 5:00 min late"
        assert d.controller.length_s == pytest.approx(25 * 60.0) and answer["detail"]["over_s"] == 300.0

    def test_during_the_session_the_booking_moves(self, d):
        d.controller.choose(BACK, 35 * 60.0)
        d.controller.act("advance")
        d.clock.advance(120)
        d.wall += 120
        answer = d.send({"end_by": at(2 + 30)})
        assert answer["ok"] and answer["reason"] == "the session now ends by then"
        assert d.controller.session.target_s == pytest.approx(32 * 60.0)
        assert d.controller.snapshot().projected_end_s == pytest.approx(32 * 60.0)

    def test_a_finished_session_is_refused(self, d):
        d.controller.choose(BACK, 35 * 60.0)
        d.controller.act("advance")
        d.controller.stop()
        answer = d.send({"end_by": at(30)})
        assert not answer["ok"] and answer["reason"] == "the session has already finished"


class TestMessages:
    def test_shown_until_its_ttl(self, d):
        seen = []
        d.desk.message_listeners.append(seen.append)
        answer = d.send({"message": "Towels for room 2", "ttl_s": 60, "id": "a"})
        assert answer["ok"] and answer["id"] == "a" and d.desk.message.text == "Towels for room 2"
        d.clock.advance(59.9)
        d.desk.expire(d.clock.now())
        assert d.desk.message is not None
        d.clock.advance(0.2)
        d.desk.expire(d.clock.now())
        assert d.desk.message is None and [m and m.text for m in seen] == ["Towels for room 2", None]

    def test_a_new_message_replaces_the_old_and_clear_takes_it_away(self, d):
        d.send({"message": "one"})
        d.send({"message": "two"})
        assert d.desk.message.text == "two"
        assert d.send({"clear_message": True})["reason"] == "cleared"
        assert d.send({"clear_message": True})["reason"] == "no message was on screen"

    def test_a_broken_listener_does_not_stop_the_others(self, d):
        seen = []
        d.desk.message_listeners += [lambda m: 1 / 0, seen.append]
        d.send({"message": "hi"})
        assert seen and seen[0].text == "hi"


class TestAnyBytes:
    @settings(max_examples=300, deadline=None)
    @given(st.one_of(st.binary(max_size=600), st.builds(lambda d: json.dumps(d).encode(), st.dictionaries(
        st.sampled_from(["message", "ttl_s", "clear_message", "end_by", "id", "x"]),
        st.one_of(st.none(), st.booleans(), st.integers(-10, 100000), st.text(max_size=50),
                  st.sampled_from(["14:30", "15:55", at(10), at(-10), at(30)])), max_size=4))))
    def test_any_bytes_get_exactly_one_answer_and_never_an_exception(self, payload):
        d = Desk()
        d.controller.choose(BACK, 35 * 60.0)
        answer = d.send(payload)
        assert isinstance(answer["ok"], bool) and answer["room"] == "room-3"
        assert answer["ok"] or answer["reason"]

    def test_refusals_are_logged_a_few_per_minute(self, d, caplog):
        with caplog.at_level(logging.WARNING, logger="kiosk.clinic.desk"):
            for n in range(50):
                d.send(b"nonsense %d" % n)
        assert len(caplog.records) == LOG_PER_MINUTE and len(d.replies) == 50
