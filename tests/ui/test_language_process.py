"""The real kiosk process in the room's language: `language: es` in room.yaml, notices in Spanish."""

from __future__ import annotations

import pytest

from kiosk_testkit.process import KioskProcess
from kiosk_testkit.xvfb import Xvfb
from tests.ui.conftest import DATA

pytestmark = [pytest.mark.ui, pytest.mark.slow]


def test_the_room_s_language_reaches_the_notices_from_the_first_one(tmp_path):
    config = tmp_path / "room.yaml"
    config.write_text("room: Sala 3\nlanguage: es\nvolume: alto\n", encoding="utf-8")
    with Xvfb(1280, 800) as screen:
        kiosk = KioskProcess(screen, "--config", str(config), "--routine", str(DATA / "fast" / "fast.yaml"),
                             "--windowed", "--data-dir", str(tmp_path / "data"),
                             env={"SDL_AUDIODRIVER": "no-such-driver", "LANG": "C.UTF-8"})
        with kiosk:
            m = kiosk.wait_log(r"notice on screen: Configuración de la sala: (\S+):(\d+):(\d+): error: (.*)")
            assert m.group(1).endswith("room.yaml") and m.group(2) == "3" and "alto" in m.group(4)
            assert m.group(4).endswith("(se usa el valor por defecto)")   # the loader's own words stay English
            sound = kiosk.wait_log(r"notice on screen: (Sin sonido: .*)").group(1)
            assert "la pantalla destella en cada aviso" in sound
            kiosk.key("space")
            kiosk.wait_log(r"step 2 Sweeps \(left\) shown", timeout=10)
