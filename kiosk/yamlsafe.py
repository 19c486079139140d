"""Safe YAML reading for files people write by hand: every problem found, each with line and column.

Routine files and the room configuration are read through here. What is refused, and why:

- files over a size cap, before any parsing (a file is read only up to the cap);
- binary or non-UTF-8 content, control characters and tabs in indentation;
- tags (``!!python/object`` and friends are reported, never constructed);
- anchors and aliases (no billion laughs: an alias is never expanded);
- nesting deeper than a limit (reading stops there: no stack overflow, no time spent on the rest).

The result is a tree of PyYAML nodes with exact marks; nothing is resolved the YAML 1.1 way, so a
reader takes the raw text of a scalar (``1:30`` stays ``"1:30"``, ``No`` stays ``"No"``). The
:class:`Report` collects problems and :class:`Fields` walks a mapping with known keys.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable

import yaml
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceStartEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kiosk.errors import Problem

MAX_BYTES = 256 * 1024
MAX_DEPTH = 32
MAX_PROBLEMS_PER_KIND = 20
MAX_PROBLEMS = 100

#: Explicit tags that name what a plain reading already gives; any other tag is refused.
CORE_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map")
)

_SYNTAX_HINTS = {
    "mapping values are not allowed here": 'put text that contains ": " in quotes, or check the indentation',
    "could not find expected ':'": "each line of a mapping is key: value; check the line above too",
    "did not find expected key": "check the indentation: items of one mapping line up",
    "did not find expected '-' indicator": "list items of one list line up under each other",
    "found undefined alias": "remove the *alias; write the value out",
}


def position(where: Node | yaml.Mark | None) -> tuple[int, int]:
    """1-based ``(line, col)`` of a node or mark; ``(0, 0)`` for the file as a whole."""
    if where is None:
        return 0, 0
    mark = where.start_mark if isinstance(where, Node) else where
    return mark.line + 1, mark.column + 1


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


class Report:
    """The problems found in one file, in any order (errors sort them by position)."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = str(path)
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


# ---------------------------------------------------------------------------------------------
# Bytes to text


def read_capped(path: str | os.PathLike[str], report: Report, *, max_bytes: int = MAX_BYTES) -> bytes | None:
    """The file's bytes, or ``None`` (with a problem) when it cannot be read, is not a regular
    file (a FIFO would hang the kiosk), or is over the cap."""
    from kiosk.files import FileReadError, read_regular_file

    try:
        return read_regular_file(path, max_bytes)
    except FileReadError as exc:
        message = str(exc).split(": ", 1)[-1].replace("the file ", "", 1)
        if message == "is not a regular file (a folder)":
            message = "is a folder, not a file"
        elif message.startswith("no such"):
            message = "no such file"
        hint = "split it into smaller files" if "too large" in message else ""
        report.add(None, message, hint)
        return None


def _kib(size: int) -> str:
    return f"{size / 1024:.0f} KiB" if size >= 1024 else f"{size} bytes"


def decode(data: bytes | str, report: Report, *, max_bytes: int = MAX_BYTES) -> str | None:
    """UTF-8 text with a leading BOM dropped, or ``None`` with problems for binary or broken text."""
    if isinstance(data, str):
        raw = data.encode("utf-8", "surrogatepass")
    else:
        raw = bytes(data)
    if len(raw) > max_bytes:
        report.add(None, f"file is too large ({_kib(len(raw))}; at most {_kib(max_bytes)})",
                   "split it into smaller files")
        return None
    if b"\x00" in raw:
        report.add(None, "this is not a text file (it contains binary data)",
                   "a routine is a text file written in YAML")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
        report.add_at(line, col, f"this file is not UTF-8 text (byte 0x{raw[exc.start]:02x})",
                      "save it again as UTF-8 from the text editor")
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


def check_characters(text: str, report: Report) -> bool:
    """Report characters YAML refuses and tabs in indentation; true when the text is clean."""
    tabs = 0
    for match in _TAB_INDENT.finditer(text):
        tabs += 1
        if tabs <= MAX_PROBLEMS_PER_KIND:
            line, col = _line_col(text, match.end() - 1)
            report.add_at(line, col, "tab in indentation", "indent with spaces; YAML does not allow tabs")
    bad = 0
    for match in _NOT_PRINTABLE.finditer(text):
        bad += 1
        if bad <= MAX_PROBLEMS_PER_KIND:
            line, col = _line_col(text, match.start())
            report.add_at(line, col, f"control character U+{ord(match.group()):04X} in the text",
                          "delete it; it is invisible in most editors")
    return not (tabs or bad)


#: A tab among the leading blanks of a line (the match ends on the first such tab).
_TAB_INDENT = re.compile(r"^ *\t", re.MULTILINE)
#: Exactly what PyYAML's reader refuses (the complement of its printable set).
_NOT_PRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]")


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


# ---------------------------------------------------------------------------------------------
# Text to nodes


class _TooDeepError(Exception):
    """Raised inside the composer to stop reading a document that nests too deeply."""


class _Loader(yaml.SafeLoader):
    """PyYAML's safe parser with a composer that refuses tags, anchors, aliases and deep nesting."""

    def __init__(self, text: str, report: Report, max_depth: int):
        super().__init__(text)
        self.report = report
        self.max_depth = max_depth
        self.depth = 0
        self.refused = False
        self.aliases_seen: set[str] = set()

    def _refuse(self, where: yaml.Mark, message: str, hint: str) -> None:
        self.refused = True
        self.report.add(where, message, hint)

    def compose_node(self, parent, index):  # noqa: D102 - PyYAML's hook
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            self.get_event()
            self.refused = True
            if event.anchor in self.aliases_seen:  # one report per name is enough
                return ScalarNode("tag:yaml.org,2002:null", "", event.start_mark, event.end_mark)
            self.aliases_seen.add(event.anchor)
            self._refuse(event.start_mark, f'alias "*{shorten(event.anchor, 30)}" is not allowed',
                         "anchors and aliases are not used here; write the value out")
            return ScalarNode("tag:yaml.org,2002:null", "", event.start_mark, event.end_mark)
        if event.anchor is not None:
            self._refuse(event.start_mark, f'anchor "&{shorten(event.anchor, 30)}" is not allowed',
                         "anchors and aliases are not used here; write the value out")
        tag = event.tag
        if tag not in (None, "!") and tag not in CORE_TAGS:
            short = tag.replace("tag:yaml.org,2002:", "!!", 1)
            self._refuse(event.start_mark, f'tag "{shorten(short, 60)}" is not allowed',
                         "remove the tag; values are plain text, lists and mappings")
        if isinstance(event, CollectionStartEvent) and self.depth >= self.max_depth:
            # Stop here: reading on through thousands of levels costs PyYAML seconds per thousand.
            self._refuse(event.start_mark, f"nested too deeply (more than {self.max_depth} levels)",
                         "flatten the structure")
            raise _TooDeepError
        if isinstance(event, ScalarEvent):
            self.get_event()
            return ScalarNode("tag:yaml.org,2002:str", event.value, event.start_mark, event.end_mark,
                              style=event.style)
        self.depth += 1
        try:
            if isinstance(event, SequenceStartEvent):
                return self._compose_sequence()
            return self._compose_mapping()
        finally:
            self.depth -= 1

    def _compose_sequence(self) -> SequenceNode:
        start = self.get_event()
        node = SequenceNode("tag:yaml.org,2002:seq", [], start.start_mark, None, flow_style=start.flow_style)
        while not isinstance(self.peek_event(), CollectionEndEvent):
            node.value.append(self.compose_node(node, len(node.value)))
        node.end_mark = self.get_event().end_mark
        return node

    def _compose_mapping(self) -> MappingNode:
        start = self.get_event()
        assert isinstance(start, MappingStartEvent)
        node = MappingNode("tag:yaml.org,2002:map", [], start.start_mark, None, flow_style=start.flow_style)
        while not isinstance(self.peek_event(), CollectionEndEvent):
            key = self.compose_node(node, None)
            value = self.compose_node(node, key)
            node.value.append((key, value))
        node.end_mark = self.get_event().end_mark
        return node


def compose(text: str, report: Report, *, max_depth: int = MAX_DEPTH) -> Node | None:
    """The single document in ``text`` as nodes, or ``None`` with problems (syntax, refusals, empty)."""
    loader = _Loader(text, report, max_depth)
    try:
        node = loader.get_single_node()
    except _TooDeepError:
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or exc.context or "YAML syntax error").strip()
        if exc.context == "while scanning a quoted scalar" and exc.context_mark is not None:
            report.add(exc.context_mark, "quoted text is never closed", "add the closing quote on the same value")
        elif problem == "but found another document":
            report.add(mark, "a second YAML document (after ---); a file holds one", "remove this --- line")
        elif problem.startswith("found character '\\t'"):
            report.add(mark, "tab character where YAML does not allow one", "use spaces")
        else:
            hint = next((h for key, h in _SYNTAX_HINTS.items() if problem.startswith(key)),
                        "check the indentation and quotes here and on the line above")
            report.add(mark, f"YAML syntax error: {problem}", hint)
        return None
    except yaml.reader.ReaderError as exc:
        # Characters PyYAML cannot read; check_characters catches these first, this is a backstop.
        line, col = _line_col(text, exc.position)
        report.add_at(line, col, f"character U+{exc.character:04X} is not allowed" if isinstance(exc.character, int)
                      else "a character here is not allowed", "delete it")
        return None
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML raises only the kinds above
        report.add(None, f"YAML error: {exc}")
        return None
    finally:
        loader.dispose()
    if loader.refused:
        return None
    if node is None:
        report.add(None, "the file is empty", "start from one of the shipped examples")
        return None
    return node


def load_nodes(
    source: bytes | str,
    report: Report,
    *,
    max_bytes: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
) -> Node | None:
    """Bytes or text to the root node, or ``None`` when a problem stops reading (all are in ``report``)."""
    text = decode(source, report, max_bytes=max_bytes)
    if text is None:
        return None
    if not text.strip():
        report.add(None, "the file is empty", "start from one of the shipped examples")
        return None
    if not check_characters(text, report):
        return None
    return compose(text, report, max_depth=max_depth)


def load_file(
    path: str | os.PathLike[str],
    report: Report,
    *,
    max_bytes: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
) -> Node | None:
    """:func:`load_nodes` on a file, refusing it before parsing when it is over ``max_bytes``."""
    data = read_capped(path, report, max_bytes=max_bytes)
    if data is None:
        return None
    return load_nodes(data, report, max_bytes=max_bytes, max_depth=max_depth)


# ---------------------------------------------------------------------------------------------
# Walking nodes


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``did you mean "steps"?`` for a near miss, else a list of what is allowed."""
    choices = list(choices)
    close = difflib.get_close_matches(word.lower(), choices, n=1, cutoff=0.6)
    if close:
        return f'did you mean "{close[0]}"?'
    return "allowed here: " + ", ".join(choices)


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


def to_plain(node: Node):
    """Nodes to Python data the way a YAML 1.2 reader (an editor) sees them: for schema checks."""
    if isinstance(node, MappingNode):
        return {to_plain(k): to_plain(v) for k, v in node.value}
    if isinstance(node, SequenceNode):
        return [to_plain(item) for item in node.value]
    value = node.value
    if node.style is None:
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


__all__ = [
    "CORE_TAGS", "MAX_BYTES", "MAX_DEPTH", "Fields", "Report", "compose", "decode", "describe",
    "did_you_mean", "load_file", "load_nodes", "mapping", "position", "read_capped", "scalar_text",
    "shorten", "to_plain", "check_characters",
]
