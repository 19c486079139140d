"""Spoken prompts: rendered once per text into a cache, whispered after the cue, optional."""

from __future__ import annotations

import shutil

import pytest

from kiosk.audio.cues import CueListener, cue_files
from kiosk.audio.speech import LEAD_S, SpeechPrompts, key, left_phrase
from kiosk.engine.events import SideSwitched, StepWarning
from kiosk_testkit.audio_analysis import dbfs, onsets, read_wav
from kiosk_testkit.players import RecordingPlayer
from tests.audio.test_cues import CALF_RIGHT, OPENING, PLAN, started

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")


@pytest.mark.parametrize("seconds, text", [
    (60, "one minute left"), (120, "2 minutes left"), (90, "1.5 minutes left"), (15, "15 seconds left"),
    (45, "45 seconds left"),
])
def test_left_phrase(seconds, text):
    assert left_phrase(seconds) == text


class TestWithoutEspeak:
    def test_missing_binary_is_a_notice_not_a_failure(self, tmp_path):
        speech = SpeechPrompts(tmp_path, binary=str(tmp_path / "no-such-espeak-ng"))
        assert not speech.available
        assert "espeak-ng" in speech.notice and "apt-get install espeak-ng" in speech.notice
        assert speech.render(["Back stretch"]) == {}

    def test_listener_keeps_playing_cues(self, tmp_path):
        player = RecordingPlayer()
        player.load(cue_files())
        listener = CueListener(player, speech=SpeechPrompts(tmp_path, binary="/nonexistent/espeak-ng"))
        listener.prepare(PLAN.steps, warning_s=15)
        assert listener.on_events([started(OPENING)]) == ["step_start"]


@needs_espeak
class TestRender:
    def test_each_text_becomes_a_quiet_wav_that_waits_for_the_bell(self, tmp_path):
        speech = SpeechPrompts(tmp_path)
        files = speech.render(["Back stretch", "one minute left", "Back stretch"])
        assert set(files) == {key("Back stretch"), key("one minute left")}
        pcm = read_wav(files[key("Back stretch")])
        mono = pcm.mono()
        first_voice = onsets(mono, 0.01, 1)[0] / pcm.rate
        assert first_voice >= LEAD_S
        assert pcm.seconds > LEAD_S + 0.3
        assert dbfs(pcm.peak) == pytest.approx(-14, abs=0.5)

    def test_rendered_once_then_served_from_the_cache(self, tmp_path):
        speech = SpeechPrompts(tmp_path)
        first = speech.render(["Heel slides"])
        speech.executable = "/bin/false"  # a second rendering would now fail
        assert speech.render(["Heel slides"]) == first
        assert speech.notice is None

    def test_voice_and_rate_key_the_cache(self, tmp_path):
        a = SpeechPrompts(tmp_path).path_for("Calf")
        assert SpeechPrompts(tmp_path, voice="en").path_for("Calf") != a
        assert SpeechPrompts(tmp_path, rate=170).path_for("Calf") != a
        assert SpeechPrompts(tmp_path).path_for("Calf") == a

    def test_failed_rendering_is_named_in_the_notice(self, tmp_path):
        speech = SpeechPrompts(tmp_path)
        speech.executable = "/bin/false"
        assert speech.render(["Calf"]) == {}
        assert '"Calf"' in speech.notice


@needs_espeak
class TestSpokenCues:
    @pytest.fixture
    def listener(self, tmp_path):
        player = RecordingPlayer()
        player.load(cue_files())
        speech = SpeechPrompts(tmp_path)
        listener = CueListener(player, speech=speech)
        listener.prepare(PLAN.steps, warning_s=60)
        return listener

    def test_step_name_follows_the_cue_at_a_whisper(self, listener):
        assert listener.on_events([started(OPENING)]) == ["step_start", key("Opening")]
        full, spoken = listener.player.levels
        assert spoken == pytest.approx(full * listener.speech.gain)
        assert spoken < full

    def test_switch_sides_and_heads_up(self, listener):
        listener.on_events([SideSwitched(at=9.0, index=3, side="right", previous="left"), started(CALF_RIGHT, 9.0)])
        listener.on_events([StepWarning(at=50.0, index=3, seconds=60.0)])
        assert listener.player.names == ["side_switch", key("switch sides"), "warning", key("one minute left")]
