"""The wire shapes: the Python builders and parsers agree with the JSON Schemas in schema/."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import jsonschema
import pytest
from hypothesis import given, settings, strategies as st

from kiosk.clinic import protocol
from kiosk.clinic.protocol import MAX_COMMAND_BYTES, CommandError, parse_command
from kiosk.paths import ROOT

TZ = timezone(timedelta(hours=1))
NOW = datetime(2026, 12, 1, 14, 30, tzinfo=TZ).timestamp()


def schema(name: str) -> dict:
    return json.loads((ROOT / "schema" / f"clinic-{name}.schema.json").read_text())


def validator(name: str):
    return jsonschema.Draft202012Validator(schema(name), format_checker=jsonschema.FormatChecker())


class TestCommands:
    @pytest.mark.parametrize("payload, kind", [
        (b'{"message": "Your 15:00 client has arrived", "ttl_s": 300}', "message"),
        (b'{"clear_message": true}', "clear_message"),
        (b'{"end_by": "15:55", "id": "desk-7"}', "end_by"),
        (b'{"end_by": "2026-12-01T15:55:00+01:00"}', "end_by"),
    ])
    def test_good_commands(self, payload, kind):
        command = parse_command(payload, NOW, TZ)
        assert command.kind == kind
        assert validator("command").is_valid(json.loads(payload))

    def test_end_by_today_in_the_room_time_zone(self):
        command = parse_command(b'{"end_by": "15:55"}', NOW, TZ)
        assert command.end_by == NOW + 85 * 60

    @pytest.mark.parametrize("payload, reason", [
        (b"not json", "the command is not JSON"),
        (b"\xff\xfe", "the command is not UTF-8 text"),
        (b"[1, 2]", "must be a JSON object"),
        (b'{"message": "hi", "colour": "red"}', "unknown key 'colour'"),
        (b'{"message": "hi", "end_by": "15:55"}', "exactly one of"),
        (b'{"message": "   "}', "message is empty"),
        (b'{"message": "hi", "ttl_s": 1}', "ttl_s must be from 5 to 28800 seconds"),
        (b'{"message": "hi", "ttl_s": NaN}', "not JSON"),
        (b'{"clear_message": 1}', "clear_message must be true"),
        (b'{"end_by": "14:00"}', "end_by 14:00 is in the past (it is 14:30 in the room)"),
        (b'{"end_by": "25:00"}', "is not a time"),
        (b'{"end_by": "2026-12-02T12:00:00+01:00"}', "more than 12 hours ahead"),
        (b'{"end_by": "15:55", "ttl_s": 10}', "ttl_s goes only with message"),
        (b'{"message": "' + b"x" * MAX_COMMAND_BYTES + b'"}', "the command is too long"),
        (b'{"message": "' + b"x" * 201 + b'"}', "message is too long (201 characters; at most 200)"),
    ])
    def test_bad_commands_say_why(self, payload, reason):
        with pytest.raises(CommandError) as caught:
            parse_command(payload, NOW, TZ)
        assert reason in caught.value.reason

    def test_a_refusal_keeps_the_request_id(self):
        with pytest.raises(CommandError) as caught:
            parse_command(b'{"id": "desk-9", "end_by": "09:00"}', NOW, TZ)
        assert caught.value.request_id == "desk-9"

    @settings(max_examples=400, deadline=None)
    @given(st.binary(max_size=5000))
    def test_any_bytes_give_a_command_or_a_reason(self, payload):
        try:
            command = parse_command(payload, NOW, TZ)
        except CommandError as exc:
            assert exc.reason
        else:
            assert command.kind in ("message", "clear_message", "end_by")

    json_values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
        max_leaves=8)
    commands = st.dictionaries(
        st.sampled_from(protocol.COMMAND_KEYS + ("other",)),
        st.one_of(json_values, st.just(True), st.sampled_from(["15:55", "16:10", "hello"]),
                  st.floats(min_value=0, max_value=40000)),
        max_size=4)

    @settings(max_examples=400, deadline=None)
    @given(commands)
    def test_the_schema_accepts_what_the_room_accepts(self, data):
        payload = json.dumps(data).encode()
        try:
            parse_command(payload, NOW, TZ)
        except CommandError:
            return  # the room may refuse more (a time in the past) than a schema can say
        assert validator("command").is_valid(data), data


class TestState:
    def test_idle_state_matches_the_schema(self):
        state = protocol.build_state(room="room-3", state="idle", updated_at=NOW)
        validator("state").validate(state)
        assert state["updated_at"].endswith(("+00:00", "+01:00", "Z")) or state["updated_at"][-6] in "+-"

    def test_results_match_the_schema(self):
        command = parse_command(b'{"clear_message": true, "id": "a"}', NOW, TZ)
        validator("command-result").validate(protocol.result(command, ok=True, room="room-3", at=NOW))
        validator("command-result").validate(protocol.result(None, ok=False, reason="not JSON", room="r", at=NOW))

    def test_topics(self):
        topics = protocol.Topics("kiosk", "room-3")
        assert (topics.state, topics.command, topics.result) == (
            "kiosk/room-3/state", "kiosk/room-3/command", "kiosk/room-3/command/result")
