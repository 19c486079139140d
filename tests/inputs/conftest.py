"""Fixtures for the inputs tests: a gpiozero MockFactory that is always put back."""

from __future__ import annotations

import pytest
from gpiozero import Device
from gpiozero.pins.mock import MockFactory


@pytest.fixture
def mock_factory():
    """A fresh MockFactory as gpiozero's default pin factory; the previous one is restored after."""
    saved = Device.pin_factory
    factory = MockFactory()
    Device.pin_factory = factory
    try:
        yield factory
    finally:
        factory.reset()
        Device.pin_factory = saved
