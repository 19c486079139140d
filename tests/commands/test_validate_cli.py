"""``kiosk validate``: what a clinic manager sees on the terminal, and the exit code scripts see."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.paths import ROOT, ROUTINES_DIR

DATA = Path(__file__).resolve().parent.parent / "data" / "routines"
GOOD = DATA / "good"
BAD = DATA / "bad"


def validate(capsys, *paths) -> tuple[int, list[str], list[str]]:
    code = main(["validate", *map(str, paths)])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


class TestGoodFiles:
    def test_one_ok_line_with_a_summary(self, capsys):
        code, out, err = validate(capsys, GOOD / "minimal.yaml")
        assert (code, out, err) == (0, [f"{GOOD / 'minimal.yaml'}: ok - Minimal: 1 step, 1m"], [])

    @pytest.mark.parametrize("name, summary", [
        ("nested-blocks.yaml", "Nested blocks: 9 steps, 8m, optional: deep"),
        ("everything.yaml", "Back massage: 12 steps, 23m15s-30m30s, optional: glutes hips"),
        ("yaml11-words.yaml", "On: 3 steps, 2m, 1 untimed"),
    ])
    def test_summary_counts_expanded_steps_and_length_range(self, capsys, name, summary):
        code, out, _ = validate(capsys, GOOD / name)
        assert (code, out) == (0, [f"{GOOD / name}: ok - {summary}"])

    def test_folder_lists_every_file_in_order(self, capsys):
        code, out, err = validate(capsys, GOOD)
        assert code == 0 and err == []
        assert [line.split(": ok - ")[0] for line in out] == [str(p) for p in sorted(GOOD.glob("*.yaml"))]

    def test_shipped_routines_are_ok(self, capsys):
        code, out, err = validate(capsys, ROUTINES_DIR)
        assert (code, err) == (0, [])
        assert len(out) == len(list(ROUTINES_DIR.glob("*.yaml"))) > 0


class TestBadFiles:
    def test_every_problem_on_stderr_as_file_line_col(self, capsys):
        path = BAD / "window-reversed.yaml"
        code, out, err = validate(capsys, path)
        assert (code, out) == (1, [])
        assert err == [
            f'{path}:5:11: error: window "6-5m" starts after it ends (6:00 > 5:00) (write the shorter time first)',
            f'{path}:7:11: error: count window "4-3" starts above its end (write the smaller count first)',
        ]

    def test_file_wide_problem_has_no_line(self, capsys):
        code, _, err = validate(capsys, BAD / "binary.yaml")
        assert code == 1
        assert err == [f"{BAD / 'binary.yaml'}: error: this is not a text file (it contains binary data)"
                       " (a routine is a text file written in YAML)"]

    def test_good_and_bad_together_exit_1_and_report_both(self, capsys):
        code, out, err = validate(capsys, GOOD / "minimal.yaml", BAD / "version.yaml")
        assert code == 1
        assert out == [f"{GOOD / 'minimal.yaml'}: ok - Minimal: 1 step, 1m"]
        assert err == [f'{BAD / "version.yaml"}:1:1: error: the routine has no "version"'
                       ' (add "version: 1" at the top of the file)']

    def test_whole_bad_folder_reports_each_file(self, capsys):
        code, out, err = validate(capsys, BAD)
        assert (code, out) == (1, [])
        assert {line.split(":")[0] for line in err} == {str(p) for p in BAD.glob("*.yaml")}


class TestUsage:
    def test_missing_path_is_a_usage_error_and_the_rest_still_run(self, capsys, tmp_path):
        code, out, err = validate(capsys, tmp_path / "nope.yaml", GOOD / "minimal.yaml")
        assert code == 2
        assert err == [f"{tmp_path / 'nope.yaml'}: error: no such file or folder"]
        assert len(out) == 1

    def test_no_path_checks_the_shipped_routines(self, capsys):
        code, out, err = validate(capsys)
        shipped = sorted(ROUTINES_DIR.glob("*.yaml"))
        assert (code, err) == (0, [])
        assert [line.split(": ok - ")[0] for line in out] == [str(f) for f in shipped]
        assert len(shipped) >= 5

    def test_folder_without_routines_is_a_problem(self, capsys, tmp_path):
        code, out, err = validate(capsys, tmp_path)
        assert (code, out) == (1, [])
        assert err == [f"{tmp_path}: error: no routine files (*.yaml, *.yml) in this folder"]


def test_real_command_never_prints_a_traceback():
    """The installed entry point, as a person runs it, over every bad file at once."""
    env = dict(os.environ, KIVY_NO_ARGS="1", KIVY_NO_CONSOLELOG="1")
    result = subprocess.run([sys.executable, "-m", "kiosk", "validate", str(BAD), str(GOOD)],
                            capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stdout.count(": ok - ") == len(list(GOOD.glob("*.yaml")))
    assert f"{BAD / 'tabs.yaml'}:5:1: error: tab in indentation" in result.stderr


class TestLengthOutOfReach:
    def test_a_length_the_windows_cannot_reach_fails_with_its_line_and_the_range(self, capsys):
        path = Path(__file__).resolve().parent.parent / "data" / "routines" / "bad" / "length-out-of-reach.yaml"
        code, out, err = validate(capsys, path)
        assert code != 0
        assert any(f"{path}:3:9: error: length 45:00 is out of reach" in line and "from 9:00 to 12:00" in line
                   for line in out + err), out + err
