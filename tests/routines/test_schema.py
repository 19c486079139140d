"""The JSON Schema an editor uses and the loader agree: what one accepts the other does, where both can tell."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.audio.cues import CUES
from kiosk.commands.schema import schema_text
from kiosk.errors import RoutineError
from kiosk.paths import ROUTINES_DIR, SCHEMA_FILE
from kiosk.routines.format import BLOCK, STEP, TOP
from kiosk.routines.loader import load_routine, load_routine_text
from kiosk.routines.schema import routine_schema
from kiosk_testkit.editor import DRAFTS, as_editor_sees
from kiosk_testkit.editor import validator as editor_validator

DATA = Path(__file__).resolve().parent.parent / "data" / "routines"

#: Bad files whose fault is in the YAML itself: there is nothing for a schema to look at.
UNREADABLE = {
    "syntax.yaml", "tabs.yaml", "empty.yaml", "only-comments.yaml", "not-utf8.yaml", "binary.yaml",
    "control-char.yaml", "python-tag.yaml", "billion-laughs.yaml", "too-deep.yaml", "two-documents.yaml",
}
#: Bad files with a fault in the shape of the routine: the schema must reject them too.
STRUCTURAL = {
    "top-level-list.yaml", "missing-name.yaml", "missing-steps.yaml", "empty-steps.yaml", "null-steps.yaml",
    "two-kinds.yaml", "no-kind.yaml", "pace-on-timed.yaml", "unknown-sides.yaml", "until-other.yaml",
    "unknown-keys.yaml", "version.yaml", "version-2.yaml", "step-missing-name.yaml", "wrong-types.yaml",
    "bad-durations.yaml", "zero-counts.yaml", "too-long-text.yaml",
}
#: Bad files only the loader can see through: values in range by shape but not by meaning
#: (a window running backwards, a zero length), duplicate keys, the step count after expansion,
#: a length the windows cannot reach.
MEANING = {"duplicate-keys.yaml", "zero-durations.yaml", "window-reversed.yaml", "too-many-steps.yaml",
           "length-out-of-reach.yaml"}


@pytest.fixture(scope="module", params=DRAFTS)
def validator(request):
    """The schema as written, and as VS Code's YAML extension reads it (draft-07 rules)."""
    return editor_validator(SCHEMA_FILE, request.param)


def good_files() -> list[Path]:
    return sorted(DATA.glob("good/*.yaml")) + sorted(ROUTINES_DIR.glob("*.yaml"))


class TestFiles:
    def test_every_bad_file_is_classified(self):
        names = {path.name for path in DATA.glob("bad/*.yaml")}
        assert UNREADABLE | STRUCTURAL | MEANING == names
        assert not (UNREADABLE & STRUCTURAL or STRUCTURAL & MEANING or UNREADABLE & MEANING)

    @pytest.mark.parametrize("path", good_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
    def test_good_files_pass_both(self, path, validator):
        load_routine(path)
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                  for e in validator.iter_errors(as_editor_sees(path.read_bytes()))]
        assert errors == []

    @pytest.mark.parametrize("name", sorted(STRUCTURAL))
    def test_structurally_bad_files_fail_both(self, name, validator):
        path = DATA / "bad" / name
        with pytest.raises(RoutineError):
            load_routine(path)
        assert not validator.is_valid(as_editor_sees(path.read_bytes()))


HEAD = "version: 1\nname: T\nsteps:\n"

AGREED_GOOD = [
    "  - {name: A, time: 1:30}\n",
    "  - {name: A, time: 5-6m}\n",
    "  - {name: A, time: 2-3 min}\n",
    "  - {name: A, time: 1m30s}\n",
    "  - {name: A, time: '1:30-2:00'}\n",
    "  - {name: A, reps: 3}\n",
    "  - {name: A, reps: 3-4, pace: 15s}\n",
    "  - {name: A, reps: 3, estimate: 1m}\n",
    "  - {name: A, until: advance, estimate: 5m}\n",
    "  - {name: A, time: 1m, side: left, optional: glutes, sound: window}\n",
    "  - {name: A, time: 1m, sound: cues/bell.wav}\n",
    "  - {block: B, sides: [left, right], repeat: 2, steps: [{name: A, time: 1m}]}\n",
]

AGREED_BAD = [
    "  - {name: A, time: 90}\n",
    "  - {name: A, time: 5 parsecs}\n",
    "  - {name: A, reps: 0}\n",
    "  - {name: A, reps: many}\n",
    "  - {name: A, until: later}\n",
    "  - {name: A, time: 1m, pace: 10s}\n",
    "  - {name: A, time: 1m, estimate: 1m}\n",
    "  - {name: A, reps: 3, pace: 5s, estimate: 1m}\n",
    "  - {name: A, time: 1m, reps: 2}\n",
    "  - {name: A}\n",
    "  - {time: 1m}\n",
    "  - {name: A, time: 1m, side: top}\n",
    "  - {name: A, time: 1m, colour: blue}\n",
    "  - {name: A, time: 1m, say: ''}\n",
    "  - {name: A, time: 1m, optional: two words}\n",
    "  - {name: A, time: 1m, sound: Big Bell}\n",
    "  - {block: B, steps: []}\n",
    "  - {block: B, sides: [left, left], steps: [{name: A, time: 1m}]}\n",
    "  - {block: B, sides: [], steps: [{name: A, time: 1m}]}\n",
    "  - {block: B, repeat: 0, steps: [{name: A, time: 1m}]}\n",
    "  - Just a name\n",
]


class TestSnippets:
    @pytest.mark.parametrize("body", AGREED_GOOD)
    def test_both_accept(self, body, validator):
        load_routine_text(HEAD + body)
        assert validator.is_valid(as_editor_sees(HEAD + body))

    @pytest.mark.parametrize("body", AGREED_BAD)
    def test_both_reject(self, body, validator):
        with pytest.raises(RoutineError):
            load_routine_text(HEAD + body)
        assert not validator.is_valid(as_editor_sees(HEAD + body))

    @pytest.mark.parametrize("top", ["version: 2\n", "pace: fast\n", "speak: maybe\n", "length: 5-6m\n", "stesp: []\n"])
    def test_both_reject_top_level(self, top, validator):
        text = top + HEAD.replace("version: 1\n", "" if top.startswith("version") else "version: 1\n") \
            + "  - {name: A, time: 1m}\n"
        with pytest.raises(RoutineError):
            load_routine_text(text)
        assert not validator.is_valid(as_editor_sees(text))

    def test_schema_file_is_where_the_code_looks(self):
        assert SCHEMA_FILE.is_file()
        assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))["$schema"].endswith("2020-12/schema")


class TestGenerated:
    """The shipped schema is the one ``kiosk schema routine`` writes from the loader's tables."""

    def test_the_shipped_schema_is_the_generated_one(self):
        assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text("routine"), \
            "schema/routine.schema.json is out of date: run `kiosk schema routine --write`"

    @pytest.mark.parametrize("table, where", [(TOP, ()), (STEP, ("$defs", "step")), (BLOCK, ("$defs", "block"))])
    def test_every_key_of_the_loader_is_in_the_schema_with_its_required_flag(self, table, where):
        node = routine_schema()
        for part in where:
            node = node[part]
        assert list(node["properties"]) == [k.name for k in table]
        assert node["required"] == [k.name for k in table if k.required]

    def test_every_cue_name_is_offered_and_nothing_else(self, validator):
        cues = routine_schema()["$defs"]["sound"]["anyOf"][0]["enum"]
        assert cues == list(CUES)
        for cue in CUES:
            load_routine_text(HEAD + f"  - {{name: A, time: 1m, sound: {cue}}}\n")
            assert validator.is_valid(as_editor_sees(HEAD + f"  - {{name: A, time: 1m, sound: {cue}}}\n"))
        assert not validator.is_valid(as_editor_sees(HEAD + "  - {name: A, time: 1m, sound: bell}\n"))

    @pytest.mark.parametrize("k", [k for table in (TOP, STEP, BLOCK) for k in table if k.required],
                             ids=lambda k: k.name)
    def test_a_required_key_left_out_is_refused_with_the_tables_hint(self, k):
        good = {"version": "1", "name": "T", "steps": "\n  - {block: B, steps: [{name: A, time: 1m}]}"}
        if k in TOP:
            text = "".join(f"{name}: {value}\n" for name, value in good.items() if name != k.name)
        elif k in STEP:
            text = HEAD + "  - {time: 1m}\n"
        else:
            text = HEAD + ("  - {block: B}\n" if k.name == "steps" else "  - {sides: [left], steps: [{name: A, time: 1m}]}\n")
        with pytest.raises(RoutineError) as caught:
            load_routine_text(text)
        problems = [p for p in caught.value.problems if p.message.endswith(f'has no "{k.name}"')]
        assert problems and problems[0].hint == k.missing


class TestYesNo:
    """Routines and the room config read yes / no alike, and the editor agrees with the kiosk."""

    @pytest.mark.parametrize("word", ["true", "yes", "On", "false", "no", "OFF"])
    def test_every_word_the_loader_reads_passes_the_schema(self, word, validator):
        text = f"version: 1\nname: T\nspeak: {word}\nsteps:\n  - name: A\n    time: 1m\n"
        load_routine_text(text)
        assert validator.is_valid(as_editor_sees(text))

    def test_a_word_the_loader_refuses_fails_the_schema(self, validator):
        text = "version: 1\nname: T\nspeak: maybe\nsteps:\n  - name: A\n    time: 1m\n"
        with pytest.raises(RoutineError, match='speak must be true or false, not "maybe"'):
            load_routine_text(text)
        assert not validator.is_valid(as_editor_sees(text))
