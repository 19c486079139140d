"""Routine text in other scripts on the real screen: English drawn exactly as before, emoji at the
size of the words around them, and a machine without the fonts that shows boxes and says so once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.ui.test_scripts_ocr import SCRIPTS, read_back, same_words, tesseract

pytestmark = pytest.mark.ui


def texture_of(label):
    label.texture_update()
    return label.texture.size, label.texture.pixels


@pytest.mark.parametrize("options", [
    {"font_size": 55, "bold": True, "halign": "left", "shorten": True, "shorten_from": "right"},
    {"font_size": 19, "halign": "center"},
    {"font_size": 23, "halign": "right", "valign": "middle"},
])
def test_latin_greek_and_cyrillic_are_drawn_pixel_for_pixel_as_by_a_plain_label(kivy_window, options):
    from kivy.uix.label import Label

    from kiosk.ui.scripttext import ScriptLabel

    for text in ("Sweeps beside the spine (left)", "Next: Low back circles (right) · 3:00 [x] & y",
                 "Ελαφρύ ζέσταμα · Лёгкая разминка"):
        plain = Label(text=text, size=(700, 80), text_size=(700, 80), **options)
        ours = ScriptLabel(size=(700, 80), text_size=(700, 80), **options)
        ours.text = text
        assert texture_of(ours) == texture_of(plain), text
        assert not ours.rtl and type(ours._label) is type(plain._label)


@pytest.fixture
def bare_machine(monkeypatch, tmp_path):
    """The kiosk as on a machine without the Noto fonts (nor any font fontconfig could offer)."""
    from kiosk.ui import scripts, scripttext

    monkeypatch.setattr(scripttext, "BOOK", scripts.FontBook([str(tmp_path / "no-fonts")], fontconfig=False))
    monkeypatch.setattr(scripttext, "_told", set())


def test_a_script_with_no_font_shows_boxes_and_the_room_is_told_once(kiosk, bare_machine):
    d = kiosk(routine=SCRIPTS / "hebrew.yaml")
    d.app.begin()
    d.frames(3)
    d.key("space")
    shot = d.screenshot("script-hebrew-no-font")
    told = [n for n in [d.app.notice, *d.app._notices] if "Hebrew" in n]
    assert told == ["No font for Hebrew text: it shows as boxes. Install fonts-noto-core (scripts/install.sh does)"]
    # what the screen shows is not the name: the OCR check of the other tests can fail
    tesseract("heb")
    name = d.app.step_name
    assert not same_words(read_back(shot, d.ids("session").step_name, d.window, "heb"), name)
    d.key("space")
    d.key("space")
    assert d.screen == "summary"
    assert [n for n in [d.app.notice, *d.app._notices] if "Hebrew" in n] == told  # once, not per label


def test_emoji_in_names_are_drawn_at_the_size_of_the_words(kiosk):
    d = kiosk(routine=SCRIPTS / "emoji.yaml")
    d.screenshot("script-emoji-ready")
    d.app.begin()
    d.frames(3)
    label = d.ids("session").step_name
    assert label.text == "🔥 Warm-up 💆"
    shot = d.screenshot("script-emoji-session")
    # an outline font, scaled like the words: Noto Color Emoji's bitmaps would stand 109 px tall
    assert label.texture_size[1] < label.font_size * 1.6
    tesseract("eng")
    assert "Warm-up" in read_back(shot, label, d.window, "eng")
    assert not [n for n in [d.app.notice, *d.app._notices] if "font" in n.lower()]
    for _ in range(3):
        d.key("space")
    assert d.screen == "summary"
    assert Path(d.screenshot("script-emoji-summary")).exists()


def test_the_picker_pause_and_history_show_names_in_any_script(kiosk):
    """Every screen that shows a routine's or a step's name draws it in its script's font: the
    routine tiles (a right-to-left name from the tile's right edge), the pause line and the history."""
    tesseract("heb")
    d = kiosk(routines=[SCRIPTS])
    assert d.screen == "picker"
    d.screenshot("script-picker")
    tiles = {routine.name: tile for routine, tile in
             zip(d.app.sm.get_screen("picker").routines, reversed(d.ids("picker").tiles.children))}
    assert "[font=kiosk-hebrew]" in tiles["עיסוי גב"].text and tiles["עיסוי גב"].halign == "right"
    assert "[font=kiosk-cjk]" in tiles["背部按摩"].text and tiles["背部按摩"].halign == "left"
    assert "[font=" not in tiles["Массаж спины"].text
    # the long Hebrew summary is broken in reading order: its first words open the first of its lines
    lines = [re.sub(r"\[/?[a-z]+(=[^\]]*)?\]", "", line) for line in tiles["עיסוי גב"].text.split("\n")]
    assert len(lines) > 3 and lines[1][::-1].startswith("עיסוי רגוע")

    d.app.choose(next(r for r in d.app.library.routines if r.name == "עיסוי גב"))
    d.app.begin()
    d.frames(3)
    d.key("p")
    assert d.app.paused
    shot = d.screenshot("script-hebrew-paused")
    line = next(w for w in d.ids("session").pause_overlay.children if getattr(w, "text", "") == d.app.pause_text)
    assert d.app.pause_text.startswith("חימום קל\u200e  ·  1:00")
    assert same_words(read_back(shot, line, d.window, "heb"), "חימום קל")
    d.app.stop_session()
    d.frames()
    d.app.services.journal.flush()
    d.app.to_picker()
    d.app.show_history()
    d.frames(3)
    shot = d.screenshot("script-hebrew-history")
    row = d.ids("history").sessions.children[0].children[-1]
    assert "[font=kiosk-hebrew]" in row.text
    assert same_words(read_back(shot, row, d.window, "heb", lines=2), "עיסוי גב")


def test_a_hindi_run_is_measured_as_it_is_drawn(kivy_window):
    """A Hindi name followed by English: the name's width is taken shaped (its conjuncts formed,
    as HarfBuzz draws it), so no gap opens before the English words after it."""
    from kivy.core.text import Label as CoreLabel
    from kivy.core.text._text_sdl2 import _SurfaceContainer

    from kiosk.ui.scripttext import ScriptLabel

    label = ScriptLabel(font_size=31)   # a size no other test draws: a font object fresh from SDL2_ttf
    label.text = "हल्की मालिश: 0:00, short of 1:00"
    label.texture_update()
    (name, name_w), (rest, _w) = [(w.text, w.lw) for line in label._label._cached_lines for w in line.words]
    assert (name, rest) == ("हल्की मालिश", ": 0:00, short of 1:00")
    shaped = CoreLabel(font_name="kiosk-devanagari", font_size=31, font_script_name="Deva")
    _SurfaceContainer(1, 1).render(shaped, " ", 0, 0)   # SDL2_ttf takes the script from a draw
    unshaped = CoreLabel(font_name="kiosk-devanagari", font_size=31, font_script_name="Latn")
    assert shaped.get_extents(name)[0] == name_w
    _SurfaceContainer(1, 1).render(unshaped, " ", 0, 0)
    assert unshaped.get_extents(name)[0] > name_w       # what it was measured as before: wider


def test_a_desk_message_in_hebrew_reads_back_on_the_session_screen(kiosk):
    """The front desk writes in the clinic's language: its line on the session screen draws it."""
    import json

    from kiosk.clinic.desk import DeskCommands

    tesseract("heb")
    d = kiosk(routine=SCRIPTS / "russian.yaml")
    desk = DeskCommands(d.app.controller, room_id="room-3", call=lambda fn, *a: fn(*a), reply=lambda _r: None)
    d.ids("session").desk_banner.attach_desk(desk)
    d.app.begin()
    d.frames(2)
    message = "הלקוחה של 15:00 הגיעה"
    desk.receive(json.dumps({"message": message, "ttl_s": 60}).encode())
    d.frames(3)
    banner = d.ids("session").desk_banner
    assert banner.text == "Front desk:  " + message and "[font=kiosk-hebrew]" in banner._label.text
    shot = d.screenshot("script-hebrew-desk-message")
    assert same_words(read_back(shot, banner, d.window, "heb"), "הלקוחה של")
