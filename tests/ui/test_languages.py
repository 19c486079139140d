"""The screens in Spanish and French: every word translated, nothing clipped, and a switch in
Settings shows on the next screen without a restart. Screenshots: artifacts/screens/<lang>_*.png."""

from __future__ import annotations

import json
import re

import pytest
from babel.messages.pofile import read_po

from kiosk import i18n
from kiosk.paths import ROUTINES_DIR
from tests.ui.conftest import DATA
from tests.ui.test_layout import layout_problems, session_moments, visible, visit_every_screen

pytestmark = pytest.mark.ui

SMALL = (800, 480)
_MARKUP = re.compile(r"\[/?(?:b|i|u|s|color|size|font|sub|sup|ref|anchor)(?:=[^\]]*)?\]")
_PARTS = re.compile(r"\n+|\s+·\s+|: |\s*[()]\s*")


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.use("en")


def english_words() -> set[str]:
    """The screens' fixed English words: the catalogue's msgids that have no {placeholder}."""
    with open(i18n.LOCALE_DIR / f"{i18n.DOMAIN}.pot", "rb") as f:
        ids = [m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id]
    return {i for i in ids if "{" not in i}


def untranslated(root, window, words: set[str]) -> list[str]:
    """English words still showing in a visible label where the language has its own for them."""
    from kivy.uix.label import Label

    found = []
    for widget in root.walk(restrict=True):
        if not isinstance(widget, Label) or not widget.text or not visible(widget, window):
            continue
        for part in _PARTS.split(_MARKUP.sub("", widget.text)):
            part = part.strip()
            if part in words and i18n._(part) != part:
                found.append(f"{type(widget).__name__}: {part!r} (should read {i18n._(part)!r})")
    return found


def text_width(label, text: str) -> float:
    from kivy.core.text import Label as CoreLabel

    core = CoreLabel(text=text, font_size=label.font_size, font_name=label.font_name, bold=label.bold,
                     markup=label.markup)
    core.refresh()
    return core.texture.size[0]


def cut_words(root, window, routine_words: set[str]) -> list[str]:
    """The screens' own words that do not fit across their box: a word Kivy breaks in the middle
    ("Commence" / "r") or a line shortened to "..." (routines' own long names may be shortened)."""
    from kivy.uix.label import Label

    found = []
    for widget in root.walk(restrict=True):
        if not isinstance(widget, Label) or not widget.text.strip() or not visible(widget, window):
            continue
        width = widget.text_size[0]
        if not width:
            continue
        text = _MARKUP.sub("", widget.text)
        for word in text.split():
            if text_width(widget, word) > width + 1:
                found.append(f"{type(widget).__name__}: {word!r} is broken in its {width:.0f}px box")
        if widget.shorten and not any(w in text for w in routine_words):
            if any(text_width(widget, line) > width + 1 for line in text.splitlines()):
                found.append(f"{type(widget).__name__}: {text!r} is cut short in its {width:.0f}px box")
    return found


@pytest.mark.parametrize("lang", ["en", "es", "fr"])
def test_every_screen_in_the_language_fits_and_has_no_english_left(kiosk, lang):
    """Spanish and French run about a quarter longer than English: the buttons, captions, the
    pedal test and the settings must still hold them at 800x480."""
    d = kiosk(routines=(ROUTINES_DIR, DATA / "bad"), settings={"pin": "2468", "language": lang}, size=SMALL)
    assert i18n.current().tag == lang
    words = english_words()
    routine_words = {r.name for r in d.app.library.routines} | {
        step.name for r in d.app.library.routines for step in r.walk()}
    seen, problems = [], []
    for name in visit_every_screen(d, SMALL):
        d.frames(3)
        d.screenshot(f"{lang}_{name}_{SMALL[0]}x{SMALL[1]}")
        problems += [f"{name}: {p}" for p in layout_problems(d.app.root, d.window)]
        problems += [f"{name}: {p}" for p in untranslated(d.app.root, d.window, words)]
        problems += [f"{name}: {p}" for p in cut_words(d.app.root, d.window, routine_words)]
        seen.append(name)
    assert len(seen) == 11
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("lang", ["es", "fr"])
def test_the_session_s_moments_in_the_language(kiosk, lang):
    """The consent step's answers, the side-switch banner, the pause, a stopped session's summary."""
    d = kiosk(routines=(ROUTINES_DIR,), routine="back-massage", settings={"language": lang}, size=SMALL)
    words = english_words()
    routine_words = {step.name for step in d.app.controller.routine.walk()} | {d.app.controller.routine.name}
    problems, banners = [], []
    for name in session_moments(d):
        d.frames(3)
        banners.append(d.ids("session").banner.text)
        d.screenshot(f"{lang}_moment_{name}_{SMALL[0]}x{SMALL[1]}")
        problems += [f"{name}: {p}" for p in layout_problems(d.app.root, d.window)]
        problems += [f"{name}: {p}" for p in untranslated(d.app.root, d.window, words)]
        problems += [f"{name}: {p}" for p in cut_words(d.app.root, d.window, routine_words)]
    assert {"es": "Cambia al lado derecho", "fr": "Passez au côté droit"}[lang] in banners
    assert problems == [], "\n".join(problems)


def test_a_language_chosen_in_settings_shows_on_the_next_screen(kiosk, tmp_path):
    d = kiosk(routines=(DATA / "good",), settings={"pin": "2468"})
    picker = d.app.sm.get_screen("picker")
    title = picker.children[0].children[-1].children[-1]
    assert title.text == "Choose a routine"
    d.app.open_room_settings()
    for digit in "2468":
        d.app.sm.get_screen("pin").press(digit)
    d.frames()
    chooser = d.ids("settings").language
    assert chooser.values == ["English", "español", "français"] and chooser.text == "English"

    chooser.text = "español"
    d.frames()
    assert i18n.current().tag == "es"
    assert json.loads((tmp_path / "data" / "settings.json").read_text())["language"]["value"] == "es"
    d.app.leave_settings()
    d.frames(3)
    assert d.screen == "picker"
    assert title.text == "Elige una rutina"
    tiles = [t.text for t in d.ids("picker").tiles.children]
    assert tiles and all(" pasos[/color]" in t or " paso[/color]" in t for t in tiles)
    assert untranslated(d.app.root, d.window, english_words()) == []
    d.screenshot("es_switched_picker_800x480")

    d.app.choose(d.app.library.routines[0])
    d.frames()
    assert d.ids("ready").rows.children  # the plan, and "Pulsa el pedal para empezar"
    assert untranslated(d.app.root, d.window, english_words()) == []
    d.wait(1.5)
    d.key("space")
    d.wait(1)
    assert d.screen == "session"
    assert d.app.step_of.startswith("Paso 1 de ")
    assert d.app.ends_text.startswith("termina ")

    d.app.open_room_settings()
    for digit in "2468":
        d.app.sm.get_screen("pin").press(digit)
    d.frames()
    assert d.ids("settings").language.text == "español"
    d.ids("settings").language.text = "français"
    d.app.leave_settings()
    d.frames(3)
    assert d.screen == "session"
    assert d.app.step_of.startswith("Étape 1 sur ")
    assert untranslated(d.app.root, d.window, english_words()) == []
