"""The things a therapist can ask the session for, whatever the input (foot switch, key, touch)."""

from __future__ import annotations

from enum import Enum


class Action(str, Enum):
    """An action's ``value`` is also the name of the engine method that carries it out."""

    ADVANCE = "advance"
    BACK = "back"
    TOGGLE_PAUSE = "toggle_pause"
    EXTEND = "extend"

    def __str__(self) -> str:
        return self.value


#: Actions that inputs may be mapped to (room config gesture maps, pedal keys).
ACTION_NAMES: tuple[str, ...] = tuple(a.value for a in Action)
