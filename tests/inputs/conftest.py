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


@pytest.fixture
def room_config(tmp_path):
    """``room_config(yaml_text)`` -> (RoomConfig, problems): the text read as a room.yaml, no environment."""
    import textwrap

    from kiosk.config import load_config

    def read(text: str):
        path = tmp_path / "room.yaml"
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return load_config(path, {})

    return read
