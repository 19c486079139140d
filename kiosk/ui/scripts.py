"""Routine text in any script, made ready for Kivy's SDL2 text provider (Kivy-free, unit-tested).

SDL2_ttf draws a string with one font, left to right, shaping with HarfBuzz only for the script it
is told: no fallback font, no bidi. So a Hebrew name came out as empty boxes in Roboto, and Arabic
unjoined and backwards. :func:`display` turns a piece of routine text into what a Label needs:

- the string in visual order (python-bidi reorders right-to-left runs and mirrors brackets, after
  arabic-reshaper has joined Arabic letters into their presentation forms), wrapped first when a
  width is given, so a long right-to-left caution reads right line by line;
- Kivy markup with a ``[font=...]`` run for each stretch in a script Roboto lacks, so a Hebrew name
  followed by "(left)" shows both; text Roboto covers (Latin, Greek, Cyrillic) is left exactly as
  it was, with no markup, drawn with the same font and the same pixels;
- whether the paragraph is right-to-left (its label is then right-aligned) and the script HarfBuzz
  must be told to shape (Devanagari conjuncts, Thai marks).

Fonts are found by :class:`FontBook`: Debian's Noto files first (fonts-noto-core, fonts-noto-cjk,
fonts-symbola for emoji), then any font fontconfig knows for that script (a clinic's own font in
/usr/local/share/fonts). A script with no font is drawn in Roboto (boxes) and reported once.
"""

from __future__ import annotations

import bisect
import logging
import os
import shutil
import subprocess
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Script:
    """A writing system Roboto lacks: where its characters are and which fonts draw it."""

    key: str                    # registered font name stem and log word: "hebrew"
    name: str                   # for people: "Hebrew"
    tag: str                    # ISO 15924, what HarfBuzz is told when the script needs shaping
    ranges: tuple[tuple[int, int], ...]
    files: tuple[str, ...]      # font files to look for, best first (regular weight)
    sample: str                 # a character fontconfig is asked about when none of ``files`` is there
    shaped: bool = False        # HarfBuzz must know the script (Indic reordering, Thai marks)
    package: str = "fonts-noto-core"


SCRIPTS: tuple[Script, ...] = (
    Script("hebrew", "Hebrew", "Hebr", ((0x0590, 0x05FF), (0xFB1D, 0xFB4F)),
           ("NotoSansHebrew-Regular.ttf",), "\u05d0"),
    Script("arabic", "Arabic", "Arab",
           ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)),
           ("NotoSansArabic-Regular.ttf", "NotoNaskhArabic-Regular.ttf"), "\u0628"),
    Script("devanagari", "Devanagari", "Deva", ((0x0900, 0x097F), (0xA8E0, 0xA8FF)),
           ("NotoSansDevanagari-Regular.ttf",), "\u0915", shaped=True),
    Script("bengali", "Bengali", "Beng", ((0x0980, 0x09FF),), ("NotoSansBengali-Regular.ttf",), "\u0995",
           shaped=True),
    Script("gurmukhi", "Gurmukhi", "Guru", ((0x0A00, 0x0A7F),), ("NotoSansGurmukhi-Regular.ttf",), "\u0a15",
           shaped=True),
    Script("gujarati", "Gujarati", "Gujr", ((0x0A80, 0x0AFF),), ("NotoSansGujarati-Regular.ttf",), "\u0a95",
           shaped=True),
    Script("tamil", "Tamil", "Taml", ((0x0B80, 0x0BFF),), ("NotoSansTamil-Regular.ttf",), "\u0b95", shaped=True),
    Script("telugu", "Telugu", "Telu", ((0x0C00, 0x0C7F),), ("NotoSansTelugu-Regular.ttf",), "\u0c15",
           shaped=True),
    Script("kannada", "Kannada", "Knda", ((0x0C80, 0x0CFF),), ("NotoSansKannada-Regular.ttf",), "\u0c95",
           shaped=True),
    Script("malayalam", "Malayalam", "Mlym", ((0x0D00, 0x0D7F),), ("NotoSansMalayalam-Regular.ttf",), "\u0d15",
           shaped=True),
    Script("oriya", "Odia", "Orya", ((0x0B00, 0x0B7F),), ("NotoSansOriya-Regular.ttf",), "\u0b15", shaped=True),
    Script("sinhala", "Sinhala", "Sinh", ((0x0D80, 0x0DFF),), ("NotoSansSinhala-Regular.ttf",), "\u0d9a",
           shaped=True),
    Script("tibetan", "Tibetan", "Tibt", ((0x0F00, 0x0FFF),), ("NotoSerifTibetan-Regular.ttf",), "\u0f40",
           shaped=True),
    Script("thai", "Thai", "Thai", ((0x0E00, 0x0E7F),), ("NotoSansThai-Regular.ttf",), "\u0e01", shaped=True),
    Script("lao", "Lao", "Laoo", ((0x0E80, 0x0EFF),), ("NotoSansLao-Regular.ttf",), "\u0e81", shaped=True),
    Script("khmer", "Khmer", "Khmr", ((0x1780, 0x17FF),), ("NotoSansKhmer-Regular.ttf",), "\u1780", shaped=True),
    Script("myanmar", "Myanmar", "Mymr", ((0x1000, 0x109F),), ("NotoSansMyanmar-Regular.ttf",), "\u1000",
           shaped=True),
    Script("georgian", "Georgian", "Geor", ((0x10A0, 0x10FF), (0x2D00, 0x2D2F)),
           ("NotoSansGeorgian-Regular.ttf",), "\u10d0"),
    Script("armenian", "Armenian", "Armn", ((0x0530, 0x058F),), ("NotoSansArmenian-Regular.ttf",), "\u0561"),
    Script("ethiopic", "Ethiopic", "Ethi", ((0x1200, 0x139F),), ("NotoSansEthiopic-Regular.ttf",), "\u1200"),
    # One pan-CJK collection draws Chinese, Japanese kana and Korean hangul (SDL2_ttf opens its first
    # face, Noto Sans CJK JP, which holds every ideograph and syllable).
    Script("cjk", "Chinese, Japanese or Korean", "Hani",
           ((0x1100, 0x11FF), (0x2E80, 0x2FDF), (0x3000, 0x303F), (0x3040, 0x30FF), (0x3100, 0x312F),
            (0x3130, 0x318F), (0x31A0, 0x31FF), (0x3200, 0x33FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
            (0xA960, 0xA97F), (0xAC00, 0xD7FF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF),
            (0x20000, 0x3134F)),
           ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "NotoSansCJK-Regular.otf"), "\u4e2d",
           package="fonts-noto-cjk"),
    # Emoji in an outline font: SDL2_ttf draws Noto Color Emoji's bitmaps at their one fixed size
    # (109 px whatever the label's size), so a symbol font that scales stands in, drawn in the
    # label's colour.
    Script("emoji", "emoji", "Zyyy",
           ((0x2190, 0x21FF), (0x2300, 0x23FF), (0x2460, 0x24FF), (0x25A0, 0x27BF), (0x2900, 0x297F),
            (0x2B00, 0x2BFF), (0x1F000, 0x1FAFF)),
           ("Symbola_hint.ttf", "Symbola.ttf", "NotoEmoji-Regular.ttf"), "\U0001f600", package="fonts-symbola"),
)
_BY_KEY = {s.key: s for s in SCRIPTS}
_STARTS: list[int] = []
_SPANS: list[tuple[int, int, Script]] = []
for _script in SCRIPTS:
    for _lo, _hi in _script.ranges:
        _SPANS.append((_lo, _hi, _script))
_SPANS.sort(key=lambda span: span[0])
_STARTS = [span[0] for span in _SPANS]
#: Characters that belong to the run before them whatever their block: joiners, variation selectors.
_CLINGING = {"\u200c", "\u200d", "\ufe0e", "\ufe0f"}
#: Bidi marks steer the reordering and are then dropped (Roboto has no glyph for them); embeddings
#: and isolates are dropped before it (python-bidi's algorithm predates isolates).
_MARKS = str.maketrans("", "", "\u200e\u200f\u061c")
_EMBEDDINGS = str.maketrans("", "", "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def script_of(ch: str) -> Script | None:
    """The script whose font draws ``ch``; None for what the label's own font (Roboto) draws."""
    code = ord(ch)
    i = bisect.bisect_right(_STARTS, code) - 1
    if i >= 0:
        lo, hi, script = _SPANS[i]
        if lo <= code <= hi:
            return script
    return None


def needs_help(text: str) -> bool:
    """Whether ``text`` has a character Roboto cannot draw or a right-to-left one."""
    return any(script_of(ch) is not None for ch in text)


def has_rtl(text: str) -> bool:
    """Whether ``text`` holds a right-to-left letter (Hebrew, Arabic)."""
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


def is_rtl(text: str) -> bool:
    """Whether the paragraph reads right to left: its first strong character is Hebrew or Arabic."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def quoted(name: str) -> str:
    """A name to quote in a sentence of the screen's own, ended by a left-to-right mark when it holds
    right-to-left letters: "<name>: 0:42" then keeps the time after the name, where bidi alone would
    carry it to the name's other side. Any other name is returned as it is."""
    return name + "\u200e" if has_rtl(name) else name


def escape(text: str) -> str:
    """Text as Kivy markup shows it literally (the same rules as ``kivy.utils.escape_markup``)."""
    return text.replace("&", "&amp;").replace("[", "&bl;").replace("]", "&br;")


@dataclass(frozen=True)
class Fonts:
    """The files of one script's font; ``name`` is what Kivy knows it by once registered."""

    name: str
    regular: str
    bold: str | None = None
    shaping: str = "Latn"       # the script HarfBuzz shapes its runs as (see Script.shaped)


#: Where fonts live on Debian / Raspberry Pi OS, the clinic's own first.
FONT_DIRS = ("/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts", "/usr/share/fonts")


class FontBook:
    """Finds a font file for each script, once, and remembers the scripts it found none for."""

    def __init__(self, dirs: Iterable[str] = FONT_DIRS, *, fontconfig: bool = True):
        self.dirs = tuple(dirs)
        self.fontconfig = fontconfig and shutil.which("fc-list") is not None
        self._index: dict[str, str] | None = None
        self._found: dict[str, Fonts | None] = {}
        self.missing: set[str] = set()   # script keys with no font here

    def _files(self) -> dict[str, str]:
        if self._index is None:
            index: dict[str, str] = {}
            for folder in self.dirs:
                root = Path(os.path.expanduser(folder))
                if not root.is_dir():
                    continue
                for dirpath, _dirs, names in os.walk(root):
                    for name in names:
                        index.setdefault(name, os.path.join(dirpath, name))
            self._index = index
        return self._index

    def fonts(self, script: Script) -> Fonts | None:
        """The font files for ``script``, or None (and it joins :attr:`missing`) when there are none."""
        if script.key not in self._found:
            self._found[script.key] = found = self._look_up(script)
            if found is None:
                self.missing.add(script.key)
                log.warning("no font for %s text: it shows as empty boxes (install %s)", script.name,
                            script.package)
            else:
                log.info("%s text is drawn with %s", script.name, found.regular)
        return self._found[script.key]

    def _look_up(self, script: Script) -> Fonts | None:
        files = self._files()
        # Right-to-left text arrives reordered and Arabic already joined: drawn as it is.
        shaping = script.tag if script.shaped else "Latn"
        for name in script.files:
            if name in files and _is_font(files[name]):
                bold = files.get(name.replace("-Regular", "-Bold")) if "-Regular" in name else None
                return Fonts(f"kiosk-{script.key}", files[name], bold if bold and _is_font(bold) else None, shaping)
        if self.fontconfig:
            path = _fontconfig_file(script.sample)
            if path:
                return Fonts(f"kiosk-{script.key}", path, None, shaping)
        return None


#: How TrueType, OpenType and collection files begin.
_FONT_MAGIC = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf")


def _is_font(path: str) -> bool:
    """Whether ``path`` begins like a font file: a truncated copy or a stray file of the right
    name is passed over (SDL2_ttf would refuse it when the first label needs it)."""
    try:
        with open(path, "rb") as f:
            head = f.read(4)
    except OSError:
        return False
    if head not in _FONT_MAGIC:
        log.warning("%s is not a font file: passed over", path)
        return False
    return True


def _fontconfig_file(sample: str) -> str | None:
    """A regular-weight font file fontconfig has for ``sample``'s character (any installed font)."""
    try:
        out = subprocess.run(["fc-list", "--format", "%{file}\t%{style}\n", f":charset={ord(sample):x}"],
                             capture_output=True, text=True, timeout=5, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    rows = [line.split("\t", 1) for line in out.splitlines() if line.strip()]
    usable = [r for r in rows if r[0].lower().endswith((".ttf", ".otf", ".ttc")) and _is_font(r[0])]
    regular = [r[0] for r in usable if len(r) > 1 and "Regular" in r[1]]
    return (regular or [r[0] for r in usable] or [None])[0]


@dataclass(frozen=True)
class Shown:
    """What a Label needs to show a piece of routine text."""

    text: str                   # the label's ``text`` (markup when ``markup``)
    markup: bool = False
    rtl: bool = False           # right-to-left paragraph: align it right
    script: str = "Latn"        # the label's ``font_script_name`` (what HarfBuzz shapes for)
    missing: tuple[Script, ...] = ()   # scripts in it that no installed font draws
    fonts: tuple[Fonts, ...] = field(default=())   # the fonts its markup names (to register with Kivy)


#: Measures a line of runs in pixels: ``[(fonts or None, text), ...]`` -> width.
Measure = Callable[[Sequence[tuple[Fonts | None, str]]], float]


def display(text: str, book: FontBook, *, width: float | None = None, measure: Measure | None = None,
            base: str | None = None) -> Shown:
    """Turn routine text into a Label's text, markup, alignment and shaping script.

    Text Roboto draws entirely comes back unchanged. With ``width`` and ``measure``, a paragraph
    holding right-to-left text is broken into lines that fit ``width`` in reading order first, and
    each line is then reordered, so a two-line caution reads from its top right. ``base`` ("L" or
    "R") fixes the paragraph's direction, for a sentence of the screen's own words that quotes a
    step's name ("<name>: 0:42, short of 1:00"); by default its first strong letter decides.
    """
    if not needs_help(text):
        return Shown(text)
    rtl = base == "R" if base else is_rtl(text)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        if width and measure and has_rtl(paragraph):
            lines.extend(_wrap(paragraph, width, lambda line: measure(_runs(_visual(line, base), book))))
        else:
            lines.append(paragraph)
    used: dict[str, Fonts] = {}
    missing: list[Script] = []
    shaped = "Latn"
    out = []
    for line in lines:
        parts = []
        for fonts, run in _runs(_visual(line, base), book):
            if fonts is None:
                parts.append(escape(run))
            else:
                used[fonts.name] = fonts
                parts.append(f"[font={fonts.name}]{escape(run)}[/font]")
        out.append("".join(parts))
    for ch in text:
        script = script_of(ch)
        if script is None:
            continue
        if book.fonts(script) is None and script not in missing:
            missing.append(script)
        if script.shaped and shaped == "Latn":
            shaped = script.tag
    return Shown("\n".join(out), markup=True, rtl=rtl, script=shaped, missing=tuple(missing),
                 fonts=tuple(used.values()))


def _visual(line: str, base: str | None = None) -> str:
    """One line in the order it is drawn, left to right: Arabic joined, right-to-left runs reversed."""
    if not has_rtl(line):
        return line
    if any(script_of(ch) is _BY_KEY["arabic"] for ch in line):
        import arabic_reshaper

        line = arabic_reshaper.reshape(line)
    # The pure-Python algorithm of python-bidi: it mirrors brackets in right-to-left runs (rule L4),
    # which the Rust one it also ships leaves to the renderer, and SDL2_ttf does not do.
    from bidi.algorithm import get_display

    line = line.translate(_EMBEDDINGS)
    try:
        visual = get_display(line, base_dir=base)
    except Exception:  # text it cannot order is shown as written rather than stopping the screen
        log.warning("could not reorder right-to-left text %r", line, exc_info=True)
        visual = line
    return visual.translate(_MARKS)


def _runs(line: str, book: FontBook) -> list[tuple[Fonts | None, str]]:
    """Split a line into stretches drawn with one font each (None: the label's own font).

    A space or a joiner stays in the run it follows (every font has a space), so a Hebrew phrase
    is one run; digits and Latin punctuation go to the label's font, which has them.
    """
    runs: list[tuple[Fonts | None, str]] = []
    for ch in line:
        if runs and (ch in _CLINGING or (ch == " " and runs[-1][0] is not None)):
            runs[-1] = (runs[-1][0], runs[-1][1] + ch)
            continue
        script = script_of(ch)
        fonts = book.fonts(script) if script is not None else None
        if runs and runs[-1][0] == fonts:
            runs[-1] = (fonts, runs[-1][1] + ch)
        else:
            runs.append((fonts, ch))
    return runs


def _wrap(paragraph: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Break ``paragraph`` at spaces into lines no wider than ``width``, in reading order."""
    words = paragraph.split(" ")
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if current and measure(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    lines.append(current)
    return lines
