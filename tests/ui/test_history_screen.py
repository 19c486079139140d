"""The history screen: sessions in plain words, trends from finished sessions only, on a time
axis with full step names, and any past session's summary a tap away."""

from __future__ import annotations

import pytest

from tests.ui.conftest import DATA

pytestmark = pytest.mark.ui

SHORT = DATA / "good" / "short.yaml"


def run_to_the_end(d):
    d.app.begin()
    d.frames(2)
    d.wait(60, step=1.0)                          # every timed step runs its planned time
    assert d.app.step_name == "Check in"
    d.wait(3)
    d.key("space")
    assert d.screen == "summary"


def stop_after_warm_up(d):
    d.app.begin()
    d.frames(2)
    d.wait(3)
    d.key("p")
    d.app.stop_session()
    d.frames()
    assert d.screen == "summary"


def history(d):
    d.app.services.journal.flush()
    d.app.to_picker()
    d.app.show_history()
    d.frames()
    return d.app.sm.get_screen("history")


def test_a_stopped_session_stays_out_of_the_trends(kiosk):
    d = kiosk(routine=SHORT)
    run_to_the_end(d)
    d.app.to_picker()
    d.app.choose(d.app.library.routines[0])
    stop_after_warm_up(d)                          # a warm-up of 3 s: far short of its window
    screen = history(d)
    trends = {line.label: list(line.values) for line in screen.ids.trends.children}
    assert len(trends["Warm-up"]) == 1, "the stopped session's 3 s warm-up must not count"
    assert "finished sessions" in screen.trend_title


def test_one_step_is_one_step(kiosk):
    d = kiosk(routine=SHORT)
    stop_after_warm_up(d)
    screen = history(d)
    entry = screen.ids.sessions.children[0]
    text = entry.children[-1].text
    assert "1 step[" in text and "1 steps" not in text


def test_the_chart_has_a_time_axis_and_full_names_with_sides(kiosk):
    d = kiosk(routine=SHORT)
    run_to_the_end(d)
    screen = history(d)
    lines = {line.label: line for line in screen.ids.trends.children}
    assert set(lines) == {"Warm-up", "Sweeps (left)", "Sweeps (right)", "Check in"}
    for line in lines.values():
        name = line.ids.name
        assert not name.shorten and name.text == line.label
        assert line.ids.low.text and line.ids.high.text   # the row's time scale
    warm = lines["Warm-up"]
    assert (warm.low_text, warm.high_text) == ("0:20", "0:40")  # its 20-40 s window
    assert screen.axis_from.endswith("(oldest)") and screen.axis_to
    assert screen.ids.axis.opacity == 1


def test_a_past_summary_opens_again(kiosk):
    d = kiosk(routine=SHORT)
    d.app.begin()
    d.frames(2)
    d.key("space")                                   # into the left sweeps
    d.wait(11)                                       # two sweeps done
    d.key("p")
    d.app.stop_session()
    d.frames()
    screen = history(d)
    entry = screen.ids.sessions.children[0]
    button = entry.children[0]
    assert button.text == "Summary"
    d.tap(button)
    assert d.screen == "summary"
    summary = d.app.sm.get_screen("summary")
    assert summary.title.startswith("Stopped after 2 steps  ·  Short practice  ·  ")
    rows = [(r.name, r.reps) for r in reversed(summary.ids.rows.children)]
    assert rows == [("Warm-up", ""), ("Sweeps (left)", "2 of 2-3 sweeps")]
    assert summary.ids.scroll.scroll_y == 1


AXIS = """\
version: 1
name: Axis
summary: Three short steps, one of them optional.
pace: auto
steps:
  - {name: One, time: 2s, say: First.}
  - {name: Extra, time: 2s, say: Only when wanted., optional: extra}
  - {name: Two, time: 2s, say: Last.}
"""


def test_a_session_sits_at_the_same_place_on_every_row(kiosk, tmp_path):
    folder = tmp_path / "routines"
    folder.mkdir()
    (folder / "axis.yaml").write_text(AXIS)
    d = kiosk(routines=(folder,), routine=folder / "axis.yaml")
    d.app.begin()
    d.frames(2)
    d.wait(8)
    assert d.screen == "summary"
    d.app.to_picker()
    d.app.choose(d.app.library.routines[0], skip=("extra",))
    d.app.begin()
    d.frames(2)
    d.wait(6)
    assert d.screen == "summary"
    screen = history(d)
    rows = {line.label: list(line.positions) for line in screen.ids.trends.children}
    # The step left out of the newer session is a dot at the older session's place, not midway.
    assert rows == {"One": [0.0, 1.0], "Extra": [0.0], "Two": [0.0, 1.0]}
