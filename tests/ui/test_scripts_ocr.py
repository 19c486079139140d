"""Routines written in other scripts, read back off the screen: a real session under Xvfb at 800x480,
screenshots of the ready, session and summary screens (artifacts/screens/script-*.png), and
Tesseract OCR on the area of the step's name, which must give the name back. Boxes (a missing
font), letters in the wrong order (no bidi) or unjoined Arabic read as something else."""

from __future__ import annotations

import difflib
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.ui

SCRIPTS = Path(__file__).resolve().parent.parent / "data" / "scripts"
#: Routine file -> Tesseract language pack (Debian's tesseract-ocr-<lang>, installed by make test).
LANGS = {"hebrew": "heb", "arabic": "ara", "chinese": "chi_sim", "japanese": "jpn", "korean": "kor",
         "hindi": "hin", "thai": "tha", "greek": "ell", "russian": "rus"}


def tesseract(lang: str):
    if shutil.which("tesseract") is None:
        pytest.fail("tesseract is not installed: `make test-deps` installs tesseract-ocr and its language packs")
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout.split()
    if lang not in langs:
        pytest.fail(f"Tesseract has no '{lang}' pack: `make test-deps` installs it")


def read_back(shot: Path, widget, window, lang: str, *, lines: int = 1) -> str:
    """OCR of ``widget``'s area of the screenshot (one line of text, or a block of ``lines``)."""
    from PIL import Image, ImageOps

    x, y = widget.to_window(widget.x, widget.y)
    w, h = widget.size
    image = Image.open(shot).convert("L")
    top = window.height - (y + h)
    crop = image.crop((int(x), int(top), int(x + w), int(top + h)))
    # Light words on the dark room palette, turned dark on white, trimmed to the ink and scaled to
    # about 60 px a line: the size Tesseract reads best.
    crop = ImageOps.autocontrast(ImageOps.invert(crop))
    ink = crop.point(lambda v: 255 if v < 140 else 0).getbbox()
    assert ink is not None, f"nothing drawn where {widget!r} is"
    crop = crop.crop((max(0, ink[0] - 4), max(0, ink[1] - 4), min(crop.width, ink[2] + 4),
                      min(crop.height, ink[3] + 4)))
    scale = 60.0 * lines / crop.height
    crop = crop.resize((max(1, int(crop.width * scale)), int(60 * lines)), Image.LANCZOS)
    crop = ImageOps.expand(crop, border=30, fill=255)
    path = shot.with_name(shot.stem + f"-{widget.__class__.__name__.lower()}-crop.png")
    crop.save(path)
    # One line of text (psm 7); Debian's Arabic model reads nothing that way, but does as a raw line.
    psm = "6" if lines > 1 else "13" if lang == "ara" else "7"
    out = subprocess.run(["tesseract", str(path), "stdout", "-l", lang, "--psm", psm],
                         capture_output=True, text=True, timeout=60)
    return out.stdout


def _letters(s: str) -> str:
    """Letters, marks and digits only, in NFKC (marks come back composed or not, a Greek mu as the
    micro sign); spaces dropped, as Tesseract spaces CJK and Thai its own way."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", s) if unicodedata.category(ch)[0] in "LMN")


def same_words(read: str, expected: str) -> bool:
    """Whether OCR gave back exactly ``expected`` (large text: the step's name, the routine's title)."""
    return _letters(expected) in _letters(read)


def close_words(read: str, expected: str, at_least: float = 0.75) -> bool:
    """Whether OCR gave back ``expected`` but for a letter or two: small text (a summary row's 14 px),
    where a dot of Arabic or a Thai mark is a pixel or two. Boxes, reversed or unjoined letters
    score far below."""
    return difflib.SequenceMatcher(None, _letters(expected), _letters(read)).ratio() >= at_least


def routine(name: str) -> dict:
    return yaml.safe_load((SCRIPTS / f"{name}.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", list(LANGS))
def test_the_step_name_reads_back_from_the_screen(kiosk, name):
    lang = LANGS[name]
    tesseract(lang)
    data = routine(name)
    first, second = data["steps"][0]["name"], data["steps"][1]["steps"][0]["name"]
    d = kiosk(routine=SCRIPTS / f"{name}.yaml")
    assert d.screen == "ready"
    shot = d.screenshot(f"script-{name}-ready")
    assert same_words(read_back(shot, d.ids("ready").title, d.window, lang), data["name"])
    plan_row = list(reversed(d.ids("ready").rows.children))[0]
    assert close_words(read_back(shot, plan_row.children[-2], d.window, lang), first)

    d.app.begin()
    d.frames(3)
    assert d.screen == "session" and d.app.step_name == first
    shot = d.screenshot(f"script-{name}-session")
    assert same_words(read_back(shot, d.ids("session").step_name, d.window, lang), first)

    d.key("space")
    assert d.app.step_name == second
    shot = d.screenshot(f"script-{name}-session-side")
    assert same_words(read_back(shot, d.ids("session").step_name, d.window, lang), second)

    d.key("space")
    d.key("space")
    assert d.screen == "summary"
    shot = d.screenshot(f"script-{name}-summary")
    rows = list(reversed(d.ids("summary").rows.children))
    assert close_words(read_back(shot, rows[0].ids.name, d.window, lang), first)


def test_a_two_line_hebrew_caution_reads_from_its_top_right(kiosk):
    """Broken in reading order, then each line reversed: the caution's first words are on the first
    line (at its right), its last word alone on the second. Kivy wrapping the reversed text would
    put the end of the sentence first."""
    tesseract("heb")
    caution = routine("hebrew")["steps"][0]["caution"]
    d = kiosk(routine=SCRIPTS / "hebrew.yaml")
    d.app.begin()
    d.frames(3)
    label = d.ids("session").caution
    assert label.text == caution                     # the label keeps the routine's own words
    assert label.rtl and label._label.options["halign"] == "center"
    shot = d.screenshot("script-hebrew-caution")
    read = [line for line in read_back(shot, label, d.window, "heb", lines=2).splitlines() if line.strip()]
    assert len(read) == 2, read
    assert _letters(read[0]).startswith(_letters("אין ללחוץ ישירות"))
    assert _letters(read[1]) == _letters(caution.split()[-1])


def test_long_hebrew_keeps_its_first_words_in_view(kiosk):
    """A name too long for its line loses its end (on the left), not its start; an instruction that
    runs to a second line shows both, the first words on the first line, as English does."""
    tesseract("heb")
    step = routine("hebrew-long")["steps"][0]
    d = kiosk(routine=SCRIPTS / "hebrew-long.yaml")
    d.app.begin()
    d.frames(3)
    shot = d.screenshot("script-hebrew-long")
    name = read_back(shot, d.ids("session").step_name, d.window, "heb")
    assert same_words(name, "חימום קל ועדין") and not same_words(name, step["name"])
    read = [line for line in read_back(shot, d.ids("session").say, d.window, "heb", lines=2).splitlines()
            if line.strip()]
    assert len(read) == 2, read
    assert _letters(read[0]).startswith(_letters("עיסוי עדין על כל הגב"))
    assert _letters(read[1]) == _letters("השדרה")
