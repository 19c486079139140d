"""The kiosk's behaviour without Kivy: choosing, starting with any pedal action, listeners, lengths."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.controller import Controller, Library, length_choices
from kiosk.engine.clock import FakeClock
from kiosk.inputs.actions import Action
from kiosk.listeners import Listener, OnClose
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


class Heard(Listener):
    """Writes down every call, in order, into a list it may share with other listeners."""

    def __init__(self, name: str, log: list):
        self.name, self.log = name, log

    def on_plan(self, plan):
        self.log.append((self.name, "plan", plan.routine.name))

    def on_events(self, events):
        self.log.extend((self.name, "event", e.kind) for e in events)

    def on_idle(self):
        self.log.append((self.name, "idle"))

    def on_frame(self, now):
        self.log.append((self.name, "frame", now))

    def close(self):
        self.log.append((self.name, "close"))


class Broken(Listener):
    """A cue player that fails at everything."""

    def on_plan(self, plan):
        raise RuntimeError("a broken cue player")

    on_events = on_idle = close = on_plan

    def on_frame(self, now):
        raise RuntimeError("a broken cue player")


class TestListeners:
    def test_every_event_reaches_every_listener_even_after_one_fails(self, controller):
        heard = []

        class Extend(Listener):
            def on_events(self, events):
                heard.extend(events)

        controller.add_listener(Broken())
        controller.add_listener(Extend())
        controller.act(Action.ADVANCE)
        controller.clock.advance(30.0)
        controller.tick()
        assert [e.kind for e in heard if e.kind == "step_started"] == ["step_started", "step_started"]

    def test_listeners_hear_everything_in_the_order_they_were_added(self):
        log: list = []
        c = Controller(FakeClock(100.0))
        first = c.add_listener(Heard("journal", log))
        c.add_listener(Broken())
        c.add_listener(Heard("cues", log))
        assert isinstance(first, Heard)  # add_listener hands it back, so wiring is one line
        c.choose(SHORT)
        c.act(Action.ADVANCE)
        c.frame()
        c.clear()
        c.close()
        assert log == [
            ("journal", "plan", "Short"), ("cues", "plan", "Short"),
            ("journal", "event", "session_started"), ("journal", "event", "step_started"),
            ("cues", "event", "session_started"), ("cues", "event", "step_started"),
            ("journal", "frame", 100.0), ("cues", "frame", 100.0),
            ("journal", "idle"), ("cues", "idle"),
            ("journal", "close"), ("cues", "close"),
        ]

    def test_a_restored_session_is_announced_as_a_plan_before_it_goes_on(self):
        log: list = []
        source = Controller(FakeClock(100.0))
        source.choose(SHORT)
        source.act(Action.ADVANCE)
        c = Controller(source.clock)
        c.add_listener(Heard("screen", log))
        c.adopt(source.session)
        assert log == [("screen", "plan", "Short")] and c.state == "running"

    def test_a_listener_needs_only_the_methods_it_uses(self, controller):
        class OnlyEvents:  # no base class, no other methods
            def __init__(self):
                self.kinds = []

            def on_events(self, events):
                self.kinds += [e.kind for e in events]

        only = controller.add_listener(OnlyEvents())
        controller.act(Action.ADVANCE)
        controller.frame()
        controller.clear()
        controller.close()
        assert only.kinds == ["session_started", "step_started"]

    def test_a_bare_function_is_refused_rather_than_left_deaf(self, controller):
        def on_events(events):
            pass

        with pytest.raises(TypeError, match="not a listener"):
            controller.add_listener(on_events)
        with pytest.raises(AttributeError):
            controller.listeners.append(on_events)  # the one way in is add_listener
        assert controller.listeners == ()

    def test_stop_ends_the_session_for_every_listener(self, controller):
        log: list = []
        controller.add_listener(Heard("journal", log))
        assert controller.stop() == []  # not started yet: nothing to stop
        controller.act(Action.ADVANCE)
        controller.stop()
        assert log[-1] == ("journal", "event", "session_finished") and controller.state == "finished"
        assert controller.tick() == [] and controller.stop() == []

    def test_extend_adds_the_configured_time(self):
        c = Controller(FakeClock(0.0), extend_s=90.0)
        c.choose(SHORT)
        c.act(Action.ADVANCE)
        c.act(Action.EXTEND)
        assert c.snapshot().step_remaining_s == pytest.approx(120.0)


class TestLibrary:
    @pytest.mark.parametrize("wanted", ["back-massage", "Back massage", "  BACK-MASSAGE ", "back massage"])
    def test_finds_a_routine_by_its_file_stem_or_its_name(self, wanted):
        library = Library.load([ROUTINES_DIR])
        assert library.find(wanted) == ROUTINES_DIR / "back-massage.yaml"

    def test_a_path_is_taken_as_given_and_an_unknown_name_stays_a_path(self, tmp_path):
        (tmp_path / "back-massage.yaml").write_text(SHORT_TEXT)  # a file of the same stem elsewhere
        library = Library.load([ROUTINES_DIR])
        assert library.find(str(tmp_path / "back-massage.yaml")) == tmp_path / "back-massage.yaml"
        assert library.find("no-such-routine") == Path("no-such-routine")

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


class TestOnClose:
    def test_closes_each_in_order_even_after_one_fails(self):
        closed = []

        def stuck_pin():
            raise OSError("GPIO busy")

        OnClose(lambda: closed.append("handoff"), stuck_pin, lambda: closed.append("pedal 1")).close()
        assert closed == ["handoff", "pedal 1"]
