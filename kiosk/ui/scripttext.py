"""Routine text on Kivy labels in any script: the Kivy side of :mod:`kiosk.ui.scripts`.

:class:`ScriptLabel` is a Label that passes whatever its ``text`` is set to (a .kv binding such as
``text: app.step_name``) through :func:`kiosk.ui.scripts.display`: a text Roboto draws is left as
it is; any other gets its fonts as markup runs, its right-to-left lines reordered (and wrapped to
the label's width first), its alignment mirrored and HarfBuzz told its script. Text built in Python
for a markup label (a routine tile, a history row) goes through :func:`markup`.

A script with no font installed is drawn in Roboto (empty boxes, never a crash) and the room is
told once, on the notice line, which package to install.
"""

from __future__ import annotations

import logging

from kivy.app import App
from kivy.core.text import Label as CoreLabel
from kivy.core.text import LabelBase
from kivy.core.text.markup import MarkupLabel as CoreMarkupLabel
from kivy.properties import BooleanProperty
from kivy.uix.label import Label

from kiosk import i18n
from kiosk.i18n import _
from kiosk.ui import scripts

log = logging.getLogger(__name__)

try:  # SDL2's text provider, which Kivy's wheels use everywhere the kiosk runs
    from kivy.core.text._text_sdl2 import _SurfaceContainer
except ImportError:  # another provider: its runs are measured as it measures them
    _SurfaceContainer = None

#: The fonts this kiosk has, looked up on first use (tests replace it to play a bare machine).
BOOK = scripts.FontBook()
#: Registered font name -> the script HarfBuzz shapes its runs as.
_shaping: dict[str, str] = {}
_registered: set[str] = set()
_told: set[str] = set()


def show(text: str, *, width: float | None = None, measure: scripts.Measure | None = None,
         base: str | None = None) -> scripts.Shown:
    """:func:`kiosk.ui.scripts.display` with the fonts it names registered with Kivy, and the room
    told once about a script it has no font for. Text that cannot be prepared (a font file that
    will not open) is shown as it is written, in the label's own font: never a stopped screen."""
    try:
        return _show(text, width=width, measure=measure, base=base)
    except Exception:
        log.exception("routine text %r shown as written: preparing it for its script failed", text)
        return scripts.Shown(text)


def _show(text: str, *, width, measure, base) -> scripts.Shown:
    # registered before display() measures lines in them
    for script in {scripts.script_of(ch) for ch in text} - {None}:
        fonts = BOOK.fonts(script)
        if fonts is not None and fonts.name not in _registered:
            LabelBase.register(fonts.name, fonts.regular, fn_bold=fonts.bold or fonts.regular)
            _registered.add(fonts.name)
            _shaping[fonts.name] = fonts.shaping
    shown = scripts.display(text, BOOK, width=width, measure=measure, base=base)
    for script in shown.missing:
        if script.key not in _told:
            _told.add(script.key)
            app = App.get_running_app()
            if app is not None and hasattr(app, "show_notice"):
                name = i18n.current().locale.scripts.get(script.tag, script.name)  # "hebreo" in Spanish
                app.show_notice(_("No font for {script} text: it shows as boxes. Install {package} "
                                  "(scripts/install.sh does)").format(script=name, package=script.package))
    return shown


def markup(text: str, *, width: float | None = None, font_size: float | None = None, bold: bool = False) -> str:
    """``text`` as markup for a label that already uses markup (a routine tile, a history row);
    with ``width`` and ``font_size``, right-to-left text is broken into lines of that width first."""
    measure = measurer(font_size, bold) if width and font_size else None
    shown = show(text, width=width if measure else None, measure=measure)
    return shown.text if shown.markup else scripts.escape(text)


def measurer(font_size: float, bold: bool = False, font_name: str = "Roboto") -> scripts.Measure:
    """How wide a line of ``(fonts, text)`` runs is when drawn at ``font_size``."""
    def measure(runs) -> float:
        total = 0.0
        for fonts, text in runs:
            core = CoreLabel(font_name=fonts.name if fonts else font_name, font_size=font_size, bold=bold)
            total += core.get_extents(text)[0]
        return total
    return measure


class _OneBaseline(CoreMarkupLabel):
    """Kivy's markup label with the runs of a line on one baseline, each shaped for its own script.

    Kivy places a shorter run (lh - wh) / 1.25 below the line's top, a guess that holds for one
    font in several sizes; Noto Sans Arabic's tall ascent then lifted an Arabic name a third of a
    line above the English words around it. Here each run goes where its font's ascent puts its
    baseline level with the tallest run's.

    HarfBuzz is told each run's script (Devanagari for a Hindi run, Latin for the Roboto run beside
    it), when it is drawn and before it is measured: SDL2_ttf keeps the script on the shared font
    object and sets it only when drawing, so a Hindi name measured before its font had drawn
    anything was measured unshaped, wider, and left a gap before the words after it.
    """

    def _shape_for_run(self) -> bool:
        options = self.options
        script = _shaping.get(options["font_name"])
        options["font_script_name"] = script or "Latn"
        return script is not None

    def get_extents(self, text):
        if self._shape_for_run() and _SurfaceContainer is not None:
            _SurfaceContainer(1, 1).render(self, " ", 0, 0)  # sets the font's script, as a draw does
        return super().get_extents(text)

    def _render_text(self, text, x, y):
        self._shape_for_run()
        super()._render_text(text, x, y)

    def render_lines(self, lines, options, render_text, y, size):
        own = self.options
        shifts = []
        for line in lines:
            words = [w for w in line.words if len(w.text)]
            ascents = []
            for word in words:
                self.options = word.options
                ascents.append(self.get_ascent())
            top = max(ascents, default=0)
            for word, ascent in zip(words, ascents):
                kivy_drop = (line.h - word.options["line_height"] * word.lh) / 1.25
                shifts.append((top - ascent) - kivy_drop)
        self.options = own
        pending = iter(shifts)

        def on_baseline(text, x, y):
            render_text(text, x, y + next(pending, 0))

        return super().render_lines(lines, options, on_baseline, y, size)


class ScriptLabel(Label):
    """A Label that shows routine text in any script (see the module's docstring).

    Its properties stay as the .kv and the app set them (``text`` is the routine's own text, in
    reading order); only what Kivy draws changes: the display text, its fonts, HarfBuzz's script,
    and ``halign`` / ``shorten_from`` mirrored while the text reads right to left ("left" becomes
    "right", so a Hebrew step name starts at the right edge). A label whose sentence is the
    screen's own (a summary remark quoting a step) sets ``base_direction: "ltr"``: a Hebrew name
    then sits in an English sentence that still reads from the left.
    """

    #: True while the text shown reads right to left.
    rtl = BooleanProperty(False)

    def __init__(self, **kwargs):
        self._shown = scripts.Shown("")
        super().__init__(**kwargs)
        for name in ("text_size", "font_size", "base_direction", "shorten"):
            self.fbind(name, self._reshow)

    def _display(self, text: str) -> scripts.Shown:
        if not scripts.needs_help(text):
            return scripts.Shown(text)
        width = None if self.shorten else (self.text_size[0] or None)  # a shortened line never wraps
        return show(text, width=width, measure=measurer(self.font_size, self.bold, self.font_name) if width else None,
                    base={"ltr": "L", "rtl": "R"}.get(self.base_direction or ""))

    def _create_label(self):
        """The core label Kivy draws with: :class:`_OneBaseline` for text in other scripts,
        otherwise the one any Label would use."""
        self._shown = self._display(self.text)
        wanted = _OneBaseline if self._shown.markup else CoreMarkupLabel if self.markup else CoreLabel
        if type(self._label) is not wanted:
            options = {name: getattr(self, name) for name in self._font_properties}
            options["usersize"] = self.text_size
            if self.disabled:
                options["color"], options["outline_color"] = self.disabled_color, self.disabled_outline_color
            self._label = wanted(**options)
        self._push()

    def _trigger_texture_update(self, name=None, source=None, value=None):
        if source and name == "text":
            shown = self._display(value)
            if shown.markup != self._shown.markup:
                self._create_label()   # Latin after Hebrew, or the other way: another core label
            else:
                self._shown = shown
                self._push()
            self._trigger_texture()
            return
        super()._trigger_texture_update(name, source, value)
        if source and name in ("halign", "shorten_from", "font_script_name") and self._shown.markup:
            self._push()

    def _reshow(self, *_args) -> None:
        if self._shown.markup:
            self._shown = self._display(self.text)
            self._push()
            self._trigger_texture()

    def _push(self) -> None:
        """Hand the core label the display text, its shaping script and the mirrored alignment."""
        shown, options = self._shown, self._label.options
        self._label.text = shown.text
        if not shown.markup:
            options["font_script_name"] = self.font_script_name
            options["halign"], options["shorten_from"] = self.halign, self.shorten_from
            self.rtl = False
            return
        options["font_script_name"] = shown.script
        width, height = self.text_size
        if height is not None and not self.shorten and self.valign != "top":
            # Kivy's markup label cuts lines that overflow a fixed height and keeps the middle
            # (the last of two), where its plain label shows them all: an instruction that runs
            # to a second line keeps its first words, as it does in English.
            self._label.usersize = (width, None)
        halign, shorten_from = self.halign, self.shorten_from
        if shown.rtl:
            halign = {"left": "right", "auto": "right", "justify": "right"}.get(halign, halign)
            shorten_from = {"left": "right", "right": "left"}.get(shorten_from, shorten_from)
        options["halign"], options["shorten_from"] = halign, shorten_from
        self.rtl = shown.rtl
