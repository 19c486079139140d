"""Saving a session to a plain dict and restoring it (the journal's crash resume)."""

from __future__ import annotations

import dataclasses
import inspect
import json
from pathlib import Path
from types import UnionType
from typing import Any, Union, get_args, get_origin, get_type_hints

import pytest

from kiosk.engine.clock import FakeClock, MonotonicClock
from kiosk.engine.session import Session
from kiosk.engine.simulate import Press, simulate
from kiosk.engine.state import FORMAT, HEADER, OPTIONS, SessionState, StepState, load, save
from kiosk.errors import PlanError
from kiosk.routines.plan import make_plan
from tests.engine.factories import WORKED, block, manual, reps, routine, timed


def saved(session: Session, now: float) -> dict:
    return json.loads(json.dumps(session.to_dict(now)))  # JSON-safe, and nothing shared


class TestRoundTrip:
    @pytest.mark.parametrize("state", ["ready", "running", "paused", "finished"])
    def test_restore_keeps_state_and_snapshot(self, state):
        plan = make_plan(WORKED, 600)
        s = Session(plan, FakeClock(0.0))
        if state != "ready":
            s.start(0.0)
            s.advance(100.0)
        if state == "paused":
            s.pause(130.0)
        if state == "finished":
            s.stop(140.0)
        r = Session.from_dict(saved(s, 150.0), plan, FakeClock(7.0), now=7.0)
        assert r.state == state and r.records == s.records
        a, b = s.snapshot(150.0), r.snapshot(7.0)
        assert a == b

    def test_restore_on_another_clock_continues_the_countdown(self):
        plan = make_plan(WORKED, 600)
        s = Session(plan, FakeClock(50_000.0))
        s.start(50_000.0)
        s.tick(50_100.0)
        r = Session.from_dict(saved(s, 50_100.0), plan, FakeClock(3.0), now=3.0)
        assert r.next_deadline() == pytest.approx(3.0 + 135)  # Back's warning at 235 s
        assert [e.kind for e in r.tick(3.0 + 150)] == ["warning", "step_ended", "step_started"]

    def test_paced_reps_and_extends_survive(self):
        plan = make_plan(routine(reps("R", 3, 4, pace=15), timed("T", 60)))
        s = Session(plan, FakeClock(0.0))
        s.start(0.0)
        s.extend(20.0, seconds=30)
        r = Session.from_dict(saved(s, 20.0), plan, FakeClock(0.0), now=20.0)
        assert [(e.kind, e.at) for e in r.tick(200.0)] == [(e.kind, e.at) for e in s.tick(200.0)]

    def test_default_clock_time_is_now(self):
        plan = make_plan(WORKED, 600)
        s = Session(plan, MonotonicClock())
        s.start()
        r = Session.from_dict(s.to_dict(), plan, MonotonicClock())
        assert r.snapshot().session_elapsed_s == pytest.approx(s.snapshot().session_elapsed_s, abs=0.5)


class TestRefused:
    def test_a_changed_routine_is_refused_with_a_clear_message(self):
        s = Session(make_plan(WORKED, 600), FakeClock(0.0))
        s.start(0.0)
        other = make_plan(routine(timed("Opening", 60)))
        with pytest.raises(PlanError, match="does not match.*start a new session"):
            Session.from_dict(saved(s, 10.0), other, FakeClock(0.0))

    def test_unknown_format_is_refused(self):
        plan = make_plan(WORKED, 600)
        data = saved(Session(plan, FakeClock(0.0)), 0.0) | {"format": 99}
        with pytest.raises(PlanError, match="format 99"):
            Session.from_dict(data, plan, FakeClock(0.0))


# --- every field of the state survives -----------------------------------------------------------


def sample(tp, seed: int):
    """A value of type ``tp`` that no field of the state has by default (``seed`` varies them)."""
    if tp is bool:
        return True
    if tp is int:
        return 100 + seed
    if tp is float:
        return 1000.25 + seed
    if tp is str:
        return f"value-{seed}"
    if tp is Any:
        return f"payload-{seed}"
    if get_origin(tp) in (Union, UnionType):
        return sample(next(a for a in get_args(tp) if a is not type(None)), seed)
    if get_origin(tp) is dict:
        return {f"key-{seed}": sample(get_args(tp)[1], seed)}
    if get_origin(tp) is list:
        return [sample(get_args(tp)[0], seed), sample(get_args(tp)[0], seed + 1)]
    if dataclasses.is_dataclass(tp):
        hints = get_type_hints(tp)
        return tp(**{f.name: sample(hints[f.name], seed * 31 + n) for n, f in enumerate(dataclasses.fields(tp))})
    raise AssertionError(f"no sample for {tp!r}: teach this test the new field's type")


def changed_fields(obj) -> list[str]:
    """Every field (nested dataclasses too, as ``step.start``) whose value differs from its default."""
    out = []
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            out += [f"{f.name}.{name}" for name in changed_fields(value)]
        elif value != default:
            out.append(f.name)
    return out


class TestEveryField:
    def test_every_field_of_the_state_survives_save_and_restore(self):
        plan = make_plan(WORKED, 600)
        state = sample(SessionState, 1)
        every = [f.name for f in dataclasses.fields(SessionState)]
        every += [f"step.{f.name}" for f in dataclasses.fields(StepState) if f.name != "step"]
        assert sorted(changed_fields(state)) == sorted(n for n in every if n != "step")
        options = {name: sample(float, n) for n, name in enumerate(OPTIONS)} | {"pace": "manual"}
        data = json.loads(json.dumps(save(state, plan, options, elapsed_s=5000.0)))
        restored, restored_options = load(data, plan)
        assert restored == state and restored_options == options

    def test_a_restored_session_saves_what_it_was_given(self):
        plan = make_plan(WORKED, 600)
        state = sample(SessionState, 2)
        data = json.loads(json.dumps(save(state, plan, {"target_s": 600.0, "pace": "manual", "warning_s": 5.0,
                                                        "extend_s": 30.0, "grace_s": 0.5}, elapsed_s=9000.0)))
        session = Session.from_dict(data, plan, FakeClock(3.0), now=3.0)
        assert session.data == state
        assert (session.target_s, session.pace, session.warning_s, session.extend_s, session.grace_s) == (
            600.0, "manual", 5.0, 30.0, 0.5)
        assert json.loads(json.dumps(session.to_dict(3.0))) == data

    def test_a_restored_session_never_changes_the_save_it_came_from(self):
        plan = make_plan(routine(reps("R", 3, 4, pace=15), timed("T", 60)))
        s = Session(plan, FakeClock(0.0))
        s.start(0.0)
        data = saved(s, 20.0)
        kept = json.loads(json.dumps(data))
        r = Session.from_dict(data, plan, FakeClock(20.0), now=20.0)
        r.tick(200.0)
        assert r.state == "finished" and data == kept

    def test_saved_options_are_the_constructors_keywords(self):
        keywords = [p.name for p in inspect.signature(Session).parameters.values() if p.kind is p.KEYWORD_ONLY]
        assert sorted(OPTIONS) == sorted(keywords)

    def test_state_fields_never_clash_with_the_header(self):
        assert not {f.name for f in dataclasses.fields(SessionState)} & set(HEADER)

    def test_a_save_missing_a_field_is_refused_by_name(self):
        plan = make_plan(WORKED, 600)
        data = saved(Session(plan, FakeClock(0.0)), 0.0)
        del data["step"]["planned"]
        with pytest.raises(PlanError, match="no planned; start a new session"):
            Session.from_dict(data, plan, FakeClock(0.0))


# --- sessions saved by format 1 ----------------------------------------------------------------

#: The routine of tests/engine/data/format1-sessions.json (saved by the kiosk's format-1 code).
FORMAT_ONE = routine(
    timed("Warm-up", 120, 240),
    reps("Sweeps", 3, 4, pace=15, rep_name="sweep"),
    manual("Consent for glute work", 30),
    block("Glutes", timed("Gluteus maximus", 120, 240), timed("Piriformis", 60, 120),
          sides=("left", "right"), optional="glutes"),
    timed("Legs", 120, 360),
    timed("Closing", 60),
    name="Format one",
)
FORMAT_ONE_SAVES = json.loads((Path(__file__).parent / "data" / "format1-sessions.json").read_text())["saves"]


class TestFormatOne:
    @pytest.mark.parametrize("case", FORMAT_ONE_SAVES, ids=lambda c: c["what"])
    def test_a_format_1_save_restores_to_the_same_screen_and_future(self, case):
        plan = make_plan(FORMAT_ONE, 1200)
        assert case["state"]["format"] == 1
        r = Session.from_dict(json.loads(json.dumps(case["state"])), plan, FakeClock(1000.0), now=1000.0)
        snap = r.snapshot(1000.0)
        assert {name: getattr(snap, name) for name in case["snapshot"]} == case["snapshot"]
        assert [rec.to_dict() for rec in r.records] == case["state"]["records"]
        assert r.data.dropped == case["state"]["dropped"]
        presses = [Press(1005.0, "resume")] if r.state == "paused" else []
        _, events = simulate(plan, presses, session=r, start=False, now=1000.0)
        assert [[e.kind, e.index, round(e.at - 1000.0, 6)] for e in events] == case["future"]

    @pytest.mark.parametrize("case", FORMAT_ONE_SAVES, ids=lambda c: c["what"])
    def test_a_restored_format_1_save_is_saved_again_in_this_format(self, case):
        plan = make_plan(FORMAT_ONE, 1200)
        r = Session.from_dict(json.loads(json.dumps(case["state"])), plan, FakeClock(1000.0), now=1000.0)
        again = json.loads(json.dumps(r.to_dict(1000.0)))
        assert again["format"] == FORMAT and again["step"]["planned"] == case["state"]["step_planned"]
        assert again["fraction"] == case["state"]["f"] and again["step"]["timers"] == case["state"]["timers"]
        assert Session.from_dict(again, plan, FakeClock(0.0), now=0.0).data == r.data
