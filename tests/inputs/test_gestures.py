"""The pedal logic on a fake clock: chatter never adds or loses a press; gestures decided when promised."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.inputs.gestures import (
    DOUBLE_TAP, HOLD, LONG_HOLD, LONG_HOLD_FACTOR, TAP, Debouncer, GestureRecognizer, PedalLogic,
)
from kiosk_testkit.chatter import MAX_CHATTER, Press, burst, edges, expected, plan

HOLD_TIME = 1.0


def run(logic: PedalLogic, raw: list[tuple[float, bool]], until: float | None = None) -> list[tuple[str, float]]:
    """Feed every edge, then let all deadlines pass; (gesture, decided at) in order."""
    out = []
    for t, pressed in raw:
        out += logic.feed(t, pressed)
    out += logic.poll(until if until is not None else (raw[-1][0] if raw else 0) + 60)
    return [(g.name, g.at) for g in out]


def assert_same(got: list[tuple[str, float]], want: list[tuple[str, float]]) -> None:
    assert [name for name, _ in got] == [name for name, _ in want]
    for (name, at), (_, want_at) in zip(got, want):
        assert math.isclose(at, want_at, abs_tol=1e-9), (name, at, want_at)


class TestChatter:
    @pytest.mark.parametrize("seed", range(5))
    def test_a_thousand_chattering_presses_give_one_gesture_each(self, seed):
        presses = plan(random.Random(seed), 1000, hold_time=HOLD_TIME)
        got = run(PedalLogic(hold_time=HOLD_TIME), edges(presses))
        assert_same(got, expected(presses, HOLD_TIME))

    @settings(max_examples=150, deadline=None)
    @given(
        lengths=st.lists(st.one_of(st.floats(0.06, 0.9), st.floats(1.05, 3.0)), min_size=1, max_size=12),
        gaps=st.lists(st.floats(0.06, 2.0), min_size=12, max_size=12),
        seed=st.integers(0, 2**32 - 1),
    )
    def test_any_taps_and_holds_with_chatter(self, lengths, gaps, seed):
        rng = random.Random(seed)
        presses, t = [], 0.5
        for length, gap in zip(lengths, gaps):
            presses.append(Press(t, length, burst(rng), burst(rng)))
            t += length + MAX_CHATTER + gap
        assert_same(run(PedalLogic(hold_time=HOLD_TIME), edges(presses)), expected(presses, HOLD_TIME))

    @pytest.mark.parametrize("bounce_ms", [5, 10, 20, 30])
    def test_chatter_twice_as_long_as_the_debounce_still_gives_one_action_per_press(self, bounce_ms):
        bounce = bounce_ms / 1000
        rng = random.Random(bounce_ms)
        presses, t = [], 1.0
        for _ in range(500):
            length = rng.uniform(0.15, 2.5)  # outlasts its chatter and two settling times
            presses.append(Press(t, length, burst(rng, 1.9 * bounce, 10), burst(rng, 1.9 * bounce, 10)))
            t += length + 2 * bounce + rng.uniform(0.06, 1.0)
        got = run(PedalLogic(hold_time=HOLD_TIME, bounce=bounce), edges(presses))
        assert len(got) == len(presses)


class TestTap:
    @pytest.mark.parametrize("bounce_ms", [10, 20, 50])  # any debounce longer than the chatter
    def test_taps_of_60_ms_are_all_seen(self, bounce_ms):
        rng = random.Random(60)
        presses = [Press(1.0 + i * 0.2, 0.06, burst(rng), burst(rng)) for i in range(1000)]
        got = run(PedalLogic(hold_time=HOLD_TIME, bounce=bounce_ms / 1000), edges(presses))
        assert_same(got, [(TAP, p.end) for p in presses])

    def test_without_debounce_a_clean_tap_still_counts(self):
        assert run(PedalLogic(hold_time=HOLD_TIME, bounce=0), [(1.0, True), (1.06, False)]) == [(TAP, 1.06)]

    def test_a_tap_is_decided_on_the_release_edge_itself(self):
        logic = PedalLogic(hold_time=HOLD_TIME)
        assert logic.feed(1.0, True) == []
        assert logic.poll(1.5) == []
        [tap] = logic.feed(1.5, False)
        assert (tap.name, tap.at, tap.pressed_at) == (TAP, 1.5, 1.0)

    @pytest.mark.parametrize("length", [0.0005, 0.005, 0.0199])
    def test_a_contact_shorter_than_the_debounce_is_ignored(self, length):
        logic = PedalLogic(hold_time=HOLD_TIME, bounce=0.02)
        assert run(logic, [(1.0, True), (1.0 + length, False)]) == []

    def test_a_pedal_wobbling_open_in_the_middle_of_a_press_gives_one_tap(self):
        raw = [(1.0, True), (1.2, False), (1.203, True), (1.206, False), (1.207, True), (1.5, False)]
        assert run(PedalLogic(hold_time=HOLD_TIME), raw) == [(TAP, 1.2)]

    def test_without_hold_mapped_a_long_press_is_a_tap(self):
        assert run(PedalLogic({TAP}, hold_time=HOLD_TIME), [(1.0, True), (4.0, False)]) == [(TAP, 4.0)]


class TestHold:
    def test_a_hold_fires_once_at_hold_time_while_still_pressed(self):
        logic = PedalLogic(hold_time=HOLD_TIME)
        logic.feed(1.0, True)
        assert logic.next_deadline() == pytest.approx(1.02)
        assert logic.poll(1.999) == []
        assert logic.next_deadline() == pytest.approx(2.0)
        assert [(g.name, g.at) for g in logic.poll(2.0)] == [(HOLD, 2.0)]
        assert logic.poll(30.0) == []
        assert logic.feed(30.0, False) == []

    @pytest.mark.parametrize("seed", range(3))
    def test_holds_give_exactly_one_toggle_and_no_tap(self, seed):
        presses = plan(random.Random(seed), 500, hold_time=HOLD_TIME, holds=1.0)
        got = run(PedalLogic(hold_time=HOLD_TIME), edges(presses))
        assert got == [(HOLD, p.start + HOLD_TIME) for p in presses]

    def test_a_pedal_held_down_at_start_does_nothing_until_released(self):
        logic = PedalLogic(hold_time=HOLD_TIME, pressed=True)
        assert logic.poll(10.0) == []
        got = run(logic, [(10.0, False), (11.0, True), (11.1, False)])
        assert got == [(TAP, 11.1)]

    def test_restart_forgets_a_press_in_progress(self):
        logic = PedalLogic(hold_time=HOLD_TIME)
        logic.feed(1.0, True)
        logic.restart(1.5, pressed=True)
        assert logic.poll(5.0) == []


class TestDoubleTap:
    GESTURES = {TAP, HOLD, DOUBLE_TAP}

    def test_a_tap_waits_the_double_tap_window(self):
        logic = PedalLogic(self.GESTURES, hold_time=HOLD_TIME, double_tap_window=0.3)
        assert run(logic, [(1.0, True), (1.1, False)]) == [(TAP, pytest.approx(1.4))]

    def test_a_second_press_inside_the_window_is_one_double_tap(self):
        logic = PedalLogic(self.GESTURES, hold_time=HOLD_TIME, bounce=0.02, double_tap_window=0.3)
        # decided once the second press has settled: its first contact plus the debounce
        assert run(logic, [(1.0, True), (1.1, False), (1.3, True), (1.4, False)]) == [(DOUBLE_TAP, pytest.approx(1.32))]

    def test_a_second_press_beginning_at_the_end_of_the_window_still_counts(self):
        logic = PedalLogic(self.GESTURES, hold_time=HOLD_TIME, bounce=0.02, double_tap_window=0.3)
        got = run(logic, [(1.0, True), (1.1, False), (1.395, True), (1.5, False)])
        assert got == [(DOUBLE_TAP, pytest.approx(1.415))]

    def test_a_glitch_inside_the_window_leaves_a_single_tap(self):
        logic = PedalLogic(self.GESTURES, hold_time=HOLD_TIME, bounce=0.02, double_tap_window=0.3)
        got = run(logic, [(1.0, True), (1.1, False), (1.39, True), (1.392, False)])
        assert got == [(TAP, pytest.approx(1.41))]

    @pytest.mark.parametrize("seed", range(3))
    def test_chattering_pairs_and_singles(self, seed):
        rng = random.Random(seed)
        presses, want, t = [], [], 1.0
        for _ in range(300):
            first = Press(t, rng.uniform(0.06, 0.3), burst(rng), burst(rng))
            presses.append(first)
            if rng.random() < 0.5:
                second = Press(first.end + rng.uniform(0.06, 0.25), rng.uniform(0.06, 0.3), burst(rng), burst(rng))
                presses.append(second)
                want.append((DOUBLE_TAP, second.start + 0.02))
                t = second.end + rng.uniform(0.45, 1.0)
            else:
                want.append((TAP, first.end + 0.3))
                t = first.end + rng.uniform(0.45, 1.0)
        got = run(PedalLogic(self.GESTURES, hold_time=HOLD_TIME, double_tap_window=0.3), edges(presses))
        assert_same(got, want)


class TestLongHold:
    def test_with_long_hold_mapped_a_hold_is_decided_on_release(self):
        logic = PedalLogic({TAP, HOLD, LONG_HOLD}, hold_time=HOLD_TIME)
        assert run(logic, [(1.0, True), (2.5, False)]) == [(HOLD, 2.5)]

    def test_a_long_hold_fires_while_pressed_and_its_release_is_silent(self):
        logic = PedalLogic({TAP, HOLD, LONG_HOLD}, hold_time=HOLD_TIME)
        long_at = 1.0 + LONG_HOLD_FACTOR * HOLD_TIME
        assert run(logic, [(1.0, True), (long_at + 2, False)]) == [(LONG_HOLD, long_at)]

    def test_a_short_press_is_still_a_tap(self):
        logic = PedalLogic({TAP, HOLD, LONG_HOLD}, hold_time=HOLD_TIME)
        assert run(logic, [(1.0, True), (1.2, False)]) == [(TAP, 1.2)]


class TestTimeline:
    def test_an_edge_timed_before_the_last_one_counts_as_now(self):
        logic = PedalLogic(hold_time=HOLD_TIME)
        logic.feed(1.0, True)
        logic.poll(1.5)
        [tap] = logic.feed(1.4, False)  # another thread read the clock a moment earlier
        assert tap.at == 1.5

    def test_contacts_report_confirmed_presses_and_settled_releases(self):
        logic = PedalLogic(hold_time=HOLD_TIME, bounce=0.02)
        run(logic, [(1.0, True), (1.003, False), (1.004, True), (1.3, False), (1.301, True), (1.302, False)])
        assert [(c.pressed, c.at) for c in logic.contacts] == [(True, 1.0), (False, 1.3)]


class TestConstruction:
    @pytest.mark.parametrize(
        "kwargs",
        [
            {"bounce": 0.5, "hold_time": 1.0},
            {"mapped": {"tapp"}},
            {"hold_time": 0},
            {"double_tap_window": -1},
        ],
    )
    def test_impossible_settings_are_refused(self, kwargs):
        with pytest.raises(ValueError):
            PedalLogic(**kwargs)

    def test_negative_bounce_is_refused(self):
        with pytest.raises(ValueError):
            Debouncer(-0.01)

    def test_long_hold_must_outlast_hold(self):
        with pytest.raises(ValueError):
            GestureRecognizer({LONG_HOLD}, hold_time=1.0, long_hold_time=0.5)
