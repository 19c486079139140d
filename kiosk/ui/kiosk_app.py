"""The Kivy App: shows the engine's snapshot as Kivy properties and turns touches and keys into verbs.

A clock callback every frame calls the controller's ``tick``; the session screen is refreshed only
when it would show something different (an event, the next second on the big clock, the progress
ring moving about a pixel), so Kivy redraws a few times a second, not sixty. A one-shot "free"
clock event at the engine's next deadline wakes the sleeping loop right then (Kivy's ``free_all``
clock, see :mod:`kiosk.ui.bootstrap`), so a step change or a cue starts at its deadline, not up
to a frame later. Measured in bench/bench_timing.py.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Keyboard, Window
from kivy.lang import Builder
from kivy.properties import (BooleanProperty, ColorProperty, ListProperty, NumericProperty,
                             ObjectProperty, StringProperty)

from kiosk import i18n
from kiosk.inputs.actions import Action
from kiosk.routines.plan import reachable
from kiosk.ui import theme
from kiosk.ui.bootstrap import wake_loop
from kiosk.ui.readout import clock_hours, next_change_s, screen_values, side_shortened_note, time_of_day
from kiosk.ui.translate import follow_language

log = logging.getLogger(__name__)
KV_DIR = Path(__file__).with_name("kv")
NOTICE_SECONDS = 12.0


class KioskApp(App):
    """The kiosk's screens around one :class:`kiosk.controller.Controller`."""

    # What the session screen shows.
    routine_title = StringProperty("")
    step_name = StringProperty("")
    step_of = StringProperty("")
    side_text = StringProperty("")
    side_color = ColorProperty(theme.TEXT_DIM)
    rep_text = StringProperty("")
    big_text = StringProperty("0:00")
    big_caption = StringProperty("")
    big_color = ColorProperty(theme.TEXT)
    say = StringProperty("")
    caution = StringProperty("")
    note = StringProperty("")
    step_progress = NumericProperty(0.0)
    session_progress = NumericProperty(0.0)
    target_marker = NumericProperty(-1.0)
    ends_text = StringProperty("")
    offset_text = StringProperty("")
    offset_color = ColorProperty(theme.TEXT_DIM)
    next_text = StringProperty("")
    window_text = StringProperty("")
    pause_text = StringProperty("")
    state = StringProperty("idle")
    paused = BooleanProperty(False)
    # Room-wide.
    practice = BooleanProperty(False)
    room_name = StringProperty("")
    notice = StringProperty("")
    flash = NumericProperty(0.0)
    dim = NumericProperty(0.0)
    error_count = NumericProperty(0)
    pedal_log = ListProperty([])
    resume_message = StringProperty("")
    services = ObjectProperty(None, allownone=True)
    use_kivy_settings = False
    #: True while the session screen renders the next step ahead of time (kiosk.ui.ahead).
    rehearsing = False

    def __init__(self, services, **kwargs):
        super().__init__(**kwargs)
        self.services = services
        self.controller = services.controller
        self.library = services.library
        self.title = "Session kiosk"
        self.practice = bool(services.settings.get("practice_mode", False))
        self.room_name = services.config.room
        #: The room's clock for the time of day: 12 or 24 hour, None: as the kiosk's language writes it.
        self.hours = clock_hours(services.config.clock, i18n.current().tag, i18n.system_language())
        self._forget_language = i18n.add_listener(lambda language: follow_language(self, language))
        self._frame_event = None
        self._deadline_event = None
        self._armed_for: float | None = None
        self._refresh_at = 0.0
        self._notice_until = 0.0
        self._notices: list[str] = []
        self.first_frame_callbacks: list = []

    # -- Kivy life cycle -------------------------------------------------------------------------
    def build(self):
        from kiosk.ui import review, screens, scripttext, widgets  # noqa: F401  (registers their classes for the .kv rules)

        for kv in sorted(KV_DIR.glob("*.kv")):
            if str(kv) not in Builder.files:  # rules loaded twice would build every widget twice
                Builder.load_file(str(kv))
        root = screens.KioskRoot()
        self.sm = root.ids.sm
        Window.clearcolor = theme.BG
        Window.bind(on_key_down=self._on_key_down, on_key_up=self._on_key_up,
                    on_request_close=self._on_request_close, focus=self._on_focus)
        self.error_count = len(self.library.errors)  # files, not problems
        return root

    def on_start(self):
        self.dim = self.services.set_brightness(self.services.brightness_percent / 100.0)
        self.sm.get_screen("picker").populate(self.library)
        self.sm.get_screen("errors").populate(self.library.error_lines())
        for message in self.services.notices:
            self.show_notice(message)
        start = self.services.start_screen
        if start == "resume":
            self.resume_message = self.services.resume_message
            self._go("session")
        elif start == "ready" and self.controller.session is not None:
            self._show_ready()
        else:
            self._go("picker")
        if self.library.errors:
            log.warning("%d routine file(s) failed to load", len(self.library.errors))
        self._frame_event = Clock.schedule_interval(self._frame, 0)
        Clock.schedule_once(self._first_frame, 0)

    def _first_frame(self, _dt):
        for callback in self.first_frame_callbacks:
            callback()

    def on_stop(self):
        for event in (self._frame_event, self._deadline_event):
            if event is not None:
                event.cancel()
        self.controller.close()  # every listener lets go: the journal, the pedals, systemd
        self._forget_language()

    def _on_request_close(self, *_args, **_kwargs):
        # A full-screen kiosk is left only through the settings PIN.
        return bool(self.services.fullscreen)

    # -- the frame loop --------------------------------------------------------------------------
    def _frame(self, _dt):
        events = self.controller.tick()
        if events:
            self.on_events(events)
        if self.sm.current in ("session",) and (events or self.controller.clock.now() >= self._refresh_at):
            self.refresh()
        self._arm_deadline()
        if self._notice_until and time.monotonic() > self._notice_until:
            self._next_notice()
        self.controller.frame()  # listeners' periodic work: autosave, watchdog
        while self.services.late_notices:
            self.show_notice(self.services.late_notices.pop(0))

    def _arm_deadline(self) -> None:
        """Have the loop wake at the engine's next deadline (a step change, a cue), not a frame later."""
        session = self.controller.session
        deadline = session.next_deadline() if session is not None else None
        if self.sm.current == "session" and session is not None and self.controller.state == "running":
            # The big clock's next second too: the loop may run slower than that while idle.
            deadline = self._refresh_at if deadline is None else min(deadline, self._refresh_at)
        event = self._deadline_event
        if deadline == self._armed_for and (deadline is None or (event is not None and event.is_triggered)):
            return
        if event is not None:
            event.cancel()
        self._armed_for, self._deadline_event = deadline, None
        if deadline is not None:
            wait = deadline - self.controller.clock.now()
            # A "free" event (KIVY_CLOCK=free_all, see kiosk.ui.bootstrap) wakes the sleeping loop
            # at its time, counted from now. Any other clock counts a timeout from the start of
            # the frame and runs it at a frame boundary. Fired a hair early, the next frame finds
            # the deadline still ahead and arms it again.
            schedule = getattr(Clock, "schedule_once_free", None)
            if schedule is None:
                schedule, wait = Clock.schedule_once, wait + (Clock.time() - Clock.get_time())
            self._deadline_event = schedule(self._frame, max(0.0, wait))

    def on_events(self, events) -> None:
        kinds = {e.kind for e in events}
        if "step_started" in kinds:
            now = self.controller.clock.now()
            for e in events:
                if e.kind == "step_started":
                    late_ms = (now - e.at) * 1000.0
                    log.info("step %d %s%s shown %.1f ms after it fell due", e.index + 1, e.step.name,
                             f" ({e.step.side})" if e.step.side else "", late_ms)
        if not self.services.player_available and kinds & self.services.cue_kinds:
            self.flash = 1.0
            Clock.schedule_once(lambda _dt: setattr(self, "flash", 0.0), 0.6)
        for e in events:
            if e.kind == "side_shortened":
                self.show_notice(side_shortened_note(e))
        self.sm.get_screen("session").on_events(events, self.controller.clock.now())
        if "session_finished" in kinds:
            self.refresh()
            self.sm.get_screen("summary").populate(self.controller)
            self._go("summary")

    def refresh(self) -> None:
        """Copy the engine's snapshot into the properties the session screen shows."""
        snap = self.controller.snapshot()
        if snap is None:
            return
        self._refresh_at = self.controller.clock.now() + next_change_s(snap)
        for name, value in screen_values(snap, self.controller.plan.steps, hours=self.hours,
                                         practice=self.practice).items():
            setattr(self, name, value)
        self.sm.get_screen("session").update(snap, self.controller)

    def show_events(self, events) -> None:
        """Show what the engine just did: react to its events, then refresh the session screen."""
        if events:
            self.on_events(events)
        self.refresh()

    # -- verbs the .kv files call ----------------------------------------------------------------
    def act(self, action: str | Action, source: str = "screen") -> None:
        """An action from a key, a pedal or a touch; the screen on show says what it means."""
        self.sm.current_screen.on_action(Action(action), source)

    def choose(self, routine, length_s=None, skip=()) -> None:
        """Open a routine's ready screen with the plan for the chosen length and parts.

        Without a length, the room's default (or --length) is used where the routine can reach it.
        """
        if length_s is None and self.services.default_length:
            low, high = reachable(routine, skip)
            if low - 1e-6 <= self.services.default_length <= high + 1e-6:
                length_s = self.services.default_length
        self.controller.choose(routine, length_s, skip)
        self.sm.get_screen("ready").picked_at = self.controller.clock.now()
        self._show_ready()

    def _show_ready(self) -> None:
        self.routine_title = self.controller.routine.name
        self.sm.get_screen("ready").populate(self.controller)
        self._go("ready")

    def begin(self) -> None:
        if self.controller.session is None:
            return
        self.show_events(self.controller.act(Action.ADVANCE))
        if self.controller.state != "ready":
            self._go("session")

    def leave_out(self, tag: str) -> None:
        """The client declined a part: its steps still to come are left out, the time re-spread."""
        events = self.controller.leave_out(tag)
        if events:
            self.on_events(events)
        self._show_parts()
        self.refresh()

    def on_paused(self, _app, paused: bool) -> None:
        if paused:
            self._show_parts()

    def _show_parts(self) -> None:
        session = self.controller.session
        tags = session.tags_ahead() if session is not None else ()
        self.sm.get_screen("session").show_parts(tags)

    def stop_session(self) -> None:
        events = self.controller.stop()
        if events:
            self.on_events(events)
        else:
            self.to_picker()

    def to_picker(self) -> None:
        self.controller.clear()
        self._go("picker")

    def show_errors(self) -> None:
        self._go("errors")

    def show_history(self) -> None:
        self.sm.get_screen("history").populate(self.services.journal)
        self._go("history")

    def open_settings(self, *_args):
        """Kivy's own settings panel (F1) is not for a kiosk: the room's settings sit behind a PIN."""
        return False

    def close_settings(self, *_args):
        return False

    def open_room_settings(self) -> None:
        self.sm.get_screen("pin").reset(next_screen="settings")
        self._go("pin")

    def leave_settings(self) -> None:
        self._go("session" if self.controller.session and self.controller.state != "finished"
                 and self.controller.state != "ready" else "picker")

    def set_practice(self, value: bool) -> None:
        self.practice = bool(value)
        self.services.save_setting("practice_mode", self.practice)
        self._refresh_at = 0.0  # the note shows or hides on the next frame

    def set_volume(self, value: float) -> None:
        self.services.set_volume(value)

    def set_brightness(self, value: float) -> None:
        self.dim = self.services.set_brightness(value)

    def set_spoken(self, value: bool) -> None:
        self.services.set_spoken(bool(value))

    def leave(self) -> None:
        """Leave the kiosk (only reachable behind the PIN)."""
        log.info("leaving the kiosk from settings")
        self.stop()

    def log_pedal(self, line: str) -> None:
        stamp = time_of_day(datetime.now(), self.hours, seconds=True)
        self.pedal_log = ([f"{stamp}  {line}"] + list(self.pedal_log))[:12]

    def show_notice(self, message: str) -> None:
        """Show a one-line notice for a few seconds (no GPIO, no sound, a bad config ...)."""
        log.info("notice on screen: %s", message)  # its source has logged it already
        self._notices.append(message)
        if not self.notice:
            self._next_notice()

    def _next_notice(self) -> None:
        if self._notices:
            self.notice = self._notices.pop(0)
            self._notice_until = time.monotonic() + NOTICE_SECONDS
        else:
            self.notice = ""
            self._notice_until = 0.0

    def _go(self, name: str) -> None:
        if self.sm.current != name:
            self.sm.current = name
        if name == "session":
            self.refresh()

    # -- keys ------------------------------------------------------------------------------------
    def _on_key_down(self, _window, key, scancode, codepoint, modifiers):
        if self._is_exit_chord(key, modifiers):
            self.leave()
            return True
        if self.sm.current_screen.on_key(key, codepoint, scancode):
            return True
        keymap = self.services.keymap
        action = keymap.key_down(key, scancode, modifiers)
        if action is None:
            return keymap.swallows(key, scancode) or keymap.action_for(key, scancode) is not None
        self.act(action, source="key")
        wake_loop()
        return True

    def _is_exit_chord(self, key: int, modifiers) -> bool:
        """The room's exit chord (``exit_chord: ctrl+alt+q``): the other deliberate way out."""
        chord = self.services.config.exit_chord or ""
        if not chord:
            return False
        *mods, name = chord.split("+")
        held = {m for m in modifiers or () if m in ("ctrl", "alt", "shift", "meta", "super")}
        return Keyboard.keycodes.get(name) == key and held == set(mods)

    def _on_focus(self, _window, focused) -> None:
        if not focused:  # key-ups can be lost while the window has no focus
            self.services.keymap.reset()

    def _on_key_up(self, _window, key, scancode=None, *_args):
        self.services.keymap.key_up(key, scancode)
        self.sm.current_screen.on_key_up(key, scancode)
