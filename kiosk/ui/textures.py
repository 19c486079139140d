"""Text drawn from textures made before they are needed, so a frame that changes text only swaps.

Rasterising text is what a frame costs most on a Pi, whose CPU (not its GPU) lays out and renders
glyphs. Two labels of the session screen change at known moments and pay for it here:

* :class:`Prerendered` labels (the step's name, count, side, reps, window, instruction, caution,
  the next-step line) keep the textures they were rendered with; the next step's are made while
  the current step runs (:mod:`kiosk.ui.ahead`), so the frame that shows it swaps them in.
* :class:`GlyphLabel` (the big countdown) renders each character it uses once per font size and
  colour, and draws the readout as one rectangle per character; a new second changes the
  texture of the one or two rectangles whose character changed, and rasterises nothing.

Both draw exactly what Kivy's own Label draws (same core label, same options, same position):
SDL_ttf places the digits and the colon at whole pixels, one after another without overlap, so
the characters side by side are the string's texture pixel for pixel (checked by the screenshot
comparison in tests/ui/test_textures.py). Anything these cannot show the same way (markup, a
disabled label, characters outside the set) falls back to the ordinary Label path.
"""

from __future__ import annotations

from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, Rectangle
from kivy.uix.label import Label

from kiosk.ui.scripttext import ScriptLabel

#: False draws every label the plain way (Kivy's one texture per Label), to compare against.
ENABLED = True

#: Textures kept per label: the one shown, the next step's and a few before, since a block's
#: sides repeat the same names.
KEEP = 4


def _frozen(value):
    """A hashable, comparable key of core label arguments (sizes to 1/10000 of a pixel)."""
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, float):
        return round(value, 4)
    return value


def core_args(label: Label, text: str) -> dict:
    """The arguments Kivy's Label gives its core label, with ``text`` as the text."""
    args = {name: getattr(label, name) for name in label._font_properties}
    args["usersize"] = label.text_size
    args["text"] = text
    return args


def plain(label: Label) -> bool:
    """True when the label renders its text through one core label, as Kivy's Label does unstyled."""
    return not (label.markup or label.disabled or label.halign == "justify" or label.strip)


class Prerendered(ScriptLabel):
    """A ScriptLabel that keeps the last few textures it showed, each made by a core label of its own.

    Kivy's Label re-renders into one texture whenever its text changes; this one first looks for
    a texture already made with exactly the options it has now (text, font, size, colour,
    alignment, text size ...), so a text rendered ahead of time (:func:`kiosk.ui.ahead.rehearse`)
    or shown before (the sides of a block repeat their names) is swapped in without rasterising.
    """

    def __init__(self, **kwargs):
        self._made: dict[tuple, CoreLabel] = {}
        super().__init__(**kwargs)

    def made(self, text: str) -> list[CoreLabel]:
        """The core labels kept for ``text`` (at any size or style)."""
        return [core for key, core in self._made.items() if dict(key)["text"] == text]

    def texture_update(self, *largs):
        text = self._label.text
        if not text or not plain(self) or not ENABLED or self.rtl or self._shown.markup:
            # Routine text in another script is drawn by ScriptLabel's own core label (fonts per
            # run, reordered, shaped): rendered when shown, as any Label's text is.
            super().texture_update(*largs)
            return
        key = _frozen(core_args(self, text))
        core = self._made.pop(key, None)
        if core is None:
            # A core label of its own: Kivy's reuses its texture, and a kept one must not change.
            core = CoreLabel(**core_args(self, text))
            core.refresh()
            while len(self._made) >= KEEP:
                self._made.pop(next(iter(self._made)))
        self._made[key] = core  # the most recently shown last: the oldest goes first
        self.texture = core.texture
        self.texture_size = list(core.texture.size) if core.texture is not None else [0, 0]
        self.is_shortened = core.is_shortened


class GlyphLabel(Label):
    """A one-line Label drawn from one texture per character, each rendered once per style.

    Its .kv rule must replace Label's canvas (``<-Digits>``): the widget draws its own rectangles.
    ``texture_size`` is what Kivy's Label reports for the same text, so layouts are unchanged.
    """

    #: The characters drawn from glyph textures; other text is rendered whole.
    GLYPHS = frozenset("0123456789:+-")

    def __init__(self, **kwargs):
        self._glyph_sets: dict[tuple, dict[str, object]] = {}
        self._pieces: list[tuple[object, int]] = []
        self._rects: list[Rectangle] = []
        super().__init__(**kwargs)
        with self.canvas:
            Color(1, 1, 1, 1)
        self.bind(pos=self._place, size=self._place)

    def _glyphs(self) -> dict[str, object]:
        """Textures of the characters in the label's current style, made on first use."""
        key = _frozen({k: v for k, v in core_args(self, "").items() if k != "text"})
        glyphs = self._glyph_sets.get(key)
        if glyphs is None:
            if len(self._glyph_sets) >= 2:  # the last size or colour before this one is kept
                self._glyph_sets.pop(next(iter(self._glyph_sets)))
            glyphs = self._glyph_sets[key] = {}
        return glyphs

    def warm(self) -> None:
        """Render every character of the set in the current style now, off the frames that show them."""
        glyphs = self._glyphs()
        for ch in sorted(self.GLYPHS):
            self._glyph(glyphs, ch)

    def _glyph(self, glyphs: dict, ch: str):
        texture = glyphs.get(ch)
        if texture is None:
            core = CoreLabel(**core_args(self, ch))
            core.refresh()
            texture = glyphs[ch] = core.texture
        return texture

    def texture_update(self, *largs):
        text = self._label.text
        if not text:
            super().texture_update(*largs)
            self._show([])
            return
        if ENABLED and plain(self) and set(text) <= self.GLYPHS and "\n" not in text:
            glyphs = self._glyphs()
            pieces, x = [], 0
            for ch in text:
                texture = self._glyph(glyphs, ch)
                pieces.append((texture, x))
                x += texture.width
            width, height = self._label.render()  # the string's size, laid out, not rasterised
            if (x, max(t.height for t, _ in pieces)) == (width, height):
                self.texture = None
                self.texture_size = [width, height]
                self.is_shortened = False
                self._show(pieces)
                return
        super().texture_update(*largs)
        self._show([(self.texture, 0)] if self.texture is not None else [])

    def _show(self, pieces: list[tuple[object, int]]) -> None:
        """Give each rectangle its piece; only a rectangle whose texture changed is touched."""
        while len(self._rects) < len(pieces):
            rect = Rectangle(size=(0, 0))
            self.canvas.add(rect)
            self._rects.append(rect)
        for i, rect in enumerate(self._rects):
            texture = pieces[i][0] if i < len(pieces) else None
            if rect.texture is not texture:
                rect.texture = texture
        self._pieces = pieces
        self._place()

    def _place(self, *_):
        """Where Kivy's Label puts its texture (centred, whole pixels), one piece after another."""
        w, h = self.texture_size
        x0, y0 = int(self.center_x - w / 2.0), int(self.center_y - h / 2.0)
        for i, rect in enumerate(self._rects):
            texture, x = self._pieces[i] if i < len(self._pieces) else (None, 0)
            pos, size = ((x0 + x, y0), tuple(texture.size)) if texture is not None else (rect.pos, (0, 0))
            if tuple(rect.pos) != pos or tuple(rect.size) != size:  # an unchanged rectangle is left alone
                rect.pos, rect.size = pos, size
