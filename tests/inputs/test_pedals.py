"""The pedals part of the room config: good entries become PedalConfigs, mistakes are named with their key path."""

from __future__ import annotations

import pytest

from kiosk.inputs.actions import Action
from kiosk.inputs.footswitch import PedalConfig, parse_pedals
from kiosk.inputs.validation import InputConfigError, parse_pin


class TestGoodPedals:
    def test_a_pin_alone_gets_the_defaults(self):
        assert parse_pedals([{"pin": 17}]) == [
            PedalConfig(pin=17, pull_up=True, hold_time=1.0, bounce_ms=20.0,
                        gestures={"tap": Action.ADVANCE, "hold": Action.TOGGLE_PAUSE})
        ]

    def test_two_pedals_with_their_own_maps(self):
        left, right = parse_pedals([
            {"pin": "GPIO22", "gestures": {"tap": "back", "hold": "extend"}},
            {"pin": "BOARD11", "pull_up": False, "hold_time": "1.5s", "bounce_ms": 10,
             "gestures": {"tap": "advance", "hold": "toggle_pause", "double_tap": "back", "long_hold": "extend"}},
        ])
        assert (left.pin, left.gestures) == (22, {"tap": Action.BACK, "hold": Action.EXTEND})
        assert (right.pin, right.pull_up, right.hold_time, right.bounce_ms) == (17, False, 1.5, 10.0)
        assert right.gestures["long_hold"] is Action.EXTEND

    def test_a_given_map_replaces_the_default_and_null_maps_nothing(self):
        [pedal] = parse_pedals([{"pin": 17, "gestures": {"tap": "advance", "hold": None}}])
        assert pedal.gestures == {"tap": Action.ADVANCE}

    @pytest.mark.parametrize("raw", [None, []])
    def test_no_pedals(self, raw):
        assert parse_pedals(raw) == []

    def test_one_pedal_without_the_list(self):
        assert [p.pin for p in parse_pedals({"pin": 27})] == [27]


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


def problems_of(raw) -> list[tuple[tuple, str]]:
    with pytest.raises(InputConfigError) as caught:
        parse_pedals(raw)
    return [(p.where, p.message) for p in caught.value.problems]


class TestMistakes:
    @pytest.mark.parametrize(
        "entry,where,words",
        [
            ({"pin": 17, "pullup": True}, ("pedals", 0, "pullup"), 'did you mean "pull_up"'),
            ({"pull_up": True}, ("pedals", 0), "has no pin"),
            ({"pin": 17, "pull_up": "yes"}, ("pedals", 0, "pull_up"), "true (pedal wired to ground)"),
            ({"pin": 3, "pull_up": False}, ("pedals", 0, "pull_up"), "GPIO3 (header pin 5) has a fixed pull-up"),
            ({"pin": 17, "hold_time": 0.1}, ("pedals", 0, "hold_time"), "from 0.3 to 5 seconds"),
            ({"pin": 17, "hold_time": "soon"}, ("pedals", 0, "hold_time"), 'cannot read "soon"'),
            ({"pin": 17, "bounce_ms": 80}, ("pedals", 0, "bounce_ms"), "from 0 to 50 ms"),
            ({"pin": 17, "gestures": {"tripple": "back"}}, ("pedals", 0, "gestures", "tripple"), "a pedal knows tap"),
            ({"pin": 17, "gestures": {"hold": "pause"}}, ("pedals", 0, "gestures", "hold"),
             'did you mean "toggle_pause"'),
            ({"pin": 17, "gestures": {"tap": None}}, ("pedals", 0, "gestures"), "would do nothing"),
            ({"pin": 17, "gestures": "advance"}, ("pedals", 0, "gestures"), "mapping of gestures"),
            ("17", ("pedals", 0), "expected a pedal like"),
        ],
    )
    def test_each_mistake_is_named_with_its_key_path(self, entry, where, words):
        [(got_where, message)] = problems_of([entry])
        assert got_where == where
        assert words in message

    def test_two_pedals_on_one_pin(self):
        [(where, message)] = problems_of([{"pin": 17}, {"pin": "BOARD11"}])
        assert where == ("pedals", 1, "pin")
        assert "GPIO17 is already pedal 1's pin" in message

    def test_every_mistake_in_the_file_is_reported_at_once(self):
        got = problems_of([{"pin": "BOARD6", "hold_time": 9}, {"pin": 22, "gestures": {"tap": "jump"}}])
        assert [where for where, _ in got] == [
            ("pedals", 0, "pin"), ("pedals", 0, "hold_time"), ("pedals", 1, "gestures", "tap"),
        ]

    def test_the_message_reads_as_one_line_per_problem(self):
        with pytest.raises(ValueError, match=r"^pedals\[0\]\.pin: header pin 6 is ground"):
            parse_pedals([{"pin": "BOARD6"}])

    def test_not_a_list(self):
        assert problems_of("GPIO17") == [
            (("pedals",), "expected a list of pedals, each like {pin: 17, gestures: {tap: advance}}")
        ]
