"""Routine files (YAML) to :class:`~kiosk.routines.model.Routine`, or every problem with line and column.

The YAML is read by :mod:`kiosk.yamlsafe` (size cap, no tags, no aliases, depth limit); this module
checks the routine format on the raw text of each value, so ``1:30`` is a minute and a half and a step
called ``No`` keeps its name. Problems are collected, never raised one by one: a clinic manager fixes
the whole file in one pass.
"""

from __future__ import annotations

import dataclasses

import difflib
import os
import re
from collections.abc import Iterable
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kiosk import yamlsafe
from kiosk.audio.cues import CUES
from kiosk.errors import Problem, RoutineError
from kiosk.routines.durations import DurationError, parse_count, parse_duration, parse_window
from kiosk.routines.model import DEFAULT_WARNING_S, SIDES, Block, Count, Item, Routine, Step, Window
from kiosk.yamlsafe import Fields, Report, describe, mapping, shorten

MAX_BYTES = yamlsafe.MAX_BYTES
#: YAML nesting allowed; a block inside a block inside a block still fits comfortably.
MAX_DEPTH = 16
#: Blocks inside blocks that MAX_DEPTH leaves room for (each takes a mapping and a list).
MAX_BLOCKS = (MAX_DEPTH - 3) // 2
#: Steps after blocks are expanded (sides x repeat); a 90-minute routine has well under 100.
MAX_STEPS = 500
MAX_SECONDS = 24 * 3600.0
MAX_NAME = 120
MAX_TEXT = 1000
#: A caution is a banner above the instruction: longer ones covered the screen and hid ``say``.
MAX_CAUTION = 200
MAX_NOTE = 5000
MAX_WORD = 40

VERSION = "1"
TOP_KEYS = ("version", "name", "summary", "length", "pace", "warning", "speak", "steps")
STEP_KEYS = ("name", "time", "reps", "until", "pace", "estimate", "rep_name", "say", "caution", "note",
             "sound", "side", "optional")
BLOCK_KEYS = ("block", "steps", "sides", "repeat", "optional")
KIND_KEYS = ("time", "reps", "until")
PACES = ("auto", "manual")
ROUTINE_SUFFIXES = (".yaml", ".yml")

_WORD = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_TRUE = ("true", "True", "TRUE")
_FALSE = ("false", "False", "FALSE")


def load_routine(path: str | os.PathLike[str]) -> Routine:
    """The routine in the file at ``path``; :class:`RoutineError` lists every problem in it."""
    report = Report(path)
    root = yamlsafe.load_file(path, report, max_bytes=MAX_BYTES, max_depth=MAX_DEPTH)
    return _finish(root, _in_blocks(report), Path(path).parent)


def _in_blocks(report: Report) -> Report:
    """Say YAML's depth limit in the routine's own terms: how many blocks may sit inside each other."""
    report.problems[:] = [
        dataclasses.replace(p, message=f"blocks nested too deeply (at most {MAX_BLOCKS} blocks inside each other)",
                            hint="move the innermost steps up into the block around them")
        if p.message.startswith("nested too deeply") else p for p in report.problems]
    return report


def load_routine_text(source: str | bytes, path: str | os.PathLike[str] = "<text>") -> Routine:
    """The routine in ``source`` (text or bytes), reported as if read from ``path``.

    Sound files are not looked for on disk: there is no folder they are relative to.
    """
    report = Report(path)
    root = yamlsafe.load_nodes(source, report, max_bytes=MAX_BYTES, max_depth=MAX_DEPTH)
    return _finish(root, _in_blocks(report), None)


def routine_files(path: str | os.PathLike[str]) -> list[Path]:
    """The routine files at ``path``: itself if a file, else ``*.yaml`` / ``*.yml`` below it, sorted.

    Hidden files and folders (a leading dot) are left out.
    """
    path = Path(path)
    if not path.is_dir():
        return [path]
    found = []
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


class _Reader:
    """Checks one routine's nodes, adding every problem to the report."""

    def __init__(self, report: Report, folder: Path | None):
        self.report = report
        self.folder = folder
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
        name = self._required_text(top, "name", root, "the routine", MAX_NAME)
        summary = self._optional_text(top, "summary", MAX_TEXT)
        length = self._fixed(top, "length")
        warning = self._fixed(top, "warning")
        pace = self._choice(top, "pace", PACES)
        speak = self._bool(top, "speak")
        steps = self._steps(top, root, "the routine", in_sides=False)
        if "steps" in top:
            count = expanded_count(steps)
            if count > MAX_STEPS:
                said = f"{count}" if count < 10**6 else "more than a million"
                self.report.add(top.key("steps"), f"the routine expands to {said} steps (at most {MAX_STEPS})",
                                "lower repeat or sides in its blocks, or split the routine")
        if self.report:
            return None
        return Routine(
            name=name, steps=tuple(steps), summary=summary or "", length_s=length,
            pace=pace or "auto", warning_s=warning if warning is not None else DEFAULT_WARNING_S,
            speak=speak, version=int(VERSION), path=self.report.path, optional_tags=tuple(self.tags),
        )

    def _version(self, top: Fields, root: Node) -> None:
        if "version" not in top:
            self.report.add(root, 'the routine has no "version"', 'add "version: 1" at the top of the file')
            return
        text = yamlsafe.scalar_text(top.get("version"), self.report, "version", max_len=MAX_WORD)
        if text is not None and text != VERSION:
            self.report.add(top.get("version"), f'unknown version "{shorten(text)}"',
                            "this kiosk reads version: 1 routines")

    # -- lists of items ---------------------------------------------------------------------------

    def _steps(self, fields: Fields, owner: Node, what: str, *, in_sides: bool) -> list[Item]:
        node = fields.get("steps")
        if node is None:
            self.report.add(owner, f'{what} has no "steps"', "add steps: with a list of steps under it")
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
        name = self._required_text(f, "name", node, "a step", MAX_NAME)
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
            name=name, kind=kind, time=time if kind == "timed" else None,
            reps=reps if kind == "reps" else None, pace_s=pace, estimate_s=estimate,
            rep_name=rep_name or None, say=say or "", caution=caution or "", note=note or "", sound=sound, side=side,
            optional=optional, line=node.start_mark.line + 1,
        )

    def _window(self, f: Fields, key: str) -> Window | None:
        text = self._value_text(f, key)
        if text is None:
            return None
        try:
            low, high = parse_window(text)
        except DurationError as exc:
            self.report.add(f.get(key), exc.message, exc.hint)
            return None
        if not self._within_a_day(f, key, high, low):
            return None
        return Window(low, high)

    def _count(self, f: Fields, key: str) -> Count | None:
        text = self._value_text(f, key)
        if text is None:
            return None
        try:
            low, high = parse_count(text)
        except DurationError as exc:
            self.report.add(f.get(key), exc.message, exc.hint)
            return None
        if high > MAX_STEPS * 10:
            self.report.add(f.get(key), f"{high} reps is more than a session holds (at most {MAX_STEPS * 10})",
                            "check the number")
            return None
        return Count(low, high)

    def _until(self, f: Fields) -> None:
        text = self._value_text(f, "until")
        if text is not None and text != "advance":
            self.report.add(f.get("until"), f'until must be "advance", not "{shorten(text)}"',
                            "until: advance waits for the therapist to move on")

    def _sound(self, f: Fields) -> str | None:
        text = self._value_text(f, "sound", max_len=200)
        if text is None:
            return None
        node = f.get("sound")
        if text.lower().endswith(".wav"):
            relative = Path(text)
            if relative.is_absolute() or ".." in relative.parts:
                self.report.add(node, f'sound file "{shorten(text)}" must be inside the routine\'s folder',
                                "give a path relative to the routine file, such as sounds/bell.wav")
                return None
            if self.folder is None:
                return text
            target = (self.folder / relative).resolve()
            if not target.is_file():
                self.report.add(node, f'sound file "{shorten(text)}" not found', f"looked for {target}")
                return None
            return str(target)
        if text not in CUES:
            near = difflib.get_close_matches(text, CUES, n=1)
            hint = f'did you mean "{near[0]}"?' if near else "use one of " + ", ".join(CUES)
            self.report.add(node, f'"{shorten(text)}" is not a sound cue name or a .wav file',
                            hint + " (or a path such as sounds/bell.wav)")
            return None
        return text

    # -- blocks ---------------------------------------------------------------------------------

    def _block(self, f: Fields, node: Node, *, in_sides: bool) -> Block | None:
        name = self._required_text(f, "block", node, "a block", MAX_NAME)
        f.what = f'block "{shorten(name)}"' if name else "this block"
        f.check_known(BLOCK_KEYS)
        sides = self._sides(f)
        if sides and in_sides:
            self.report.add(f.key("sides"), "a block with sides inside a block that already runs per side",
                            "give sides to one of the two blocks only")
        repeat = self._repeat(f)
        optional = self._tag(f)
        steps = self._steps(f, node, f.what, in_sides=in_sides or bool(sides))
        if name is None:
            return None
        return Block(name=name, steps=tuple(steps), sides=tuple(sides), repeat=repeat,
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
                                yamlsafe.did_you_mean(text, SIDES).replace("allowed here", "sides are"))
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
            self.report.add(f.get("repeat"), f'repeat must be a whole number, not "{shorten(text)}"',
                            "repeat: 2 runs the block twice")
            return 1
        value = int(text)
        if value < 1:
            self.report.add(f.get("repeat"), f"repeat must be at least 1, not {value}",
                            "leave the block out of the routine, or tag it optional")
            return 1
        return value

    # -- single values --------------------------------------------------------------------------

    def _value_text(self, f: Fields, key: str, *, max_len: int = MAX_WORD) -> str | None:
        node = f.get(key)
        if node is None:
            return None
        return yamlsafe.scalar_text(node, self.report, key, max_len=max_len)

    def _required_text(self, f: Fields, key: str, owner: Node, what: str, max_len: int) -> str | None:
        if key not in f:
            self.report.add(owner, f'{what} has no "{key}"', f"add {key}: with a short name")
            return None
        return yamlsafe.scalar_text(f.get(key), self.report, key, max_len=max_len)

    def _optional_text(self, f: Fields, key: str, max_len: int) -> str | None:
        return self._value_text(f, key, max_len=max_len)

    def _fixed(self, f: Fields, key: str) -> float | None:
        text = self._value_text(f, key)
        if text is None:
            return None
        try:
            seconds = parse_duration(text)
        except DurationError as exc:
            hint = exc.hint
            if re.search(r"\d\s*(-|–|—|\bto\b)\s*\d", text):
                hint = f"{key} is one duration, not a window"
            self.report.add(f.get(key), exc.message, hint)
            return None
        if not self._within_a_day(f, key, seconds):
            return None
        return seconds

    def _within_a_day(self, f: Fields, key: str, seconds: float, low: float | None = None) -> bool:
        if seconds > MAX_SECONDS:
            self.report.add(f.get(key), f"{key} is longer than 24 hours", "check the unit")
            return False
        if 0 < (seconds if low is None else low) < 1:  # the screen counts whole seconds: "0s"
            self.report.add(f.get(key), f"{key} is shorter than a second", "write at least 1s")
            return False
        return True

    def _choice(self, f: Fields, key: str, choices: tuple[str, ...]) -> str | None:
        text = self._value_text(f, key)
        if text is None:
            return None
        if text not in choices:
            self.report.add(f.get(key), f'{key} must be {" or ".join(choices)}, not "{shorten(text)}"',
                            yamlsafe.did_you_mean(text, choices) if _close(text, choices) else "")
            return None
        return text

    def _bool(self, f: Fields, key: str) -> bool | None:
        text = self._value_text(f, key)
        if text is None:
            return None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        self.report.add(f.get(key), f'{key} must be true or false, not "{shorten(text)}"')
        return None

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


def _close(text: str, choices: tuple[str, ...]) -> bool:
    return bool(difflib.get_close_matches(text.lower(), choices, n=1, cutoff=0.6))
