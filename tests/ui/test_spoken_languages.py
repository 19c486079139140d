"""The real kiosk speaks a routine in its own language: `kiosk run` with a Spanish routine renders its
prompts with espeak-ng's Spanish voice into the data folder's cache, and a routine in a language
espeak-ng lacks is spoken in English with a notice on screen."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from kiosk.audio.speech import Script, SpeechPrompts
from kiosk.audio.voices import VoiceChoice
from kiosk.routines.loader import load_routine
from kiosk.routines.plan import make_plan
from kiosk_testkit.process import KioskProcess
from kiosk_testkit.xvfb import Xvfb

pytestmark = [pytest.mark.ui, pytest.mark.slow,
              pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")]
ROUTINES = Path(__file__).resolve().parent.parent / "data" / "routines"
SPANISH = ROUTINES / "good" / "espalda-es.yaml"
KLINGON = ROUTINES / "languages" / "klingon.yaml"


@pytest.fixture(scope="module")
def screen():
    with Xvfb(1280, 800) as x:
        yield x


def run(screen, routine: Path, tmp_path: Path) -> KioskProcess:
    return KioskProcess(screen, "--routine", str(routine), "--windowed", "--data-dir", str(tmp_path / "data"),
                        env={"SDL_AUDIODRIVER": "disk", "SDL_DISKAUDIOFILE": str(tmp_path / "out.raw")})


def wait_for(paths: list[Path], kiosk: KioskProcess, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not all(p.is_file() for p in paths):
        assert time.monotonic() < deadline, (sorted(p.name for p in paths if not p.is_file()), kiosk.log())
        time.sleep(0.2)


def test_a_spanish_routine_is_rendered_by_the_spanish_voice(screen, tmp_path):
    plan = make_plan(load_routine(SPANISH))
    # What the kiosk should say: the fixed phrases as the Spanish catalogue has them (else English).
    lines = Script(VoiceChoice("es", "es+f3", True)).lines(plan.steps, plan.routine.warning_s)
    cache = SpeechPrompts(tmp_path / "data" / "speech")
    expected = [cache.path_for(line.text, line.voice) for line in lines]
    with run(screen, SPANISH, tmp_path) as kiosk:
        wait_for(expected, kiosk)
    assert {line.voice for line in lines if line.text == "Calentamiento suave"} == {"es+f3"}
    english = [cache.path_for(line.text) for line in lines[:3]]  # the step names in the English voice
    assert not any(p.is_file() for p in english)


def test_a_language_without_a_voice_is_spoken_in_english_and_the_screen_says_so(screen, tmp_path):
    cache = SpeechPrompts(tmp_path / "data" / "speech")
    with run(screen, KLINGON, tmp_path) as kiosk:
        kiosk.wait_log(r"notice on screen: Spoken prompts: espeak-ng has no voice for Klingon, so they are "
                       r"spoken in English\.", timeout=60)
        wait_for([cache.path_for("Opening"), cache.path_for("Closing"), cache.path_for("15 seconds left")], kiosk)
