"""``kiosk history``: the table, the --json shape other scripts rely on, --csv, filters, problems."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3

import pytest

from kiosk.cli import main
from kiosk.engine.clock import FakeClock
from kiosk.journal import store
from kiosk_testkit.journal_drive import DRILL, DRILL_STEPS, Kiosk, damage_steps_root_page, open_journal, write_routine

ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$")
SESSION_KEYS = ["id", "routine", "started_at", "ended_at", "status", "target_s", "steps"]
STEP_KEYS = ["index", "name", "side", "planned_s", "actual_s", "started_at"]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """Sessions 1-4: finished drill (3:00 booked), stopped drill, finished hip pain, drill left running."""
    tmp = tmp_path_factory.mktemp("history")
    drill = write_routine(tmp, DRILL, "drill.yaml")
    hips = write_routine(tmp, DRILL.replace("Practice drill", "Hip pain"), "hip-pain.yaml")
    clock = FakeClock()
    journal = open_journal(tmp / "data", clock, room="Room 2")
    kiosk = Kiosk(journal, clock)
    kiosk.start(drill, length_s=180)
    kiosk.run_to_end()
    kiosk.start(drill)
    kiosk.wait(40)
    kiosk.act("stop")
    kiosk.start(hips)
    kiosk.run_to_end()
    kiosk.start(drill)
    kiosk.wait(12)
    journal.close()  # the kiosk lost power here: session 4 stays "running" until the next start
    return tmp / "data"


def history(capsys, *args) -> tuple[int, str, str]:
    code = main(["history", *args])
    out, err = capsys.readouterr()
    return code, out, err


class TestJson:
    def test_the_shape_other_scripts_rely_on(self, capsys, data):
        code, out, err = history(capsys, "--data-dir", str(data), "--json")
        assert (code, err) == (0, "")
        sessions = json.loads(out)
        assert [list(s) for s in sessions] == [SESSION_KEYS] * 4
        assert all(list(step) == STEP_KEYS for s in sessions for step in s["steps"])
        assert [(s["id"], s["status"]) for s in sessions] == [(4, "running"), (3, "finished"), (2, "stopped"),
                                                             (1, "finished")]
        first = sessions[-1]
        assert (first["routine"], first["target_s"]) == ("Practice drill", 180)
        assert [(s["name"], s["side"]) for s in first["steps"]] == [(n, s) for n, s in DRILL_STEPS]
        assert [s["index"] for s in first["steps"]] == list(range(6))
        assert (first["steps"][1]["planned_s"], first["steps"][1]["actual_s"]) == (50, 50)

    def test_times_are_iso_8601_with_offset_and_milliseconds(self, capsys, data):
        sessions = json.loads(history(capsys, "--data-dir", str(data), "--json")[1])
        times = [s["started_at"] for s in sessions] + [s["ended_at"] for s in sessions[1:]]
        times += [st["started_at"] for s in sessions for st in s["steps"]]
        assert all(ISO_MS.match(t) for t in times), times
        assert sessions[0]["ended_at"] is None

    @pytest.mark.parametrize("args, ids", [
        (["--limit", "2"], [4, 3]),
        (["--routine", "hip pain"], [3]),
        (["--routine", "drill", "--limit", "2"], [4, 2]),
        (["--routine", "Massage"], []),
    ])
    def test_limit_and_routine(self, capsys, data, args, ids):
        out = history(capsys, "--data-dir", str(data), "--json", *args)[1]
        assert [s["id"] for s in json.loads(out)] == ids


class TestOtherForms:
    def test_table_lists_sessions_for_people(self, capsys, data):
        code, out, _ = history(capsys, "--data-dir", str(data))
        lines = out.splitlines()
        assert code == 0
        assert lines[0].split() == ["ID", "Started", "Routine", "Room", "Status", "Length", "Booked", "Steps"]
        assert re.match(r"^\s*1\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+Practice drill\s+Room 2\s+finished\s+3:00\s+3:00\s+6$",
                        lines[4])
        assert "stopped" in lines[3] and "running" in lines[1]

    def test_csv_has_a_row_per_step(self, capsys, data):
        code, out, _ = history(capsys, "--data-dir", str(data), "--csv", "--routine", "Hip pain")
        rows = list(csv.DictReader(io.StringIO(out)))
        assert code == 0
        assert [(r["session_id"], r["name"], r["side"]) for r in rows] == [("3", n, s or "") for n, s in DRILL_STEPS]

    def test_an_empty_folder_says_so_and_creates_nothing(self, capsys, tmp_path):
        code, out, _ = history(capsys, "--data-dir", str(tmp_path / "none"))
        assert code == 0
        assert "No sessions recorded" in out and "--data-dir" in out
        assert not (tmp_path / "none").exists()
        assert json.loads(history(capsys, "--data-dir", str(tmp_path / "none"), "--json")[1]) == []

    def test_the_data_folder_comes_from_the_room_config_environment(self, capsys, data, monkeypatch):
        monkeypatch.setenv("KIOSK_DATA_DIR", str(data))
        monkeypatch.setenv("KIOSK_CONFIG", "")
        out = history(capsys, "--json", "--limit", "1")[1]
        assert [s["id"] for s in json.loads(out)] == [4]


class TestProblems:
    @pytest.mark.parametrize("args", [["--json", "--csv"], ["--limit", "0"], ["--limit", "many"]])
    def test_usage_errors_exit_2(self, capsys, tmp_path, args):
        with pytest.raises(SystemExit) as exc:
            main(["history", "--data-dir", str(tmp_path), *args])
        assert exc.value.code == 2

    def test_a_damaged_journal_is_one_clear_message(self, capsys, tmp_path):
        store.database_path(tmp_path).write_bytes(b"not sqlite at all" * 300)
        code, out, err = history(capsys, "--data-dir", str(tmp_path))
        assert code == 1
        assert err.startswith(f"kiosk history: {store.database_path(tmp_path)}: cannot read the history")
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1

    def test_a_file_given_as_the_data_folder_is_named_so(self, capsys, tmp_path):
        passwd = tmp_path / "passwd"
        passwd.write_text("root:x:0:0::/root:/bin/sh\n")
        code, out, err = history(capsys, "--data-dir", str(passwd), "--json")
        assert code == 1 and out == ""
        assert f"{passwd} is a file, not a folder" in err

    def test_a_folder_where_the_journal_should_be_is_named_so(self, capsys, tmp_path):
        store.database_path(tmp_path).mkdir()
        code, _, err = history(capsys, "--data-dir", str(tmp_path))
        assert code == 1
        assert "is not a regular file" in err

    def test_a_damaged_page_is_one_clear_message_with_the_way_to_recover(self, capsys, tmp_path, data):
        folder = tmp_path / "copy"
        folder.mkdir()
        conn = sqlite3.connect(store.database_path(data))
        conn.execute("VACUUM INTO ?", (str(store.database_path(folder)),))
        conn.close()
        damage_steps_root_page(store.database_path(folder))
        for form in ("--json", "--csv", "--limit=5"):
            code, out, err = history(capsys, "--data-dir", str(folder), form)
            assert code == 1 and "Traceback" not in err
            assert "is damaged" in err and f"sqlite3 {store.database_path(folder)} .recover" in err
