"""Routine files (YAML) to :class:`~kiosk.routines.model.Routine`, or every problem with line and column.

The YAML is read by :mod:`kiosk.yamlsafe` (size cap, no tags, no aliases, depth limit); this module
checks the routine format on the raw text of each value, so ``1:30`` is a minute and a half and a step
called ``No`` keeps its name. Problems are collected, never raised one by one: a clinic manager fixes
the whole file in one pass.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import cast

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kiosk import yamlsafe
from kiosk.errors import Problem, RoutineError
from kiosk.routines.durations import ascii_digits, fmt_clock
from kiosk.routines.format import (
    BLOCK, KIND_KEYS, MAX_BLOCKS, MAX_CAUTION, MAX_DEPTH, MAX_NAME, MAX_NOTE, MAX_STEPS, MAX_TEXT, MAX_WORD,
    PACES, STEP, TOP, VERSION, WORD, Key, key, names,
)
from kiosk.routines.plan import TOLERANCE_S, reachable
from kiosk.routines.model import DEFAULT_WARNING_S, SIDES, Block, Item, Kind, Pace, Routine, Side, Step
from kiosk.routines.values import ValueReader
from kiosk.vocabulary import did_you_mean
from kiosk.yamlsafe import Fields, Report, describe, mapping, shorten

MAX_BYTES = yamlsafe.MAX_BYTES
TOP_KEYS = names(TOP)
STEP_KEYS = names(STEP)
BLOCK_KEYS = names(BLOCK)
ROUTINE_SUFFIXES = (".yaml", ".yml")

_WORD = re.compile(WORD)
#: Nesting past MAX_DEPTH, said in a routine's own terms: blocks inside blocks.
TOO_DEEP = (f"blocks nested too deeply (at most {MAX_BLOCKS} blocks inside each other)",
            "move the innermost steps up into the block around them")


def load_routine(path: str | os.PathLike[str]) -> Routine:
    """The routine in the file at ``path``; :class:`RoutineError` lists every problem in it."""
    report = Report(path)
    root = yamlsafe.load_file(path, report, max_bytes=MAX_BYTES, max_depth=MAX_DEPTH, too_deep=TOO_DEEP)
    return _finish(root, report, Path(path).parent)


def load_routine_text(source: str | bytes, path: str | os.PathLike[str] = "<text>") -> Routine:
    """The routine in ``source`` (text or bytes), reported as if read from ``path``.

    Sound files are not looked for on disk: there is no folder they are relative to.
    """
    report = Report(path)
    root = yamlsafe.load_nodes(source, report, max_bytes=MAX_BYTES, max_depth=MAX_DEPTH, too_deep=TOO_DEEP)
    return _finish(root, report, None)


def routine_files(path: str | os.PathLike[str]) -> list[Path]:
    """The routine files at ``path``: itself if a file, else ``*.yaml`` / ``*.yml`` below it, sorted.

    Hidden files and folders (a leading dot) are left out.
    """
    path = Path(path)
    if not path.is_dir():
        return [path]
    found: list[Path] = []
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(root) / name for name in files
                     if name.lower().endswith(ROUTINE_SUFFIXES) and not name.startswith("."))
    return sorted(found)


def load_routines(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Routine], list[RoutineError]]:
    """Every routine under ``paths`` (files or folders): the good ones, and an error per bad file."""
    routines: list[Routine] = []
    errors: list[RoutineError] = []
    for path in paths:
        if not os.path.exists(path):
            errors.append(RoutineError([Problem(str(path), 0, 0, "no such file or folder")]))
            continue
        for file in routine_files(path):
            try:
                routines.append(load_routine(file))
            except RoutineError as exc:
                errors.append(exc)
    return routines, errors


def expanded_count(items: Iterable[Item]) -> int:
    """How many steps a session runs when every block is expanded (sides x repeat), all tags kept."""
    total = 0
    for item in items:
        if isinstance(item, Block):
            total += expanded_count(item.steps) * max(1, len(item.sides)) * item.repeat
        else:
            total += 1
    return total


def _finish(root: Node | None, report: Report, folder: Path | None) -> Routine:
    routine = _Reader(report, folder).routine(root) if root is not None else None
    report.raise_if_any(RoutineError)
    assert routine is not None
    return routine


class _Reader(ValueReader):
    """Checks one routine's nodes, adding every problem to the report."""

    def __init__(self, report: Report, folder: Path | None):
        super().__init__(report, folder)
        self.tags: list[str] = []

    # -- the routine ----------------------------------------------------------------------------

    def routine(self, root: Node) -> Routine | None:
        if not isinstance(root, MappingNode):
            self.report.add(root, f"a routine must be a mapping (key: value lines), not {describe(root)}",
                            'start with "version: 1", "name: ..." and "steps:"')
            return None
        top = Fields(root, self.report, "the routine")
        top.check_known(TOP_KEYS)
        self._version(top, root)
        name = self._required_text(top, key(TOP, "name"), root, "the routine", MAX_NAME)
        summary = self._optional_text(top, "summary", MAX_TEXT)
        length = self._fixed(top, "length")
        warning = self._fixed(top, "warning")
        pace = self._choice(top, "pace", PACES)
        speak = self._bool(top, "speak")
        language = self._language(top, "language")
        steps = self._steps(top, key(TOP, "steps"), root, "the routine", in_sides=False)
        if "steps" in top:
            count = expanded_count(steps)
            if count > MAX_STEPS:
                said = f"{count}" if count < 10**6 else "more than a million"
                self.report.add(top.key("steps"), f"the routine expands to {said} steps (at most {MAX_STEPS})",
                                "lower repeat or sides in its blocks, or split the routine")
        if self.report or name is None:
            return None
        routine = Routine(
            name=name, steps=tuple(steps), summary=summary or "", length_s=length,
            pace=cast(Pace, pace or PACES[0]), warning_s=warning if warning is not None else DEFAULT_WARNING_S,
            speak=speak, language=language, version=int(VERSION), path=self.report.path, optional_tags=tuple(self.tags),
        )
        self._length_in_reach(routine, top)
        return routine

    def _length_in_reach(self, routine: Routine, top: Fields) -> None:
        """A ``length`` the windows cannot reach would fail on the kiosk when the routine is picked:
        report it here, with the range the steps can reach."""
        if routine.length_s is None:
            return
        low, high = reachable(routine)
        if low - TOLERANCE_S <= routine.length_s <= high + TOLERANCE_S:
            return
        self.report.add(
            top.get("length"),
            f"length {fmt_clock(routine.length_s)} is out of reach: with all its steps this routine "
            f"lasts from {fmt_clock(low)} to {fmt_clock(high)}",
            "set a length in that range, or widen the steps' windows",
        )

    def _version(self, top: Fields, root: Node) -> None:
        node = self._require(top, key(TOP, "version"), root, "the routine")
        if node is None:
            return
        text = yamlsafe.scalar_text(node, self.report, "version", max_len=MAX_WORD)
        if text is not None and text != VERSION:
            self.report.add(node, f'unknown version "{shorten(text)}"', f"this kiosk reads version: {VERSION} routines")

    # -- lists of items ---------------------------------------------------------------------------

    def _steps(self, fields: Fields, k: Key, owner: Node, what: str, *, in_sides: bool) -> list[Item]:
        node = self._require(fields, k, owner, what)
        if node is None:
            return []
        if isinstance(node, ScalarNode) and not node.value.strip():
            self.report.add(fields.key("steps"), f"the steps of {what} are empty", "list at least one step")
            return []
        if not isinstance(node, SequenceNode):
            self.report.add(node, f'"steps" must be a list (lines starting with "- "), not {describe(node)}')
            return []
        if not node.value:
            self.report.add(node, f"the steps of {what} are empty", "list at least one step")
            return []
        items = []
        for child in node.value:
            item = self._item(child, in_sides=in_sides)
            if item is not None:
                items.append(item)
        return items

    def _item(self, node: Node, *, in_sides: bool) -> Item | None:
        fields = mapping(node, self.report, "a step")
        if fields is None:
            return None
        if fields.present(("block", "sides", "repeat", "steps")):
            fields.what = "a block"
            return self._block(fields, node, in_sides=in_sides)
        return self._step(fields, node, in_sides=in_sides)

    # -- steps ----------------------------------------------------------------------------------

    def _step(self, f: Fields, node: Node, *, in_sides: bool) -> Step | None:
        name = self._required_text(f, key(STEP, "name"), node, "a step", MAX_NAME)
        label = f'step "{shorten(name)}"' if name else "this step"
        f.what = label
        f.check_known(STEP_KEYS)
        kinds = f.present(KIND_KEYS)
        if not kinds:
            self.report.add(node, f"{label} has no time, reps or until",
                            "add one of time: 2m, reps: 3 or until: advance")
        elif len(kinds) > 1:
            self.report.add(f.key(kinds[1]), f"{label} has both {kinds[0]} and {kinds[1]}",
                            "a step has exactly one of time, reps and until")
        kind = {"time": "timed", "reps": "reps", "until": "manual"}[kinds[0]] if len(kinds) == 1 else None
        time = self._window(f, "time")
        reps = self._count(f, "reps")
        self._until(f)
        pace = None
        if "pace" in f:
            if kind in ("timed", "manual"):
                self.report.add(f.key("pace"), f'"pace" is only for reps steps, not for a {kind} step',
                                "remove it; pace: 15s means one rep every 15 s")
            else:
                pace = self._fixed(f, "pace")
        estimate = None
        if "estimate" in f:
            if kind == "timed":
                self.report.add(f.key("estimate"), 'a timed step needs no "estimate"',
                                "remove it; the step lasts its time")
            elif kind == "reps" and "pace" in f:
                self.report.add(f.key("estimate"), 'a paced step needs no "estimate"',
                                "remove it; the step lasts reps x pace")
            else:
                estimate = self._fixed(f, "estimate")
        rep_name = self._optional_text(f, "rep_name", MAX_WORD)
        if rep_name is not None and kind in ("timed", "manual"):
            self.report.add(f.key("rep_name"), f'"rep_name" is only for reps steps, not for a {kind} step',
                            'remove it; on a reps step, rep_name: sweep shows "sweep 2 of 3-4"')
            rep_name = None
        say = self._optional_text(f, "say", MAX_TEXT)
        caution = self._optional_text(f, "caution", MAX_CAUTION)
        note = self._optional_text(f, "note", MAX_NOTE)
        sound = self._sound(f)
        side = self._choice(f, "side", SIDES)
        if side is not None and in_sides:
            self.report.add(f.get("side"), f"{label} sets a side inside a block that runs per side",
                            "remove side: here; the block's sides decide it")
        optional = self._tag(f)
        if name is None or kind is None:
            return None
        return Step(
            name=name, kind=cast(Kind, kind), time=time if kind == "timed" else None,
            reps=reps if kind == "reps" else None, pace_s=pace, estimate_s=estimate,
            rep_name=rep_name or None, say=say or "", caution=caution or "", note=note or "", sound=sound,
            side=cast("Side | None", side),
            optional=optional, line=node.start_mark.line + 1,
        )

    # -- blocks ---------------------------------------------------------------------------------

    def _block(self, f: Fields, node: Node, *, in_sides: bool) -> Block | None:
        name = self._required_text(f, key(BLOCK, "block"), node, "a block", MAX_NAME)
        f.what = f'block "{shorten(name)}"' if name else "this block"
        f.check_known(BLOCK_KEYS)
        sides = self._sides(f)
        if sides and in_sides:
            self.report.add(f.key("sides"), "a block with sides inside a block that already runs per side",
                            "give sides to one of the two blocks only")
        repeat = self._repeat(f)
        optional = self._tag(f)
        steps = self._steps(f, key(BLOCK, "steps"), node, f.what, in_sides=in_sides or bool(sides))
        if name is None:
            return None
        return Block(name=name, steps=tuple(steps), sides=cast("tuple[Side, ...]", tuple(sides)), repeat=repeat,
                     optional=optional, line=node.start_mark.line + 1)

    def _sides(self, f: Fields) -> list[str]:
        node = f.get("sides")
        if node is None:
            return []
        if not isinstance(node, SequenceNode):
            self.report.add(node, f"sides must be a list such as [left, right], not {describe(node)}")
            return []
        if not node.value:
            self.report.add(node, "sides is an empty list", "write [left, right], or leave sides out")
            return []
        sides: list[str] = []
        for item in node.value:
            text = yamlsafe.scalar_text(item, self.report, "a side", max_len=MAX_WORD)
            if text is None:
                continue
            if text not in SIDES:
                self.report.add(item, f'unknown side "{shorten(text)}"',
                                did_you_mean(text, SIDES, "sides are: "))
            elif text in sides:
                self.report.add(item, f'side "{text}" is listed twice', "list each side once")
            else:
                sides.append(text)
        return sides

    def _repeat(self, f: Fields) -> int:
        text = self._value_text(f, "repeat", max_len=MAX_WORD)
        if text is None:
            return 1
        if not (text.lstrip("+-").isdigit() and text.isascii()):
            ascii = ascii_digits(text)
            hint = f'write "repeat: {ascii}" with the digits 0-9' if ascii else "repeat: 2 runs the block twice"
            self.report.add(f.get("repeat"), f'repeat must be a whole number, not "{shorten(text)}"', hint)
            return 1
        value = int(text)
        if value < 1:
            self.report.add(f.get("repeat"), f"repeat must be at least 1, not {value}",
                            "leave the block out of the routine, or tag it optional")
            return 1
        return value

    def _tag(self, f: Fields) -> str | None:
        text = self._value_text(f, "optional")
        if text is None:
            return None
        if not _WORD.match(text):
            self.report.add(f.get("optional"), f'optional tag "{shorten(text)}" must be one word',
                            "use letters, digits, - and _, for example optional: glutes")
            return None
        if text not in self.tags:
            self.tags.append(text)
        return text
