"""The room's language: room.yaml and KIOSK_LANGUAGE, the choice kept on the kiosk, and doctor's word on it."""

from __future__ import annotations

import json

import pytest

from kiosk import i18n
from kiosk.config import load_config
from kiosk.settings import LocalSettings
from tests.doctor.conftest import machine  # noqa: F401  (the staged Pi doctor checks)
from tests.doctor.test_doctor_checks import findings


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.use("en")


def test_room_yaml_and_the_environment_name_the_language(tmp_path):
    room = tmp_path / "room.yaml"
    room.write_text("room: Sala 2\nlanguage: es_ES\n", encoding="utf-8")
    config, problems = load_config(room, {})
    assert problems == [] and config.language == "es-ES"
    config, problems = load_config(room, {"KIOSK_LANGUAGE": "fr"})
    assert problems == [] and config.language == "fr"
    config, problems = load_config(room, {"KIOSK_LANGUAGE": "fr!"})
    assert config.language == "es-ES"
    assert [str(p) for p in problems] == [
        '$KIOSK_LANGUAGE: error: language: "fr!" is not a language tag; write a BCP 47 tag such as es, fr or '
        'pt-BR (fix or unset the variable)']


def test_a_language_chosen_on_the_kiosk_wins_until_the_clinic_changes_room_yaml(tmp_path):
    room, kept = tmp_path / "room.yaml", tmp_path / "settings.json"
    room.write_text("language: es\n", encoding="utf-8")
    settings = LocalSettings(kept, load_config(room, {})[0])
    assert settings.get("language") == "es"
    settings.set("language", "fr")
    assert json.loads(kept.read_text())["language"] == {"value": "fr", "room": "es"}
    assert LocalSettings(kept, load_config(room, {})[0]).get("language") == "fr"   # after a restart
    room.write_text("language: en\n", encoding="utf-8")                           # the clinic decides again
    assert LocalSettings(kept, load_config(room, {})[0]).get("language") == "en"


def test_the_kiosk_starts_in_the_room_s_language_or_the_one_chosen_on_it(tmp_path):
    from kiosk.composition import RunOptions, build_services
    from kiosk.config import RoomConfig

    (tmp_path / "data").mkdir()
    options = RunOptions(routines=(), data_dir=tmp_path / "data")
    build_services(options, config=RoomConfig(language="fr"), data_dir=tmp_path / "data")
    assert i18n.current().tag == "fr"
    services = build_services(options, config=RoomConfig(language="fr"), config_problems=["x.yaml:1:1: bad"],
                              data_dir=tmp_path / "data")
    assert services.notices == ["Configuration de la salle : x.yaml:1:1: bad (valeur par défaut utilisée)"]
    services.set_language("es")
    assert i18n.current().tag == "es"
    build_services(options, config=RoomConfig(language="fr"), data_dir=tmp_path / "data")
    assert i18n.current().tag == "es"        # kept in settings.json, like the volume


class TestDoctor:
    def test_a_language_the_kiosk_has_words_for_is_not_mentioned(self, machine):  # noqa: F811
        machine.write("/etc/kiosk/room.yaml", "room: Test room\nlanguage: fr\n")
        assert [f for f in findings(machine) if f.check == "config" and "language" in f.message] == []

    def test_a_language_without_words_is_said_with_what_to_do(self, machine):  # noqa: F811
        machine.write("/etc/kiosk/room.yaml", "room: Test room\nlanguage: de-AT\n")
        [finding] = [f for f in findings(machine) if f.check == "config" and "language" in f.message]
        assert finding.status == "warn"
        assert finding.message == "language: de-AT asks for de-AT, which the kiosk has no words for: its screens show English"
        assert "set language: to one of en, es, fr in /etc/kiosk/room.yaml" in finding.fix
        assert "docs/languages.md" in finding.fix


def test_doctor_lists_a_language_chosen_on_the_kiosk(machine):  # noqa: F811
    machine.write("/var/lib/kiosk/settings.json", json.dumps({"language": {"value": "es", "room": None}}))
    found = [f.message for f in findings(machine) if f.check == "settings"]
    assert found == ["this kiosk overrides language: es here, unset (the system locale decides) in "
                     "/etc/kiosk/room.yaml"]
