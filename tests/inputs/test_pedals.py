"""The pedals part of the room config: good entries become PedalConfigs, mistakes are named at FILE:LINE:COL."""

from __future__ import annotations

import pytest

from kiosk.config import RoomConfig
from kiosk.inputs.actions import Action
from kiosk.inputs.footswitch import PedalConfig
from kiosk.inputs.validation import parse_pin


class TestGoodPedals:
    def test_a_pin_alone_gets_the_defaults(self, room_config):
        config, problems = room_config("pedals:\n  - pin: 17\n")
        assert problems == []
        assert config.pedals == (
            PedalConfig(pin=17, pull_up=True, hold_time=1.0, bounce_ms=20.0,
                        gestures={"tap": Action.ADVANCE, "hold": Action.TOGGLE_PAUSE}),
        )

    def test_two_pedals_with_their_own_maps(self, room_config):
        config, problems = room_config("""
            pedals:
              - pin: GPIO22
                gestures: {tap: back, hold: extend}
              - pin: BOARD11
                pull_up: false
                hold_time: 1.5s
                bounce_ms: 10
                gestures: {tap: advance, hold: toggle_pause, double_tap: back, long_hold: extend}
        """)
        assert problems == []
        left, right = config.pedals
        assert (left.pin, left.gestures) == (22, {"tap": Action.BACK, "hold": Action.EXTEND})
        assert (right.pin, right.pull_up, right.hold_time, right.bounce_ms) == (17, False, 1.5, 10.0)
        assert right.gestures["long_hold"] is Action.EXTEND

    @pytest.mark.parametrize("nothing", ["null", "~", "none", ""])
    def test_a_given_map_replaces_the_default_and_null_maps_nothing(self, room_config, nothing):
        config, problems = room_config(f"pedals:\n  - pin: 17\n    gestures: {{tap: advance, hold: {nothing}}}\n")
        assert problems == []
        assert config.pedals[0].gestures == {"tap": Action.ADVANCE}

    @pytest.mark.parametrize("text", ["pedals: []\n", "pedals:\n"], ids=["empty-list", "nothing"])
    def test_no_pedals(self, room_config, text):
        config, problems = room_config(text)
        assert problems == [] and config.pedals == ()

    def test_a_bad_pedal_leaves_the_good_ones_working(self, room_config):
        config, problems = room_config("""
            pedals:
              - pin: 22
                gestures: {tap: back}
              - pin: BOARD6
              - pin: 27
                hold_time: 2s
        """)
        assert [(p.line, p.message) for p in problems] == [
            (4, "pedals[1].pin: header pin 6 is ground, not a GPIO; give a BCM GPIO number from 2 to 27, "
                "for example 17 (GPIO17, header pin 11)"),
        ]
        assert [(p.pin, p.hold_time) for p in config.pedals] == [(22, 1.0), (27, 2.0)]
        assert config.pedals[0].gestures == {"tap": Action.BACK}

    def test_a_second_pedal_on_a_taken_pin_leaves_the_first(self, room_config):
        config, problems = room_config("pedals:\n  - pin: 5\n  - pin: 6\n  - pin: GPIO5\n")
        assert [(p.line, p.col) for p in problems] == [(4, 10)]
        assert [p.pin for p in config.pedals] == [5, 6]

    def test_when_every_pedal_is_bad_the_default_pedal_stays(self, room_config):
        config, problems = room_config("pedals:\n  - pin: 40\n  - pin: BOARD1\n")
        assert len(problems) == 2
        assert config.pedals == RoomConfig().pedals


class TestPins:
    @pytest.mark.parametrize(
        "written,gpio",
        [(17, 17), ("17", 17), ("GPIO17", 17), ("gpio 17", 17), ("BCM17", 17), ("BOARD11", 17),
         ("J8:11", 17), (2, 2), (27, 27), ("BOARD40", 21)],
    )
    def test_every_way_of_naming_a_pin(self, written, gpio):
        assert parse_pin(written) == gpio

    @pytest.mark.parametrize(
        "written,words",
        [
            ("BOARD6", "header pin 6 is ground"),
            ("BOARD1", "header pin 1 is 3V3"),
            ("BOARD41", "pins 1 to 40"),
            (28, "no GPIO28"),
            (0, "reserved for HAT identification"),
            ("WPI0", "cannot read 'WPI0'"),
            (True, "expected a pin"),
            (17.5, "expected a pin"),
        ],
    )
    def test_a_wrong_pin_says_why_and_what_to_write(self, written, words):
        with pytest.raises(ValueError) as caught:
            parse_pin(written)
        assert words in str(caught.value)
        assert "for example 17 (GPIO17, header pin 11)" in str(caught.value)


class TestMistakes:
    """Each mistake in a pedal entry, reported at its key or value with what to write instead."""

    @pytest.mark.parametrize(
        "entry,at,words",
        [
            ("pin: 17, pullup: true", "pullup", ('unknown key "pullup" in pedals[0]', 'did you mean "pull_up"?')),
            ("pull_up: true", None, ("pedals[0] has no pin", "add pin: 17")),
            ("pin: 17, pull_up: maybe", "maybe", ('pedals[0].pull_up: must be true or false, not "maybe"', "")),
            ("pin: 3, pull_up: false", "false", ("pedals[0].pull_up: GPIO3 (header pin 5) has a fixed pull-up",
                                                "wire that pedal to ground")),
            ("pin: 17, hold_time: 0.1s", "0.1s", ("pedals[0].hold_time: \"0.1s\" is out of range; "
                                                   "write one from 0.3s to 5s", "")),
            ("pin: 17, hold_time: soon", "soon", ('pedals[0].hold_time: cannot read "soon" as a duration', "")),
            ("pin: 17, bounce_ms: 80", "80", ("pedals[0].bounce_ms: 80 is out of range; write one from 0 to 50 ms",
                                                 "")),
            ("pin: 17, gestures: {tripple: back}", "tripple",
             ('unknown key "tripple" in pedals[0].gestures', "allowed here: tap, hold, double_tap, long_hold")),
            ("pin: 17, gestures: {hold: pause}", "pause",
             ('pedals[0].gestures.hold: unknown action "pause" (did you mean "toggle_pause"?)', "")),
            ("pin: 17, gestures: {tap: null}", "{tap",
             ("pedals[0].gestures maps no gesture to an action, so this pedal would do nothing", "map at least tap")),
            ("pin: 17, gestures: {}", "{}",
             ("pedals[0].gestures maps no gesture to an action, so this pedal would do nothing", "map at least tap")),
            ("pin: 17, gestures: advance", "advance", ('pedals[0].gestures must be a mapping (key: value lines), '
                                                     'not "advance"', "")),
        ],
        ids=["unknown-key", "no-pin", "pull-up-not-bool", "fixed-pull-up", "hold-too-short", "hold-unreadable",
             "bounce-too-long", "unknown-gesture", "unknown-action", "maps-nothing", "empty-map", "map-not-mapping"],
    )
    def test_each_mistake_is_named_where_it_is(self, room_config, entry, at, words):
        config, problems = room_config(f"pedals:\n  - {{{entry}}}\n")
        [problem] = problems
        message, hint = words
        col = 5 if at is None else 6 + entry.index(at)  # the entry starts at column 6: "  - {"
        assert (problem.line, problem.col) == (2, col)
        assert problem.message.startswith(message), problem.message
        assert hint in problem.hint
        assert config.pedals == RoomConfig().pedals  # the only pedal was bad: the default one stays

    def test_a_pedal_that_is_not_a_mapping(self, room_config):
        [problem] = room_config('pedals:\n  - "17"\n')[1]
        assert (problem.line, problem.col) == (2, 5)
        assert problem.message == 'pedals[0] must be a mapping (key: value lines), not "17"'

    def test_two_pedals_on_one_pin(self, room_config):
        [problem] = room_config("pedals:\n  - pin: 17\n  - pin: BOARD11\n")[1]
        assert (problem.line, problem.col) == (3, 10)
        assert problem.message == "pedals[1].pin: pin 17 is already used by pedals[0]"
        assert problem.hint == "each pedal needs its own pin"

    def test_every_mistake_in_the_file_is_reported_at_once(self, room_config):
        _, problems = room_config("""
            pedals:
              - pin: BOARD6
                hold_time: 9s
              - pin: 22
                gestures: {tap: jump}
        """)
        assert [(p.line, p.message.split(":")[0]) for p in problems] == [
            (2, "pedals[0].pin"), (3, "pedals[0].hold_time"), (5, "pedals[1].gestures.tap"),
        ]

    def test_the_message_reads_as_one_line_per_problem(self, room_config, tmp_path):
        [problem] = room_config("pedals:\n  - pin: BOARD6\n")[1]
        assert str(problem).startswith(f"{tmp_path / 'room.yaml'}:2:10: error: pedals[0].pin: header pin 6 is ground")
        assert "\n" not in str(problem)

    def test_not_a_list(self, room_config):
        [problem] = room_config("pedals: GPIO17\n")[1]
        assert (problem.line, problem.col) == (1, 9)
        assert problem.message == 'pedals must be a list (lines starting with -), not "GPIO17"'
