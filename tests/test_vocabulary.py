"""One vocabulary for every file a person writes: the same yes / no words and the same suggestions."""

from __future__ import annotations

import re

import pytest

from kiosk.config import load_config
from kiosk.errors import RoutineError
from kiosk.routines.loader import load_routine_text
from kiosk.vocabulary import FALSE_WORDS, TRUE_WORDS, bool_pattern, did_you_mean, parse_bool

ROUTINE = "version: 1\nname: Test\nspeak: {value}\nsteps:\n  - name: One\n    time: 1m\n"


def routine_speak(value: str) -> bool:
    return load_routine_text(ROUTINE.format(value=value)).speak


def room_muted(tmp_path, value: str):
    path = tmp_path / "room.yaml"
    path.write_text(f"muted: {value}\n", encoding="utf-8")
    return load_config(path, {})


WORDS = [(w, True) for w in TRUE_WORDS] + [(w, False) for w in FALSE_WORDS]


class TestOneBooleanRule:
    @pytest.mark.parametrize(("word", "meaning"), WORDS + [(w.upper(), m) for w, m in WORDS]
                             + [(w.title(), m) for w, m in WORDS])
    def test_routines_and_the_room_read_the_same_words_the_same_way(self, tmp_path, word, meaning):
        config, problems = room_muted(tmp_path, word)
        assert problems == [] and config.muted is meaning
        assert routine_speak(word) is meaning

    @pytest.mark.parametrize("word", ["maybe", "1", "0", "y", "n", "ja"])
    def test_anything_else_is_the_same_mistake_in_both(self, tmp_path, word):
        _, problems = room_muted(tmp_path, word)
        with pytest.raises(RoutineError) as caught:
            load_routine_text(ROUTINE.format(value=word))
        [room_problem] = problems
        [routine_problem] = caught.value.problems
        shown = word.strip('"')
        assert room_problem.message == f'muted: must be true or false, not "{shown}"'
        assert routine_problem.message == f'speak must be true or false, not "{shown}"'

    @pytest.mark.parametrize("word", [w for w, _ in WORDS] + ["TRUE", "Off", "yEs", " on "])
    def test_the_schema_pattern_accepts_exactly_those_words(self, word):
        assert re.search(bool_pattern(), word)
        parse_bool(word)

    @pytest.mark.parametrize("word", ["maybe", "1", "truee", "y", ""])
    def test_the_schema_pattern_refuses_the_rest(self, word):
        assert not re.search(bool_pattern(), word)
        with pytest.raises(ValueError):
            parse_bool(word)


class TestDidYouMean:
    @pytest.mark.parametrize(
        ("word", "choices", "expected"),
        [
            ("voulme", ["room", "volume"], 'did you mean "volume"?'),
            ("pause", ["advance", "back", "toggle_pause", "extend"], 'did you mean "toggle_pause"?'),
            ("Stesp", ["steps", "name"], 'did you mean "steps"?'),
            ("colour", ["pin", "pull_up"], "allowed here: pin, pull_up"),
        ],
    )
    def test_a_near_miss_or_the_list(self, word, choices, expected):
        assert did_you_mean(word, choices) == expected

    def test_the_list_can_be_worded_or_left_out(self):
        assert did_you_mean("up", ["left", "right"], "sides are: ") == "sides are: left, right"
        assert did_you_mean("xyz", ["auto", "manual"], None) == ""
