"""Routine text made ready for the screen, without Kivy: which font draws each stretch, the order
right-to-left lines are drawn in, where a long caution breaks, and what a machine without the
fonts does."""

from __future__ import annotations

import re

import pytest

from kiosk.ui import scripts
from kiosk.ui.scripts import FontBook, display


@pytest.fixture
def fonts(tmp_path):
    """A font folder with one file per script (a font file's first bytes: only names are looked up)."""
    for name in ("NotoSansHebrew-Regular.ttf", "NotoSansHebrew-Bold.ttf", "NotoSansArabic-Regular.ttf",
                 "NotoSansDevanagari-Regular.ttf", "NotoSansThai-Regular.ttf", "Symbola_hint.ttf"):
        (tmp_path / "noto" / name).parent.mkdir(exist_ok=True)
        (tmp_path / "noto" / name).write_bytes(b"\x00\x01\x00\x00")
    (tmp_path / "cjk").mkdir()
    (tmp_path / "cjk" / "NotoSansCJK-Regular.ttc").write_bytes(b"ttcf")
    return FontBook([str(tmp_path)], fontconfig=False)


def runs(markup: str) -> list[tuple[str | None, str]]:
    """``[font=kiosk-hebrew]abc[/font] (left)`` -> [("kiosk-hebrew", "abc"), (None, " (left)")]."""
    out = []
    for font, inner, plain in re.findall(r"\[font=([^\]]+)\](.*?)\[/font\]|([^\[]+)", markup):
        out.append((font, inner) if font else (None, plain))
    return out


class TestLatinStaysAsItIs:
    @pytest.mark.parametrize("text", ["Light warm-up", "Sweeps (left)", "Ελαφρύ ζέσταμα", "Лёгкая разминка",
                                      "Crème brûlée [x] & 3:00", ""])
    def test_text_roboto_draws_comes_back_unchanged_without_markup(self, fonts, text):
        assert display(text, fonts) == scripts.Shown(text)


class TestFonts:
    def test_each_script_gets_its_own_font(self, fonts):
        cases = {"חימום": "kiosk-hebrew", "تدفئة": "kiosk-arabic", "हल्की": "kiosk-devanagari",
                 "นวดหลัง": "kiosk-thai", "轻柔热身": "kiosk-cjk", "背中のマッサージ": "kiosk-cjk",
                 "가벼운": "kiosk-cjk", "🔥": "kiosk-emoji"}
        for text, font in cases.items():
            assert {f for f, _ in runs(display(text, fonts).text)} == {font}, text

    def test_a_hebrew_name_followed_by_a_latin_side_shows_both_in_their_fonts(self, fonts):
        shown = display("חימום קל (left)", fonts)
        assert shown.markup and shown.rtl
        # drawn left to right: the side first (brackets mirrored back into place), then the name reversed
        assert runs(shown.text) == [(None, "(left) "), ("kiosk-hebrew", "לק םומיח")]
        assert [f.regular.rsplit("/", 1)[1] for f in shown.fonts] == ["NotoSansHebrew-Regular.ttf"]
        assert shown.fonts[0].bold.endswith("NotoSansHebrew-Bold.ttf")

    def test_markup_characters_in_routine_text_are_shown_literally(self, fonts):
        shown = display("עיסוי [גב] & כתפיים", fonts)
        assert "[גב]" not in shown.text and "&bl;" in shown.text and "&amp;" in shown.text

    def test_devanagari_and_thai_ask_harfbuzz_for_their_script(self, fonts):
        assert display("हल्की मालिश", fonts).script == "Deva"
        assert display("Next: นวดหลัง", fonts).script == "Thai"
        assert display("חימום", fonts).script == "Latn"   # reordered and drawn as is

    def test_the_clinics_folder_is_searched_before_the_system(self, tmp_path, fonts):
        own = tmp_path / "own"
        own.mkdir()
        (own / "NotoSansHebrew-Regular.ttf").write_bytes(b"OTTO")
        book = FontBook([str(own), str(tmp_path)], fontconfig=False)
        assert book.fonts(scripts.script_of("א")).regular == str(own / "NotoSansHebrew-Regular.ttf")


class TestRightToLeft:
    def test_arabic_is_joined_and_reversed(self, fonts):
        shown = display("تدفئة خفيفة", fonts)
        assert shown.rtl
        (_font, text), = runs(shown.text)
        # presentation forms (U+FE70-U+FEFF), last word first
        assert all(0xFE70 <= ord(ch) <= 0xFEFF or ch == " " for ch in text)
        assert text.split(" ")[0] == "ﺧﻔﻴﻔﺔ"[::-1]

    def test_a_sentence_of_the_screens_own_keeps_reading_left_to_right(self, fonts):
        shown = display(scripts.quoted("מסח ארוך") + ": 0:42, short of 1:00", fonts, base="L")
        assert not shown.rtl
        assert runs(shown.text) == [("kiosk-hebrew", "ךורא חסמ"), (None, ": 0:42, short of 1:00")]

    def test_without_the_mark_bidi_would_carry_the_time_to_the_names_other_side(self, fonts):
        shown = display("מסח ארוך: 0:42", fonts, base="L")
        assert runs(shown.text)[0] == (None, "0:42 :")

    def test_a_long_caution_breaks_in_reading_order_then_each_line_is_reversed(self, fonts):
        words = "אין ללחוץ ישירות על עמוד השדרה ויש לשאול את המטופל".split()
        text = " ".join(words)
        shown = display(text, fonts, width=100, measure=lambda line_runs: sum(len(t) for _f, t in line_runs) * 4)
        lines = shown.text.split("\n")
        assert len(lines) >= 2
        first = runs(lines[0])[0][1][::-1]   # back in reading order
        assert first.startswith("אין ללחוץ")  # the first line holds the caution's first words
        assert runs(lines[-1])[0][1][::-1].strip().endswith("המטופל")

    def test_embeddings_and_isolates_never_stop_the_screen(self, fonts):
        shown = display("\u2068חימום\u2069 \u202bקל\u202c", fonts)
        assert "\u2068" not in shown.text and "\u202b" not in shown.text and shown.rtl


class TestNoFonts:
    def test_a_script_with_no_font_is_named_and_drawn_in_the_labels_font(self, tmp_path):
        bare = FontBook([str(tmp_path)], fontconfig=False)
        shown = display("חימום קל (left)", bare)
        assert [s.name for s in shown.missing] == ["Hebrew"]
        assert [s.package for s in shown.missing] == ["fonts-noto-core"]
        assert all(font is None for font, _ in runs(shown.text))   # Roboto: boxes, never a crash
        assert bare.missing == {"hebrew"}

    def test_a_file_that_is_not_a_font_is_passed_over(self, tmp_path):
        (tmp_path / "NotoSansHebrew-Regular.ttf").write_bytes(b"")               # a copy cut short
        (tmp_path / "NotoSansArabic-Regular.ttf").write_text("<html>404</html>")  # a bad download
        book = FontBook([str(tmp_path)], fontconfig=False)
        assert [s.name for s in display("חימום تدفئة", book).missing] == ["Hebrew", "Arabic"]

    def test_emoji_with_no_symbol_font_names_its_package(self, tmp_path):
        shown = display("💆 Back", FontBook([str(tmp_path)], fontconfig=False))
        assert [(s.name, s.package) for s in shown.missing] == [("emoji", "fonts-symbola")]


class TestThisMachine:
    """The fonts `make test` installs are where the kiosk looks for them."""

    @pytest.mark.parametrize("sample", ["א", "ب", "क", "ก", "中", "😀"])
    def test_every_script_the_tests_use_has_a_font(self, sample):
        found = FontBook().fonts(scripts.script_of(sample))
        assert found is not None, f"no font for {sample!r}: `make test-deps` installs the Noto fonts"
