"""The room config: good files read, every mistake reported at FILE:LINE:COL, never a dead kiosk."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from kiosk.config import (
    CUE_NAMES, DisplayConfig, PedalConfig, RoomConfig, data_dir_default, load_config, resolve_data_dir,
)
from kiosk.inputs.actions import Action
from kiosk.paths import ROOT


def write(tmp_path: Path, text: str, name: str = "room.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def load(tmp_path, text, environ=None):
    return load_config(write(tmp_path, text), environ or {})


class TestGoodFiles:
    def test_every_key(self, tmp_path):
        (tmp_path / "mine").mkdir()
        config, problems = load(tmp_path, """
            room: Room 2
            routines: [mine]
            default_routine: back-massage
            default_length: 1h30m
            data_dir: /srv/kiosk
            pin: "0420"
            exit_chord: Ctrl+Alt+Q
            volume: 35
            muted: yes
            cues: {rep_tick: off, warning: on}
            spoken_prompts: true
            practice_mode: on
            display: {rotation: 180, brightness: 60, fullscreen: false, size: 1024x600}
            pedals:
              - pin: 17
                hold_time: 0.8s
            keys: {F13: back, F24: extend}
            resume_max_age: 2h
            autosave: 2s
            clock: 12
        """)
        assert problems == []
        assert config.room == "Room 2"
        assert config.routines == ((tmp_path / "mine").resolve(),)
        assert (config.default_routine, config.default_length) == ("back-massage", 5400.0)
        assert config.data_dir == Path("/srv/kiosk")
        assert config.pin == "0420"  # a leading zero survives: YAML 1.1 would read 0420 as octal
        assert config.exit_chord == "ctrl+alt+q"
        assert (config.volume, config.muted, config.spoken_prompts, config.practice_mode) == (35, True, True, True)
        assert config.cues["rep_tick"] is False and config.cues["warning"] is True
        assert set(config.cues) == set(CUE_NAMES)
        assert config.display == DisplayConfig(rotation=180, brightness=60, fullscreen=False, size=(1024, 600))
        assert config.pedals == (PedalConfig(pin=17, hold_time=0.8),)
        assert config.keys == {"F13": Action.BACK, "F24": Action.EXTEND}
        assert (config.resume_max_age, config.autosave) == (7200.0, 2.0)
        assert config.clock == 12

    def test_two_pedals_with_their_own_gestures(self, tmp_path):
        config, problems = load(tmp_path, """
            pedals:
              - pin: 5
                gestures: {tap: back, hold: extend}
              - pin: GPIO6
                pull_up: false
                bounce_ms: 10
                gestures: {tap: advance, hold: toggle_pause, double_tap: none}
        """)
        assert problems == []
        left, right = config.pedals
        assert (left.pin, left.gestures) == (5, {"tap": Action.BACK, "hold": Action.EXTEND})
        assert (right.pin, right.pull_up, right.bounce_ms) == (6, False, 10.0)  # GPIO6 read as BCM 6
        assert right.gestures == {"tap": Action.ADVANCE, "hold": Action.TOGGLE_PAUSE}  # "none" maps nothing

    @pytest.mark.parametrize("text", ["# only comments\n# room: x\n"], ids=["comments"])
    def test_a_file_without_settings_is_the_defaults(self, tmp_path, text):
        config, problems = load(tmp_path, text)
        assert problems == []
        assert config == RoomConfig(path=config.path)

    @pytest.mark.parametrize("text", ["", "  \n\n\t\n"], ids=["empty", "whitespace"])
    def test_an_empty_file_is_the_defaults_and_is_said(self, tmp_path, text):
        """An edit cut short by a power cut: the kiosk runs on defaults, and says so (PIN 0000)."""
        config, problems = load(tmp_path, text)
        assert config == RoomConfig(path=config.path)
        assert [(p.line, p.message) for p in problems] == [
            (0, "the room config is empty: every setting is at its default and the PIN is 0000")]

    def test_no_file_at_all_is_a_working_kiosk(self, tmp_path, monkeypatch):
        monkeypatch.setattr("kiosk.config.SYSTEM_CONFIG", tmp_path / "absent.yaml")
        config, problems = load_config(None, {})
        assert problems == [] and config.path is None
        assert config.pedals[0].gestures == {"tap": Action.ADVANCE, "hold": Action.TOGGLE_PAUSE}

    def test_shipped_example_is_valid(self):
        config, problems = load_config(ROOT / "deploy" / "room.example.yaml", {})
        # The example lists /etc/kiosk/routines, which exists only once installed.
        assert [p.message for p in problems if "no folder" not in p.message] == []
        assert config.room and config.pin


BAD = [
    ("volume: 140\n", 1, 9, "volume: 140 is out of range", "volume", 50),
    ("volume: loud\n", 1, 9, 'not a whole number', "volume", 50),
    ("muted: maybe\n", 1, 8, 'muted: must be true or false, not "maybe"', "muted", False),
    ("pin: 12ab\n", 1, 6, "4 to 8 digits", "pin", None),
    ('pin: "١٢٣٤"\n', 1, 6, "4 to 8 digits 0-9", "pin", None),  # Arabic-Indic: the keypad can never match
    ("volume: ٥٠\n", 1, 9, "not a whole number", "volume", 50),
    ("default_length: 60\n", 1, 17, "has no unit", "default_length", None),
    ("exit_chord: q\n", 1, 13, "not a key chord", "exit_chord", None),
    ("default_routine: [a, b]\n", 1, 18, "must be a single value", "default_routine", None),
    ("resume_max_age: 10s\n", 1, 17, "out of range", "resume_max_age", 10800.0),
    ("clock: 13\n", 1, 8, "write 12 (3:05 PM) or 24 (15:05)", "clock", None),
    ("audio_buffer: 600\n", 1, 15, "600 is not a buffer size the mixer takes; write 256, 512, 1024", "audio_buffer", 512),
    ("audio_buffer: 64\n", 1, 15, "64 is out of range; write one from 256 to 8192 frames", "audio_buffer", 512),
    ("audio_buffer: big\n", 1, 15, "not a whole number", "audio_buffer", 512),
    ("language: Español!\n", 1, 11, '"Español!" is not a language tag; write a BCP 47 tag such as es, fr or pt-BR',
     "language", None),
]


class TestMistakes:
    @pytest.mark.parametrize(("text", "line", "col", "message", "key", "default"), BAD,
                             ids=[b[0].split(":")[0] + "-" + str(i) for i, b in enumerate(BAD)])
    def test_bad_value_reported_where_it_is_and_left_at_default(self, tmp_path, text, line, col, message, key, default):
        config, problems = load(tmp_path, "room: Room 3\n" + text)
        assert len(problems) == 1
        problem = problems[0]
        assert (problem.line, problem.col) == (line + 1, col)
        assert message in problem.message
        assert str(problem).startswith(f"{tmp_path / 'room.yaml'}:{line + 1}:{col}: error: ")
        assert getattr(config, key) == default
        assert config.room == "Room 3"  # the good values around it are kept

    def test_unknown_key_suggests_the_near_miss(self, tmp_path):
        _, problems = load(tmp_path, "voulme: 30\n")
        assert [(p.line, p.col) for p in problems] == [(1, 1)]
        assert 'unknown key "voulme"' in problems[0].message and '"volume"' in problems[0].hint

    def test_every_problem_in_one_go(self, tmp_path):
        _, problems = load(tmp_path, """
            volume: 140
            display:
              rotation: 45
              brightness: 0
            cues: {windw: off}
            keys: {F12: back, F13: jump}
        """)
        found = [(p.line, p.message.split(":")[0]) for p in problems]
        assert found == [
            (1, "volume"), (3, "display.rotation"), (4, "display.brightness"),
            (5, 'unknown key "windw" in cues'), (6, 'unknown key "F12" in keys'), (6, "keys.F13"),
        ]

    @pytest.mark.parametrize(
        ("pedals", "message"),
        [
            ("  - pin: 40\n", "no GPIO40"),
            ("  - pin: BOARD6\n", "ground"),
            ("  - pin: GPIO17\n    gestures: {tap: advnce}\n", 'unknown action "advnce"'),
            ("  - pin: 17\n    hold_time: 1\n", "has no unit"),
            ("  - pull_up: true\n", "has no pin"),
            ("  - pin: 17\n  - pin: GPIO17\n", "already used by pedals[0]"),
            ("  - pin: 17\n    colour: red\n", 'unknown key "colour" in pedals[0]'),
            ("  pin: 17\n", "must be a list"),
        ],
        ids=["pin-range", "ground-pin", "action", "unitless-hold", "no-pin", "same-pin", "unknown-key", "not-a-list"],
    )
    def test_bad_pedal_keeps_the_default_pedal(self, tmp_path, pedals, message):
        config, problems = load(tmp_path, "pedals:\n" + pedals)
        assert any(message in p.message for p in problems), problems
        assert all(p.line >= 1 for p in problems)
        assert config.pedals == RoomConfig().pedals

    def test_a_binary_room_config_is_told_it_is_a_room_config(self, tmp_path):
        path = tmp_path / "room.yaml"
        path.write_bytes(b"\x7fELF\x02\x01\x00\x00binary")
        _, problems = load_config(path, {})
        (problem,) = problems
        assert "not a text file" in problem.message
        assert problem.hint == "the room config is a text file written in YAML"

    def test_one_bad_pedal_keeps_the_good_ones(self, tmp_path):
        config, problems = load(tmp_path, "pedals:\n  - pin: 5\n    hold_time: 2s\n  - pin: 40\n"
                                          "  - pin: 6\n    gestures: {tap: back}\n")
        assert [p.message.split(":")[0] for p in problems] == ["pedals[1].pin"]
        assert [(p.pin, p.hold_time) for p in config.pedals] == [(5, 2.0), (6, RoomConfig().pedals[0].hold_time)]
        assert config.pedals[1].gestures["tap"] == Action.BACK

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("room: a\nroom: b\n", "duplicate key"),
            ("volume: &v 30\nmuted: *v\n", "not allowed"),
            ("room: !!python/object:os.system x\n", "not allowed"),
            ("room: [unclosed\n", "YAML syntax error"),
            ("- just\n- a list\n", "must be a mapping"),
        ],
        ids=["duplicate", "alias", "tag", "syntax", "list"],
    )
    def test_broken_files_give_defaults_and_a_located_problem(self, tmp_path, text, message):
        config, problems = load(tmp_path, text)
        assert any(message in p.message and p.line >= 1 for p in problems), problems
        assert config.volume == 50 and config.pedals == RoomConfig().pedals

    def test_missing_file_named_explicitly_is_a_problem(self, tmp_path):
        config, problems = load_config(tmp_path / "nope.yaml", {})
        assert config == RoomConfig(path=str(tmp_path / "nope.yaml"))
        assert len(problems) == 1 and "no such room config file" in problems[0].message

    def test_binary_or_huge_file(self, tmp_path):
        big = tmp_path / "big.yaml"
        big.write_text("room: x\n" + "# padding\n" * 20000)
        _, problems = load_config(big, {})
        assert "too large" in problems[0].message


class TestEnvironment:
    def test_overrides_the_file(self, tmp_path):
        path = write(tmp_path, "room: From file\nvolume: 20\ndisplay: {rotation: 90}\n")
        config, problems = load_config(path, {
            "KIOSK_ROOM": "From env", "KIOSK_VOLUME": "70", "KIOSK_ROTATION": "270",
            "KIOSK_DATA_DIR": str(tmp_path / "data"), "KIOSK_PRACTICE_MODE": "yes",
        })
        assert problems == []
        assert (config.room, config.volume, config.display.rotation) == ("From env", 70, 270)
        assert config.data_dir == tmp_path / "data" and config.practice_mode is True

    def test_audio_buffer_from_the_file_and_the_environment(self, tmp_path):
        path = write(tmp_path, "audio_buffer: 2048\n")
        assert load_config(path, {}) == (load_config(path, {})[0], [])
        assert load_config(path, {})[0].audio_buffer == 2048
        assert load_config(path, {"KIOSK_AUDIO_BUFFER": "1024"})[0].audio_buffer == 1024
        assert load_config(write(tmp_path, "room: R\n"), {})[0].audio_buffer == 512

    def test_kiosk_config_names_the_file(self, tmp_path):
        path = write(tmp_path, "room: Via env\n")
        config, _ = load_config(None, {"KIOSK_CONFIG": str(path)})
        assert config.room == "Via env" and config.path == str(path)

    def test_bad_variable_is_a_problem_not_a_crash(self, tmp_path):
        config, problems = load_config(write(tmp_path, "volume: 20\n"), {"KIOSK_VOLUME": "max"})
        assert config.volume == 20
        assert [str(p).split(":")[0] for p in problems] == ["$KIOSK_VOLUME"]


class TestDataDir:
    @pytest.mark.parametrize(
        ("environ", "expected"),
        [
            ({"XDG_DATA_HOME": "/xdg", "HOME": "/home/t"}, "/xdg/kiosk"),
            ({"XDG_DATA_HOME": "relative", "HOME": "/home/t"}, "/home/t/.local/share/kiosk"),
            ({"HOME": "/home/t"}, "/home/t/.local/share/kiosk"),
        ],
    )
    def test_platform_default(self, environ, expected):
        assert data_dir_default(environ) == Path(expected)

    def test_order_cli_then_config_then_default(self):
        env = {"HOME": "/home/t"}
        configured = RoomConfig(data_dir=Path("/var/lib/kiosk"))
        assert resolve_data_dir("/cli", configured, env) == Path("/cli")
        assert resolve_data_dir(None, configured, env) == Path("/var/lib/kiosk")
        assert resolve_data_dir(None, RoomConfig(), env) == Path("/home/t/.local/share/kiosk")
