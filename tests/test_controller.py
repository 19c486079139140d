"""The kiosk's behaviour without Kivy: choosing, starting with any pedal action, listeners, lengths."""

from __future__ import annotations

import pytest

from kiosk.controller import Controller, Library, length_choices
from kiosk.engine.clock import FakeClock
from kiosk.inputs.actions import Action
from kiosk.paths import ROUTINES_DIR
from kiosk.routines.loader import load_routine, load_routine_text

SHORT = load_routine_text("version: 1\nname: Short\nsteps:\n  - {name: A, time: 30s}\n  - {name: B, time: 30s}\n")


@pytest.fixture
def controller():
    c = Controller(FakeClock(100.0))
    c.choose(SHORT)
    return c


class TestStarting:
    @pytest.mark.parametrize("action", [Action.ADVANCE, Action.TOGGLE_PAUSE])
    def test_the_first_tap_or_hold_starts(self, controller, action):
        events = controller.act(action)
        assert controller.state == "running" and events[0].kind == "session_started"

    @pytest.mark.parametrize("action", [Action.BACK, Action.EXTEND])
    def test_back_and_extend_do_not_start(self, controller, action):
        assert controller.act(action) == [] and controller.state == "ready"


class TestListeners:
    def test_every_event_reaches_every_listener_even_after_one_fails(self, controller):
        heard = []

        def broken(events):
            raise RuntimeError("a broken cue player")

        controller.listeners += [broken, heard.extend]
        controller.act(Action.ADVANCE)
        controller.clock.advance(30.0)
        controller.tick()
        assert [e.kind for e in heard if e.kind == "step_started"] == ["step_started", "step_started"]

    def test_extend_adds_the_configured_time(self):
        c = Controller(FakeClock(0.0), extend_s=90.0)
        c.choose(SHORT)
        c.act(Action.ADVANCE)
        c.act(Action.EXTEND)
        assert c.snapshot().step_remaining_s == pytest.approx(120.0)


class TestLibrary:
    def test_counts_files_and_lists_every_problem(self, tmp_path):
        (tmp_path / "good.yaml").write_text(SHORT_TEXT)
        (tmp_path / "bad.yaml").write_text("version: 1\nname: Bad\nsteps:\n  - {name: A, time: 0s}\n  - {name: B, time: 9}\n")
        library = Library.load([tmp_path])
        assert [r.name for r in library.routines] == ["Short"]
        assert len(library.errors) == 1
        assert len(library.error_lines()) == 2 and all("bad.yaml:" in line for line in library.error_lines())


def test_lengths_offered_are_the_routines_own_and_those_in_reach():
    back = load_routine(ROUTINES_DIR / "back-massage.yaml")      # 25:00 to 39:30, its own 30 min
    assert length_choices(back) == [30 * 60.0]
    full = load_routine(ROUTINES_DIR / "full-body-90.yaml")      # 67:30 to 118:30
    assert length_choices(full) == [90 * 60.0]
    assert length_choices(full, skip=("glutes",)) == [60 * 60.0, 90 * 60.0]


SHORT_TEXT = "version: 1\nname: Short\nsteps:\n  - {name: A, time: 30s}\n"
