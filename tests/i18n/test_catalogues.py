"""The shipped catalogues: every word a screen shows is in them, translated, compiled, and counted right."""

from __future__ import annotations

import gettext
import io
import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from kiosk import i18n

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = i18n.LOCALE_DIR / f"{i18n.DOMAIN}.pot"
SHIPPED = ("es", "fr")


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.use("en")


def extracted() -> dict[str, tuple[str, ...]]:
    """What `make translations` would extract from the code now: ``{msgid: (msgid, plural)}``."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = {}
    for _file, _line, message, _comments, _context in extract_from_dir(str(ROOT), method_map, options_map):
        ids = (message,) if isinstance(message, str) else tuple(m for m in message if m)
        found[ids[0]] = ids
    return found


def po(lang: str):
    with open(i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.po", "rb") as f:
        return read_po(f, locale=lang)


def fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def test_the_shipped_languages_are_listed_by_their_own_names():
    assert {"en", *SHIPPED} <= set(i18n.available())
    assert [i18n.language(t).name for t in ("en", "es", "fr")] == ["English", "español", "français"]


def test_the_template_has_every_word_the_code_marks():
    """A word marked in the code (or a .kv rule) but missing from kiosk.pot: run `make translations`."""
    with open(TEMPLATE, "rb") as f:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    now = set(extracted())
    assert now - template == set(), "run make translations: these words are not in kiosk.pot"
    assert template - now == set(), "run make translations: kiosk.pot keeps words the code no longer has"


def test_screen_words_from_the_kv_files_are_extracted():
    words = extracted()
    for word in ("Choose a routine", "Tap the pedal to begin", "Stop session", "Pedal test: press a pedal or key",
                 "Language"):
        assert word in words
    assert words["{n} file with problems"] == ("{n} file with problems", "{n} files with problems")


@pytest.mark.parametrize("lang", SHIPPED)
def test_every_word_is_translated_with_the_placeholders_it_is_given(lang):
    """Complete, nothing fuzzy, and no {name} a translation invents (it would break the screen)."""
    catalogue = po(lang)
    wanted = extracted()
    problems = []
    for msgid, ids in wanted.items():
        message = catalogue.get(msgid)
        if message is None:
            problems.append(f"missing: {msgid!r}")
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(s.strip() for s in strings):
            problems.append(f"untranslated or fuzzy: {msgid!r}")
        allowed = set().union(*(fields(i) for i in ids))
        for s in strings:
            if fields(s) - allowed:
                problems.append(f"{msgid!r} -> {s!r} uses {fields(s) - allowed}")
    assert problems == []


@pytest.mark.parametrize("lang", SHIPPED)
def test_the_compiled_catalogue_is_the_po_file_compiled(lang):
    """A .po edited without `make translations` leaves a stale .mo: the screens would not show the edit."""
    compiled = io.BytesIO()
    write_mo(compiled, po(lang))
    compiled.seek(0)
    fresh = gettext.GNUTranslations(compiled)
    with open(i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.mo", "rb") as f:
        shipped = gettext.GNUTranslations(f)
    assert shipped._catalog == fresh._catalog, f"run make translations: {lang}/kiosk.mo is stale"
    assert [shipped.plural(n) for n in range(200)] == [fresh.plural(n) for n in range(200)]


@pytest.mark.parametrize("lang, counts", [
    ("en", {0: "0 steps", 1: "1 step", 2: "2 steps", 21: "21 steps"}),
    ("es", {0: "0 pasos", 1: "1 paso", 2: "2 pasos", 21: "21 pasos"}),
    # French counts nought as one: "0 étape"
    ("fr", {0: "0 étape", 1: "1 étape", 2: "2 étapes", 21: "21 étapes"}),
])
def test_counted_words_take_each_language_s_plural_forms(lang, counts):
    from kiosk.ui.readout import step_count

    i18n.use(lang)
    assert {n: step_count(n) for n in counts} == counts


@pytest.mark.parametrize("lang, one, many", [
    ("en", "1 file with problems", "3 files with problems"),
    ("es", "1 archivo con problemas", "3 archivos con problemas"),
    ("fr", "1 fichier à problème", "3 fichiers à problème"),
])
def test_the_picker_s_problem_count(lang, one, many):
    i18n.use(lang)
    say = lambda n: i18n.ngettext("{n} file with problems", "{n} files with problems", n).format(n=n)  # noqa: E731
    assert (say(1), say(3)) == (one, many)


@pytest.mark.parametrize("lang", SHIPPED)
def test_the_plural_rule_is_written_in_the_catalogue(lang):
    header = po(lang).plural_forms
    assert re.match(r"nplurals=\d+; plural=", header)
    assert po(lang).num_plurals >= 2


def test_spoken_phrases_follow_the_routines_language():
    from kiosk.audio.speech import SWITCH_SIDES, left_phrase

    en = i18n.language("en")
    assert (left_phrase(60, en), left_phrase(120, en), left_phrase(90, en), en.gettext(SWITCH_SIDES)) == \
        ("one minute left", "2 minutes left", "1.5 minutes left", "switch sides")
    es = i18n.language("es")
    assert (left_phrase(60, es), left_phrase(90, es), left_phrase(15, es), es.gettext(SWITCH_SIDES)) == \
        ("queda un minuto", "quedan 1,5 minutos", "quedan 15 segundos", "cambia de lado")
    fr = i18n.language("fr")
    assert (left_phrase(1, fr), left_phrase(45, fr)) == ("encore 1 seconde", "encore 45 secondes")


def test_a_translation_that_would_break_a_screen_shows_english_instead():
    """A clinic's own .po with a typo ({tme}, a stray brace) must not stop the kiosk."""
    from babel.messages.catalog import Catalog

    catalogue = Catalog(locale="de")
    catalogue.add("ends {time}", "endet {tme}")
    catalogue.add("Step {n} of {total}", "Schritt {n} von {total")
    catalogue.add("Pause", "Pause!")
    catalogue.add(("{n} step", "{n} steps"), ("{n} Schritt", "{count} Schritte"))
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    german = i18n.Language("de", gettext.GNUTranslations(compiled))
    assert german.gettext("ends {time}").format(time="15:05") == "ends 15:05"
    assert german.gettext("Step {n} of {total}").format(n=1, total=3) == "Step 1 of 3"
    assert german.gettext("Pause") == "Pause!"
    assert german.ngettext("{n} step", "{n} steps", 1).format(n=1) == "1 Schritt"
    assert german.ngettext("{n} step", "{n} steps", 3).format(n=3) == "3 steps"
