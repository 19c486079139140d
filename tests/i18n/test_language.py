"""The kiosk's language: tags as rooms write them, the system's choice, fall-backs and switching."""

from __future__ import annotations

import pytest

from kiosk import i18n


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.use("en")


@pytest.mark.parametrize("tag, name", [("es", "es"), ("pt-BR", "pt_BR"), ("zh-hant", "zh_Hant"),
                                       ("fr_ca", "fr_CA"), ("es-419", "es_419")])
def test_bcp47_tags_become_locale_names(tag, name):
    assert i18n.locale_name(tag) == name


@pytest.mark.parametrize("tag", ["", "e", "english!", "es--MX", "12"])
def test_malformed_tags_are_told_apart(tag):
    assert not i18n.valid_tag(tag)


@pytest.mark.parametrize("env, expected", [
    ({"LANG": "fr_FR.UTF-8"}, "fr-FR"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LC_ALL": "POSIX", "LANG": "es_ES.UTF-8"}, "es-ES"),
    ({"LANGUAGE": "de_AT:de", "LANG": "en_US.UTF-8"}, "de-AT"),
    ({"LANG": "ca_ES@valencia"}, "ca-ES"),
    ({}, "en"),
])
def test_the_system_locale_picks_the_default_language(env, expected):
    assert i18n.system_language(env) == expected


def test_english_needs_no_catalogue_and_counts_right():
    i18n.use("en")
    assert i18n._("Start") == "Start"
    assert i18n.ngettext("{n} step", "{n} steps", 1) == "{n} step"
    assert i18n.ngettext("{n} step", "{n} steps", 3) == "{n} steps"


def test_a_language_without_a_catalogue_falls_back_to_english_words():
    lang = i18n.use("xx")
    assert i18n._("Start") == "Start"
    assert not lang.translated


def test_right_to_left_languages_are_known():
    assert i18n.language("he").rtl and i18n.language("ar").rtl
    assert not i18n.language("es").rtl and not i18n.language("zh-Hans").rtl


def test_switching_tells_the_listeners_once():
    heard = []
    remove = i18n.add_listener(lambda lang: heard.append(lang.tag))
    try:
        i18n.use("fr")
        i18n.use("fr")
        i18n.use("en")
    finally:
        remove()
    assert heard == ["fr", "en"]
