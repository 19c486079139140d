"""``kiosk plan``: the table for people, the JSON contract for scripts, errors without tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.paths import ROUTINES_DIR

WORKED = """\
version: 1
name: Worked example
steps:
  - name: Opening
    time: 60s
  - name: Back
    time: 2-4m
  - name: Legs
    time: 2-4m
  - name: Arms
    time: 1-3m
  - name: Closing
    time: 30s
  - block: Each side
    sides: [left, right]
    optional: extra
    steps:
      - name: Stretch
        time: 30s
"""


@pytest.fixture
def worked(tmp_path: Path) -> Path:
    path = tmp_path / "worked.yaml"
    path.write_text(WORKED)
    return path


def run(capsys, *argv):
    code = main(["plan", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


class TestJson:
    def test_worked_example_shape_and_numbers(self, capsys, worked):
        code, out, err = run(capsys, worked, "--length", "10m", "--skip", "extra", "--json")
        data = json.loads(out)
        assert code == 0 and err == ""
        assert list(data) == ["routine", "total_s", "min_total_s", "max_total_s", "steps"]
        assert (data["routine"], data["total_s"], data["min_total_s"], data["max_total_s"]) == (
            "Worked example", 600.0, 390.0, 750.0)
        assert [(s["name"], s["planned_s"], s["start_s"]) for s in data["steps"]] == [
            ("Opening", 60.0, 0.0), ("Back", 190.0, 60.0), ("Legs", 190.0, 250.0),
            ("Arms", 130.0, 440.0), ("Closing", 30.0, 570.0)]
        assert data["steps"][1] == {"index": 1, "name": "Back", "side": None, "kind": "timed",
                                    "planned_s": 190.0, "min_s": 120.0, "max_s": 240.0,
                                    "start_s": 60.0, "reps": None}

    def test_sides_expand(self, capsys, worked):
        data = json.loads(run(capsys, worked, "--json")[1])
        assert [(s["name"], s["side"]) for s in data["steps"][-2:]] == [("Stretch", "left"), ("Stretch", "right")]

    @pytest.mark.parametrize("path", sorted(ROUTINES_DIR.glob("*.yaml")), ids=lambda p: p.stem)
    def test_every_shipped_routine_plans_to_its_length(self, capsys, path):
        code, out, _ = run(capsys, path, "--json")
        data = json.loads(out)
        assert code == 0 and data["steps"]
        assert data["min_total_s"] <= data["total_s"] <= data["max_total_s"]


class TestTable:
    def test_aligned_rows_and_totals(self, capsys, worked):
        code, out, _ = run(capsys, worked, "--length", "11m")
        lines = out.splitlines()
        header = next(i for i, line in enumerate(lines) if line.lstrip().startswith("#"))
        rows = lines[header + 1:header + 8]
        assert code == 0 and "Back" in rows[1] and "2-4m" in rows[1]
        assert len({line.index("2-4m") for line in rows[1:3]}) == 1  # the window column lines up
        assert rows[0].split() == ["0", "Opening", "1m", "1:00", "0:00"]
        assert rows[5].split() == ["5", "Stretch", "left", "30s", "0:30", "10:00"]
        assert "total 11:00 in 7 steps (can run from 7:30 to 13:30)" in out
        assert "optional, kept: extra" in out

    def test_a_shipped_routine_by_name(self, capsys):
        name = sorted(ROUTINES_DIR.glob("*.yaml"))[0].stem
        assert run(capsys, name)[0] == 0


class TestErrors:
    def test_out_of_reach_names_both_bounds(self, capsys, worked):
        code, out, err = run(capsys, worked, "--length", "2h")
        assert code == 1 and out == ""
        assert "2:00:00 is out of reach" in err and "from 7:30 to 13:30" in err
        assert "Traceback" not in err

    def test_unknown_skip_tag_lists_tags(self, capsys, worked):
        code, _, err = run(capsys, worked, "--skip", "glutes")
        assert code == 1 and "optional tags are: extra" in err

    def test_bad_routine_file_reports_file_line_col(self, capsys, tmp_path):
        bad = tmp_path / "bad.yaml"
        bad.write_text("version: 1\nname: Bad\nsteps:\n  - name: A\n    time: 5\n")
        code, out, err = run(capsys, bad)
        assert code == 1 and out == ""
        assert f"{bad}:5:11: error:" in err and "unit" in err

    def test_length_without_unit_is_a_usage_error(self, capsys, worked):
        with pytest.raises(SystemExit) as exit_:
            main(["plan", str(worked), "--length", "10"])
        assert exit_.value.code == 2 and "has no unit" in capsys.readouterr().err
