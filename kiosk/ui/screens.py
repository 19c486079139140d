"""Behaviour of the kiosk's screens; their layout is in kv/<screen>.kv.

Each screen says what a key, a pedal or a touch means while it is shown (:meth:`KioskScreen.on_action`,
:meth:`KioskScreen.on_key`), so a new screen brings its own meaning of "next" with it. The summary and
history screens are in :mod:`kiosk.ui.review`.
"""

from __future__ import annotations

import hmac

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Keyboard
from kivy.factory import Factory
from kivy.metrics import dp
from kivy.properties import ColorProperty, ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.screenmanager import Screen

from kiosk.controller import length_choices
from kiosk.i18n import N_, _
from kiosk.inputs.actions import Action
from kiosk.inputs.keys import key_name
from kiosk.routines.durations import fmt_clock, fmt_human
from kiosk.ui import scripts, scripttext, theme
from kiosk.ui.ahead import Ahead
from kiosk.ui.readout import side_word, step_count, window_words


class KioskRoot(FloatLayout):
    """The screen manager with the notice bar, the cue flash and the dimmer above it."""


class KioskScreen(Screen):
    """A screen of the kiosk: it decides what an action or a key means while it is shown."""

    def on_action(self, action: Action, source: str) -> None:
        """An action from a key, a pedal or a touch (``source`` says which); ignored by default."""

    def on_key(self, key: int, codepoint: str | None, scancode: int | None = None) -> bool:
        """A key before the room's key map sees it; True when this screen used it."""
        return False

    def on_key_up(self, key: int, scancode: int | None = None) -> None:
        """A key was let go (the pedal test tells a held key from a new press by it)."""


class PickerScreen(KioskScreen):
    highlighted = NumericProperty(0)
    routines = ListProperty([])

    def populate(self, library) -> None:
        self.routines = list(library.routines)
        grid = self.ids.tiles
        grid.clear_widgets()
        for i, routine in enumerate(self.routines):
            tile = Factory.RoutineTile(text=tile_text(routine))
            if scripts.is_rtl(routine.name):
                tile.halign = "right"  # a right-to-left name starts at the tile's right edge
            if scripts.has_rtl(routine.name + (routine.summary or "")):
                # broken into lines in reading order, so the lines come again when the width does
                tile.bind(text_size=lambda t, _size, r=routine: setattr(t, "text", tile_text(r, t)))
            tile.bind(on_press=lambda _w, n=i: self.highlight(n),
                      on_release=lambda _w, r=routine: App.get_running_app().choose(r),
                      texture_size=self.line_up)
            grid.add_widget(tile)
        self.highlighted = 0
        self._mark()
        self.ids.empty.opacity = 0 if self.routines else 1

    def line_up(self, *_args) -> None:
        """Give every tile the tallest tile's height, so the tiles line up in rows."""
        tiles = self.ids.tiles.children
        if tiles:
            tallest = max(t.texture_size[1] for t in tiles) + dp(28)
            for tile in tiles:
                tile.height = tallest

    def highlight(self, index: int) -> None:
        """Highlight tile ``index`` and scroll the list so it is on screen (a touch, a key, a pedal)."""
        if self.routines:
            self.highlighted = index % len(self.routines)
            self._mark()
            tile = list(reversed(self.ids.tiles.children))[self.highlighted]
            Clock.schedule_once(lambda _dt: self._show_tile(tile), 0)  # once the grid has laid out

    def _show_tile(self, tile) -> None:
        scroll = self.ids.scroll
        if scroll.height > 0 and self.ids.tiles.height > scroll.height:
            scroll.scroll_to(tile, padding=dp(8), animate=False)

    def move(self, delta: int) -> None:
        self.highlight(self.highlighted + delta)

    def choose_highlighted(self) -> None:
        if self.routines:
            App.get_running_app().choose(self.routines[self.highlighted])

    def on_action(self, action: Action, source: str) -> None:
        """Next chooses the highlighted routine; back moves the highlight back."""
        if action is Action.ADVANCE:
            self.choose_highlighted()
        elif action is Action.BACK:
            self.move(-1)

    def on_key(self, key: int, codepoint: str | None, scancode: int | None = None) -> bool:
        """Arrow keys move between tiles on the picker; space and Enter choose (as a pedal tap)."""
        codes, cols = Keyboard.keycodes, self.ids.tiles.cols
        moves = {codes["up"]: -cols, codes["down"]: cols, codes["left"]: -1, codes["right"]: 1}
        if key in moves:
            self.move(moves[key])
            return True
        return False

    def _mark(self) -> None:
        tiles = list(reversed(self.ids.tiles.children))
        for i, tile in enumerate(tiles):
            tile.selected = i == self.highlighted


def tile_text(routine, tile=None) -> str:
    """A routine's tile: its name, its summary and its length; with ``tile``, right-to-left text is
    broken into lines of the tile's width."""
    from kiosk.routines.plan import make_plan

    try:
        plan = make_plan(routine, routine.length_s)
        length = fmt_human(plan.total_s)
        count = len(plan.steps)
    except Exception:  # an unreachable default length still shows the tile
        length, count = "?", 0
    summary = routine.summary or ""
    dim = theme.markup_hex(theme.TEXT_DIM)
    faint = theme.markup_hex(theme.ACCENT)
    width, size = (tile.text_size[0], tile.font_size) if tile is not None else (None, None)
    name = scripttext.markup(routine.name, width=width, font_size=size, bold=True)
    summary = scripttext.markup(summary, width=width, font_size=size)
    return (f"[b]{name}[/b]\n[color={dim}]{summary}[/color]\n"
            f"[color={faint}]{length} · {step_count(count)}[/color]")


class ReadyScreen(KioskScreen):
    """The plan, its lengths and parts; the pedal begins the session."""

    #: A pedal tap this soon after a routine was picked is the same press (a double tap, a
    #: bounce): it must not skip the lengths and "Leave out" choices straight into a session.
    SETTLE_S = 1.5

    total_text = StringProperty("")
    controller = ObjectProperty(None, allownone=True)
    #: When a routine was picked onto this screen (the session clock), None when it opened by itself.
    picked_at = ObjectProperty(None, allownone=True)

    def populate(self, controller) -> None:
        self.controller = controller
        routine = controller.routine
        lengths = self.ids.lengths
        lengths.clear_widgets()
        try:
            choices = length_choices(routine, controller.skip)
        except Exception:
            choices = []
        current = controller.plan.target_s
        for length in choices:
            button = Factory.ChoiceButton(text=fmt_human(length), selected=abs((current or -1) - length) < 1)
            button.bind(on_release=lambda _w, s=length: self._replan(length_s=s))
            lengths.add_widget(button)
        skips = self.ids.skips
        skips.clear_widgets()
        for tag in routine.optional_tags:
            left_out = tag in controller.skip
            words = _("Leave out: {part}") if not left_out else _("Left out: {part}")
            button = Factory.ChoiceButton(text=words.format(part=tag), selected=left_out)
            button.bind(on_release=lambda _w, t=tag: self._toggle_skip(t))
            skips.add_widget(button)
        plan = controller.plan
        self.total_text = _("{length} in {steps}").format(length=fmt_human(plan.total_s),
                                                          steps=step_count(len(plan.steps)))
        rows = self.ids.rows
        rows.clear_widgets()
        for step in plan.steps:
            side = f"  ({side_word(step.side)})" if step.side else ""
            window = window_words(step) if step.kind != "manual" else _("until you tap")
            rows.add_widget(Factory.PlanRow(start=fmt_clock(step.start_s), name=step.name + side,
                                            window=window, planned=fmt_clock(step.planned_s)))

    def settling(self, now: float) -> bool:
        """Whether a tap at ``now`` (session clock) comes too soon after the routine was picked."""
        return self.picked_at is not None and now - self.picked_at < self.SETTLE_S

    def on_action(self, action: Action, source: str) -> None:
        """Next (or pause) begins the session, a tap only once the screen has settled; back
        returns to the routines."""
        app = App.get_running_app()
        if action is Action.ADVANCE and self.settling(app.controller.clock.now()):
            return
        if action in (Action.ADVANCE, Action.TOGGLE_PAUSE):
            app.begin()
        elif action is Action.BACK:
            app.to_picker()

    def _replan(self, length_s=None, skip=None) -> None:
        """Plan again for the length or parts touched; a choice that leaves nothing is refused."""
        app = App.get_running_app()
        problem = self.controller.replan(length_s, skip)
        if problem:
            app.show_notice(problem)
        else:
            app._show_ready()

    def _toggle_skip(self, tag: str) -> None:
        skip = set(self.controller.skip)
        skip.symmetric_difference_update({tag})
        self._replan(skip=tuple(sorted(skip)))


class SessionScreen(KioskScreen):
    """The running session. Besides what the app's properties show, it owns two moments: the
    side-switch banner and, on a consent step tied to an optional part, the choice right there."""

    #: How long the "Switch to the right side" banner stays up (session seconds).
    BANNER_S = 5.0

    banner_text = StringProperty("")
    banner_color = ColorProperty(theme.TEXT_DIM)
    consent_tag = StringProperty("")
    banner_until = NumericProperty(0.0)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.ahead = Ahead(self)

    def on_events(self, events, now: float) -> None:
        """A side switch puts up a large banner for a few seconds: the therapist is looking at the
        client, not the screen, and glances up when its cue sounds."""
        for e in events:
            if e.kind == "side_switched":
                self.banner_text, self.banner_color = self.banner_for(e.side)
                self.banner_until = now + self.BANNER_S
            elif e.kind == "session_finished":
                self.banner_text = ""

    @staticmethod
    def banner_for(side: str) -> tuple[str, tuple]:
        """The side-switch banner's words and colour for a switch to ``side``."""
        words = (_("Switch to the left side") if side == "left" else _("Switch to the right side") if side == "right"
                 else _("Switch to the {side} side").format(side=side))
        return words, theme.LEFT if side == "left" else theme.RIGHT

    def update(self, snap, controller) -> None:
        """Called with each refresh: the banner's time runs out; a consent step offers its choice;
        once a new step is on screen, the next one is rendered ahead (:mod:`kiosk.ui.ahead`)."""
        app = App.get_running_app()
        if app is not None:
            self.ahead.follow(app, snap)
        if self.banner_text and controller.clock.now() >= self.banner_until:
            self.banner_text = ""
        step = snap.step
        tags = controller.session.tags_ahead() if controller.session is not None else ()
        self.consent_tag = (step.optional if step is not None and step.kind == "manual" and step.optional
                            and snap.state == "running" and step.optional in tags else "")

    def consent(self, yes: bool) -> None:
        """The client answered the consent step: go on, or leave the part out and then go on."""
        app = App.get_running_app()
        if not yes and self.consent_tag:
            app.leave_out(self.consent_tag)
        self.on_action(Action.ADVANCE, "touch")

    def on_action(self, action: Action, source: str) -> None:
        """Every action goes to the session; next also dismisses the "resumed after a restart" note."""
        app = App.get_running_app()
        if app.resume_message and action is Action.ADVANCE:
            app.resume_message = ""
        app.show_events(app.controller.act(action))

    def show_parts(self, tags) -> None:
        """Offer to leave out each optional part still to come (shown on the pause overlay)."""
        row = self.ids.parts
        row.clear_widgets()
        app = App.get_running_app()
        for tag in tags:
            button = Factory.HoldButton(text=_("Leave out: {part}").format(part=tag), hold_s=0.8,
                                        font_size=row.height * 0.4, color=theme.TEXT_DIM)
            button.bind(on_activate=lambda _w, t=tag: app.leave_out(t))
            row.add_widget(button)


class ErrorsScreen(KioskScreen):
    text = StringProperty("")

    def populate(self, lines) -> None:
        self.text = "\n\n".join(lines) if lines else _("Every routine file loaded.")


class PinScreen(KioskScreen):
    entered = StringProperty("")
    message = StringProperty("")
    reminder = StringProperty("")
    next_screen = StringProperty("settings")

    def reset(self, next_screen: str = "settings") -> None:
        self.entered = ""
        self.message = _("Enter the room PIN")
        self.next_screen = next_screen
        config = App.get_running_app().services.config
        where = config.path or _("the room config")
        self.reminder = ("" if config.pin else
                         _("This room still has the default PIN 0000: set pin: in {file} to keep settings "
                           "private.").format(file=where))

    def press(self, digit: str) -> None:
        if digit == "<":
            self.entered = self.entered[:-1]
            return
        self.entered = (self.entered + digit)[:12]
        pin = App.get_running_app().services.config.pin or ""
        if len(self.entered) >= max(4, len(pin)):
            if hmac.compare_digest(self.entered.encode(), (pin or "0000").encode()):  # bytes: any text compares
                App.get_running_app()._go(self.next_screen)
            else:
                self.entered = ""
                self.message = _("Wrong PIN, try again")

    def on_key(self, key: int, codepoint: str | None, scancode: int | None = None) -> bool:
        """Digits 0-9 type the PIN (the keypad's; other scripts' digits never match), Backspace takes
        one back, Escape gives up; no key reaches the map."""
        if codepoint and codepoint.isdigit() and codepoint.isascii():
            self.press(codepoint)
        elif key == Keyboard.keycodes["backspace"]:
            self.press("<")
        elif key == Keyboard.keycodes["escape"]:
            App.get_running_app().leave_settings()
        return True


class SettingsScreen(KioskScreen):
    """The room's settings, with a pedal test: each key or pedal press is listed as it arrives,
    beside what it does, so a manager can tell what a new pedal sends before mapping it."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._held: set[int] = set()

    def on_action(self, action: Action, source: str) -> None:
        """Nothing moves here: a touch's action is listed (keys and foot switches list themselves)."""
        if source not in ("pedal", "key"):
            App.get_running_app().log_pedal(input_line(_(SOURCE_WORDS[source]) if source in SOURCE_WORDS
                                                       else source, action))

    def on_key(self, key: int, codepoint: str | None, scancode: int | None = None) -> bool:
        """List every key as it goes down, mapped or not (F13 on a new pedal), once per press."""
        if key not in self._held:
            self._held.add(key)
            app = App.get_running_app()
            app.log_pedal(input_line(_("key {name}").format(name=key_label(key, scancode, codepoint)),
                                     app.services.keymap.action_for(key, scancode)))
        return True

    def on_key_up(self, key: int, scancode: int | None = None) -> None:
        self._held.discard(key)


#: What each action does, in the pedal test's words.
ACTION_WORDS = {Action.ADVANCE: N_("next step"), Action.BACK: N_("back a step"),
                Action.TOGGLE_PAUSE: N_("pause / resume"), Action.EXTEND: N_("+1 min")}
_KEY_WORDS = {"pagedown": N_("Page Down"), "pageup": N_("Page Up"), "spacebar": N_("Space"),
              "numpadenter": N_("Keypad Enter"), "numpadadd": N_("Keypad +"), "enter": N_("Enter"),
              "escape": N_("Escape")}
#: The pedal test's word for where a press came from ("pedal" / "touch" come from the inputs).
SOURCE_WORDS = {"pedal": N_("pedal"), "touch": N_("touch"), "key": N_("key")}


def input_line(what: str, action: Action | None) -> str:
    """``key F13 -> nothing (not mapped)``: one line of the pedal test."""
    words = _(ACTION_WORDS[action]) if action in ACTION_WORDS else _("nothing (not mapped)")
    return f"{what:<22} -> {words}"


def key_label(key: int, scancode: int | None, codepoint: str | None) -> str:
    """A key's name as its cap says it: ``Page Down``, ``F13``, ``p``; the code for a key with no name."""
    name = key_name(key, scancode)
    if name is None:
        name = next((n for n, code in Keyboard.keycodes.items() if code == key), None)
    if name is None:
        return codepoint if codepoint and codepoint.isprintable() else _("code {number}").format(number=key)
    if name in _KEY_WORDS:
        return _(_KEY_WORDS[name])
    if name[0] == "f" and name[1:].isdigit():
        return name.upper()
    return name if len(name) == 1 else name.capitalize()
