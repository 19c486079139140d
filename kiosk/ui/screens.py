"""Behaviour of the kiosk's screens; their layout is in kv/<screen>.kv.

Each screen says what a key, a pedal or a touch means while it is shown (:meth:`KioskScreen.on_action`,
:meth:`KioskScreen.on_key`), so a new screen brings its own meaning of "next" with it.
"""

from __future__ import annotations

import hmac
import time

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Keyboard
from kivy.factory import Factory
from kivy.metrics import dp
from kivy.properties import ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.screenmanager import Screen
from kivy.utils import escape_markup

from kiosk.controller import length_choices
from kiosk.inputs.actions import Action
from kiosk.routines.plan import reachable
from kiosk.routines.durations import fmt_clock, fmt_human, fmt_offset
from kiosk.ui import theme


class KioskRoot(FloatLayout):
    """The screen manager with the notice bar, the cue flash and the dimmer above it."""


class KioskScreen(Screen):
    """A screen of the kiosk: it decides what an action or a key means while it is shown."""

    def on_action(self, action: Action, source: str) -> None:
        """An action from a key, a pedal or a touch (``source`` says which); ignored by default."""

    def on_key(self, key: int, codepoint: str | None) -> bool:
        """A key before the room's key map sees it; True when this screen used it."""
        return False


class PickerScreen(KioskScreen):
    highlighted = NumericProperty(0)
    routines = ListProperty([])

    def populate(self, library) -> None:
        self.routines = list(library.routines)
        grid = self.ids.tiles
        grid.clear_widgets()
        for i, routine in enumerate(self.routines):
            tile = Factory.RoutineTile(text=tile_text(routine))
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

    def on_key(self, key: int, codepoint: str | None) -> bool:
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


def tile_text(routine) -> str:
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
    return (f"[b]{escape_markup(routine.name)}[/b]\n[color={dim}]{escape_markup(summary)}[/color]\n"
            f"[color={faint}]{length} · {count} steps[/color]")


class ReadyScreen(KioskScreen):
    total_text = StringProperty("")
    controller = ObjectProperty(None, allownone=True)

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
            button = Factory.ChoiceButton(text=f"Leave out: {tag}" if not left_out else f"Left out: {tag}",
                                          selected=left_out)
            button.bind(on_release=lambda _w, t=tag: self._toggle_skip(t))
            skips.add_widget(button)
        plan = controller.plan
        self.total_text = f"{fmt_human(plan.total_s)} in {len(plan.steps)} steps"
        rows = self.ids.rows
        rows.clear_widgets()
        for step in plan.steps:
            side = f"  ({step.side})" if step.side else ""
            rows.add_widget(Factory.PlanRow(start=fmt_clock(step.start_s), name=step.name + side,
                                            window=step.window_label, planned=fmt_clock(step.planned_s)))

    def on_action(self, action: Action, source: str) -> None:
        """Next (or pause) begins the session; back returns to the routines."""
        app = App.get_running_app()
        if action in (Action.ADVANCE, Action.TOGGLE_PAUSE):
            app.begin()
        elif action is Action.BACK:
            app.to_picker()

    def _replan(self, length_s=None, skip=None) -> None:
        c = self.controller
        skip = c.skip if skip is None else skip
        length_s = c.length_s if length_s is None else length_s
        app = App.get_running_app()
        if length_s is None:
            length_s = c.routine.length_s
        if length_s is not None:
            # Leaving parts out can put the booked length out of reach: take the nearest reachable.
            low, high = reachable(c.routine, skip)
            length_s = min(max(length_s, low), high)
        app.choose(c.routine, length_s, skip)

    def _toggle_skip(self, tag: str) -> None:
        skip = set(self.controller.skip)
        skip.symmetric_difference_update({tag})
        self._replan(skip=tuple(sorted(skip)))


class SessionScreen(KioskScreen):
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
            button = Factory.HoldButton(text=f"Leave out: {tag}", hold_s=0.8, font_size=row.height * 0.4,
                                        color=theme.TEXT_DIM)
            button.bind(on_activate=lambda _w, t=tag: app.leave_out(t))
            row.add_widget(button)


class SummaryScreen(KioskScreen):
    """Planned against actual for every step, judged by the engine's own step records.

    Each row's colour and each remark come from :attr:`StepRecord.timing
    <kiosk.engine.records.StepRecord>`, the judgement the journal keeps too, so the summary, the
    history and ``kiosk history`` always agree on which steps fell short of or ran past their window.
    """

    #: A pedal tap this soon after the summary appears was meant for the last step, not for "done".
    SETTLE_S = 3.0

    title = StringProperty("")
    totals = StringProperty("")
    remarks = StringProperty("")
    shown_at = NumericProperty(0.0)

    def populate(self, controller) -> None:
        session = controller.session
        self.show(controller.routine.name, controller.plan.steps, session.records,
                  stopped=session.data.finish_how == "stopped", dropped=session.data.dropped)
        snap = controller.snapshot()
        planned_total = controller.plan.total_s
        took = snap.session_elapsed_s if snap else sum(r.actual_s for r in session.records)
        paused = f" · paused {fmt_clock(snap.paused_s)}" if snap and snap.paused_s >= 1 else ""
        self.totals = (f"Planned {fmt_clock(planned_total)} · took {fmt_clock(took)} "
                       f"({fmt_offset(took - planned_total)}){paused}")

    def show(self, routine: str, steps, records, *, stopped: bool, dropped=()) -> None:
        """Chart ``records`` (how each step went) against ``steps`` (the plan), opened at the top.

        A stopped session says where it stopped and lists the steps it never reached, so nobody
        reads "all steps within their windows" as "all steps done".
        """
        records = [r for r in records if r.actual_s is not None]
        kept = [s for s in steps if s.index not in set(dropped)]
        number = {s.index: n for n, s in enumerate(kept, 1)}
        reached = max((r.index for r in records), default=-1)
        if stopped:
            where = (f"Stopped after step {number.get(reached, 0)} of {len(kept)}" if records
                     else "Stopped before the first step")
        else:
            where = "Session done"
        self.title = f"{where}  ·  {routine}"
        rows = self.ids.rows
        rows.clear_widgets()
        scale = max([max(r.max_s, r.actual_s, r.planned_s) for r in records] + [1.0])
        remarks = []
        by_index = {s.index: s for s in steps}
        for r in records:
            label = r.name + (f" ({r.side})" if r.side else "")
            reps = reps_done_label(by_index.get(r.index), r.reps_done)
            rows.add_widget(Factory.SummaryRow(name=label + (f"  ·  {reps}" if reps else ""),
                                               actual=fmt_clock(r.actual_s), min_s=r.min_s,
                                               max_s=r.max_s, planned_s=r.planned_s,
                                               actual_s=r.actual_s, scale_s=scale, timing=r.timing or ""))
            if r.timing == "early":
                remarks.append(f"{label}: {fmt_clock(r.actual_s)}, short of {fmt_clock(r.min_s)}")
            elif r.timing == "late":
                remarks.append(f"{label}: {fmt_clock(r.actual_s)}, past {fmt_clock(r.max_s)}")
        if not remarks:
            text = "Every step done stayed within its window." if stopped else "All steps within their windows."
        else:
            text = "Outside their windows:\n" + "\n".join(remarks)
        missed = [s.name + (f" ({s.side})" if s.side else "") for s in kept if s.index > reached]
        if stopped and missed:
            text += f"\n\nNot reached ({len(missed)}):\n" + "\n".join(missed)
        self.remarks = text
        self.ids.scroll.scroll_y = 1  # open at the top, whatever the last summary scrolled to
        self.shown_at = time.monotonic()

    def on_action(self, action: Action, source: str) -> None:
        """Next returns to the routines, once the summary has been up long enough to be seen."""
        if action is Action.ADVANCE and time.monotonic() - self.shown_at > self.SETTLE_S:
            App.get_running_app().to_picker()


def reps_done_label(step, done: int | None) -> str:
    """``3 of 3-4 sweeps``: the reps done against the step's window (empty for other steps)."""
    if step is None or step.kind != "reps" or done is None or step.reps_min is None:
        return ""
    window = str(step.reps_min) if step.reps_min == step.reps_max else f"{step.reps_min}-{step.reps_max}"
    noun = getattr(step, "rep_name", None) or "rep"
    return f"{done} of {window} {noun}s"


class ErrorsScreen(KioskScreen):
    text = StringProperty("")

    def populate(self, lines) -> None:
        self.text = "\n\n".join(lines) if lines else "Every routine file loaded."


class HistoryScreen(KioskScreen):
    """Recent sessions, and for one routine each step's timing against its window over time."""

    trend_title = StringProperty("")

    def populate(self, journal, routine: str | None = None) -> None:
        sessions = journal.recent(limit=30) if journal is not None else []
        box = self.ids.sessions
        box.clear_widgets()
        dim = theme.markup_hex(theme.TEXT_DIM)
        for row in sessions:
            when = time.strftime("%d %b %H:%M", time.localtime(row.started_at / 1000.0))
            length = fmt_clock(row.length_s) if row.length_s is not None else "-"
            text = (f"[b]{escape_markup(row.routine)}[/b]\n[color={dim}]{when} · {row.status} · {length} · "
                    f"{len(row.steps)} steps[/color]")
            button = Factory.HistoryRow(text=text, selected=row.routine == routine)
            button.bind(on_release=lambda _w, name=row.routine: self.populate(journal, name))
            box.add_widget(button)
        if routine is None and sessions:
            routine = sessions[0].routine
            if box.children:
                box.children[-1].selected = True
        trends = journal.trends(routine, limit=20) if (journal is not None and routine) else []
        self.trend_title = (f"{routine}: each step over its last sessions (band: its window)"
                            if trends else "No sessions recorded yet." if not sessions else routine or "")
        box = self.ids.trends
        box.clear_widgets()
        for trend in trends:
            box.add_widget(Factory.TrendLine(label=trend.label, min_s=trend.min_s, max_s=trend.max_s,
                                             values=[p.actual_s for p in trend.points],
                                             timings=[p.timing or "" for p in trend.points]))


class PinScreen(KioskScreen):
    entered = StringProperty("")
    message = StringProperty("Enter the room PIN")
    next_screen = StringProperty("settings")

    def reset(self, next_screen: str = "settings") -> None:
        self.entered = ""
        self.message = "Enter the room PIN"
        self.next_screen = next_screen

    def press(self, digit: str) -> None:
        if digit == "<":
            self.entered = self.entered[:-1]
            return
        self.entered = (self.entered + digit)[:12]
        pin = App.get_running_app().services.config.pin or ""
        if len(self.entered) >= max(4, len(pin)):
            if hmac.compare_digest(self.entered, pin or "0000"):
                App.get_running_app()._go(self.next_screen)
            else:
                self.entered = ""
                self.message = "Wrong PIN, try again"

    def on_key(self, key: int, codepoint: str | None) -> bool:
        """Digits type the PIN, Backspace takes one back, Escape gives up; no key reaches the map."""
        if codepoint and codepoint.isdigit():
            self.press(codepoint)
        elif key == Keyboard.keycodes["backspace"]:
            self.press("<")
        elif key == Keyboard.keycodes["escape"]:
            App.get_running_app().leave_settings()
        return True


class SettingsScreen(KioskScreen):
    def on_action(self, action: Action, source: str) -> None:
        """The pedal test: nothing moves; each key or touch is listed (foot switches list their
        gestures themselves, with the pedal's name)."""
        if source != "pedal":
            App.get_running_app().log_pedal(f"{source}: {action.value}")
