"""Settings changed on the kiosk against room.yaml: the precedence a clinic sees, and how rarely the file is written."""

from __future__ import annotations

import json
import textwrap

import pytest

from kiosk.config import load_config
from kiosk.settings import KIOSK_SETTINGS, LocalSettings, Override, overrides_in


class Room:
    """A room.yaml the clinic edits, and the kiosk started again after each edit."""

    def __init__(self, tmp_path):
        self.yaml = tmp_path / "room.yaml"
        self.settings = tmp_path / "data" / "settings.json"
        self.settings.parent.mkdir()
        self.write("volume: 40\ndisplay: {brightness: 80}\nspoken_prompts: false\npractice_mode: false\nlanguage: fr\n")

    def write(self, text: str) -> None:
        self.yaml.write_text(textwrap.dedent(text), encoding="utf-8")

    def config(self):
        config, problems = load_config(self.yaml, {})
        assert problems == []
        return config

    def start(self) -> LocalSettings:
        return LocalSettings(self.settings, self.config())

    def stored(self) -> dict:
        return json.loads(self.settings.read_text(encoding="utf-8"))


@pytest.fixture
def room(tmp_path) -> Room:
    return Room(tmp_path)


@pytest.fixture
def writes(monkeypatch) -> list[str]:
    """Every time the settings file is replaced on disk."""
    import kiosk.settings

    done: list[str] = []
    real = kiosk.settings.os.replace

    def counting(src, dst):
        done.append(str(dst))
        real(src, dst)

    monkeypatch.setattr(kiosk.settings.os, "replace", counting)
    return done


class TestPrecedence:
    def test_a_fresh_kiosk_runs_on_the_room_values(self, room):
        settings = room.start()
        assert [settings.get(k) for k in KIOSK_SETTINGS] == [40, 80, False, False, "fr"]
        assert settings.overrides() == [] and not room.settings.exists()

    def test_a_value_changed_on_the_kiosk_wins_over_room_yaml_after_a_restart(self, room):
        room.start().set("volume", 20)
        settings = room.start()
        assert settings.get("volume") == 20
        assert settings.overrides() == [Override("volume", 20, 40)]

    def test_when_the_clinic_changes_that_key_the_new_room_value_wins(self, room):
        first = room.start()
        first.set("volume", 20)
        first.set("practice_mode", True)
        room.write("volume: 60\ndisplay: {brightness: 80}\n")
        settings = room.start()
        assert settings.get("volume") == 60  # the clinic's new value
        assert settings.get("practice_mode") is True  # a key the clinic did not touch keeps the kiosk's value
        assert settings.overrides() == [Override("practice_mode", True, False)]
        assert room.stored() == {"practice_mode": {"value": True, "room": False}}  # the stale override is gone

    def test_after_the_clinic_wins_a_new_change_on_the_kiosk_wins_again(self, room):
        room.start().set("brightness", 50)
        room.write("display: {brightness: 70}\n")
        settings = room.start()
        assert settings.get("brightness") == 70
        settings.set("brightness", 30)
        assert room.start().get("brightness") == 30
        assert room.stored() == {"brightness": {"value": 30, "room": 70}}

    def test_a_clinic_edit_elsewhere_in_room_yaml_leaves_the_override(self, room):
        room.start().set("spoken_prompts", True)
        room.write("room: Renamed\nvolume: 40\ndisplay: {brightness: 80}\n")
        assert room.start().get("spoken_prompts") is True

    def test_setting_the_room_value_again_on_the_kiosk_gives_the_key_back_to_room_yaml(self, room):
        settings = room.start()
        settings.set("volume", 20)
        settings.set("volume", 40)
        assert settings.overrides() == [] and room.stored() == {}
        room.write("volume: 55\n")
        assert room.start().get("volume") == 55

    def test_the_environment_counts_as_the_room(self, room):
        config, _ = load_config(room.yaml, {"KIOSK_VOLUME": "70"})
        LocalSettings(room.settings, config).set("volume", 20)
        assert LocalSettings(room.settings, room.config()).get("volume") == 40  # unit no longer sets 70


class TestOnlyKioskSettings:
    def test_the_room_name_pin_and_exit_chord_are_not_settings(self, room):
        settings = room.start()
        for key in ("room", "pin", "exit_chord"):
            with pytest.raises(KeyError):
                settings.set(key, "x")
            assert settings.get(key) is None

    def test_a_settings_file_from_an_older_kiosk(self, room, writes):
        room.settings.write_text(json.dumps({"volume": 20, "pin": "1111", "room": "Old", "exit_chord": "ctrl+q"}))
        settings = room.start()
        assert settings.get("volume") == 20 and settings.get("pin") is None
        assert room.stored() == {"volume": {"value": 20, "room": 40}}  # rewritten once, room keys dropped
        assert len(writes) == 1
        room.write("volume: 45\n")
        assert room.start().get("volume") == 45

    @pytest.mark.parametrize("text", ["{not json", "[1, 2]", ""])
    def test_an_unreadable_file_is_ignored(self, room, text):
        room.settings.write_text(text)
        assert room.start().get("volume") == 40


class TestWrites:
    def test_a_slider_dragged_over_the_same_value_writes_once(self, room, writes):
        settings = room.start()
        for value in (20, 20, 20, 20):
            settings.set("volume", value)
        assert len(writes) == 1

    def test_a_start_writes_nothing_when_nothing_changed(self, room, writes):
        room.start().set("volume", 20)
        writes.clear()
        room.start()
        room.start()
        assert writes == []

    def test_a_value_that_is_the_room_value_is_never_written(self, room, writes):
        room.start().set("volume", 40)
        assert writes == [] and not room.settings.exists()

    def test_no_data_folder_keeps_changes_in_memory(self, room):
        settings = LocalSettings(None, room.config())
        settings.set("volume", 10)
        assert settings.get("volume") == 10


class TestOverridesForTheDoctor:
    def test_listed_as_the_kiosk_would_apply_them_without_writing(self, room, writes):
        room.start().set("volume", 20)
        room.start().set("spoken_prompts", True)
        room.write("volume: 60\n")  # the volume override no longer applies
        writes.clear()
        assert overrides_in(room.settings, room.config()) == [Override("spoken_prompts", True, False)]
        assert writes == []
