"""Foot switches on GPIO pins: gpiozero Buttons read raw, debounced and decoded by :mod:`gestures`.

Wiring: the pedal between a GPIO pin and ground, the pin's pull-up on (``pull_up=True``), the way
every Pi tutorial wires a button; or between the pin and 3V3 with ``pull_up=False``.

gpiozero's own debounce is off (``bounce_time=None``): mock pins do not filter, lgpio's filter
delays every edge, and the gesture logic debounces the same way whatever the driver. Raw edges
arrive on gpiozero's callback thread, deadlines (a hold, a settling press, a double-tap window) on
one timer thread per pedal; ``on_action`` is called on either, so pass it a
:class:`~kiosk.inputs.handoff.MainThreadHandoff` sink, never the engine itself.

Reaction time of each gesture: see :mod:`kiosk.inputs.gestures` (mapping ``double_tap`` makes
every tap wait 0.3 s; mapping ``long_hold`` makes a hold wait for release).
"""

from __future__ import annotations

import logging
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Mapping

from kiosk.errors import HardwareError
from kiosk.i18n import N_, _
from kiosk.inputs.actions import Action
from kiosk.inputs.gestures import (
    DEFAULT_BOUNCE_MS,
    DEFAULT_HOLD_TIME,
    DOUBLE_TAP_WINDOW,
    GESTURE_NAMES,
    Contact,
    Gesture,
    PedalLogic,
)
from kiosk.inputs.pedals import DEFAULT_GESTURES, PedalConfig
from kiosk.inputs.validation import parse_action, parse_pin

__all__ = [
    "DEFAULT_GESTURES", "FootSwitch", "PedalConfig", "open_pedals", "parse_pin",
]

log = logging.getLogger(__name__)

NO_GPIO_HINT = "the keyboard still works (to try the pedal logic without one: GPIOZERO_PIN_FACTORY=mock)"
#: What the screen says when there is no GPIO (the log keeps the details): what still works.
NO_GPIO_NOTICE = N_("Foot switch not found: the keyboard, USB pedals and the touch screen still work")


def _pin_label(pin: int | str) -> str:
    return f"GPIO{pin}" if isinstance(pin, int) else str(pin)


def _hardware_error(exc: BaseException, pin: int | str, name: str) -> HardwareError:
    """One clear message for each way opening a pin fails (gpiozero, lgpio, RPi.GPIO, the kernel)."""
    from gpiozero.exc import (
        BadPinFactory, GPIOPinInUse, PinFixedPull, PinInvalidPin, PinNoPins, PinUnknownPi,
    )

    label = _pin_label(pin)
    text = str(exc)
    if isinstance(exc, GPIOPinInUse):
        return HardwareError(
            f"GPIO busy: {label} ({name}) is already used by another pedal or device in this kiosk "
            f"({text}); give each pedal its own pin in the room config"
        )
    if "busy" in text.lower():
        return HardwareError(
            f"GPIO busy: {label} ({name}) is owned by another program. Find it with "
            f"`sudo lsof /dev/gpiochip*` (or `gpioinfo | grep -w used`), stop it (a second kiosk: "
            f"`sudo systemctl stop kiosk`), then start the kiosk again; or wire the pedal to a free pin"
        )
    if isinstance(exc, PinFixedPull):
        return HardwareError(
            f"{label} ({name}) has a fixed pull-up resistor: wire that pedal to ground and set "
            f"pull_up: true, or move it to another pin"
        )
    if isinstance(exc, PinInvalidPin):
        return HardwareError(f"{label} ({name}) does not exist on this board ({text}); pick a GPIO from 2 to 27")
    if isinstance(exc, (BadPinFactory, PinNoPins, PinUnknownPi, ImportError)):
        return HardwareError(f"no GPIO here, so the foot switch is off ({text or type(exc).__name__}); {NO_GPIO_HINT}")
    if isinstance(exc, (PermissionError,)) or "permission" in text.lower():
        return HardwareError(
            f"no permission to read {label} ({name}): add the kiosk user to the gpio group "
            f"(`sudo usermod -aG gpio kiosk`) and log in again"
        )
    if "gpiochip" in text.lower() or isinstance(exc, FileNotFoundError):
        return HardwareError(f"no GPIO here, so the foot switch is off ({text}); {NO_GPIO_HINT}")
    return HardwareError(f"cannot open {label} ({name}): {text or type(exc).__name__}")


class FootSwitch:
    """A foot pedal on one GPIO pin that calls ``on_action(Action)`` for each gesture mapped.

    ``gestures`` maps gesture names (tap, hold, double_tap, long_hold) to actions (default: tap
    advances, hold toggles pause); a gesture left out does nothing. ``hold_time`` is in seconds,
    ``bounce_ms`` in milliseconds. Raises :class:`HardwareError` when there is no GPIO or the pin is
    busy. For a pedal test screen, ``when_changed(pressed)`` reports every confirmed press and
    settled release (each ``bounce_ms`` after its first edge) and ``when_gesture(name, action)``
    every gesture, mapped (action) or not (None), on the same threads as ``on_action``.
    """

    def __init__(
        self,
        pin: int | str,
        on_action: Callable[[Action], object],
        *,
        pull_up: bool = True,
        hold_time: float = DEFAULT_HOLD_TIME,
        pin_factory=None,
        gestures: Mapping[str, Action | str | None] | None = None,
        bounce_ms: float = DEFAULT_BOUNCE_MS,
        name: str | None = None,
        double_tap_window: float = DOUBLE_TAP_WINDOW,
    ):
        self.pin = parse_pin(pin)
        self.name = name or f"pedal on {_pin_label(self.pin)}"
        self.on_action = on_action
        self.gestures: dict[str, Action] = _gesture_map(DEFAULT_GESTURES if gestures is None else gestures)
        self.when_changed: Callable[[bool], object] | None = None
        self.when_gesture: Callable[[str, Action | None], object] | None = None
        self._lock = threading.RLock()
        self._wake = threading.Condition(self._lock)
        self._closed = False
        self._clock = time.monotonic
        # Built before the pin is opened, so bad timing fails without touching hardware.
        self._logic = PedalLogic(
            self.gestures, hold_time=hold_time, bounce=bounce_ms / 1000,
            double_tap_window=double_tap_window, now=self._clock(),
        )
        self._button = self._open_button(pull_up, pin_factory)
        with self._lock:
            # A pedal already held down at start does nothing until released.
            self._logic.restart(self._clock(), pressed=self._button.is_pressed)
            self._button.when_pressed = self._pressed
            self._button.when_released = self._released
        self._timer = threading.Thread(target=self._run_timer, name=f"{self.name} timer", daemon=True)
        self._timer.start()

    def _open_button(self, pull_up: bool, pin_factory):
        try:
            from gpiozero import Button
        except ImportError as exc:  # pragma: no cover - gpiozero is a dependency
            raise _hardware_error(exc, self.pin, self.name) from exc
        # gpiozero warns on stderr for each pin library it falls back from; log them instead.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                return Button(self.pin, pull_up=pull_up, bounce_time=None, pin_factory=pin_factory)
            except Exception as exc:  # every driver raises its own kinds; each becomes one message
                raise _hardware_error(exc, self.pin, self.name) from exc
            finally:
                for warning in caught:
                    log.info("%s: gpiozero: %s", self.name, warning.message)

    @property
    def is_pressed(self) -> bool:
        """Whether the contact is closed right now (raw, not debounced)."""
        return bool(self._button.is_pressed)

    @property
    def closed(self) -> bool:
        return self._closed

    def _pressed(self) -> None:
        self._edge(True)

    def _released(self) -> None:
        self._edge(False)

    def _edge(self, pressed: bool) -> None:
        with self._lock:
            if self._closed:
                return
            self._deliver(self._logic.feed(self._clock(), pressed))
            self._wake.notify()

    def _run_timer(self) -> None:
        with self._lock:
            while not self._closed:
                deadline = self._logic.next_deadline()
                now = self._clock()
                if deadline is None:
                    self._wake.wait()
                elif deadline > now:
                    self._wake.wait(deadline - now)
                else:
                    self._deliver(self._logic.poll(now))

    def _deliver(self, gestures: list[Gesture]) -> None:
        """Report contacts and gestures, in order, while holding the lock (so order is kept)."""
        contacts: list[Contact] = self._logic.contacts
        if contacts:
            self._logic.contacts = []
            if self.when_changed is not None:
                for contact in contacts:
                    self._safely(self.when_changed, contact.pressed)
        for gesture in gestures:
            action = self.gestures.get(gesture.name)
            if self.when_gesture is not None:
                self._safely(self.when_gesture, gesture.name, action)
            if action is not None:
                self._safely(self.on_action, action)

    def _safely(self, fn: Callable, *args) -> None:
        try:
            fn(*args)
        except Exception:  # a broken listener must not stop the pedal
            log.exception("%s: listener %r failed", self.name, fn)

    def close(self) -> None:
        """Release the pin and stop the timer; safe to call twice."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._wake.notify_all()
        if self._timer is not threading.current_thread():
            self._timer.join(timeout=5)
        self._button.close()

    def __enter__(self) -> FootSwitch:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else ", ".join(f"{g}={a.value}" for g, a in self.gestures.items())
        return f"<FootSwitch {self.name} ({state})>"


def _gesture_map(raw: Mapping[str, Action | str | None]) -> dict[str, Action]:
    mapped: dict[str, Action] = {}
    for gesture, value in raw.items():
        if gesture not in GESTURE_NAMES:
            raise ValueError(f'unknown gesture "{gesture}"; known: {", ".join(GESTURE_NAMES)}')
        action = parse_action(value)
        if action is not None:
            mapped[gesture] = action
    return mapped


def open_pedals(
    configs: Iterable[PedalConfig],
    on_action: Callable[[Action], object],
    pin_factory=None,
) -> tuple[list[FootSwitch], list[str]]:
    """Open every configured pedal that can be opened; never raises for missing hardware.

    Returns the switches and the notices to show once on screen (each is also logged). Without
    GPIO the one notice says what still works (the log says why) and the other pedals are not
    tried (they would all say the same);
    a pedal with an impossible setting is left out with a notice too.
    """
    switches: list[FootSwitch] = []
    notices: list[str] = []
    for number, config in enumerate(configs, 1):
        try:
            switches.append(
                FootSwitch(
                    config.pin, on_action, pull_up=config.pull_up, hold_time=config.hold_time,
                    pin_factory=pin_factory, gestures=config.gestures, bounce_ms=config.bounce_ms,
                    name=f"pedal {number} on {_pin_label(config.pin)}",
                )
            )
        except HardwareError as exc:
            log.warning("%s", exc)
            if str(exc).startswith("no GPIO here"):
                notices.append(_(NO_GPIO_NOTICE))
                break
            notices.append(str(exc))
        except ValueError as exc:  # a value the room config check let through
            notices.append(_("pedal {number} on {pin} is not used: {why}; fix the room config").format(
                number=number, pin=_pin_label(config.pin), why=exc))
            log.warning("%s", notices[-1])
    return switches, notices

