"""The real kiosk with room configs a person can get wrong: a PIN in another script's digits, an
empty file after a power cut. It starts, says what is wrong on screen, and PIN entry never crashes."""

from __future__ import annotations

import subprocess
import time

import pytest

from kiosk_testkit.process import KioskProcess
from kiosk_testkit.xvfb import Xvfb

pytestmark = [pytest.mark.ui, pytest.mark.slow]
WIDTH, HEIGHT = 800, 480  # the kiosk window (--size)


@pytest.fixture(scope="module")
def screen():
    with Xvfb(1280, 800) as x:
        yield x


def tap_settings(kiosk: KioskProcess) -> None:
    """Tap the picker's Settings button (top right: 3 % padding, 10 % high, 0.26 x height wide)."""
    x = int(WIDTH * 0.97 - HEIGHT * 0.13)
    y = int(HEIGHT * 0.03 + HEIGHT * 0.05)
    subprocess.run(["xdotool", "mousemove", "--window", kiosk.window, str(x), str(y), "click", "1"],
                   env=kiosk.env, check=True)


def test_a_pin_in_arabic_indic_digits_is_refused_and_pin_entry_does_not_crash(screen, tmp_path):
    config = tmp_path / "room.yaml"
    config.write_text('room: Room 4\npin: "١٢٣٤"\n', encoding="utf-8")
    kiosk = KioskProcess(screen, "--windowed", "--size", f"{WIDTH}x{HEIGHT}", "--config", str(config),
                         "--data-dir", str(tmp_path / "data"))
    with kiosk:
        kiosk.wait_log(r"notice on screen: Room config: .*room\.yaml:2:6: error: pin: .*4 to 8 digits 0-9", timeout=20)
        time.sleep(1.0)
        tap_settings(kiosk)
        time.sleep(1.0)
        for digit in "1234":
            kiosk.key(digit)
        time.sleep(1.5)
        assert kiosk.proc.poll() is None, "the kiosk ended at PIN entry\n" + kiosk.log()
        assert "Traceback" not in kiosk.log()


def test_an_empty_room_config_starts_on_defaults_and_says_so(screen, tmp_path):
    config = tmp_path / "room.yaml"
    config.write_text("\n   \n", encoding="utf-8")  # an edit cut short by a power cut
    kiosk = KioskProcess(screen, "--windowed", "--config", str(config), "--data-dir", str(tmp_path / "data"))
    with kiosk:
        kiosk.wait_log(r"notice on screen: Room config: .*room\.yaml: error: the room config is empty: "
                       r"every setting is at its default and the PIN is 0000", timeout=20)
