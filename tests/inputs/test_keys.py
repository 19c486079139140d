"""Keyboard and pedal keys: every key issue 4 lists, Escape, repeats, F13-F24 from the room config.

Key codes are what Kivy 2.3's SDL2 window passes to ``on_key_down(window, key, scancode, ...)``.
"""

from __future__ import annotations

import pytest

from kiosk.inputs.actions import Action
from kiosk.inputs.keys import KeyMap, key_name

SDLK = 1 << 30  # SDL key codes of keys without a character: the scancode with this bit set

# (what the user presses, kivy key code, SDL scancode, action)
LISTED = [
    ("space", 32, 44, Action.ADVANCE),
    ("Page Down", 281, 78, Action.ADVANCE),
    ("Right", 275, 79, Action.ADVANCE),
    ("Down", 274, 81, Action.ADVANCE),
    ("Enter", 13, 40, Action.ADVANCE),
    ("keypad Enter", 271, 88, Action.ADVANCE),
    ("Page Up", 280, 75, Action.BACK),
    ("Left", 276, 80, Action.BACK),
    ("Up", 273, 82, Action.BACK),
    ("p", 112, 19, Action.TOGGLE_PAUSE),
    ("Pause (Kivy SDL2 calls it f15)", 296, 72, Action.TOGGLE_PAUSE),
    ("b", 98, 5, Action.TOGGLE_PAUSE),
    ("+ (its own key, as on German keyboards)", 43, 48, Action.EXTEND),
    ("keypad +", 270, 87, Action.EXTEND),
    ("= (+ without shift)", 61, 46, Action.EXTEND),
    ("e", 101, 8, Action.EXTEND),
]


class TestListedKeys:
    @pytest.mark.parametrize("label,key,scancode,action", LISTED, ids=[row[0] for row in LISTED])
    def test_each_key_does_what_issue_4_says(self, label, key, scancode, action):
        assert KeyMap().key_down(key, scancode) is action

    @pytest.mark.parametrize("label,key,scancode,action", LISTED, ids=[row[0] for row in LISTED])
    def test_without_a_scancode_too(self, label, key, scancode, action):
        assert KeyMap().action_for(key) is action

    @pytest.mark.parametrize("key", [19, SDLK | 72])
    def test_pause_as_other_windows_send_it(self, key):
        assert KeyMap().action_for(key) is Action.TOGGLE_PAUSE

    @pytest.mark.parametrize("key,scancode", [(294, 70), (295, 71)], ids=["Print Screen", "Scroll Lock"])
    def test_keys_kivy_mislabels_as_f13_f14_do_nothing(self, key, scancode):
        keys = KeyMap({"f13": Action.ADVANCE, "f14": Action.BACK})
        assert keys.key_down(key, scancode) is None

    @pytest.mark.parametrize("key,scancode", [(27, 41), (97, 4), (282, 58), (127, 76)],
                             ids=["Escape", "a", "F1", "Delete"])
    def test_other_keys_and_escape_do_nothing(self, key, scancode):
        assert KeyMap().key_down(key, scancode) is None

    def test_escape_is_swallowed_so_kivy_does_not_close_the_kiosk(self):
        assert KeyMap.swallows(27, 41)
        assert not KeyMap.swallows(32, 44)


class TestRepeat:
    def test_a_held_key_counts_once_until_released(self):
        keys = KeyMap()
        assert keys.key_down(281, 78) is Action.ADVANCE
        assert [keys.key_down(281, 78) for _ in range(20)] == [None] * 20
        keys.key_up(281, 78)
        assert keys.key_down(281, 78) is Action.ADVANCE

    def test_two_keys_are_independent(self):
        keys = KeyMap()
        assert keys.key_down(281, 78) is Action.ADVANCE
        assert keys.key_down(280, 75) is Action.BACK

    def test_reset_forgets_keys_whose_release_was_lost(self):
        keys = KeyMap()
        keys.key_down(32, 44)
        keys.reset()
        assert keys.key_down(32, 44) is Action.ADVANCE

    @pytest.mark.parametrize("modifier", ["ctrl", "alt", "meta"])
    def test_a_shortcut_is_not_a_pedal_press(self, modifier):
        assert KeyMap().key_down(112, 19, [modifier]) is None

    def test_shift_plus_equals_is_plus(self):
        assert KeyMap().key_down(61, 46, ["shift"]) is Action.EXTEND


class TestFunctionKeys:
    @pytest.mark.parametrize("n", range(13, 25))
    def test_f13_to_f24_do_nothing_until_mapped(self, n):
        assert KeyMap().key_down(SDLK | (104 + n - 13), 104 + n - 13) is None

    @pytest.mark.parametrize("n", range(13, 25))
    def test_f13_to_f24_from_the_room_config(self, room_config, n):
        config, problems = room_config(f"keys: {{F{n}: back}}\n")
        assert problems == []
        keys = KeyMap(config.keys)
        assert keys.key_down(SDLK | (104 + n - 13), 104 + n - 13) is Action.BACK  # as SDL2 sends it
        assert key_name(0, 104 + n - 13) == f"f{n}"  # known by scancode alone

    def test_a_whole_pedal_on_function_keys(self, room_config):
        config, problems = room_config("keys: {F13: back, F14: advance, F15: toggle_pause, F16: extend}\n")
        assert problems == []
        keys = KeyMap(config.keys)
        got = [keys.key_down(SDLK | sc, sc) for sc in (104, 105, 106, 107)]
        assert got == [Action.BACK, Action.ADVANCE, Action.TOGGLE_PAUSE, Action.EXTEND]

    @pytest.mark.parametrize("nothing", ["null", "~", "none", ""])
    def test_null_leaves_a_key_unmapped(self, room_config, nothing):
        config, problems = room_config(f"keys:\n  F13: {nothing}\n  F14: extend\n")
        assert problems == []
        assert config.keys == {"F14": Action.EXTEND}

    @pytest.mark.parametrize(
        "text,at,message,hint",
        [
            ("keys: {F12: advance}\n", (1, 8), 'unknown key "F12" in keys', "allowed here: F13, F14"),
            ("keys: {space: back}\n", (1, 8), 'unknown key "space" in keys', "allowed here: F13, F14"),
            ("keys: {f14: back}\n", (1, 8), 'unknown key "f14" in keys', 'did you mean "F14"?'),
            ("keys: {F13: pause}\n", (1, 13), 'keys.F13: unknown action "pause" (did you mean "toggle_pause"?); '
                                             "use one of: advance, back, toggle_pause, extend", ""),
            ("keys: {F13: 3}\n", (1, 13), 'keys.F13: unknown action "3"; use one of:', ""),
            ("keys: [F13]\n", (1, 7), "keys must be a mapping (key: value lines), not a list", ""),
        ],
        ids=["f12", "fixed-key", "lower-case", "unknown-action", "not-an-action", "not-a-mapping"],
    )
    def test_mistakes_name_the_key_and_the_fix(self, room_config, text, at, message, hint):
        config, problems = room_config(text)
        [problem] = problems
        assert (problem.line, problem.col) == at
        assert problem.message.startswith(message), problem.message
        assert hint in problem.hint
        assert config.keys == {}  # a bad keys section maps nothing: the fixed pedal keys still work

    def test_every_mistake_is_reported_at_once(self, room_config):
        _, problems = room_config("keys: {F1: advance, F13: jump, F14: back}\n")
        assert [(p.col, p.message.split(":")[0]) for p in problems] == [
            (8, 'unknown key "F1" in keys'), (26, "keys.F13"),
        ]

    def test_keymap_refuses_keys_that_are_not_f13_to_f24(self):
        with pytest.raises(ValueError):
            KeyMap({"space": Action.BACK})
