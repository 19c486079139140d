"""Settings > Brightness on a backlight class device (a scratch folder laid out like /sys/class/backlight)."""

from __future__ import annotations

import logging
import os

import pytest

from kiosk.platform.backlight import Backlight


@pytest.fixture
def sysfs(tmp_path):
    device = tmp_path / "backlight" / "10-0045"
    device.mkdir(parents=True)
    (device / "max_brightness").write_text("255\n")
    (device / "brightness").write_text("255\n")
    return tmp_path / "backlight"


def test_the_slider_sets_the_kernel_brightness(sysfs):
    light = Backlight.find(sysfs)
    assert light.set(0.5) is True
    assert (sysfs / "10-0045" / "brightness").read_text() == "128"


def test_never_fully_dark(sysfs):
    light = Backlight.find(sysfs)
    light.set(0.0)
    assert int((sysfs / "10-0045" / "brightness").read_text()) >= 1


def test_no_backlight_device_means_software_dimming(tmp_path):
    assert Backlight.find(tmp_path / "missing") is None


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes any file: run as a user to see a refused write")
def test_a_refused_write_is_said_once_with_the_fix(sysfs, caplog):
    (sysfs / "10-0045" / "brightness").chmod(0o444)
    light = Backlight.find(sysfs)
    with caplog.at_level(logging.WARNING):
        assert [light.set(f / 10) for f in range(10)] == [False] * 10
    assert len(caplog.records) == 1 and "90-kiosk-backlight.rules" in caplog.records[0].getMessage()


def test_a_read_only_sys_is_said_once_with_the_fix(sysfs, caplog):
    light = Backlight.find(sysfs)
    (sysfs / "10-0045" / "brightness").unlink()
    (sysfs / "10-0045" / "brightness").mkdir()  # any write fails, also for root
    with caplog.at_level(logging.WARNING):
        assert [light.set(f / 10) for f in range(10)] == [False] * 10
    assert len(caplog.records) == 1 and "90-kiosk-backlight.rules" in caplog.records[0].getMessage()
