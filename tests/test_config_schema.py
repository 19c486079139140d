"""The room config's JSON Schema: generated from the reader, shipped as generated, and agreeing with the reader."""

from __future__ import annotations

import json
import textwrap

import pytest
import yaml
from kiosk.cli import main
from kiosk.config import load_config
from kiosk.config_schema import room_schema, room_schema_text
from kiosk.paths import ROOM_SCHEMA_FILE, ROOT
from kiosk_testkit.editor import DRAFTS, as_editor_sees
from kiosk_testkit.editor import validator as editor_validator

EXAMPLE = ROOT / "deploy" / "room.example.yaml"


@pytest.fixture(scope="module", params=DRAFTS)
def validator(request):
    return editor_validator(ROOM_SCHEMA_FILE, request.param)


def read(tmp_path, text: str):
    path = tmp_path / "room.yaml"
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return load_config(path, {})[1]


def schema_keys(schema: dict, prefix: str = "") -> set[str]:
    """Every key path the schema describes: volume, display.rotation, pedals[].gestures.tap ..."""
    found: set[str] = set()
    for name, prop in schema.get("properties", {}).items():
        path = f"{prefix}{name}"
        found.add(path)
        found |= schema_keys(prop, path + ".")
        for option in prop.get("anyOf", ()):
            if option.get("type") == "array" and "properties" in option.get("items", {}):
                found |= schema_keys(option["items"], path + "[].")
    return found


class TestShipped:
    def test_the_shipped_file_is_what_the_reader_generates(self):
        assert ROOM_SCHEMA_FILE.read_text(encoding="utf-8") == room_schema_text()

    def test_kiosk_schema_room_prints_it_and_checks_the_shipped_file(self, capsys):
        assert main(["schema", "room"]) == 0
        assert json.loads(capsys.readouterr().out) == room_schema()
        assert main(["schema", "room", "--check"]) == 0
        assert "up to date" in capsys.readouterr().out

    def test_check_notices_a_stale_file(self, tmp_path, monkeypatch, capsys):
        stale = tmp_path / "room.schema.json"
        stale.write_text("{}\n")
        monkeypatch.setattr("kiosk.paths.ROOM_SCHEMA_FILE", stale)
        assert main(["schema", "room", "--check"]) == 1
        assert "out of date; run: kiosk schema room >" in capsys.readouterr().err

    def test_the_example_room_validates(self, validator):
        data = as_editor_sees(EXAMPLE.read_text(encoding="utf-8"))
        assert [e.message for e in validator.iter_errors(data)] == []

    def test_defaults_are_the_kiosk_defaults_written_as_a_person_would(self):
        props = room_schema()["properties"]
        assert (props["volume"]["default"], props["resume_max_age"]["default"], props["autosave"]["default"]) == (
            50, "3h", "5s")
        assert props["display"]["properties"]["fullscreen"]["default"] == "auto"
        pedal = props["pedals"]["anyOf"][0]["items"]
        assert (pedal["required"], pedal["properties"]["hold_time"]["default"]) == (["pin"], "1s")


class TestSameKeys:
    def test_every_key_in_the_schema_is_one_the_reader_knows(self, tmp_path):
        unknown = []
        for path in sorted(schema_keys(room_schema())):
            doc: object = "x"
            for part in reversed(path.split(".")):
                if part.endswith("[]"):
                    doc = {part[:-2]: [doc if isinstance(doc, dict) and "pin" in doc else {"pin": 17, **doc}]}
                else:
                    doc = {part: doc}
            problems = read(tmp_path, yaml.safe_dump(doc))
            if any("unknown key" in p.message for p in problems):
                unknown.append((path, problems))
        assert unknown == []

    def test_every_key_the_reader_knows_is_in_the_schema(self, tmp_path):
        # Every key a room.yaml can hold, written out by hand (not from the tables the schema comes from).
        (tmp_path / "mine").mkdir()
        for name in ("secret", "ca.pem", "cert.pem", "key.pem"):  # the mqtt block's files, private
            (tmp_path / name).write_text("x\n")
            (tmp_path / name).chmod(0o600)
        complete = {
            "room": "Room 2", "routines": ["mine"], "default_routine": "back-massage", "default_length": "1h30m",
            "data_dir": "/srv/kiosk", "pin": "0420", "exit_chord": "Ctrl+Alt+Q", "volume": 35, "muted": "yes",
            "cues": {"step_start": "on", "warning": "on", "window": "on", "rep_tick": "off", "side_switch": "on",
                     "pause": "on", "resume": "on", "session_end": "on"},
            "spoken_prompts": True, "practice_mode": "on",
            "display": {"rotation": 180, "brightness": 60, "fullscreen": False, "size": "1024x600"},
            "pedals": [{"pin": 17, "pull_up": True, "hold_time": "0.8s", "bounce_ms": 10,
                        "gestures": {"tap": "advance", "hold": "toggle_pause", "double_tap": "back",
                                     "long_hold": "extend"}}],
            "keys": {f"F{n}": "back" for n in range(13, 25)},
            "resume_max_age": "2h", "autosave": "2s", "clock": 12, "audio_buffer": 1024, "language": "pt-BR",
            "mqtt": {"broker": "desk-pc.local:1883", "username": "room-2", "password_file": "secret",
                     "tls": {"ca": "ca.pem", "cert": "cert.pem", "key": "key.pem"}, "room_id": "room-2",
                     "discovery": "yes", "prefix": "clinic/kiosk", "keepalive": 30},
        }
        text = yaml.safe_dump(complete)
        assert read(tmp_path, text) == []
        written = set()

        def walk(data, prefix=""):
            for key, value in data.items():
                written.add(prefix + key)
                if isinstance(value, dict):
                    walk(value, f"{prefix}{key}.")
                if isinstance(value, list) and value and isinstance(value[0], dict):
                    walk(value[0], f"{prefix}{key}[].")

        walk(as_editor_sees(text))
        assert written == schema_keys(room_schema())

    def test_a_key_the_reader_refuses_is_refused_by_the_schema_too(self, tmp_path, validator):
        for text in ("voulme: 30\n", "display: {rotate: 90}\n", "pedals:\n  - pin: 17\n    colour: red\n",
                     "keys: {F12: back}\n", "pedals:\n  - pin: 17\n    gestures: {tripple: back}\n"):
            assert any("unknown key" in p.message for p in read(tmp_path, text)), text
            assert not validator.is_valid(as_editor_sees(text)), text


GOOD = ["volume: 40\n", "volume: 40%\n", "muted: yes\n", "muted: Off\n", "pin: \"0420\"\n", "pin: 2468\n",
        "exit_chord: Ctrl+Alt+Q\n", "display: {fullscreen: auto, rotation: 270, size: 800x480}\n",
        "pedals:\n  - pin: GPIO22\n    hold_time: 1.5s\n    gestures: {tap: back, hold: null}\n",
        "pedals:\n  - pin: BOARD11\n", "pedals: []\n", "keys: {F13: none, F14: extend}\n", "routines: /srv\n",
        "routines:\n", "default_length: 45m\n", "cues: {rep_tick: false}\n", "# comments only\n"]
BAD = ["volume: 140\n", "volume: loud\n", "muted: maybe\n", "pin: 12ab\n", "exit_chord: q\n", "default_length: 60\n",
       "display: {rotation: 45}\n", "display: {brightness: 5}\n", "display: {size: big}\n", "pedals:\n  pin: 17\n",
       "pedals:\n  - pull_up: true\n", "pedals:\n  - pin: 17\n    gestures: {tap: jump}\n",
       "pedals:\n  - pin: WPI0\n", "pedals:\n  - pin: 17\n    bounce_ms: 80\n", "keys: {F13: pause}\n",
       "autosave: 5\n", "room: [a, b]\n", "cues: {rep_tick: maybe}\n", "- a list\n"]


class TestSameValues:
    @pytest.mark.parametrize("text", GOOD)
    def test_good_for_the_reader_and_the_editor(self, tmp_path, validator, text):
        (tmp_path / "srv").mkdir()
        assert [p for p in read(tmp_path, text.replace("/srv", str(tmp_path / "srv")))] == []
        data = None if text.startswith("#") else as_editor_sees(text)  # an editor sees a file of comments as null
        errors = [e.message for e in validator.iter_errors(data)]
        assert errors == []

    @pytest.mark.parametrize("text", BAD)
    def test_bad_for_the_reader_and_the_editor(self, tmp_path, validator, text):
        assert read(tmp_path, text) != []
        assert not validator.is_valid(as_editor_sees(text))
