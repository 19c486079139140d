"""The clocks time comes in from."""

from __future__ import annotations

import time

import pytest

from kiosk.engine.clock import Clock, FakeClock, MonotonicClock


class TestFakeClock:
    def test_moves_only_when_told(self):
        clock = FakeClock(10.0)
        assert clock.now() == 10.0
        assert clock.advance(2.5) == 12.5 and clock.set(20.0) == 20.0 and clock.now() == 20.0

    @pytest.mark.parametrize("move", [lambda c: c.advance(-1), lambda c: c.set(5.0)])
    def test_never_goes_backwards(self, move):
        with pytest.raises(ValueError, match="backwards"):
            move(FakeClock(10.0))


class TestMonotonicClock:
    def test_follows_time_monotonic(self):
        before = time.monotonic()
        now = MonotonicClock().now()
        assert before <= now <= time.monotonic()

    @pytest.mark.parametrize("clock", [FakeClock(), MonotonicClock()])
    def test_both_are_clocks(self, clock):
        assert isinstance(clock, Clock)
