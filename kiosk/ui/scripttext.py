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
from kivy.properties import BooleanProperty
from kivy.uix.label import Label

from kiosk.ui import scripts

log = logging.getLogger(__name__)

#: The fonts this kiosk has, looked up on first use (tests replace it to play a bare machine).
BOOK = scripts.FontBook()
_registered: set[str] = set()
_told: set[str] = set()


def show(text: str, *, width: float | None = None, measure: scripts.Measure | None = None) -> scripts.Shown:
    """:func:`kiosk.ui.scripts.display` with the fonts it names registered with Kivy, and the room
    told once about a script it has no font for."""
    shown = scripts.display(text, BOOK, width=width, measure=measure)
    for fonts in shown.fonts:
        if fonts.name not in _registered:
            LabelBase.register(fonts.name, fonts.regular, fn_bold=fonts.bold or fonts.regular)
            _registered.add(fonts.name)
    for script in shown.missing:
        if script.key not in _told:
            _told.add(script.key)
            app = App.get_running_app()
            if app is not None and hasattr(app, "show_notice"):
                app.show_notice(f"No font for {script.name} text on this kiosk: it shows as boxes. "
                                f"Install {script.package} (scripts/install.sh does).")
    return shown


def markup(text: str) -> str:
    """``text`` as markup for a label that already uses markup (a routine tile, a history row)."""
    shown = show(text)
    return shown.text if shown.markup else scripts.escape(text)


class ScriptLabel(Label):
    """A Label that shows routine text in any script (see the module's docstring).

    ``halign`` and ``shorten_from`` as the .kv sets them are kept and mirrored while the text is
    right-to-left: "left" becomes "right", so a Hebrew step name starts at the right edge.
    """

    #: True while the text shown reads right to left.
    rtl = BooleanProperty(False)

    def __init__(self, **kwargs):
        self._source = ""
        self._shown: str | None = None
        self._own = {"halign": "auto", "shorten_from": "center"}  # Label's defaults, until the .kv sets them
        self._setting = False
        super().__init__(**kwargs)
        self.fbind("text_size", self._reshow)
        self.fbind("font_size", self._reshow)

    def on_text(self, _label, value: str) -> None:
        if self._setting or value == self._shown:
            return
        self._source = value
        self._apply()

    def on_halign(self, _label, value: str) -> None:
        if not self._setting:
            self._own["halign"] = value
            self._mirror()

    def on_shorten_from(self, _label, value: str) -> None:
        if not self._setting:
            self._own["shorten_from"] = value
            self._mirror()

    def _reshow(self, *_args) -> None:
        if self.rtl and self.text_size[0] and not self.shorten:
            self._apply()

    def _apply(self) -> None:
        source = self._source
        if not scripts.needs_help(source):
            shown = scripts.Shown(source)
        else:
            width = None if self.shorten else (self.text_size[0] or None)  # a shortened line never wraps
            shown = show(source, width=width, measure=self._measure if width else None)
        self._setting = True
        try:
            self.markup = shown.markup
            self.font_script_name = shown.script
            self.rtl = shown.rtl
            self._shown = shown.text
            self.text = shown.text
        finally:
            self._setting = False
        self._mirror()

    def _mirror(self) -> None:
        halign, shorten_from = self._own["halign"], self._own["shorten_from"]
        if self.rtl:
            halign = {"left": "right", "auto": "right", "justify": "right"}.get(halign, halign)
            shorten_from = {"left": "right", "right": "left"}.get(shorten_from, shorten_from)
        self._setting = True
        try:
            self.halign, self.shorten_from = halign, shorten_from
        finally:
            self._setting = False

    def _measure(self, runs) -> float:
        """The width of one line of ``(fonts, text)`` runs in this label's size and weight."""
        total = 0.0
        for fonts, text in runs:
            core = CoreLabel(font_name=fonts.name if fonts else self.font_name, font_size=self.font_size,
                             bold=self.bold)
            total += core.get_extents(text)[0]
        return total
