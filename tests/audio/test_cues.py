"""Engine events to cues: one sound per moment, the right one, never two on top of each other."""

from __future__ import annotations

import pytest

from kiosk.audio.cues import CUES, EVENT_CUES, CueListener, cue_files
from kiosk.engine.clock import FakeClock
from kiosk.engine.events import (
    Halfway, MaxReached, MinReached, Paused, Rep, Resumed, SessionFinished, SideSwitched,
    StepStarted, StepWarning,
)
from kiosk.engine.session import Session
from kiosk.routines.plan import make_plan
from kiosk_testkit.players import RecordingPlayer
from tests.engine.factories import block, reps, routine, timed

PLAN = make_plan(routine(
    timed("Opening", 60),
    block("Legs", timed("Calf", 60), reps("Heel slides", 3, pace=5.0), sides=("left", "right")),
    timed("Closing", 30, sound="session_end"),
))
OPENING, CALF_LEFT, SLIDES_LEFT, CALF_RIGHT, SLIDES_RIGHT, CLOSING = PLAN.steps


def started(step, at=0.0):
    return StepStarted(at=at, index=step.index, step=step, planned_s=step.planned_s, reps=step.reps)


@pytest.fixture
def clock():
    return FakeClock(0.0)


@pytest.fixture
def player(clock):
    p = RecordingPlayer(clock=clock.now)
    p.load(cue_files())
    return p


@pytest.fixture
def listener(player):
    return CueListener(player)


class TestEventCues:
    @pytest.mark.parametrize("event, cue", [
        (started(OPENING), "step_start"),
        (StepWarning(at=45.0, index=0, seconds=15.0), "warning"),
        (MinReached(at=1.0, index=0), "window"),
        (MaxReached(at=1.0, index=0), "window"),
        (Rep(at=5.0, index=2, rep=2, of=3), "rep_tick"),
        (SideSwitched(at=1.0, index=3, side="right", previous="left"), "side_switch"),
        (Paused(at=1.0, index=0), "pause"),
        (Resumed(at=1.0, index=0, paused_s=3.0), "resume"),
        (SessionFinished(at=1.0, index=None, how="finished", elapsed_s=1.0, paused_s=0.0, over_s=None), "session_end"),
    ])
    def test_each_event_plays_its_cue(self, listener, player, event, cue):
        assert listener.on_events([event]) == [cue]
        assert player.names == [cue]

    def test_every_mapped_cue_is_shipped(self):
        assert set(EVENT_CUES.values()) == set(CUES)

    @pytest.mark.parametrize("event", [Halfway(at=1.0, index=0), Rep(at=0.0, index=2, rep=1, of=3)])
    def test_quiet_events(self, listener, player, event):
        assert listener.on_events([event]) == []
        assert player.played == []


class TestStepSound:
    def test_step_with_its_own_cue_name(self, listener, player):
        listener.on_events([started(CLOSING)])
        assert player.names == ["session_end"]

    def test_step_with_its_own_wav(self, listener, player, tmp_path):
        bell = tmp_path / "bell.wav"
        bell.write_bytes(cue_files()["warning"].read_bytes())
        step = OPENING.__class__(**{**OPENING.__dict__, "sound": str(bell)})
        listener.prepare([step])
        listener.on_events([started(step)])
        assert player.names == [str(bell)]

    def test_unknown_sound_falls_back_to_step_start(self, listener, player):
        step = OPENING.__class__(**{**OPENING.__dict__, "sound": "chime"})
        listener.on_events([started(step)])
        assert player.names == ["step_start"]


class TestNoPileUp:
    def test_side_switch_replaces_the_step_start_it_leads_into(self, listener, player):
        listener.on_events([SideSwitched(at=120.0, index=3, side="right", previous="left"), started(CALF_RIGHT, 120.0)])
        assert player.names == ["side_switch"]

    def test_side_switch_covers_a_step_start_in_the_next_batch(self, listener, player):
        listener.on_events([SideSwitched(at=120.0, index=3, side="right", previous="left")])
        listener.on_events([started(CALF_RIGHT, 120.2)])
        assert player.names == ["side_switch"]

    def test_later_step_starts_sound_again(self, listener, player):
        listener.on_events([SideSwitched(at=120.0, index=3, side="right", previous="left"), started(CALF_RIGHT, 120.0)])
        listener.on_events([started(SLIDES_RIGHT, 180.0)])
        assert player.names == ["side_switch", "step_start"]

    def test_a_late_batch_plays_only_its_most_important_cue(self, listener, player):
        batch = [StepWarning(at=45.0, index=0, seconds=15.0), Halfway(at=50.0, index=0), started(CALF_LEFT, 60.0),
                 Rep(at=60.0, index=1, rep=1, of=3)]
        assert listener.on_events(batch) == ["step_start"]
        assert player.names == ["step_start"]

    def test_session_end_wins_over_everything(self, listener, player):
        batch = [Rep(at=1.0, index=5, rep=2, of=3),
                 SessionFinished(at=2.0, index=None, how="finished", elapsed_s=2.0, paused_s=0.0, over_s=None)]
        listener.on_events(batch)
        assert player.names == ["session_end"]


class TestWholeSession:
    def test_one_cue_per_step_start_and_the_end(self, clock, player, listener):
        session = Session(PLAN, clock)
        batches = [session.start()]
        while session.state != "finished":
            clock.advance(0.25)
            batches.append(session.tick())
        for batch in batches:
            listener.on_events(batch)
        starts = [e for b in batches for e in b if e.kind == "step_started"]
        step_cues = [(n, t) for n, t in player.played if n in ("step_start", "side_switch", "session_end")]
        assert len(step_cues) == len(starts) + 1  # the closing step's own sound, then the end
        assert [n for n, _ in step_cues] == ["step_start", "step_start", "step_start",
                                              "side_switch", "step_start", "session_end", "session_end"]
        assert player.names.count("rep_tick") == 2 * 2  # reps 2 and 3 of each side's heel slides
        times = [t for _, t in player.played]
        assert times == sorted(times)
