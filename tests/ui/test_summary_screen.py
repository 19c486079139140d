"""The summary after a session: a stopped one says so, lists what was not reached, shows reps."""

from __future__ import annotations

import pytest

from tests.ui.conftest import DATA

pytestmark = pytest.mark.ui

SHORT = DATA / "good" / "short.yaml"


def stopped_in_left_sweeps(kiosk):
    d = kiosk(routine=SHORT)
    d.app.begin()                        # warm-up
    d.frames(2)
    d.key("space")                       # warm-up done: left sweeps, one every 5 s
    d.wait(6)
    assert d.app.step_name == "Sweeps" and d.app.side_text == "LEFT"
    d.key("p")
    stop = next(c for c in d.ids("session").pause_overlay.children if getattr(c, "text", "") == "Stop session")
    d.hold(stop)
    assert d.screen == "summary"
    return d


class TestStoppedSession:
    def test_says_where_it_stopped_and_what_was_not_reached(self, kiosk):
        d = stopped_in_left_sweeps(kiosk)
        summary = d.app.sm.get_screen("summary")
        assert summary.title == "Stopped after step 2 of 4  ·  Short practice"
        assert "Session done" not in summary.title
        assert "All steps within their windows" not in summary.remarks
        assert summary.remarks.endswith("Not reached (2):\nSweeps (right)\nCheck in")

    def test_shows_the_reps_done_against_the_window(self, kiosk):
        d = stopped_in_left_sweeps(kiosk)
        rows = [(row.name, row.reps) for row in reversed(d.ids("summary").rows.children)]
        assert rows == [("Warm-up", ""), ("Sweeps (left)", "1 of 2-3 sweeps")]
        row = d.ids("summary").rows.children[0]
        assert (row.ids.name.text, row.ids.reps.text, row.ids.reps.opacity) == ("Sweeps (left)", "1 of 2-3 sweeps", 1)

    def test_opens_at_the_top(self, kiosk):
        d = stopped_in_left_sweeps(kiosk)
        scroll = d.ids("summary").scroll
        scroll.scroll_y = 0.0            # the last summary was read to its end
        d.app.sm.get_screen("summary").populate(d.app.controller)
        assert scroll.scroll_y == 1.0


def test_a_finished_session_is_done(kiosk):
    d = kiosk(routine=SHORT)
    d.app.begin()
    d.frames(2)
    for _ in range(40):
        if d.screen == "summary":
            break
        d.wait(2)
        d.key("space")
    summary = d.app.sm.get_screen("summary")
    assert summary.title == "Session done  ·  Short practice"
    assert "Not reached" not in summary.remarks
