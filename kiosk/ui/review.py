"""The screens that look back: the summary after a session and the history of past sessions.

Their layout is in kv/summary.kv and kv/history.kv; like every screen they decide what a key, a
pedal or a touch means while they are shown.
"""

from __future__ import annotations

import time
from datetime import datetime

from babel.dates import format_date
from kivy.app import App
from kivy.factory import Factory
from kivy.properties import NumericProperty, StringProperty

from kiosk import i18n
from kiosk.i18n import N_, _, ngettext
from kiosk.inputs.actions import Action
from kiosk.routines.durations import fmt_clock, fmt_offset
from kiosk.routines.plan import make_plan
from kiosk.ui import scripttext, theme
from kiosk.ui.readout import side_word, time_of_day
from kiosk.ui.screens import KioskScreen
from kiosk.ui.scripts import quoted
from kiosk.ui.widgets import trend_range


class SummaryScreen(KioskScreen):
    """Planned against actual for every step, judged by the engine's own step records.

    Each row's colour and each remark come from :attr:`StepRecord.timing
    <kiosk.engine.records.StepRecord>`, the judgement the journal keeps too, so the summary, the
    history and ``kiosk history`` always agree on which steps fell short of or ran past their window.
    """

    #: A hold this soon after the summary appears was meant for the last step, not for "done".
    SETTLE_S = 3.0

    title = StringProperty("")
    totals = StringProperty("")
    remarks = StringProperty("")
    shown_at = NumericProperty(0.0)

    def populate(self, controller) -> None:
        """The session that just ended: where a stopped one stopped and what it never reached."""
        session = controller.session
        records = [r for r in session.records if r.actual_s is not None]
        kept = [s for s in controller.plan.steps if s.index not in set(session.data.dropped)]
        number = {s.index: n for n, s in enumerate(kept, 1)}
        reached = max((r.index for r in records), default=-1)
        stopped = session.data.finish_how == "stopped"
        where = _("Session done")
        if stopped:
            where = (_("Stopped after step {n} of {total}").format(n=number.get(reached, 0), total=len(kept))
                     if records else _("Stopped before the first step"))
        by_index = {s.index: s for s in controller.plan.steps}
        missed = [step_label(s) for s in kept if s.index > reached] if stopped else []
        self.show(f"{where}  ·  {controller.routine.name}",
                  [(r, reps_done_label(by_index.get(r.index), r.reps_done)) for r in records],
                  stopped=stopped, missed=missed)
        snap = controller.snapshot()
        planned_total = controller.plan.total_s
        took = snap.session_elapsed_s if snap else sum(r.actual_s for r in records)
        paused = (" · " + _("paused {time}").format(time=fmt_clock(snap.paused_s))
                  if snap and snap.paused_s >= 1 else "")
        offset = fmt_offset(took - planned_total)
        self.totals = _("Planned {planned} · took {took} ({offset})").format(
            planned=fmt_clock(planned_total), took=fmt_clock(took),
            offset=_("on time") if offset == "on time" else offset) + paused

    def show_past(self, row, library) -> None:
        """A recorded session's summary, opened again from the history (reps against the windows
        of the routine as it is loaded now, matched by step name and side)."""
        steps = {}
        routine = next((r for r in library.routines if r.name == row.routine), None)
        if routine is not None:
            try:
                steps = {(s.name, s.side): s for s in make_plan(routine).steps}
            except Exception:  # a routine that no longer plans still shows its recorded times
                steps = {}
        stopped = row.status != "finished"
        done = len({r.index for r in row.steps})
        where = _("Session done")
        if stopped:
            where = (ngettext("Stopped after {n} step", "Stopped after {n} steps", done) if row.status == "stopped"
                     else ngettext("Interrupted after {n} step", "Interrupted after {n} steps", done)
                     if row.status == "interrupted"
                     else f"{row.status.capitalize()} after {done} step{'' if done == 1 else 's'}").format(n=done)
        when = day_and_time(row.started_at)
        self.show(f"{where}  ·  {row.routine}  ·  {when}",
                  [(r, reps_done_label(steps.get((r.name, r.side)), r.reps)) for r in row.steps],
                  stopped=stopped, missed=[])
        length = fmt_clock(row.length_s) if row.length_s is not None else "-"
        booked = _("Booked {time}").format(time=fmt_clock(row.target_s)) + " · " if row.target_s else ""
        self.totals = booked + _("took {length} · in steps {active}").format(length=length,
                                                                            active=fmt_clock(row.active_s))

    def show(self, title: str, runs, *, stopped: bool, missed) -> None:
        """Chart each run of a step (its record and its reps) and list ``missed`` steps, from the top.

        A stopped session lists the steps it never reached, so nobody reads "all steps within
        their windows" as "all steps done".
        """
        self.title = title
        rows = self.ids.rows
        rows.clear_widgets()
        scale = max([max(r.max_s, r.actual_s, r.planned_s) for r, _ in runs] + [1.0])
        remarks = []
        for r, reps in runs:
            label = step_label(r)
            rows.add_widget(Factory.SummaryRow(name=label, reps=reps, actual=fmt_clock(r.actual_s),
                                               min_s=r.min_s, max_s=r.max_s, planned_s=r.planned_s,
                                               actual_s=r.actual_s, scale_s=scale, timing=r.timing or ""))
            if r.timing == "early":
                remarks.append(_("{step}: {time}, short of {low}").format(
                    step=quoted(label), time=fmt_clock(r.actual_s), low=fmt_clock(r.min_s)))
            elif r.timing == "late":
                remarks.append(_("{step}: {time}, past {high}").format(
                    step=quoted(label), time=fmt_clock(r.actual_s), high=fmt_clock(r.max_s)))
        if not remarks:
            text = _("Every step done stayed within its window.") if stopped else _("All steps within their windows.")
        else:
            text = _("Outside their windows:") + "\n" + "\n".join(remarks)
        if missed:
            text += "\n\n" + _("Not reached ({n}):").format(n=len(missed)) + "\n" + "\n".join(missed)
        self.remarks = text
        self.ids.scroll.scroll_y = 1  # open at the top, whatever the last summary scrolled to
        self.shown_at = time.monotonic()

    def on_action(self, action: Action, source: str) -> None:
        """Only a deliberate gesture leaves the summary: the pedal's hold (or the pause key), once
        the summary has been up long enough to be seen, or a held "Done". Taps never do, so no
        run of taps can carry on from one session's end into the next session."""
        if action is Action.TOGGLE_PAUSE and time.monotonic() - self.shown_at > self.SETTLE_S:
            App.get_running_app().to_picker()


def step_label(step) -> str:
    """``Sweeps (right)``: a step's name with its side."""
    return step.name + (f" ({side_word(step.side)})" if step.side else "")


def trend_label(trend) -> str:
    """``Sweeps (right) #2``: a trend's step with its side in the kiosk's language, and its repeat."""
    return step_label(trend) + (f" #{trend.occurrence}" if trend.occurrence > 1 else "")


def reps_done_label(step, done: int | None) -> str:
    """``3 of 3-4 sweeps``: the reps done against the step's window (empty for other steps)."""
    if step is None or step.kind != "reps" or done is None or step.reps_min is None:
        return ""
    window = str(step.reps_min) if step.reps_min == step.reps_max else f"{step.reps_min}-{step.reps_max}"
    named = getattr(step, "rep_name", None)
    if named:  # the routine's own word, in the routine's language
        return _("{done} of {window} {noun}s").format(done=done, window=window, noun=named)
    return ngettext("{done} of {window} rep", "{done} of {window} reps", step.reps_max).format(done=done,
                                                                                                 window=window)


class HistoryScreen(KioskScreen):
    """Recent sessions, each with its summary a tap away, and for one routine each step's timing
    against its window over its last finished sessions."""

    trend_title = StringProperty("")
    axis_from = StringProperty("")
    axis_to = StringProperty("")

    def populate(self, journal, routine: str | None = None) -> None:
        sessions = journal.recent(limit=30) if journal is not None else []
        box = self.ids.sessions
        box.clear_widgets()
        dim = theme.markup_hex(theme.TEXT_DIM)
        for row in sessions:
            when = day_and_time(row.started_at)
            length = fmt_clock(row.length_s) if row.length_s is not None else "-"
            count = len(row.steps)
            steps = ngettext("{n} step", "{n} steps", count).format(n=count)
            text = (f"[b]{scripttext.markup(row.routine)}[/b]\n[color={dim}]{when} · {status_word(row.status)} · "
                    f"{length} · {steps}[/color]")
            entry = Factory.HistoryEntry()
            entry.text = text  # what the session's row says, for whoever reads the list
            button = Factory.HistoryRow(text=text, selected=row.routine == routine)
            button.bind(on_release=lambda _w, name=row.routine: self.populate(journal, name),
                        height=entry.setter("height"))
            summary = Factory.TapButton(text=_("Summary"), size_hint_x=0.3, color=theme.TEXT_DIM,
                                        font_size=button.font_size)
            summary.bind(on_release=lambda _w, r=row: self.open_summary(r))
            entry.add_widget(button)
            entry.add_widget(summary)
            box.add_widget(entry)
        if routine is None and sessions:
            routine = sessions[0].routine
            if box.children:
                box.children[-1].children[-1].selected = True
        trends = journal.trends(routine, limit=20) if (journal is not None and routine) else []
        self.trend_title = (_("{routine} · its last finished sessions").format(routine=routine)
                            if trends else _("No sessions recorded yet.") if not sessions
                            else _("{routine}: no finished session yet").format(routine=routine) if routine else "")
        starts = sorted({p.started_at for t in trends for p in t.points})
        self.axis_from = _("{day} (oldest)").format(day=self._day(starts[0])) if starts else ""
        self.axis_to = self._day(starts[-1]) if starts else ""
        # One time axis for every row: a session sits at the same place in each step's row.
        order = sorted({p.session_id for t in trends for p in t.points})
        place = {sid: (n / (len(order) - 1) if len(order) > 1 else 0.5) for n, sid in enumerate(order)}
        box = self.ids.trends
        box.clear_widgets()
        for trend in trends:
            values = [p.actual_s for p in trend.points]
            low, high = trend_range(trend.min_s, trend.max_s, values)
            box.add_widget(Factory.TrendLine(label=trend_label(trend), min_s=trend.min_s, max_s=trend.max_s,
                                             values=values, timings=[p.timing or "" for p in trend.points],
                                             positions=[place[p.session_id] for p in trend.points],
                                             low_text=fmt_clock(low), high_text=fmt_clock(high)))

    def open_summary(self, row) -> None:
        """Open a past session's summary again."""
        self.manager.get_screen("summary").show_past(row, App.get_running_app().library)
        self.manager.current = "summary"

    @staticmethod
    def _day(ms: int) -> str:
        return day_month(ms)


def day_month(ms: int) -> str:
    """``02 Dec``: a day as the kiosk's language writes it short (``02 dic``, ``02 déc.``)."""
    return format_date(datetime.fromtimestamp(ms / 1000.0), "dd MMM", locale=i18n.current().locale)


def day_and_time(ms: int) -> str:
    """``02 Dec 15:05``: when a recorded session began, in the kiosk's language."""
    app = App.get_running_app()
    return day_month(ms) + " " + time_of_day(datetime.fromtimestamp(ms / 1000.0), getattr(app, "hours", 24))


#: A recorded session's status as the history list shows it.
STATUS_WORDS = {"finished": N_("finished"), "stopped": N_("stopped"), "interrupted": N_("interrupted"),
                "running": N_("running"), "paused": N_("paused")}


def status_word(status: str) -> str:
    return _(STATUS_WORDS[status]) if status in STATUS_WORDS else status
