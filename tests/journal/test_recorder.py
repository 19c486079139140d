"""The session recorder: what the kiosk writes to the journal as sessions run, and picking up the
one a power cut interrupted. A real Journal on a tmp folder, the real controller, a fake clock."""

from __future__ import annotations

import sqlite3

import pytest

from kiosk.controller import Controller
from kiosk.engine.clock import FakeClock
from kiosk.inputs.actions import Action
from kiosk.journal import reports, store
from kiosk.journal.recorder import SessionRecorder
from kiosk.routines.loader import load_routine
from kiosk_testkit.journal_drive import WALL0, open_journal, write_routine


class Room:
    """One kiosk's controller and recorder over a journal in ``data`` (a process, in effect)."""

    def __init__(self, data, *, start: float = 100.0, wall_base: float = WALL0, save_every_s: float = 5.0):
        self.clock = FakeClock(start)
        self.journal = open_journal(data, self.clock, wall_base=wall_base, save_every_s=save_every_s)
        self.controller = Controller(self.clock)
        self.notices: list[str] = []
        self.recorder = self.controller.add_listener(
            SessionRecorder(self.journal, self.controller, self.notices.append))

    def run(self, seconds: float, frame_s: float = 0.1) -> None:
        """Let time pass the way the UI loop does: a tick and a frame every ``frame_s``."""
        for _ in range(round(seconds / frame_s)):
            self.clock.advance(frame_s)
            self.controller.tick()
            self.controller.frame()


@pytest.fixture
def files(tmp_path):
    """The kiosk's data folder (empty: the journal is made on first use) and the drill's routine file."""
    return tmp_path / "data", write_routine(tmp_path)


def sessions(data) -> list[reports.SessionRow]:
    conn = reports.open_reader(data)
    try:
        return reports.recent_sessions(conn, limit=None)
    finally:
        conn.close()


class TestRecording:
    def test_a_session_run_to_its_end_is_in_the_history_with_its_steps(self, files):
        data, routine = files
        room = Room(data)
        room.controller.choose(load_routine(routine))
        assert room.recorder.session_id is None  # chosen is not started: nothing recorded yet
        room.controller.act(Action.ADVANCE)
        assert room.recorder.session_id == 1
        room.run(31)
        room.controller.stop()
        assert room.recorder.session_id is None
        room.recorder.close()  # writes what is queued
        [row] = sessions(data)
        assert (row.routine, row.status) == ("Practice drill", "stopped")
        assert [(s.name, s.how) for s in row.steps][:1] == [("Opening", "auto")]

    def test_a_second_session_gets_a_record_of_its_own(self, files):
        data, routine = files
        room = Room(data)
        for _ in range(2):
            room.controller.choose(load_routine(routine))
            room.controller.act(Action.ADVANCE)
            room.run(2)
            room.controller.stop()
        room.recorder.close()
        # Stopped 2 s in, before the first step ended: each is abandoned (a record all the same).
        assert [(s.id, s.status) for s in sessions(data)] == [(2, "abandoned"), (1, "abandoned")]

    def test_a_session_stopped_before_its_first_step_ended_is_abandoned_and_out_of_trends(self, files):
        data, routine = files
        room = Room(data)
        for seconds in (31, 3, 40):     # stopped after the first step, within it, after it
            room.controller.choose(load_routine(routine))
            room.controller.act(Action.ADVANCE)
            room.run(seconds)
            room.controller.stop()
        room.controller.choose(load_routine(routine))  # and one run to its end, the therapist tapping on
        room.controller.act(Action.ADVANCE)
        for _ in range(100):
            room.run(30)
            if room.controller.state == "finished":
                break
            room.controller.act(Action.ADVANCE)
        room.recorder.close()
        assert [(s.id, s.status) for s in sessions(data)] == [
            (4, "finished"), (3, "stopped"), (2, "abandoned"), (1, "stopped")]
        conn = reports.open_reader(data)
        try:
            trends = reports.step_trends(conn, "Practice drill")
        finally:
            conn.close()
        opening = next(t for t in trends if t.name == "Opening")
        assert [p.session_id for p in opening.points] == [4]  # stopped and abandoned stay out of trends

    def test_the_frame_loop_saves_the_resume_point_as_often_as_the_journal_says(self, files):
        data, routine = files
        room = Room(data, save_every_s=5.0)
        saved = []
        autosave = room.journal.autosave
        room.journal.autosave = lambda *args: saved.append(autosave(*args)) or saved[-1]
        room.controller.choose(load_routine(routine))
        room.controller.act(Action.ADVANCE)
        room.run(12.05, frame_s=0.05)  # 241 frames
        assert len(saved) == 241 and saved.count(True) == 2  # at 5 s and 10 s: one throttle, the journal's

    def test_frames_between_sessions_save_nothing(self, files):
        data, routine = files
        room = Room(data)
        room.journal.autosave = lambda *args: pytest.fail("autosave with no session running")
        room.run(3)
        room.controller.choose(load_routine(routine))
        room.run(3)  # ready, not started

    def test_trouble_while_recording_is_shown_once_as_it_arises(self, files):
        data, routine = files
        room = Room(data)
        room.controller.choose(load_routine(routine))
        room.controller.act(Action.ADVANCE)
        room.run(1)
        assert room.notices == []
        room.journal.notice = "The data folder is full: sessions are not being recorded."  # the writer's doing
        room.run(3)
        assert room.notices == ["The data folder is full: sessions are not being recorded."]


class TestResume:
    def crash(self, data, routine, seconds: float) -> None:
        room = Room(data)
        room.controller.choose(load_routine(routine), 180.0)
        room.controller.act(Action.ADVANCE)
        room.run(seconds)
        room.journal.close()  # what was handed over is written; nothing ends the session

    def test_the_interrupted_session_comes_back_paused_at_its_step_and_goes_on_recording(self, files):
        data, routine = files
        self.crash(data, routine, 47)
        room = Room(data, start=3.0, wall_base=WALL0 + 600)
        resumed = room.recorder.resume_interrupted()
        assert resumed.session is room.controller.session and room.controller.state == "paused"
        assert resumed.session.snapshot().name == "Calf" and room.controller.plan.target_s == 180.0
        assert resumed.message == ("Practice drill was interrupted at Calf; it is paused where it was. "
                                   "Tap the pedal to go on.")
        room.controller.act(Action.ADVANCE)  # the pedal: go on
        room.run(2)
        room.controller.stop()
        room.recorder.close()
        [row] = sessions(data)
        assert (row.id, row.status, row.resumes) == (1, "stopped", 1)

    def test_nothing_interrupted_means_nothing_to_resume(self, files):
        data, routine = files
        room = Room(data)
        assert room.recorder.resume_interrupted() is None and room.controller.session is None

    def test_a_session_that_cannot_be_restored_is_closed_and_said_so(self, files):
        data, routine = files
        self.crash(data, routine, 20)
        conn = sqlite3.connect(store.database_path(data))
        with conn:
            conn.execute("UPDATE resume SET state = '{}'")  # saved, but not a state the engine knows
        conn.close()
        room = Room(data, start=3.0, wall_base=WALL0 + 600)
        resumed = room.recorder.resume_interrupted()
        assert resumed.session is None and room.controller.session is None
        assert resumed.message == "An interrupted session of Practice drill could not be continued."
        room.recorder.close()
        assert [s.status for s in sessions(data)] == ["interrupted"]

    def test_a_session_too_old_to_resume_is_closed(self, files):
        data, routine = files
        self.crash(data, routine, 20)
        room = Room(data, start=3.0, wall_base=WALL0 + 4 * 3600)
        assert room.recorder.resume_interrupted(max_age_s=3 * 3600) is None
        room.recorder.close()
        assert [s.status for s in sessions(data)] == ["interrupted"]
