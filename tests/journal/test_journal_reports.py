"""Reading the history back: newest first, filters, per-step timing over time, CSV, time format."""

from __future__ import annotations

import csv
import io
import time

import pytest

from kiosk.engine.clock import FakeClock
from kiosk.journal import reports, store
from kiosk_testkit.journal_drive import DRILL, DRILL_STEPS, Kiosk, open_journal, write_routine


def practice(kiosk: Kiosk, routine, calf_s: float | None = None, back: bool = False) -> None:
    """One session; Calf (left) ended by hand after ``calf_s`` seconds, else when its time is up."""
    kiosk.start(routine)
    kiosk.wait(30)
    if back:
        kiosk.wait(10)
        kiosk.act("back")
        kiosk.wait(30)
    if calf_s is not None:
        kiosk.wait(calf_s)
        kiosk.act("advance")
    kiosk.run_to_end()
    kiosk.clock.advance(3600)  # the next student, an hour later


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """Three drills (Calf left: 45 s, its planned 50 s, 44 s after a back) and one hip session."""
    tmp_path = tmp_path_factory.mktemp("history")
    drill = write_routine(tmp_path, DRILL, "drill.yaml")
    hips = write_routine(tmp_path, DRILL.replace("Practice drill", "Hip pain"), "hip-pain.yaml")
    clock = FakeClock()
    journal = open_journal(tmp_path / "data", clock, room="Room 2")
    kiosk = Kiosk(journal, clock)
    practice(kiosk, drill, calf_s=45)
    practice(kiosk, drill)
    practice(kiosk, hips)
    practice(kiosk, drill, calf_s=44, back=True)
    journal.close()
    conn = reports.open_reader(tmp_path / "data")
    yield conn
    conn.close()


class TestRecentSessions:
    def test_newest_first(self, history):
        sessions = reports.recent_sessions(history)
        assert [s.id for s in sessions] == [4, 3, 2, 1]
        assert sessions[0].started_at > sessions[1].started_at

    @pytest.mark.parametrize("limit, ids", [(1, [4]), (3, [4, 3, 2]), (None, [4, 3, 2, 1])])
    def test_limit(self, history, limit, ids):
        assert [s.id for s in reports.recent_sessions(history, limit=limit)] == ids

    @pytest.mark.parametrize("name", ["Hip pain", "hip PAIN", "hip-pain"])
    def test_routine_by_name_or_file_name(self, history, name):
        assert [s.id for s in reports.recent_sessions(history, routine=name)] == [3]

    def test_an_unknown_routine_matches_nothing(self, history):
        assert reports.recent_sessions(history, routine="hip%") == []

    def test_one_session_by_id(self, history):
        session = reports.session(history, 2)
        assert [(s.name, s.side) for s in session.steps] == DRILL_STEPS
        assert reports.session(history, 99) is None


class TestStepTrends:
    def test_each_step_over_time_against_its_window(self, history):
        trends = reports.step_trends(history, "Practice drill")
        assert [(t.name, t.side) for t in trends] == DRILL_STEPS
        calf = trends[1]
        assert (calf.label, calf.min_s, calf.max_s) == ("Calf (left)", 40, 60)
        assert [p.session_id for p in calf.points] == [1, 2, 4]
        assert [p.actual_s for p in calf.points] == [45, 50, 44]
        assert [p.timing for p in calf.points] == ["within"] * 3

    def test_a_step_gone_back_to_counts_once_by_its_last_run(self, history):
        (session,) = [s for s in reports.recent_sessions(history) if s.id == 4]
        assert [s.index for s in session.steps][:3] == [0, 1, 0]  # Opening, Calf cut short, Opening again
        opening = reports.step_trends(history, "Practice drill")[0]
        assert len(opening.points) == 3
        assert opening.points[-1].actual_s == 30


class TestCsv:
    def test_one_row_per_step_run_with_session_columns(self, history):
        out = io.StringIO()
        count = reports.write_csv(reports.recent_sessions(history, limit=2), out)
        rows = list(csv.DictReader(io.StringIO(out.getvalue())))
        assert count == len(rows) == 8 + 6  # session 4 ran Opening and Calf twice
        assert list(rows[0]) == list(reports.CSV_COLUMNS)
        calf = next(r for r in rows if r["session_id"] == "3" and r["name"] == "Calf" and r["side"] == "left")
        assert (calf["min_s"], calf["max_s"], calf["actual_s"], calf["room"]) == ("40", "60", "50", "Room 2")
        assert calf["status"] == "finished" and calf["how"] == "auto" and calf["timing"] == "within"


class TestTimes:
    @pytest.fixture
    def berlin(self, monkeypatch):
        monkeypatch.setenv("TZ", "Europe/Berlin")
        time.tzset()
        yield
        monkeypatch.undo()
        time.tzset()

    @pytest.mark.parametrize("ms, text", [
        (1_772_442_000_045, "2026-03-02T10:00:00.045+01:00"),  # winter
        (1_783_000_800_999, "2026-07-02T16:00:00.999+02:00"),  # summer
    ])
    def test_iso_8601_local_with_offset_and_milliseconds(self, berlin, ms, text):
        assert store.iso(ms) == text

    def test_no_time_stays_none(self):
        assert store.iso(None) is None


class TestJournalReading:
    """The kiosk's screens read through the journal: what was just handed over is included."""

    def test_recent_trends_and_csv_export(self, tmp_path):
        drill = write_routine(tmp_path)
        clock = FakeClock()
        journal = open_journal(tmp_path / "data", clock)
        kiosk = Kiosk(journal, clock)
        practice(kiosk, drill, calf_s=41)
        assert [s.status for s in journal.recent()] == ["finished"]  # no flush needed by the caller
        assert [p.actual_s for p in journal.trends("Practice drill")[1].points] == [41]
        target = tmp_path / "usb" / "history.csv"
        target.parent.mkdir()
        assert journal.export_csv(target) == len(DRILL_STEPS)
        assert len(list(csv.DictReader(target.open()))) == len(DRILL_STEPS)
        assert journal.export_csv(tmp_path / "missing" / "history.csv") == -1
        assert "Could not export" in journal.notice
        journal.close()

    def test_a_journal_that_never_opened_reads_as_empty(self, tmp_path):
        (tmp_path / "file").write_text("")
        journal = open_journal(tmp_path / "file" / "data", FakeClock())
        assert journal.recent() == [] and journal.trends("Practice drill") == []
        journal.close()
