"""Walking the nodes of a file a person wrote: mappings with known keys, text values, plain data.

Works on the node tree :mod:`kiosk.yamlsafe` composes (every scalar still raw text, every node
with its position) and reports each problem to a :class:`Report` at its node.
"""

from __future__ import annotations

from collections.abc import Iterable
import os
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kiosk.errors import Problem
from kiosk.vocabulary import did_you_mean

#: Problems listed for one file at the most; past that, one last line says how many more.
MAX_PROBLEMS = 100


def position(where: Node | yaml.Mark | None) -> tuple[int, int]:
    """1-based ``(line, col)`` of a node or mark; ``(0, 0)`` for the file as a whole."""
    if where is None:
        return 0, 0
    mark = where.start_mark if isinstance(where, Node) else where
    return mark.line + 1, mark.column + 1


class Report:
    """The problems found in one file, in any order (errors sort them by position)."""

    def __init__(self, path: str | os.PathLike[str], what: str = "a routine"):
        self.path = str(path)
        #: What the file is, for hints that name it ("a routine", "the room config").
        self.what = what
        self.problems: list[Problem] = []

    def add(self, where: Node | yaml.Mark | None, message: str, hint: str = "") -> None:
        line, col = position(where)
        self.problems.append(Problem(self.path, line, col, message, hint))

    def add_at(self, line: int, col: int, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.path, line, col, message, hint))

    def __bool__(self) -> bool:
        return bool(self.problems)

    def __len__(self) -> int:
        return len(self.problems)

    def raise_if_any(self, error: type[Exception]) -> None:
        """Raise ``error(problems)`` (a FileProblemsError subclass) when anything was found.

        Past :data:`MAX_PROBLEMS` only the first ones in the file are kept, and a last problem
        says how many more there are: nobody reads sixty thousand lines.
        """
        if not self.problems:
            return
        problems = sorted(self.problems)
        if len(problems) > MAX_PROBLEMS:
            rest = problems[MAX_PROBLEMS]
            problems = problems[:MAX_PROBLEMS] + [
                Problem(self.path, rest.line, rest.col, f"... and {len(self.problems) - MAX_PROBLEMS} more problems",
                        "fix the ones above first")]
        raise error(problems)



def describe(node: Node) -> str:
    """What a node is, in words a person who wrote it would use."""
    if isinstance(node, MappingNode):
        return "a mapping (key: value lines)"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.value == "":
        return "nothing"
    return f'"{shorten(node.value)}"'


def shorten(text: str, limit: int = 40) -> str:
    """``text`` cut to ``limit`` characters for a message, on one line."""
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Fields:
    """A mapping node read as fields: duplicates and unknown keys reported, values looked up by name.

    Keys are compared by their raw text. A duplicate is reported at the second key and ignored.
    """

    def __init__(self, node: MappingNode, report: Report, what: str):
        self.node = node
        self.report = report
        self.what = what
        self.keys: dict[str, ScalarNode] = {}
        self.values: dict[str, Node] = {}
        for key, value in node.value:
            if not isinstance(key, ScalarNode):
                report.add(key, f"a key in {what} must be a word, not {describe(key)}")
                continue
            name = key.value
            if name in self.keys:
                first = self.keys[name].start_mark.line + 1
                report.add(key, f'duplicate key "{shorten(name)}" in {what} (first on line {first})',
                           "keep one of them")
                continue
            self.keys[name] = key
            self.values[name] = value

    def check_known(self, known: Iterable[str]) -> None:
        """Report every key not in ``known``, with a "did you mean"."""
        known = list(known)
        for name, key in self.keys.items():
            if name not in known:
                self.report.add(key, f'unknown key "{shorten(name)}" in {self.what}', did_you_mean(name, known))

    def __contains__(self, name: str) -> bool:
        return name in self.values

    def get(self, name: str) -> Node | None:
        return self.values.get(name)

    def key(self, name: str) -> ScalarNode | None:
        return self.keys.get(name)

    def present(self, names: Iterable[str]) -> list[str]:
        """Which of ``names`` are here, in file order."""
        wanted = set(names)
        return [name for name in self.keys if name in wanted]


def mapping(node: Node, report: Report, what: str) -> Fields | None:
    """``Fields`` of ``node`` if it is a mapping; otherwise report and return ``None``."""
    if isinstance(node, MappingNode):
        return Fields(node, report, what)
    report.add(node, f"{what} must be a mapping (key: value lines), not {describe(node)}")
    return None


def scalar_text(node: Node, report: Report, what: str, *, max_len: int, required: bool = True) -> str | None:
    """The raw text of a scalar, stripped; ``None`` (reported) if not text, empty or too long."""
    if not isinstance(node, ScalarNode):
        report.add(node, f"{what} must be text, not {describe(node)}")
        return None
    text = node.value.strip()
    if required and not text:
        report.add(node, f"{what} is empty", "write something after the colon, or leave the key out")
        return None
    if len(text) > max_len:
        report.add(node, f"{what} is too long ({len(text)} characters; at most {max_len})", "shorten it")
        return None
    return text


def to_plain(node: Node) -> Any:
    """Nodes to Python data the way a YAML 1.2 reader (an editor) sees them: for schema checks."""
    if isinstance(node, MappingNode):
        return {to_plain(k): to_plain(v) for k, v in node.value}
    if isinstance(node, SequenceNode):
        return [to_plain(item) for item in node.value]
    value = node.value
    if getattr(node, "style", None) is None:  # a plain scalar: YAML 1.2's core schema applies
        if value in ("", "~", "null", "Null", "NULL"):
            return None
        if value in ("true", "True", "TRUE"):
            return True
        if value in ("false", "False", "FALSE"):
            return False
        body = value[1:] if value[:1] in "+-" else value
        if body.isdigit() and body.isascii() and len(body) < 100:
            return int(value)
        try:
            if any(c.isdigit() for c in value) and "_" not in value:
                number = float(value)
                if value.strip().lower() not in ("inf", "+inf", "-inf", "nan"):
                    return number
        except ValueError:
            pass
    return value
