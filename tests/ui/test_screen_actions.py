"""Each screen says what "next", "back" and "pause" mean while it is shown, and the summary, the
history and the journal judge every step alike (from the engine's own step record)."""

from __future__ import annotations

import time

import pytest

from kiosk.paths import ROUTINES_DIR
from tests.ui.conftest import DATA

pytestmark = pytest.mark.ui

SHORT = DATA / "good" / "short.yaml"


def finish_with_one_step_short_and_one_late(d):
    """Warm-up ended at 5 s (window 20-40 s); left sweeps given an extra minute (window 10-15 s)."""
    d.key("space")                      # begin
    d.wait(5)
    d.key("space")                      # warm-up: 0:05, short of 0:20
    d.key("e")                          # sweeps (left): +1 min, then they end by themselves
    for _ in range(60):
        if d.app.step_name == "Check in":
            break
        d.wait(2, step=1.0)
    assert d.app.step_name == "Check in", d.app.step_name
    d.wait(3)
    d.key("space")
    assert d.screen == "summary"


class TestEveryScreenTakesActions:
    @pytest.mark.parametrize("screen", ["errors", "history", "pin"])
    def test_screens_without_a_meaning_for_the_pedal_stay_put(self, kiosk, screen):
        d = kiosk(routines=(DATA / "good", DATA / "bad"))
        d.app._go(screen)
        d.frames()
        for action in ("advance", "back", "toggle_pause", "extend"):
            d.app.act(action, source="pedal 1 on GPIO17")
            d.frames()
        assert d.screen == screen and d.app.controller.session is None

    def test_back_on_the_ready_screen_returns_to_the_routines(self, kiosk):
        d = kiosk(routine=SHORT)
        assert d.screen == "ready"
        d.key("left")
        assert d.screen == "picker" and d.app.controller.session is None

    def test_pause_on_the_ready_screen_begins_like_next(self, kiosk):
        d = kiosk(routine=SHORT)
        d.key("p")
        assert d.screen == "session" and d.app.step_name == "Warm-up" and not d.app.paused

    def test_arrow_keys_move_the_highlight_between_tiles(self, kiosk):
        d = kiosk(routines=(ROUTINES_DIR,))
        picker = d.app.sm.get_screen("picker")
        assert len(picker.routines) >= 2 and picker.highlighted == 0
        d.key("right")
        assert picker.highlighted == 1 and d.screen == "picker"
        tiles = list(reversed(picker.ids.tiles.children))
        assert [t.selected for t in tiles[:2]] == [False, True]
        d.key("space")
        assert d.screen == "ready" and d.app.routine_title == picker.routines[1].name

    def test_a_tap_just_after_the_summary_appears_is_not_taken_as_done(self, kiosk):
        d = kiosk(routine=SHORT)
        finish_with_one_step_short_and_one_late(d)
        d.key("space")                  # meant for the step that just ended
        assert d.screen == "summary"
        summary = d.app.sm.get_screen("summary")
        summary.shown_at = time.monotonic() - summary.SETTLE_S - 0.1
        d.key("space")                  # a tap never leaves the summary, however late
        assert d.screen == "summary"
        d.key("p")                      # the pedal's hold (the pause key) does
        assert d.screen == "picker"


class TestNoSessionByAccident:
    """A pedal tapped on and on (a foot resting on it, a bouncing switch) never starts a session."""

    @pytest.mark.parametrize("gaps", [(1.0,), (0.25, 0.75)], ids=["once-a-second", "double-taps"])
    def test_taps_through_the_end_of_a_session_never_start_a_new_one(self, kiosk, gaps):
        d = kiosk(routine=SHORT)
        d.key("p")                      # begin (a hold)
        sessions = {id(d.app.controller.session)}
        for _ in range(90):             # 90 s of taps: the session ends within the first 20
            for gap in gaps:
                d.key("space")
                d.wait(gap, step=gap)
                if d.app.controller.session is not None:
                    sessions.add(id(d.app.controller.session))
        assert d.screen == "summary" and d.app.controller.state == "finished"
        assert len(sessions) == 1

    def test_a_double_tap_on_the_routines_stops_at_the_ready_screen(self, kiosk):
        d = kiosk(routines=(DATA / "good",))
        assert d.screen == "picker"
        d.key("space")
        d.wait(0.25, step=0.25)
        d.key("space")                  # the second tap of a double tap: the choices stay on show
        assert d.screen == "ready" and d.app.controller.state == "ready"
        d.wait(1.0)
        d.key("space")                  # still within 1.5 s of picking
        assert d.screen == "ready"
        d.wait(0.5)
        d.key("space")                  # a tap once the screen has settled begins
        assert d.screen == "session" and d.app.controller.state == "running"

    def test_a_held_done_leaves_the_summary(self, kiosk):
        d = kiosk(routine=SHORT)
        d.key("p")
        d.app.stop_session()
        assert d.screen == "summary"
        for _ in range(25):             # the summary slides in and is laid out
            d.frames(1)
            time.sleep(0.02)
        done = next(w for w in d.app.sm.get_screen("summary").walk() if getattr(w, "text", "") == "Done")
        d.tap(done)                     # brushed, not held
        time.sleep(0.1)                 # long enough for any button's release to have fired
        d.frames(3)
        assert d.screen == "summary"
        d.hold(done)
        assert d.screen == "picker"


class TestOneJudgement:
    def test_summary_history_and_journal_agree_on_every_step(self, kiosk):
        from kiosk.ui import theme

        d = kiosk(routine=SHORT)
        finish_with_one_step_short_and_one_late(d)
        records = d.app.controller.session.records
        assert [r.timing for r in records] == ["early", "late", "within", None]

        summary = d.app.sm.get_screen("summary")
        rows = list(reversed(summary.ids.rows.children))
        assert [r.timing for r in rows] == ["early", "late", "within", ""]
        colours = [tuple(r.children[0].color) for r in rows]  # the time column
        assert colours == [theme.EARLY, theme.LATE, theme.TEXT, theme.TEXT]
        assert summary.remarks.splitlines() == ["Outside their windows:", "Warm-up: 0:05, short of 0:20",
                                                "Sweeps (left): 1:15, past 0:15"]

        d.app.services.journal.flush()
        journalled = d.app.services.journal.recent(limit=1)[0].steps
        assert [s.timing for s in journalled] == ["early", "late", "within", None]

        d.app.to_picker()
        d.app.show_history()
        d.frames()
        lines = list(reversed(d.app.sm.get_screen("history").ids.trends.children))
        assert [line.timings for line in lines] == [["early"], ["late"], ["within"], [""]]

    def test_a_step_without_a_window_is_never_called_short_in_the_history(self, kiosk):
        """"Check in" waits for the therapist (an estimate, no window): 3 s against its 10 s estimate
        is neither short nor late on the summary, so the history draws its dot in the within colour."""
        from kivy.graphics import Color

        from kiosk.ui import theme

        d = kiosk(routine=SHORT)
        finish_with_one_step_short_and_one_late(d)
        d.app.services.journal.flush()
        d.app.to_picker()
        d.app.show_history()
        d.frames()
        check_in = list(reversed(d.app.sm.get_screen("history").ids.trends.children))[-1]
        assert check_in.label == "Check in" and check_in.values[0] < check_in.min_s
        colours = [tuple(i.rgba) for i in check_in.ids.chart.canvas.children if isinstance(i, Color)]
        assert colours[-1] == theme.GOOD  # the dot is drawn last, after the window's band
