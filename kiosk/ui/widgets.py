"""Widgets the screens share: brush-proof hold buttons, bars, and the planned-against-actual chart."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.graphics import Color, Line, Rectangle, RoundedRectangle
from kivy.metrics import dp
from kivy.properties import (BooleanProperty, ColorProperty, ListProperty, NumericProperty,
                             StringProperty)
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.slider import Slider
from kivy.uix.switch import Switch
from kivy.uix.widget import Widget

from kiosk.ui import theme
from kiosk.ui.textures import GlyphLabel

#: Colours of a step's time against its window, by the engine's ``timing`` (early, within, late).
TIMING_COLOURS = {"early": theme.EARLY, "late": theme.LATE}


class Redrawn:
    """A widget drawn by its ``_redraw``: again when its position, size or a property named in
    ``redraw_on`` changes, and once on the next frame, when its .kv rules have set it up."""

    redraw_on: tuple[str, ...] = ()

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.bind(**{name: self._redraw for name in ("pos", "size", *self.redraw_on)})
        Clock.schedule_once(self._redraw, 0)

    def _redraw(self, *_):
        raise NotImplementedError


class HoldButton(Redrawn, Label):
    """A button that acts only after it has been held for ``hold_s`` without sliding.

    A brushed screen (oily fingers, a sleeve, a towel) gives short or sliding touches; neither
    moves the session on. A fill shows how long is left to hold. Dispatches ``on_activate``.
    """

    hold_s = NumericProperty(0.3)
    fill = NumericProperty(0.0)
    bg = ColorProperty(theme.PANEL)
    active_bg = ColorProperty(theme.PANEL_HI)
    fill_color = ColorProperty(theme.ACCENT_DIM)
    pressed = BooleanProperty(False)

    __events__ = ("on_activate",)
    redraw_on = ("fill", "pressed", "bg")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._touch = None
        self._fired = False
        self._event = None

    def _redraw(self, *_):
        self.canvas.before.clear()
        with self.canvas.before:
            Color(rgba=self.active_bg if self.pressed else self.bg)
            RoundedRectangle(pos=self.pos, size=self.size, radius=[dp(10)])
            if self.fill > 0:
                Color(rgba=self.fill_color)
                RoundedRectangle(pos=self.pos, size=(self.width * min(1.0, self.fill), self.height),
                                 radius=[dp(10)])

    def on_touch_down(self, touch):
        if self.disabled or not self.collide_point(*touch.pos) or self._touch is not None:
            return super().on_touch_down(touch)
        touch.grab(self)
        self._touch = touch
        self._fired = False
        self.pressed = True
        self._start = Clock.get_boottime()
        # "Free" where the clock has them: the fill runs smoothly even while the loop idles slowly.
        interval = getattr(Clock, "schedule_interval_free", Clock.schedule_interval)
        self._event = interval(self._progress, 1 / 30.0)
        return True

    def on_touch_move(self, touch):
        if touch is self._touch:
            moved = abs(touch.x - touch.ox) + abs(touch.y - touch.oy)
            if moved > dp(24) or not self.collide_point(*touch.pos):
                self._cancel()
            return True
        return super().on_touch_move(touch)

    def on_touch_up(self, touch):
        if touch.grab_current is self:
            touch.ungrab(self)
        if touch is self._touch:
            if not self._fired and self._held() >= self.hold_s:
                self._fire()
            self._cancel()
            return True
        return super().on_touch_up(touch)

    def _held(self) -> float:
        return Clock.get_boottime() - self._start

    def _progress(self, _dt):
        if self._touch is None:
            return False
        self.fill = min(1.0, self._held() / self.hold_s) if self.hold_s else 1.0
        if not self._fired and self.fill >= 1.0:
            self._fire()
        return None

    def _fire(self):
        self._fired = True
        self.dispatch("on_activate")

    def _cancel(self):
        if self._event is not None:
            self._event.cancel()
            self._event = None
        if self._touch is not None and self._touch.grab_current is self:
            self._touch.ungrab(self)
        self._touch = None
        self.pressed = False
        self.fill = 0.0

    def on_activate(self):
        pass


class Digits(GlyphLabel):
    """The big remaining-time readout, drawn from digit and colon textures made once per size.

    Its font is sized so the digits' ink (about 0.71 of the font size in Roboto) fills the box;
    the font's ascender and descender space may reach past the box, which shows nothing.
    """

    INK = 0.75


class TapButton(Redrawn, ButtonBehavior, Label):
    """An ordinary tap button for choices that move nothing on (tiles, lengths, settings)."""

    bg = ColorProperty(theme.PANEL)
    selected = BooleanProperty(False)
    redraw_on = ("state", "selected", "bg")

    def _redraw(self, *_):
        self.canvas.before.clear()
        with self.canvas.before:
            if self.selected or self.state == "down":
                Color(rgba=theme.PANEL_HI)
            else:
                Color(rgba=self.bg)
            RoundedRectangle(pos=self.pos, size=self.size, radius=[dp(10)])
            if self.selected:
                Color(rgba=theme.ACCENT)
                Line(rounded_rectangle=(self.x + 1, self.y + 1, self.width - 2, self.height - 2, dp(10)),
                     width=dp(1.5))


class Bar(Redrawn, Widget):
    """A flat progress bar; ``marker`` (0..1, negative for none) draws a thin target line."""

    value = NumericProperty(0.0)
    color = ColorProperty(theme.ACCENT)
    track = ColorProperty(theme.PANEL)
    marker = NumericProperty(-1.0)
    redraw_on = ("value", "color", "marker")

    def _redraw(self, *_):
        self.canvas.clear()
        radius = [min(self.height / 2.0, dp(6))]
        with self.canvas:
            Color(rgba=self.track)
            RoundedRectangle(pos=self.pos, size=self.size, radius=radius)
            width = self.width * max(0.0, min(1.0, self.value))
            if width > 0:
                Color(rgba=self.color)
                RoundedRectangle(pos=self.pos, size=(width, self.height), radius=radius)
            if 0.0 <= self.marker <= 1.0:
                Color(rgba=theme.TEXT_DIM)
                x = self.x + self.width * self.marker
                Rectangle(pos=(x - dp(1), self.y - dp(3)), size=(dp(2), self.height + dp(6)))


class StepTimes:
    """How one step went, as the summary shows it: its window, the plan, the time it took (seconds;
    ``scale_s`` is the longest the chart shows) and the engine's ``timing`` of it (early, within,
    late, or "" for a step without a window)."""

    min_s = NumericProperty(0.0)
    max_s = NumericProperty(0.0)
    planned_s = NumericProperty(0.0)
    actual_s = NumericProperty(0.0)
    scale_s = NumericProperty(1.0)
    timing = StringProperty("")


class ChartRow(StepTimes, Redrawn, Widget):
    """One step in the summary chart: its window as a band, the plan as a tick, the actual as a bar
    in the colour of its timing."""

    redraw_on = ("min_s", "max_s", "planned_s", "actual_s", "scale_s", "timing")

    def _x(self, seconds: float) -> float:
        return self.x + self.width * max(0.0, min(1.0, seconds / self.scale_s if self.scale_s else 0))

    def _redraw(self, *_):
        self.canvas.clear()
        h = self.height
        with self.canvas:
            Color(rgba=theme.PANEL)
            Rectangle(pos=(self._x(self.min_s), self.y + h * 0.15),
                      size=(max(dp(2), self._x(self.max_s) - self._x(self.min_s)), h * 0.7))
            Color(rgba=TIMING_COLOURS.get(self.timing, theme.GOOD))
            Rectangle(pos=(self.x, self.y + h * 0.32), size=(self._x(self.actual_s) - self.x, h * 0.36))
            Color(rgba=theme.TEXT_DIM)
            Rectangle(pos=(self._x(self.planned_s) - dp(1), self.y + h * 0.05), size=(dp(2), h * 0.9))


class Flash(Redrawn, Widget):
    """A brief warm glow around the screen edge: the visual cue when there is no sound."""

    level = NumericProperty(0.0)
    redraw_on = ("level",)

    def _redraw(self, *_):
        self.canvas.clear()
        if self.level <= 0:
            return
        r, g, b, a = theme.FLASH
        with self.canvas:
            Color(r, g, b, a * self.level)
            Line(rectangle=(self.x + dp(4), self.y + dp(4), self.width - dp(8), self.height - dp(8)),
                 width=dp(8))


class PlanRow(BoxLayout):
    """One line of the plan on the ready screen: start, step, window, planned time."""

    start = StringProperty("")
    name = StringProperty("")
    window = StringProperty("")
    planned = StringProperty("")


class SummaryRow(StepTimes, BoxLayout):
    """One line of the summary: the step, its chart row, the time it took (and reps done)."""

    name = StringProperty("")
    actual = StringProperty("")
    reps = StringProperty("")


class HistoryRow(TapButton):
    """One recorded session in the history list."""


class TrendLine(BoxLayout):
    """One step of a routine over its recent sessions: its name, its time scale (``low_text`` at
    the bottom, ``high_text`` at the top) and a :class:`TrendRow`."""

    positions = ListProperty([])
    label = StringProperty("")
    low_text = StringProperty("")
    high_text = StringProperty("")
    min_s = NumericProperty(0.0)
    max_s = NumericProperty(0.0)
    values = ListProperty([])
    timings = ListProperty([])


def trend_range(min_s: float, max_s: float, values) -> tuple[float, float]:
    """The seconds a trend row spans from bottom to top: its window and every value."""
    return min([min_s, *values]), max([max_s, *values])


class TrendRow(Redrawn, Widget):
    """A step's actual times over sessions (oldest left) as dots against its window (the band),
    each coloured by the engine's judgement kept in the journal (``timings``, one per value)."""

    min_s = NumericProperty(0.0)
    max_s = NumericProperty(0.0)
    values = ListProperty([])
    timings = ListProperty([])
    #: Where each value's session sits on the shared time axis, 0 (oldest) to 1 (newest).
    positions = ListProperty([])
    redraw_on = ("values", "timings", "positions", "min_s", "max_s")

    def _redraw(self, *_):
        self.canvas.clear()
        if not self.values:
            return
        low, high = trend_range(self.min_s, self.max_s, self.values)
        span = (high - low) or 1.0
        pad = self.height * 0.15

        def y(seconds: float) -> float:
            return self.y + pad + (self.height - 2 * pad) * (seconds - low) / span

        dot = max(dp(4), self.height * 0.14)
        count = len(self.values)
        with self.canvas:
            Color(rgba=theme.PANEL_HI)
            band = max(dp(2), y(self.max_s) - y(self.min_s) + dp(2))
            Rectangle(pos=(self.x, y(self.min_s) - dp(1)), size=(self.width, band))
            timings = list(self.timings) + [""] * (count - len(self.timings))
            for i, (value, timing) in enumerate(zip(self.values, timings)):
                at = self.positions[i] if i < len(self.positions) else (i / (count - 1) if count > 1 else 0.5)
                x = self.x + (self.width - dot) * at
                Color(rgba=TIMING_COLOURS.get(timing, theme.GOOD))
                Rectangle(pos=(x, y(value) - dot / 2), size=(dot, dot))


class DimSlider(Slider):
    """Kivy's slider drawn in the dim-room palette (its stock look is a light grey and blue)."""


class DimSwitch(Switch):
    """Kivy's switch drawn in the dim-room palette."""
