"""Players without a device: volume, mute, per-cue switches and preloading, as the kiosk relies on."""

from __future__ import annotations

import pytest

from kiosk.audio.cues import CUES, cue_files
from kiosk.audio.player import CuePlayer, SilentPlayer
from kiosk.engine.clock import FakeClock
from kiosk_testkit.players import RecordingPlayer


@pytest.fixture
def clock():
    return FakeClock(100.0)


@pytest.fixture
def player(clock):
    p = RecordingPlayer(clock=clock.now)
    p.load(cue_files())
    return p


class TestPreload:
    def test_nothing_plays_before_load(self, clock):
        p = RecordingPlayer(clock=clock.now)
        p.play("step_start")
        assert p.played == []
        assert not p.loaded("step_start")

    def test_load_takes_every_cue_at_once(self, player):
        assert all(player.loaded(name) for name in CUES)
        assert player.problems == []

    def test_missing_file_is_one_clear_problem_and_stays_silent(self, clock, tmp_path):
        p = RecordingPlayer(clock=clock.now)
        p.load({"bell": tmp_path / "bell.wav", "step_start": cue_files()["step_start"]})
        assert len(p.problems) == 1
        assert "bell.wav" in p.problems[0] and "not found" in p.problems[0]
        assert "sound:" in p.problems[0]  # says what to fix: the routine's sound entry
        p.play("bell")
        p.play("step_start")
        assert p.names == ["step_start"]

    def test_missing_shipped_cue_points_at_make_sounds(self, clock, monkeypatch, tmp_path):
        import kiosk.paths

        monkeypatch.setattr(kiosk.paths, "SOUNDS_DIR", tmp_path)
        p = RecordingPlayer(clock=clock.now)
        p.load(cue_files(tmp_path))
        assert len(p.problems) == len(CUES)
        assert all("make sounds" in line for line in p.problems)


class TestPlay:
    def test_records_name_and_time(self, player, clock):
        player.play("step_start")
        clock.advance(2.5)
        player.play("warning")
        assert player.played == [("step_start", 100.0), ("warning", 102.5)]

    @pytest.mark.parametrize("volume, expected", [(0.3, 0.3), (1.7, 1.0), (-1, None)])
    def test_volume_is_clamped_and_zero_is_silence(self, player, volume, expected):
        player.volume = volume
        player.play("step_start")
        assert player.levels == ([] if expected is None else [expected])

    def test_gain_scales_one_play(self, player):
        player.volume = 0.8
        player.play("step_start", gain=0.5)
        assert player.levels == [pytest.approx(0.4)]

    def test_mute_silences_everything_until_unmuted(self, player):
        player.muted = True
        for name in CUES:
            player.play(name)
        player.muted = False
        player.play("pause")
        assert player.names == ["pause"]

    def test_per_cue_switch(self, player):
        player.enabled["rep_tick"] = False
        player.play("rep_tick")
        player.play("step_start")
        player.enabled["rep_tick"] = True
        player.play("rep_tick")
        assert player.names == ["step_start", "rep_tick"]

    def test_settings_from_constructor(self, clock):
        p = RecordingPlayer(clock=clock.now, volume=0.25, enabled={"warning": False})
        p.load(cue_files())
        p.play("warning")
        p.play("window")
        assert p.names == ["window"] and p.levels == [0.25]


class TestSilentPlayer:
    def test_says_why_and_plays_nothing(self):
        p = SilentPlayer("No sound: no device.")
        p.load(cue_files())
        p.play("step_start")
        assert not p.available
        assert p.notice == "No sound: no device."

    @pytest.mark.parametrize("cls", [RecordingPlayer, SilentPlayer])
    def test_fulfils_the_protocol(self, cls):
        p = cls("x") if cls is SilentPlayer else cls()
        assert isinstance(p, CuePlayer)
