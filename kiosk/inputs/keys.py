"""Keyboard and pedal keys to actions: USB / Bluetooth pedals (AirTurn, PCsensor) and presenters type.

Kivy-free: the window hands over what Kivy's ``on_key_down(window, key, scancode, codepoint,
modifiers)`` receives. Keys are recognised by Kivy key code and, where Kivy's code is ambiguous,
by the SDL scancode (the USB HID usage, the same on every keyboard layout):

* Kivy 2.3's SDL2 window turns SDL's Print Screen, Scroll Lock and Pause into the codes it calls
  ``f13``, ``f14`` and ``f15`` (294-296), and passes the real F13-F24 through as raw SDL key codes.
  So Pause is known by scancode 72 (or code 296 / 19), and F13-F24 by scancodes 104-115 (or the
  raw SDL codes); code 294 / 295 alone means Print Screen / Scroll Lock and does nothing.
* A key held down repeats; only its first key-down counts, so a pedal held a little long does not
  advance twice. Call :meth:`KeyMap.reset` when the window loses focus (a key-up may be lost).
* Escape maps to nothing: leaving a full-screen kiosk is a deliberate act, not a stray key. The
  window handler should still report it handled (:meth:`KeyMap.swallows`), or Kivy closes the app.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from kiosk.inputs.actions import Action

#: Kivy key codes (``Keyboard.keycodes``) of the keys with a fixed meaning.
KIVY_CODES: dict[str, int] = {
    "spacebar": 32, "enter": 13, "numpadenter": 271, "pagedown": 281, "right": 275, "down": 274,
    "pageup": 280, "left": 276, "up": 273,
    "p": 112, "b": 98, "pause": 19,
    "+": 43, "numpadadd": 270, "=": 61, "e": 101,
    "escape": 27,
}

#: What each named key does, as issue 4 lists them.
DEFAULT_KEYS: dict[str, Action] = {
    "spacebar": Action.ADVANCE, "pagedown": Action.ADVANCE, "right": Action.ADVANCE,
    "down": Action.ADVANCE, "enter": Action.ADVANCE, "numpadenter": Action.ADVANCE,
    "pageup": Action.BACK, "left": Action.BACK, "up": Action.BACK,
    "p": Action.TOGGLE_PAUSE, "pause": Action.TOGGLE_PAUSE, "b": Action.TOGGLE_PAUSE,
    "+": Action.EXTEND, "numpadadd": Action.EXTEND, "=": Action.EXTEND, "e": Action.EXTEND,
}

#: Function keys the room config may map (nothing by default).
MAPPABLE_KEYS: tuple[str, ...] = tuple(f"f{n}" for n in range(13, 25))

_SDLK_SCANCODE_MASK = 1 << 30
_SCANCODE_PAUSE = 72
_SCANCODE_F13 = 104  # F13..F24 are 104..115 in SDL and in USB HID
_KIVY_SDL2_PAUSE = 296  # Kivy 2.3 SDL2 maps SDLK_PAUSE here (and calls it "f15")
_CODE_TO_NAME = {code: name for name, code in KIVY_CODES.items()}
_MODIFIERS_THAT_MAKE_A_SHORTCUT = frozenset({"ctrl", "alt", "meta", "super"})


def key_name(key: int, scancode: int | None = None) -> str | None:
    """The name this module knows a key by (``"pagedown"``, ``"f13"``), or None for any other key."""
    if scancode is not None and _SCANCODE_F13 <= scancode < _SCANCODE_F13 + 12:
        return f"f{scancode - _SCANCODE_F13 + 13}"
    if _SDLK_SCANCODE_MASK | _SCANCODE_F13 <= key < (_SDLK_SCANCODE_MASK | _SCANCODE_F13) + 12:
        return f"f{key - (_SDLK_SCANCODE_MASK | _SCANCODE_F13) + 13}"
    if scancode == _SCANCODE_PAUSE or key in (_KIVY_SDL2_PAUSE, _SDLK_SCANCODE_MASK | _SCANCODE_PAUSE):
        return "pause"
    return _CODE_TO_NAME.get(key)


class KeyMap:
    """Turns key-down events into actions: the fixed pedal keys plus the room's F13-F24."""

    def __init__(self, function_keys: Mapping[str, Action] | None = None):
        self.actions: dict[str, Action] = dict(DEFAULT_KEYS)
        for name, action in (function_keys or {}).items():
            name = name.lower()
            if name not in MAPPABLE_KEYS:
                raise ValueError(f'"{name}" cannot be mapped; only F13 to F24 can')
            self.actions[name] = Action(action)
        self._down: set[str] = set()

    def action_for(self, key: int, scancode: int | None = None) -> Action | None:
        """What the key means, ignoring repeats; None for Escape and every unmapped key."""
        name = key_name(key, scancode)
        return self.actions.get(name) if name else None

    def key_down(
        self, key: int, scancode: int | None = None, modifiers: Iterable[str] = ()
    ) -> Action | None:
        """A key went down: its action on the first key-down, None on repeats and shortcuts."""
        name = key_name(key, scancode)
        if name is None or name not in self.actions:
            return None
        if _MODIFIERS_THAT_MAKE_A_SHORTCUT.intersection(modifiers):
            return None
        if name in self._down:
            return None
        self._down.add(name)
        return self.actions[name]

    def key_up(self, key: int, scancode: int | None = None) -> None:
        """A key came up: its next key-down counts again."""
        name = key_name(key, scancode)
        if name is not None:
            self._down.discard(name)

    def reset(self) -> None:
        """Forget which keys are down (the window lost focus, so key-ups may have been lost)."""
        self._down.clear()

    @staticmethod
    def swallows(key: int, scancode: int | None = None) -> bool:
        """True for Escape: the key handler must claim it so Kivy does not close the kiosk."""
        return key == KIVY_CODES["escape"]
