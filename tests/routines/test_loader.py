"""The routine loader: good files load as written, bad files report every problem at its line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk import yamlnodes, yamlsafe
from kiosk.errors import RoutineError
from kiosk.routines import loader
from kiosk.routines.loader import load_routine, load_routine_text, load_routines
from kiosk.routines.model import Block, Count, Step, Window

DATA = Path(__file__).resolve().parent.parent / "data" / "routines"
GOOD = DATA / "good"
BAD = DATA / "bad"

#: Every bad file, with every problem it must report: (line, col, words the message contains).
#: Line and column count from 1; (0, 0) is the file as a whole.
EXPECTED = {
    "syntax.yaml": [(4, 11, "quoted text is never closed")],
    "tabs.yaml": [(5, 1, "tab in indentation"), (7, 2, "tab in indentation")],
    "empty.yaml": [(0, 0, "empty")],
    "only-comments.yaml": [(0, 0, "empty")],
    "top-level-list.yaml": [(1, 1, "must be a mapping")],
    "not-utf8.yaml": [(2, 10, "not UTF-8")],
    "binary.yaml": [(0, 0, "not a text file")],
    "control-char.yaml": [(2, 11, "U+0007")],
    "duplicate-keys.yaml": [(6, 5, 'duplicate key "time"'), (7, 1, 'duplicate key "name"')],
    "missing-name.yaml": [(1, 1, 'the routine has no "name"'), (4, 5, 'a step has no "name"')],
    "step-missing-name.yaml": [
        (4, 5, 'a step has no "name"'), (7, 9, 'a step has no "name"'), (8, 11, "name is empty"),
        (10, 5, 'a block has no "block"'),
    ],
    "missing-steps.yaml": [(1, 1, 'has no "steps"')],
    "empty-steps.yaml": [(3, 8, "steps of the routine are empty")],
    "null-steps.yaml": [(3, 1, "steps of the routine are empty")],
    "zero-durations.yaml": [
        (3, 10, '"0s" is not longer than zero'), (6, 11, '"0s" is not longer than zero'),
        (8, 11, '"-5m" is negative'), (11, 15, '"0m" is not longer than zero'),
        (13, 11, '"0-2m" starts at zero'),
    ],
    "window-reversed.yaml": [(5, 11, '"6-5m" starts after it ends'), (7, 11, '"4-3" starts above its end')],
    "bad-durations.yaml": [
        (3, 9, 'cannot read "half an hour"'), (6, 11, 'cannot read "five minutes"'),
        (8, 11, '"90" has no unit'), (10, 11, 'unknown time unit "parsecs"'),
        (13, 15, 'cannot read "2-3m"'), (15, 11, "longer than 24 hours"),
    ],
    "two-kinds.yaml": [(6, 5, 'step "Both" has both time and reps'),
                       (9, 5, 'step "All three" has both until and time')],
    "no-kind.yaml": [(4, 5, 'step "Just a name" has no time, reps or until')],
    "pace-on-timed.yaml": [
        (6, 5, '"pace" is only for reps steps, not for a timed step'),
        (9, 5, '"pace" is only for reps steps, not for a manual step'),
        (12, 5, 'a timed step needs no "estimate"'),
    ],
    "length-out-of-reach.yaml": [(3, 9, "length 45:00 is out of reach")],
    "zero-counts.yaml": [
        (5, 11, 'count "0" must be at least 1'), (7, 13, "repeat must be at least 1"),
        (12, 11, '"2.5" is not a count'), (14, 13, 'repeat must be a whole number, not "twice"'),
    ],
    "unknown-sides.yaml": [
        (5, 19, 'unknown side "top"'), (5, 24, 'side "left" is listed twice'),
        (9, 15, "sets a side inside a block that runs per side"),
        (11, 11, 'side must be left or right, not "middle"'), (14, 12, "sides is an empty list"),
    ],
    "until-other.yaml": [(5, 12, 'until must be "advance", not "forever"'),
                         (7, 12, 'until must be "advance", not "5m"')],
    "unknown-keys.yaml": [
        (3, 1, 'unknown key "stesp" in the routine'), (6, 5, 'unknown key "tmie" in step "Warm-up"'),
        (8, 5, 'unknown key "colour"'), (10, 5, 'unknown key "sidez" in block "Side"'),
    ],
    "version.yaml": [(1, 1, 'the routine has no "version"')],
    "version-2.yaml": [(1, 10, 'unknown version "2"')],
    "python-tag.yaml": [(2, 7, 'tag "!!python/object/apply:os.system"'),
                        (5, 11, 'tag "!!python/name:time.sleep"')],
    "billion-laughs.yaml": [
        (2, 7, 'anchor "&a"'), (3, 10, 'anchor "&b"'), (3, 14, 'alias "*a"'), (4, 7, 'anchor "&c"'),
        (4, 11, 'alias "*b"'), (5, 6, 'anchor "&d"'), (5, 10, 'alias "*c"'), (6, 9, 'alias "*d"'),
    ],
    "too-deep.yaml": [(3, 23, "nested too deeply")],
    "too-many-steps.yaml": [(3, 1, "expands to 600 steps (at most 500)")],
    "too-long-text.yaml": [(2, 7, "name is too long (130 characters; at most 120)"),
                           (6, 10, "say is too long (1001 characters; at most 1000)")],
    "two-documents.yaml": [(6, 1, "a second YAML document")],
    "wrong-types.yaml": [
        (2, 7, "name must be text, not a list"), (3, 8, 'speak must be true or false, not "maybe"'),
        (4, 7, 'pace must be auto or manual, not "fast"'), (6, 5, 'not "Light warm-up"'),
        (9, 10, "say is empty"), (10, 13, "caution is empty"),
        (13, 12, '"Big Bell!" is not a sound cue name'), (16, 12, 'sound file "no-such.wav" not found'),
        (19, 12, "must be inside the routine's folder"), (22, 15, 'optional tag "two words" must be one word'),
    ],
}


def problems_of(path: Path) -> list[tuple[int, int, str]]:
    with pytest.raises(RoutineError) as caught:
        load_routine(path)
    assert all(p.path == str(path) for p in caught.value.problems)
    return [(p.line, p.col, p.message) for p in caught.value.problems]


class TestBadFiles:
    def test_every_bad_file_has_expectations(self):
        assert sorted(EXPECTED) == sorted(p.name for p in BAD.glob("*.yaml"))

    @pytest.mark.parametrize("name", sorted(EXPECTED))
    def test_reports_every_problem_at_its_line_and_column(self, name):
        found = problems_of(BAD / name)
        assert [(line, col) for line, col, _ in found] == [(line, col) for line, col, _ in EXPECTED[name]]
        for (_, _, message), (_, _, words) in zip(found, EXPECTED[name]):
            assert words in message

    @pytest.mark.parametrize("name", sorted(EXPECTED))
    def test_message_reads_like_a_compiler_error(self, name):
        with pytest.raises(RoutineError) as caught:
            load_routine(BAD / name)
        for problem, line in zip(caught.value.problems, str(caught.value).splitlines()):
            where = f"{BAD / name}:{problem.line}:{problem.col}" if problem.line else str(BAD / name)
            assert line.startswith(f"{where}: error: {problem.message}")

    def test_routine_error_is_a_value_error(self):
        with pytest.raises(ValueError):
            load_routine(BAD / "empty.yaml")


class TestGoodFiles:
    @pytest.mark.parametrize("path", sorted(GOOD.glob("*.yaml")), ids=lambda p: p.name)
    def test_loads(self, path):
        routine = load_routine(path)
        assert routine.name and routine.steps and routine.path == str(path)

    def test_everything_reads_every_key(self):
        routine = load_routine(GOOD / "everything.yaml")
        assert (routine.name, routine.summary) == ("Back massage", "One line shown on the routine picker.")
        assert (routine.length_s, routine.pace, routine.warning_s, routine.speak) == (1800, "auto", 15, False)
        assert routine.language == "en-GB"
        steps = {step.name: step for step in routine.walk()}
        warm = steps["Light warm-up"]
        assert (warm.kind, warm.time, warm.sound) == ("timed", Window(300, 360), "window")
        assert warm.caution == "No pressure directly on the spine."
        assert warm.note == "Longer explanation for students, folded onto one line."
        sweeps = steps["Sweeps beside the spine"]
        assert (sweeps.kind, sweeps.reps, sweeps.pace_s, sweeps.paced) == ("reps", Count(3, 4), 15, True)
        assert (steps["Fingertips"].reps, steps["Fingertips"].paced) == (Count(3, 3), False)
        consult = steps["Consultation and assessment"]
        assert (consult.kind, consult.estimate_s, consult.time) == ("manual", 300, None)
        assert steps["Hold"].time == Window(90, 90)
        assert steps["Scalp"].time == Window(60, 120)
        assert steps["Upper buttocks"].time == Window(90, 120)
        assert steps["Ending"].sound == str((GOOD / "cues" / "tick.wav").resolve())
        assert (steps["Right hip only"].side, steps["Right hip only"].optional) == ("right", "hips")
        block = routine.steps[7]
        assert isinstance(block, Block)
        assert (block.name, block.sides, block.repeat, block.optional, block.line) == (
            "Each side", ("left", "right"), 1, "glutes", 34)
        assert routine.optional_tags == ("glutes", "hips")
        assert warm.line == 11

    def test_yaml_11_words_stay_text(self):
        routine = load_routine(GOOD / "yaml11-words.yaml")
        assert (routine.name, routine.summary) == ("On", "No")
        first, second, third = routine.steps
        assert (first.name, first.say, first.caution, first.note) == ("Yes", "off", "y", "1:30")
        assert first.time == Window(90, 90)
        assert (second.name, third.name) == ("No", "true")

    def test_nested_blocks_keep_their_shape(self):
        routine = load_routine(GOOD / "nested-blocks.yaml")
        outer, closing = routine.steps
        assert (outer.sides, outer.repeat, routine.pace) == (("left", "right"), 1, "manual")
        inner = outer.steps[1]
        assert (inner.name, inner.repeat, inner.optional) == ("Layers", 3, "deep")
        assert inner.steps[0].estimate_s == 30
        assert loader.expanded_count(routine.steps) == 2 * (1 + 3) + 1
        assert [s.name for s in routine.walk()] == ["Effleurage", "Press", "Sweeps"]


def text(body: str) -> str:
    return "version: 1\nname: T\nsteps:\n" + body


class TestValues:
    @pytest.mark.parametrize("value, window", [
        ("90s", (90, 90)), ("5m", (300, 300)), ("1m30s", (90, 90)), ("1:30", (90, 90)), ("'1:30'", (90, 90)),
        ("5-6m", (300, 360)), ("2-3 min", (120, 180)), ("1:30-2:00", (90, 120)), ("1h", (3600, 3600)),
    ])
    def test_time(self, value, window):
        routine = load_routine_text(text(f"  - name: A\n    time: {value}\n"))
        assert routine.steps[0].time == Window(*window)

    @pytest.mark.parametrize("value, count", [("3", (3, 3)), ("3-4", (3, 4)), ("'2'", (2, 2))])
    def test_reps(self, value, count):
        assert load_routine_text(text(f"  - name: A\n    reps: {value}\n")).steps[0].reps == Count(*count)

    @pytest.mark.parametrize("body", [
        "  - name: A\n    time: ٥m\n", "  - name: A\n    time: '١:٣٠'\n", "  - name: A\n    time: ５-６m\n",
        "  - name: A\n    reps: ٣-٤\n", "  - name: A\n    reps: ٣\n", "  - block: B\n    repeat: ٢\n    steps:\n"
        "      - {name: A, time: 1m}\n",
    ], ids=["arabic-indic-time", "arabic-indic-clock", "fullwidth-window", "arabic-indic-reps",
            "arabic-indic-count", "arabic-indic-repeat"])
    def test_digits_of_other_scripts_are_refused_where_they_are(self, body):
        """As the JSON Schema says: 0-9 only (Python's int() would take any script's digits)."""
        with pytest.raises(RoutineError) as caught:
            load_routine_text(text(body), "r.yaml")
        (problem,) = caught.value.problems
        assert problem.line >= 4 and problem.col > 1

    @pytest.mark.parametrize("value", ["0.0001s", "0.5s", "0.2-0.9s"])
    def test_a_step_shorter_than_a_second_is_refused(self, value):
        """The screen counts whole seconds: "0.0001s" was accepted and shown as "0s"."""
        with pytest.raises(RoutineError) as caught:
            load_routine_text(text(f"  - name: A\n    time: {value}\n"), "r.yaml")
        (problem,) = caught.value.problems
        assert (problem.line, problem.col) == (5, 11) and problem.message == "time is shorter than a second"

    def test_a_caution_longer_than_the_banner_holds_is_refused(self):
        ok = load_routine_text(text(f"  - name: A\n    time: 1m\n    caution: {'c' * loader.MAX_CAUTION}\n"))
        assert len(ok.steps[0].caution) == loader.MAX_CAUTION == 200
        with pytest.raises(RoutineError, match="caution"):
            load_routine_text(text(f"  - name: A\n    time: 1m\n    caution: {'c' * 201}\n"))

    @pytest.mark.parametrize("blocks", [6, 7])
    def test_nesting_is_told_in_blocks(self, blocks):
        lines, pad = ["version: 1", "name: X", "steps:"], "  "
        for i in range(blocks):
            lines += [f"{pad}- block: B{i}", f"{pad}  steps:"]
            pad += "    "
        lines += [f"{pad}- name: A", f"{pad}  time: 1m"]
        source = "\n".join(lines) + "\n"
        if blocks <= loader.MAX_BLOCKS:
            assert load_routine_text(source).steps
            return
        with pytest.raises(RoutineError) as caught:
            load_routine_text(source)
        (problem,) = caught.value.problems
        assert problem.message == "blocks nested too deeply (at most 6 blocks inside each other)"

    def test_rep_name_names_the_reps(self):
        step = load_routine_text(text("  - name: A\n    reps: 3-4\n    rep_name: sweep\n")).steps[0]
        assert step.rep_name == "sweep"

    def test_rep_name_on_a_timed_step_is_reported_where_it_is(self):
        with pytest.raises(RoutineError) as caught:
            load_routine_text(text("  - name: A\n    time: 1m\n    rep_name: sweep\n"), "r.yaml")
        (problem,) = caught.value.problems
        assert (problem.line, problem.col) == (6, 5) and '"rep_name" is only for reps steps' in problem.message

    @pytest.mark.parametrize("value, expected", [("true", True), ("false", False), ("True", True)])
    def test_speak(self, value, expected):
        assert load_routine_text(f"speak: {value}\n" + text("  - {name: A, time: 1m}\n")).speak is expected

    @pytest.mark.parametrize("body, col", [
        ("  - name: A\n    time: 90\n", 11), ("  - {name: A, time: 5}\n", 21), ("  - name: A\n    time: '90'\n", 11),
    ])
    def test_bare_number_asks_for_a_unit(self, body, col):
        with pytest.raises(RoutineError) as caught:
            load_routine_text(text(body), "r.yaml")
        (problem,) = caught.value.problems
        assert (problem.line, problem.col) == (5 if "\n    time" in body else 4, col)
        assert "has no unit" in problem.message and "5m" in problem.hint

    @pytest.mark.parametrize("value", ["null", "~", "true", "42", "1.5", "No", "2001-01-01"])
    def test_text_keeps_what_was_written(self, value):
        routine = load_routine_text(text(f"  - name: {value}\n    time: 1m\n    say: {value}\n"))
        assert (routine.steps[0].name, routine.steps[0].say) == (value, value)

    def test_sound_file_is_not_looked_for_without_a_folder(self):
        step = load_routine_text(text("  - name: A\n    time: 1m\n    sound: cues/bell.wav\n")).steps[0]
        assert step.sound == "cues/bell.wav"

    def test_windows_line_endings_keep_positions(self):
        source = text("  - name: A\n    time: 6-5m\n").replace("\n", "\r\n")
        with pytest.raises(RoutineError) as caught:
            load_routine_text(source)
        assert [(p.line, p.col) for p in caught.value.problems] == [(5, 11)]

    def test_bom_is_ignored(self):
        assert load_routine_text(b"\xef\xbb\xbf" + text("  - {name: A, time: 1m}\n").encode()).name == "T"

    def test_problems_name_the_given_path(self):
        with pytest.raises(RoutineError) as caught:
            load_routine_text(b"version: 1\n", "routines/x.yaml")
        assert str(caught.value).startswith("routines/x.yaml:1:1: error: the routine has no")
        assert caught.value.path == "routines/x.yaml"


class TestLimits:
    def test_file_over_the_cap_is_refused_before_parsing(self, tmp_path, monkeypatch):
        path = tmp_path / "huge.yaml"
        path.write_text(text("  - name: A\n    time: 1m\n") + "# padding\n" * 30_000 + "broken: [\n")
        assert path.stat().st_size > loader.MAX_BYTES

        def parse(*args, **kwargs):
            raise AssertionError("parsed a file over the cap")

        monkeypatch.setattr(yamlsafe, "compose", parse)
        (line, col, message), = problems_of(path)
        assert (line, col) == (0, 0)
        assert "too large" in message and "256 KiB" in message

    def test_text_over_the_cap_is_refused(self):
        with pytest.raises(RoutineError, match="too large"):
            load_routine_text("#" * (loader.MAX_BYTES + 1))

    def test_aliases_are_never_expanded(self):
        # A billion laughs grows 9x per level; ten levels would be 3.5 billion strings if expanded.
        lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
        for level in range(1, 11):
            lines.append(f"a{level}: &a{level} [" + ",".join([f"*a{level - 1}"] * 9) + "]")
        with pytest.raises(RoutineError) as caught:
            load_routine_text("\n".join(lines))
        messages = [p.message for p in caught.value.problems]
        assert sum("alias" in m for m in messages) == 10 and sum("anchor" in m for m in messages) == 11

    def test_deep_nesting_does_not_overflow_the_stack(self):
        with pytest.raises(RoutineError, match="nested too deeply"):
            load_routine_text("steps: " + "[" * 50_000 + "]" * 50_000)

    def test_step_count_counts_sides_and_repeats(self):
        body = "  - block: B\n    sides: [left, right]\n    repeat: 250\n    steps:\n      - {name: A, time: 1s}\n"
        assert loader.expanded_count(load_routine_text(text(body)).steps) == 500
        with pytest.raises(RoutineError, match="expands to 502 steps"):
            load_routine_text(text(body + "  - {name: B, time: 1s}\n  - {name: C, time: 1s}\n"))

    def test_a_flood_of_problems_is_cut_to_the_first_hundred(self):
        with pytest.raises(RoutineError) as caught:
            load_routine_text("version: 1\nname: T\nsteps: [" + ",".join(["1"] * 300) + "]")
        problems = caught.value.problems
        assert len(problems) == yamlnodes.MAX_PROBLEMS + 1
        assert problems[-1].message == "... and 200 more problems"
        assert [p.col for p in problems[:3]] == [9, 11, 13]

    def test_huge_repeat_is_reported_not_computed_as_a_list(self):
        body = "  - block: B\n    repeat: 99999999999999999999\n    steps:\n      - {name: A, time: 1s}\n"
        with pytest.raises(RoutineError, match="more than a million steps"):
            load_routine_text(text(body))


class TestLoadRoutines:
    def test_good_load_and_bad_are_reported(self, tmp_path):
        routines, errors = load_routines([GOOD, BAD / "empty.yaml", BAD / "version.yaml", tmp_path / "gone"])
        assert sorted(Path(r.path).name for r in routines) == sorted(p.name for p in GOOD.glob("*.yaml"))
        assert [Path(e.path).name for e in errors] == ["empty.yaml", "version.yaml", "gone"]
        assert "no such file or folder" in str(errors[-1])

    def test_whole_bad_folder_reports_one_error_per_file(self):
        routines, errors = load_routines([BAD])
        assert routines == []
        assert len(errors) == len(EXPECTED)

    def test_folders_are_searched_recursively_skipping_hidden(self, tmp_path):
        (tmp_path / "sub").mkdir()
        (tmp_path / ".hidden").mkdir()
        for where in ("a.yaml", "sub/b.yml", ".hidden/c.yaml", "notes.txt"):
            (tmp_path / where).write_text(text("  - {name: A, time: 1m}\n"))
        assert [p.relative_to(tmp_path).as_posix() for p in loader.routine_files(tmp_path)] == [
            "a.yaml", "sub/b.yml"]


def test_step_is_frozen():
    step = load_routine_text(text("  - {name: A, time: 1m}\n")).steps[0]
    assert isinstance(step, Step)
    with pytest.raises(AttributeError):
        step.name = "B"  # type: ignore[misc]
