"""FootSwitch on gpiozero mock pins, on gpiozero's and its own threads: chatter, holds, wiring, errors.

Each press waits (on an Event, with a timeout) for the pedal to confirm it and each release for
the pedal to settle, as a foot takes far longer than the 20 ms debounce; no test sleeps or times.
"""

from __future__ import annotations

import random
import threading

import pytest
from gpiozero import Device
from gpiozero.exc import BadPinFactory
from gpiozero.pins.mock import MockPin

from kiosk.errors import HardwareError
from kiosk.inputs.actions import Action
from kiosk.inputs.footswitch import FootSwitch, PedalConfig, open_pedals

WAIT = 5.0  # seconds; only ever reached when something is broken


class Recorder:
    """Collects actions and lets a test wait for the n-th one."""

    def __init__(self) -> None:
        self.actions: list[Action] = []
        self._changed = threading.Condition()

    def __call__(self, action: Action) -> None:
        with self._changed:
            self.actions.append(action)
            self._changed.notify_all()

    def wait_for(self, count: int) -> list[Action]:
        with self._changed:
            assert self._changed.wait_for(lambda: len(self.actions) >= count, WAIT), self.actions
            return list(self.actions)


class Foot:
    """Presses one mock pin like a foot on a bouncing pedal, waiting for the switch to notice."""

    def __init__(self, switch: FootSwitch, pin: MockPin, rng: random.Random, active_high: bool = False):
        self.switch, self.pin, self.rng, self.active_high = switch, pin, rng, active_high
        self.pressed, self.released = threading.Event(), threading.Event()
        switch.when_changed = lambda down: (self.pressed if down else self.released).set()

    def _drive(self, down: bool) -> None:
        (self.pin.drive_high if down == self.active_high else self.pin.drive_low)()

    def _chatter(self, down: bool) -> None:
        self._drive(down)
        for _ in range(self.rng.randint(0, 4)):  # a burst of bounces, far shorter than the debounce
            self._drive(not down)
            self._drive(down)

    def press(self) -> None:
        self.pressed.clear()
        self._chatter(True)
        assert self.pressed.wait(WAIT), "the press was never confirmed"

    def release(self) -> None:
        self.released.clear()
        self._chatter(False)
        assert self.released.wait(WAIT), "the release never settled"

    def tap(self) -> None:
        self.press()
        self.release()


@pytest.fixture
def switches(mock_factory):
    """Builds FootSwitches on the mock factory and closes them after the test."""
    made: list[FootSwitch] = []

    def make(pin, on_action, **kwargs) -> FootSwitch:
        switch = FootSwitch(pin, on_action, **kwargs)
        made.append(switch)
        return switch

    yield make
    for switch in made:
        switch.close()


class TestChatter:
    def test_three_hundred_chattering_taps_give_one_advance_each(self, switches, mock_factory):
        actions = Recorder()
        # the bursts below last microseconds; a 10 ms debounce halves the test's waiting
        switch = switches(17, actions, hold_time=5.0, bounce_ms=10)
        foot = Foot(switch, mock_factory.pin(17), random.Random(1))
        for n in range(1, 301):
            foot.press()
            foot.release()
            assert actions.wait_for(n) == [Action.ADVANCE] * n

    def test_holds_give_one_toggle_pause_each_and_no_advance(self, switches, mock_factory):
        actions = Recorder()
        foot = Foot(switches(17, actions, hold_time=0.05, bounce_ms=10), mock_factory.pin(17), random.Random(2))
        for n in range(1, 31):
            foot.press()
            assert actions.wait_for(n)[-1] is Action.TOGGLE_PAUSE  # while the pedal is still down
            foot.release()
        assert actions.actions == [Action.TOGGLE_PAUSE] * 30


class PedalDownPin(MockPin):
    """A pin whose pedal is already down: the contact to ground beats the pull-up."""

    def _set_pull(self, value):
        super()._set_pull(value)
        self.drive_low()


class TestWiring:
    def test_a_pedal_wired_to_3v3_with_pull_down(self, switches, mock_factory):
        actions = Recorder()
        switch = switches(27, actions, pull_up=False, hold_time=5.0)
        assert mock_factory.pin(27).pull == "down"
        foot = Foot(switch, mock_factory.pin(27), random.Random(3), active_high=True)
        foot.tap()
        foot.tap()
        assert actions.wait_for(2) == [Action.ADVANCE, Action.ADVANCE]

    def test_a_pedal_held_down_at_start_counts_from_its_release(self, switches, mock_factory):
        mock_factory.pin(17, pin_class=PedalDownPin)
        actions = Recorder()
        foot = Foot(switches(17, actions, hold_time=5.0), mock_factory.pin(17), random.Random(4))
        foot.release()  # settles, so the switch knew it started pressed
        foot.tap()
        assert actions.wait_for(1) == [Action.ADVANCE]

    def test_pin_names_are_read_like_the_room_config(self, switches):
        assert switches("BOARD11", Recorder()).pin == 17


class TestSeveralPedals:
    def test_each_pedal_has_its_own_gestures(self, mock_factory):
        actions = Recorder()
        configs = [
            PedalConfig(pin=22, hold_time=0.05, gestures={"tap": Action.BACK, "hold": Action.EXTEND}),
            PedalConfig(pin=17, hold_time=0.05),
        ]
        opened, notices = open_pedals(configs, actions)
        try:
            assert notices == []
            left, right = (Foot(s, mock_factory.pin(s.pin), random.Random(s.pin)) for s in opened)
            left.tap()
            right.tap()
            left.press()
            actions.wait_for(3)
            left.release()
            right.press()
            actions.wait_for(4)
            right.release()
            assert actions.actions == [Action.BACK, Action.ADVANCE, Action.EXTEND, Action.TOGGLE_PAUSE]
        finally:
            for switch in opened:
                switch.close()

    def test_a_gesture_mapped_to_nothing_is_reported_but_does_nothing(self, switches, mock_factory):
        actions, seen = Recorder(), []
        switch = switches(17, actions, gestures={"tap": None, "hold": "extend"}, hold_time=5.0)
        switch.when_gesture = lambda name, action: seen.append((name, action))
        Foot(switch, mock_factory.pin(17), random.Random(5)).tap()
        assert seen == [("tap", None)] and actions.actions == []


class TestLifecycle:
    def test_close_releases_the_pin_for_the_next_owner(self, switches, mock_factory):
        first = switches(17, Recorder())
        first.close()
        first.close()
        actions = Recorder()
        Foot(switches(17, actions, hold_time=5.0), mock_factory.pin(17), random.Random(6)).tap()
        assert actions.wait_for(1) == [Action.ADVANCE]

    def test_a_failing_listener_does_not_stop_the_pedal(self, switches, mock_factory):
        actions = Recorder()
        switch = switches(17, actions, hold_time=5.0)

        def broken(name, action):
            raise RuntimeError("listener bug")

        switch.when_gesture = broken
        foot = Foot(switch, mock_factory.pin(17), random.Random(7))
        foot.tap()
        foot.tap()
        assert actions.wait_for(2) == [Action.ADVANCE, Action.ADVANCE]


class LgpioError(Exception):
    """Stands in for ``lgpio.error``, which says "GPIO busy" when another process owns the line."""


class BusyPin(MockPin):
    def __init__(self, factory, info):
        raise LgpioError("GPIO busy")


@pytest.fixture
def no_gpio(monkeypatch):
    """gpiozero as on a laptop: no pin library loads."""
    def fail():
        raise BadPinFactory("Unable to load any default pin factory!")

    monkeypatch.setattr(Device, "pin_factory", None)
    monkeypatch.setattr(Device, "_default_pin_factory", staticmethod(fail))


class TestErrors:
    def test_no_gpio_says_so_and_that_the_keyboard_works(self, no_gpio):
        with pytest.raises(HardwareError, match=r"^no GPIO here.*the keyboard still works"):
            FootSwitch(17, Recorder())

    def test_open_pedals_without_gpio_gives_one_notice_and_no_error(self, no_gpio, caplog):
        opened, notices = open_pedals([PedalConfig(17), PedalConfig(22)], Recorder())
        assert opened == [] and notices == [
            "Foot switch not found: the keyboard, USB pedals and the touch screen still work"]
        assert "no GPIO here" in caplog.text  # the log keeps why

    def test_a_pin_owned_by_another_process_is_gpio_busy_with_how_to_find_the_owner(self, mock_factory):
        mock_factory.pin_class = BusyPin
        with pytest.raises(HardwareError) as caught:
            FootSwitch(17, Recorder())
        message = str(caught.value)
        assert message.startswith("GPIO busy: GPIO17")
        assert "sudo lsof /dev/gpiochip*" in message and "stop" in message

    def test_open_pedals_keeps_the_pedals_that_opened(self, mock_factory):
        configs = [PedalConfig(17), PedalConfig(17), PedalConfig("WPI0")]
        opened, notices = open_pedals(configs, Recorder())
        try:
            assert [s.pin for s in opened] == [17]
            assert notices[0].startswith("GPIO busy: GPIO17") and "own pin" in notices[0]
            assert "pedal 3 on WPI0 is not used" in notices[1] and "fix the room config" in notices[1]
        finally:
            for switch in opened:
                switch.close()

    def test_a_pin_with_a_fixed_pull_up_cannot_be_wired_to_3v3(self, mock_factory):
        with pytest.raises(HardwareError, match="GPIO2 .*fixed pull-up.*pull_up: true"):
            FootSwitch(2, Recorder(), pull_up=False)

    @pytest.mark.parametrize("pin", ["BOARD6", 40, "GPIO1", True])
    def test_a_pin_that_is_not_a_gpio_is_a_value_error_before_any_hardware(self, pin, no_gpio):
        with pytest.raises(ValueError):
            FootSwitch(pin, Recorder())

    def test_an_unknown_gesture_is_refused(self, mock_factory):
        with pytest.raises(ValueError, match="unknown gesture"):
            FootSwitch(17, Recorder(), gestures={"triple_tap": "advance"})
