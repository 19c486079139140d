"""What a clinic manager sees: the PIN screen and the pedal test."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.ui


class TestPin:
    def test_the_default_pin_is_a_reminder_to_change_it(self, kiosk):
        d = kiosk()
        d.app.open_room_settings()
        d.frames()
        pin = d.app.sm.get_screen("pin")
        assert "default PIN 0000" in pin.reminder and "pin:" in pin.reminder
        label = next(w for w in pin.walk() if getattr(w, "text", None) == pin.reminder)
        assert label.opacity == 1 and label.height > 0

    def test_a_room_with_its_own_pin_is_not_nagged(self, kiosk):
        d = kiosk(settings={"pin": "2468"})
        d.app.open_room_settings()
        d.frames()
        assert d.app.sm.get_screen("pin").reminder == ""


F13 = ((1 << 30) | 104, 104)  # SDL's key code and scancode of F13, which some pedals send


class TestPedalTest:
    def open(self, kiosk):
        d = kiosk(settings={"pin": "2468"})
        d.app.open_room_settings()
        for digit in "2468":
            d.app.sm.get_screen("pin").press(digit)
        d.frames()
        assert d.screen == "settings"
        return d

    def lines(self, d):
        return [" ".join(line.split("  ", 1)[1].split()) for line in reversed(d.app.pedal_log)]

    def test_keys_are_named_as_they_arrive_beside_what_they_do(self, kiosk):
        d = self.open(kiosk)
        d.key("pagedown")
        d.window.dispatch("on_key_down", *F13, None, [])
        d.window.dispatch("on_key_up", *F13)
        d.frames()
        d.key("e")
        assert self.lines(d) == ["key Page Down -> next step", "key F13 -> nothing (not mapped)",
                                 "key e -> +1 min"]
        assert d.screen == "settings"

    def test_a_held_key_is_one_press(self, kiosk):
        d = self.open(kiosk)
        key, scancode = F13
        for _ in range(5):                       # the key repeats while held
            d.window.dispatch("on_key_down", key, scancode, None, [])
        d.window.dispatch("on_key_up", key, scancode)
        d.window.dispatch("on_key_down", key, scancode, None, [])
        d.frames()
        assert self.lines(d) == ["key F13 -> nothing (not mapped)"] * 2

    def test_a_foot_switch_press_is_listed_with_its_action(self, kiosk):
        """A real FootSwitch on a mock GPIO pin, wired as the kiosk wires it: its taps reach the list."""
        import time

        from gpiozero import Device
        from gpiozero.pins.mock import MockFactory

        from kiosk.composition import attach_pedals
        from kiosk.config import RoomConfig
        from kiosk.inputs.handoff import MainThreadHandoff
        from kiosk.inputs.pedals import PedalConfig

        d = self.open(kiosk)
        saved, Device.pin_factory = Device.pin_factory, MockFactory()
        try:
            handoff = MainThreadHandoff(lambda action, source: d.app.act(action, source))
            room = RoomConfig(pedals=(PedalConfig(17, hold_time=5.0),))
            attach_pedals(d.app, d.app.services, room, handoff)
            pin = Device.pin_factory.pin(17)
            pin.drive_low()                       # pressed (the pedal pulls the pin to ground)
            time.sleep(0.12)
            pin.drive_high()
            end = time.monotonic() + 3.0
            while not d.app.pedal_log and time.monotonic() < end:
                d.frames(1)
                time.sleep(0.02)
            assert self.lines(d) == ["pedal 1 on GPIO17: tap -> next step"]
            assert d.screen == "settings"         # the pedal test moves nothing
        finally:
            from kiosk.listeners import OnClose

            for listener in d.app.controller.listeners:
                if isinstance(listener, OnClose):
                    listener.close()              # the pin and the hand-off, as the kiosk closes them
            Device.pin_factory.reset()
            Device.pin_factory = saved
