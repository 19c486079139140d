"""Keys typed at a real Kivy window under Xvfb reach the KeyMap as issue 4 says.

This is where Kivy 2.3's SDL2 quirks show: Pause arrives as the code Kivy calls ``f15``, Print
Screen and Scroll Lock as ``f13`` / ``f14``, real F13-F24 as raw SDL codes (X names them
XF86Tools, XF86Launch5, ...), so the KeyMap goes by scancode.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk_testkit.xvfb import Xvfb

pytestmark = pytest.mark.ui

# X key name -> action the KeyMap (with F13 = back, F14 = extend from the room config) must give
EXPECTED = {
    "space": "advance", "Next": "advance", "Right": "advance", "Down": "advance", "Return": "advance",
    "KP_Enter": "advance", "Prior": "back", "Left": "back", "Up": "back",
    "p": "toggle_pause", "b": "toggle_pause", "Pause": "toggle_pause",
    "KP_Add": "extend", "equal": "extend", "e": "extend",
    "XF86Tools": "back",  # the F13 key
    "XF86Launch5": "extend",  # the F14 key
    "XF86Launch6": None,  # F15, not mapped
    "Print": None, "Scroll_Lock": None, "Escape": None, "q": None,
}


@pytest.fixture(scope="module")
def typed():
    if not (shutil.which("Xvfb") and shutil.which("xdotool")):
        pytest.skip("needs Xvfb and xdotool (make test-deps)")
    names = list(EXPECTED)
    with Xvfb(800, 480) as screen:
        result = subprocess.run(
            [sys.executable, str(Path(__file__).with_name("keyprobe.py")), *names],
            env=screen.env(SDL_AUDIODRIVER="dummy"), capture_output=True, text=True, timeout=120,
        )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return {line["name"]: line["events"] for line in lines}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_key_typed_at_the_window(typed, name):
    events = typed[name]
    assert events, f"{name} never reached the window"
    assert [e["action"] for e in events] == [EXPECTED[name]], events
