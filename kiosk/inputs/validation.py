"""Names in the inputs part of the room config: actions and GPIO pins, checked before any pin is opened.

Pure (no gpiozero): the room config reader (kiosk/config.py) and the foot switch both use them, so
a pin or action is understood, and refused, the same way everywhere.
"""

from __future__ import annotations

from kiosk.inputs.actions import ACTION_NAMES, Action
from kiosk.vocabulary import did_you_mean

#: What maps a key or gesture to nothing (YAML null written out, or the word none).
NO_ACTION_WORDS = ("", "~", "null", "none")


def parse_action(value: object) -> Action | None:
    """An action name from the config; ``None``, ``null``, ``~``, ``none`` or nothing maps nothing.

    Raises ValueError naming the actions there are.
    """
    if value is None or (isinstance(value, str) and value.strip().lower() in NO_ACTION_WORDS):
        return None
    if isinstance(value, Action):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected an action name, got {value!r}; use one of: {', '.join(ACTION_NAMES)}")
    name = value.strip().lower().replace("-", "_").replace(" ", "_")
    if name in ACTION_NAMES:
        return Action(name)
    raise ValueError(
        f'unknown action "{value}"{_near(name)}; use one of: {", ".join(ACTION_NAMES)}'
    )


def _near(name: str) -> str:
    hint = did_you_mean(name, ACTION_NAMES, None)
    return f" ({hint})" if hint else ""


#: The Pi's 40-pin header (every model since the B+): header pin -> BCM GPIO number.
HEADER_GPIO: dict[int, int] = {
    3: 2, 5: 3, 7: 4, 8: 14, 10: 15, 11: 17, 12: 18, 13: 27, 15: 22, 16: 23, 18: 24, 19: 10,
    21: 9, 22: 25, 23: 11, 24: 8, 26: 7, 27: 0, 28: 1, 29: 5, 31: 6, 32: 12, 33: 13, 35: 19,
    36: 16, 37: 26, 38: 20, 40: 21,
}
HEADER_POWER: dict[int, str] = {
    1: "3V3", 17: "3V3", 2: "5V", 4: "5V",
    **{n: "ground" for n in (6, 9, 14, 20, 25, 30, 34, 39)},
}
#: GPIO 0 and 1 (header pins 27, 28) belong to the HAT identification EEPROM.
RESERVED_GPIO = {0: "ID_SD", 1: "ID_SC"}
_GPIO_TO_HEADER = {gpio: board for board, gpio in HEADER_GPIO.items()}
PIN_HINT = "give a BCM GPIO number from 2 to 27, for example 17 (GPIO17, header pin 11)"


def parse_pin(value: object) -> int:
    """A pedal pin as the BCM GPIO number: ``17``, ``"GPIO17"``, ``"BCM17"``, ``"BOARD11"``, ``"J8:11"``.

    Raises ValueError saying what is wrong (a ground pin, a reserved pin, no such pin) and what to write.
    """
    if isinstance(value, bool):
        raise ValueError(f"expected a pin, got {value!r}; {PIN_HINT}")
    if isinstance(value, int):
        gpio = value
    elif isinstance(value, str):
        text = value.strip().upper().replace(" ", "")
        board = None
        for prefix in ("BOARD", "J8:"):
            if text.startswith(prefix) and text[len(prefix):].isascii() and text[len(prefix):].isdigit():
                board = int(text[len(prefix):])
        if board is not None:
            if board in HEADER_POWER:
                raise ValueError(f'header pin {board} is {HEADER_POWER[board]}, not a GPIO; {PIN_HINT}')
            if board not in HEADER_GPIO:
                raise ValueError(f"the header has pins 1 to 40, not {board}; {PIN_HINT}")
            gpio = HEADER_GPIO[board]
        else:
            for prefix in ("GPIO", "BCM"):
                if text.startswith(prefix):
                    text = text[len(prefix):]
                    break
            if not (text.isascii() and text.isdigit()):
                raise ValueError(f"cannot read {value!r} as a pin; {PIN_HINT}")
            gpio = int(text)
    else:
        raise ValueError(f"expected a pin, got {value!r}; {PIN_HINT}")
    if gpio in RESERVED_GPIO:
        raise ValueError(f"GPIO{gpio} ({RESERVED_GPIO[gpio]}) is reserved for HAT identification; {PIN_HINT}")
    if gpio not in _GPIO_TO_HEADER:
        raise ValueError(f"there is no GPIO{gpio} on the 40-pin header; {PIN_HINT}")
    return gpio


def header_pin(gpio: int) -> int:
    """The header pin a BCM GPIO sits on (17 -> 11), for wiring instructions."""
    return _GPIO_TO_HEADER[gpio]
