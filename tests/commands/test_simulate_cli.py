"""``kiosk simulate``: the worked example of issue 3 in the JSON lines, the log, and errors."""

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
"""


@pytest.fixture
def worked(tmp_path: Path) -> Path:
    path = tmp_path / "worked.yaml"
    path.write_text(WORKED)
    return path


def lines(capsys, *argv):
    code = main(["simulate", *map(str, argv), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return [json.loads(line) for line in out.splitlines()]


def started(events):
    return [(e["t"], e["step"], e["name"]) for e in events if e["event"] == "step_started"]


class TestWorkedExample:
    def test_plain(self, capsys, worked):
        events = lines(capsys, worked, "--length", "10m")
        assert started(events) == [(0.0, 0, "Opening"), (60.0, 1, "Back"), (250.0, 2, "Legs"),
                                   (440.0, 3, "Arms"), (570.0, 4, "Closing")]
        assert events[-1] == {"t": 600.0, "event": "session_finished", "step": None, "name": None}

    def test_advance_at_200(self, capsys, worked):
        events = lines(capsys, worked, "--length", "10m", "--press", "200:advance")
        assert {"t": 200.0, "event": "step_ended", "step": 1, "name": "Back"} in events
        assert [s[0] for s in started(events)] == [0.0, 60.0, 200.0, 415.0, 570.0]  # Legs 215, Arms 155
        assert events[-1]["t"] == 600.0 and events[-1]["event"] == "session_finished"

    def test_pause_100_resume_160(self, capsys, worked):
        events = lines(capsys, worked, "--length", "10m", "--press", "100:pause", "--press", "160:resume")
        ended = [e["t"] for e in events if e["event"] == "step_ended"]
        assert ended == [60.0, 310.0, 470.0, 570.0, 600.0]
        assert events[-1]["t"] == 600.0

    def test_every_line_has_exactly_the_contract_keys(self, capsys, worked):
        for event in lines(capsys, worked, "--press", "30:extend", "--press", "100:back"):
            assert list(event) == ["t", "event", "step", "name"]


class TestLog:
    def test_readable_log(self, capsys, worked):
        assert main(["simulate", str(worked), "--length", "10m", "--press", "200:advance"]) == 0
        out = capsys.readouterr().out.splitlines()
        assert out[0].split() == ["0:00", "session_started"]
        assert any(line.split()[:4] == ["3:20", "step_ended", "1", "Back"] for line in out)
        assert out[-1].split()[:2] == ["10:00", "session_finished"] and "on time" in out[-1]

    @pytest.mark.parametrize("path", sorted(ROUTINES_DIR.glob("*.yaml")), ids=lambda p: p.stem)
    def test_every_shipped_routine_runs_to_the_end(self, capsys, path):
        events = lines(capsys, path)
        assert events[-1]["event"] == "session_finished"


class TestErrors:
    @pytest.mark.parametrize("press, message", [
        ("200", "write T:ACTION"), ("200:jump", "write T:ACTION"), ("x:advance", "seconds after the start"),
        ("-5:advance", "not be before the start"),
    ])
    def test_bad_press_is_a_usage_error(self, capsys, worked, press, message):
        with pytest.raises(SystemExit) as exit_:
            main(["simulate", str(worked), f"--press={press}"])
        assert exit_.value.code == 2 and message in capsys.readouterr().err

    def test_pause_never_resumed_says_what_to_add(self, capsys, worked):
        assert main(["simulate", str(worked), "--press", "10:pause"]) == 1
        assert "never resumed; add --press T:resume" in capsys.readouterr().err

    def test_bad_file(self, capsys, tmp_path):
        bad = tmp_path / "bad.yaml"
        bad.write_text("version: 1\nname: Bad\nsteps: []\n")
        assert main(["simulate", str(bad)]) == 1
        err = capsys.readouterr().err
        assert str(bad) in err and "Traceback" not in err


class TestMirroredSides:
    def test_the_log_shows_the_right_side_planned_as_the_left_was_done(self, capsys):
        # Sweeps on the left run long (two extra minutes): the right side gets the window's 4 reps,
        # every other right-side step what its left side took, and the log names both sides.
        assert main(["simulate", "back-massage", "--length", "30m", "--press", "7m:extend",
                     "--press", "8m:extend"]) == 0
        out = capsys.readouterr().out.splitlines()
        right = [line for line in out if "step_started" in line and "(right)" in line]
        assert right and all(line.endswith("as the left side was done") for line in right)
        assert any("Sweeps beside the spine (right)" in line and "4 reps" in line for line in right)
