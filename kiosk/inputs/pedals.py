"""One foot switch as the room config describes it: which pin, how wired, how long a hold, which gesture does what.

Pure (no gpiozero): the room config (kiosk/config.py) reads and checks the entries,
:mod:`kiosk.inputs.footswitch` opens the pins.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kiosk.inputs.actions import Action
from kiosk.inputs.gestures import DEFAULT_BOUNCE_MS, DEFAULT_HOLD_TIME, HOLD, TAP

#: A pedal nobody configured: tap advances, hold pauses or resumes.
DEFAULT_GESTURES: Mapping[str, Action] = {TAP: Action.ADVANCE, HOLD: Action.TOGGLE_PAUSE}


@dataclass(frozen=True)
class PedalConfig:
    """One foot switch from the room config: pin (a BCM number), wiring, timing, gesture map."""

    pin: int | str
    pull_up: bool = True
    hold_time: float = DEFAULT_HOLD_TIME
    bounce_ms: float = DEFAULT_BOUNCE_MS
    gestures: dict[str, Action] = field(default_factory=lambda: dict(DEFAULT_GESTURES))


HOLD_TIME_RANGE = (0.3, 5.0)
BOUNCE_MS_RANGE = (0.0, 50.0)
#: GPIO2 and GPIO3 carry 1.8 kOhm pull-ups to 3V3 on the board: a pedal there must be wired to ground.
FIXED_PULL_UP = (2, 3)
