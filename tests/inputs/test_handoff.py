"""Actions from any thread reach on_action on the main thread, in order, through Kivy's Clock."""

from __future__ import annotations

import random
import threading

import pytest
from kivy.clock import Clock

from kiosk.inputs.actions import Action
from kiosk.inputs.footswitch import FootSwitch
from kiosk.inputs.handoff import MainThreadHandoff


class Received:
    """Records (action, source, thread) for each delivery."""

    def __init__(self) -> None:
        self.calls: list[tuple[Action, str, threading.Thread]] = []

    def __call__(self, action: Action, source: str) -> None:
        self.calls.append((action, source, threading.current_thread()))


def in_thread(fn, *args) -> None:
    worker = threading.Thread(target=fn, args=args)
    worker.start()
    worker.join(5)
    assert not worker.is_alive()


def tick_until(condition, frames: int = 20) -> None:
    """Run Kivy frames on this (the main) thread until ``condition()`` holds."""
    for _ in range(frames):
        if condition():
            return
        Clock.tick()
    assert condition()


class TestRealClock:
    def test_an_action_from_another_thread_arrives_on_the_main_thread_at_the_next_frame(self):
        got = Received()
        handoff = MainThreadHandoff(got)
        in_thread(handoff.deliver, Action.ADVANCE, "pedal 1")
        assert got.calls == []  # nothing runs on the hardware thread
        tick_until(lambda: got.calls)
        assert got.calls == [(Action.ADVANCE, "pedal 1", threading.main_thread())]

    def test_actions_from_several_threads_keep_each_threads_order(self):
        got = Received()
        handoff = MainThreadHandoff(got)
        sources = [f"pedal {n}" for n in range(4)]
        workers = [
            threading.Thread(target=lambda s=s: [handoff.deliver(a, s) for a in list(Action) * 25])
            for s in sources
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(5)
        tick_until(lambda: len(got.calls) == 400)
        for source in sources:
            assert [a for a, s, _ in got.calls if s == source] == list(Action) * 25
        assert {thread for _, _, thread in got.calls} == {threading.main_thread()}

    def test_a_foot_switch_on_a_mock_pin_reaches_the_main_thread(self, mock_factory):
        got, pressed = Received(), threading.Event()
        handoff = MainThreadHandoff(got)
        with FootSwitch(17, handoff.sink("pedal 1 on GPIO17"), hold_time=0.05) as switch:
            switch.when_changed = lambda down: down and pressed.set()
            in_thread(mock_factory.pin(17).drive_low)
            assert pressed.wait(5)
            tick_until(lambda: got.calls)  # the hold decided on the pedal's timer thread
            assert got.calls == [(Action.TOGGLE_PAUSE, "pedal 1 on GPIO17", threading.main_thread())]


class TestDelivery:
    def test_a_call_on_the_main_thread_is_delivered_at_once(self):
        got = Received()
        MainThreadHandoff(got, schedule=pytest.fail).deliver(Action.BACK, "key pageup")
        assert got.calls == [(Action.BACK, "key pageup", threading.main_thread())]

    def test_a_sink_tags_a_one_argument_input_with_its_source(self):
        got = Received()
        MainThreadHandoff(got).sink("key")(Action.EXTEND)
        assert [(a, s) for a, s, _ in got.calls] == [(Action.EXTEND, "key")]

    def test_action_names_are_accepted(self):
        got = Received()
        MainThreadHandoff(got).deliver("toggle_pause", "test")
        assert got.calls[0][0] is Action.TOGGLE_PAUSE

    def test_after_close_nothing_is_delivered_even_if_already_queued(self):
        got, queued = Received(), []
        handoff = MainThreadHandoff(got, schedule=lambda fn, timeout: queued.append(fn))
        in_thread(handoff.deliver, Action.ADVANCE, "pedal")
        handoff.close()
        in_thread(handoff.deliver, Action.ADVANCE, "pedal")
        handoff.deliver(Action.ADVANCE, "key")
        for fn in queued:
            fn(0.0)
        assert len(queued) == 1 and got.calls == []

    def test_listeners_go_through_the_same_hand_off(self):
        lines, queued = [], []
        handoff = MainThreadHandoff(Received(), schedule=lambda fn, timeout: queued.append((fn, timeout)))
        in_thread(handoff.call, lines.append, "pedal 1: tap -> advance")
        assert lines == [] and [timeout for _, timeout in queued] == [0]
        queued[0][0](0.0)
        assert lines == ["pedal 1: tap -> advance"]


def test_deliveries_from_threads_and_the_main_thread_mixed_all_arrive_on_the_main_thread():
    got = Received()
    handoff = MainThreadHandoff(got)
    rng = random.Random(5)
    expected = 0
    for _ in range(50):
        if rng.random() < 0.5:
            in_thread(handoff.deliver, Action.ADVANCE, "pedal")
        else:
            handoff.deliver(Action.ADVANCE, "key")
        expected += 1
    tick_until(lambda: len(got.calls) == expected)
    assert {thread for _, _, thread in got.calls} == {threading.main_thread()}
