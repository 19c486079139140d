"""Thousands of generated documents: the loader returns a sound routine or raises RoutineError, nothing else.

Random bytes, random YAML-ish text, random YAML structures shaped like routines, and mutations of the
good routines (lines deleted, duplicated, swapped, re-indented; keys deleted; values retyped or swapped).
"""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk import yamlsafe
from kiosk.errors import RoutineError
from kiosk.paths import ROUTINES_DIR
from kiosk.routines.loader import BLOCK_KEYS, MAX_STEPS, STEP_KEYS, TOP_KEYS, expanded_count, load_routine_text
from kiosk.routines.model import Block, Step

DATA = Path(__file__).resolve().parent.parent / "data" / "routines"
GOOD_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(DATA.glob("good/*.yaml")) + sorted(ROUTINES_DIR.glob("*.yaml"))]
FUZZ = settings(max_examples=700, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                        HealthCheck.data_too_large])


def check(source: str | bytes) -> None:
    """The property: a routine that holds together, or a RoutineError with positioned problems."""
    try:
        routine = load_routine_text(source, "fuzz.yaml")
    except RoutineError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.path == "fuzz.yaml" and problem.message
            assert problem.line >= 0 and problem.col >= 0
        return
    assert routine.name.strip() and routine.steps
    assert 1 <= expanded_count(routine.steps) <= MAX_STEPS
    stack = list(routine.steps)
    while stack:
        item = stack.pop()
        if isinstance(item, Block):
            assert item.steps and item.repeat >= 1 and len(set(item.sides)) == len(item.sides)
            stack.extend(item.steps)
            continue
        assert isinstance(item, Step) and item.name.strip()
        assert (item.time is not None, item.reps is not None) == (item.kind == "timed", item.kind == "reps")
        if item.time is not None:
            assert 0 < item.time.min_s <= item.time.max_s
        if item.reps is not None:
            assert 1 <= item.reps.min <= item.reps.max
        if item.pace_s is not None:
            assert item.kind == "reps" and item.pace_s > 0


# -- random structures shaped like routines -------------------------------------------------------

VALUES = st.sampled_from([
    "5m", "5-6m", "1:30", "1:30-2:00", "90", "0s", "-5m", "6-5m", "3", "3-4", "0", "4-3", "advance",
    "left", "right", "top", "auto", "manual", "true", "false", "No", "On", "null", "", " ", "glutes",
    "chime", "bell.wav", "2.5", "99999999999999999999", "1e309", "∞", "5 min", "x" * 130,
])
SCALARS = st.one_of(VALUES, st.integers(-3, 10**6), st.floats(allow_nan=True), st.booleans(), st.none(),
                    st.text(max_size=12))
KEYS = st.sampled_from(sorted(set(TOP_KEYS + STEP_KEYS + BLOCK_KEYS)) + ["stesp", "nmae", ""])


def routine_like():
    leaf = SCALARS
    tree = st.recursive(
        leaf,
        lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=5)),
        max_leaves=25,
    )
    step = st.dictionaries(KEYS, st.one_of(VALUES, tree), min_size=1, max_size=6)
    block = st.fixed_dictionaries(
        {"block": VALUES, "steps": st.lists(step, max_size=3)},
        optional={"sides": st.lists(VALUES, max_size=3), "repeat": st.one_of(VALUES, st.integers(-1, 400))},
    )
    items = st.lists(st.one_of(step, block, tree), max_size=5)
    return st.fixed_dictionaries(
        {},
        optional={"version": st.one_of(st.just(1), VALUES), "name": st.one_of(VALUES, tree),
                  "steps": st.one_of(items, tree), "pace": VALUES, "speak": SCALARS, "length": VALUES,
                  "warning": VALUES},
    )


class TestGenerated:
    @FUZZ
    @given(st.binary(max_size=600))
    def test_random_bytes(self, data):
        check(data)

    @FUZZ
    @given(st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|>'\"#%@?,\t\n \r\\~.0123456789ñ\x85\ufeff")),
                   max_size=300))
    def test_random_yaml_ish_text(self, text):
        check(text)

    @FUZZ
    @given(routine_like(), st.booleans())
    def test_random_structures(self, data, flow):
        check(yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True, sort_keys=False))


# -- mutations of good routines ---------------------------------------------------------------------

@st.composite
def mutated_lines(draw):
    lines = draw(st.sampled_from(GOOD_TEXTS)).splitlines()
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "indent", "dedent", "value", "char"]))
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "indent":
            lines[i] = "  " + lines[i]
        elif op == "dedent":
            lines[i] = lines[i][2:]
        elif op == "value" and ":" in lines[i]:
            lines[i] = lines[i].split(":", 1)[0] + ": " + draw(VALUES)
        elif op == "char" and lines[i]:
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(st.sampled_from(list(":-[]{}&*!|>'\"#\t"))) + lines[i][at:]
    return "\n".join(lines) + "\n"


def plain(text: str):
    report = yamlsafe.Report("<good>")
    return yamlsafe.to_plain(yamlsafe.load_nodes(text, report))


GOOD_DATA = [plain(text) for text in GOOD_TEXTS]


def paths(data, prefix=()):
    """Every (path, value) in nested data, so a mutation can pick any place."""
    yield prefix, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from paths(value, prefix + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from paths(value, prefix + (index,))


def at(data, path):
    for key in path:
        data = data[key]
    return data


@st.composite
def mutated_data(draw):
    import copy

    data = copy.deepcopy(draw(st.sampled_from(GOOD_DATA)))
    for _ in range(draw(st.integers(1, 3))):
        places = [p for p, _ in paths(data) if p]
        if not places:
            break
        path = draw(st.sampled_from(places))
        parent, key = at(data, path[:-1]), path[-1]
        op = draw(st.sampled_from(["delete", "retype", "swap", "rename"]))
        if op == "delete":
            del parent[key]
        elif op == "retype":
            parent[key] = draw(st.one_of(SCALARS, st.just([]), st.just({}), st.just([parent[key]]),
                                         st.just({"x": parent[key]})))
        elif op == "swap":
            other = draw(st.sampled_from(places))
            if other[: len(path)] != path and path[: len(other)] != other:
                other_parent = at(data, other[:-1])
                parent[key], other_parent[other[-1]] = other_parent[other[-1]], parent[key]
        elif op == "rename" and isinstance(parent, dict):
            parent[draw(KEYS)] = parent.pop(key)
    return data


class TestMutatedGoodRoutines:
    @FUZZ
    @given(mutated_lines())
    def test_line_mutations(self, text):
        check(text)

    @FUZZ
    @given(mutated_data(), st.booleans())
    def test_data_mutations(self, data, flow):
        check(yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True, sort_keys=False))

    def test_good_routines_are_the_seeds(self):
        for text in GOOD_TEXTS:
            check(text)
            load_routine_text(text)
