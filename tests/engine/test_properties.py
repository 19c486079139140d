"""Property-based tests of the engine over random routines and random press scripts."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.engine.clock import FakeClock
from kiosk.engine.session import Session
from kiosk.engine.simulate import Press, simulate
from kiosk.routines.plan import make_plan, reachable
from tests.engine.factories import press_scripts, routines

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def sessions(draw):
    """A plan (with a reachable target half the time) and a press script."""
    r = draw(routines())
    low, high = reachable(r)
    target = None
    if draw(st.booleans()) and high > 0:
        target = low + draw(st.integers(0, 4)) / 4 * (high - low)
    plan = make_plan(r, target, use_length=False)
    presses = [Press(t, a) for t, a in draw(press_scripts)]
    return plan, presses + [Press(10_000.0, "resume")]  # a script never leaves the session paused


def key(events, shift: float = 0.0):
    """What a listener sees: kind, step and time (to the microsecond: clocks convert in floats)."""
    return [(e.kind, e.index, round(e.at - shift, 6)) for e in events]


@SETTINGS
@given(sessions())
def test_events_ordered_once_each_and_finished_last(case):
    plan, presses = case
    s, events = simulate(plan, presses)
    assert [e.at for e in events] == sorted(e.at for e in events)
    assert events[0].kind == "session_started" and events[-1].kind == "session_finished"
    assert [e.kind for e in events].count("session_finished") == 1
    started = [e.index for e in events if e.kind == "step_started"]
    if not any(p.action == "back" for p in presses):
        assert started == list(range(len(plan.steps)))
    assert [e.kind for e in events].count("halfway") <= 1


@SETTINGS
@given(sessions(), st.lists(st.integers(0, 8000).map(lambda t: t / 4), max_size=30))
def test_extra_ticks_change_nothing(case, polls):
    plan, presses = case
    _, plain = simulate(plan, presses)
    _, polled = simulate(plan, presses, ticks=polls)
    assert key(polled) == key(plain)


@SETTINGS
@given(sessions())
def test_step_times_plus_paused_time_equal_elapsed(case):
    plan, presses = case
    s, events = simulate(plan, presses)
    finished = events[-1]
    assert sum(r.actual_s for r in s.records) + finished.paused_s == pytest.approx(finished.elapsed_s, abs=1e-6)
    ended = [e for e in events if e.kind == "step_ended"]
    assert [e.actual_s for e in ended] == [r.actual_s for r in s.records]
    assert all(r.actual_s >= -1e-9 for r in s.records)


@SETTINGS
@given(sessions())
def test_respread_never_leaves_windows_unless_clamped_and_reported(case):
    plan, presses = case
    s, events = simulate(plan, presses)
    for e in events:
        if e.kind == "respread":
            assert 0.0 <= e.fraction <= 1.0
            if 0.0 < e.fraction < 1.0:  # not clamped: the booking is met up to a rep jump
                jump = sum(st.pace_s for st in plan.steps if st.paced and st.flexible)
                assert abs(e.over_s) <= jump + 1e-6
        if e.kind == "step_started" and not e.step.paced:
            assert e.step.min_s - 1e-9 <= e.planned_s <= e.step.max_s + 1e-9
        if e.kind == "step_started" and e.step.reps_min is not None:
            assert e.step.reps_min <= e.reps <= e.step.reps_max


@SETTINGS
@given(sessions(), st.integers(0, 40))
def test_save_and_restore_at_any_point_gives_the_same_future(case, cut_after):
    plan, presses = case
    _, whole = simulate(plan, presses)
    cut_at = whole[min(cut_after, len(whole) - 1)].at
    # Run up to ``cut_at``, save, restore on a clock 5000 s further on, and carry on from there.
    first, before = simulate(plan, presses, until=cut_at)
    data = json.loads(json.dumps(first.to_dict(cut_at)))
    restored = Session.from_dict(data, plan, FakeClock(5000.0 + cut_at), now=5000.0 + cut_at)
    later = [Press(p.t + 5000.0, p.action) for p in presses if p.t > cut_at]
    _, after = simulate(plan, later, session=restored, start=False, now=5000.0 + cut_at)
    assert key(before) + key(after, shift=5000.0) == key(whole)
