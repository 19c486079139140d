"""Safe YAML reading for files people write by hand: every problem found, each with line and column.

Routine files and the room configuration are read through here. What is refused, and why:

- files over a size cap, before any parsing (a file is read only up to the cap);
- binary or non-UTF-8 content, control characters and tabs in indentation;
- tags (``!!python/object`` and friends are reported, never constructed);
- anchors and aliases (no billion laughs: an alias is never expanded);
- nesting deeper than a limit (reading stops there: no stack overflow, no time spent on the rest).

The result is a tree of PyYAML nodes with exact marks; nothing is resolved the YAML 1.1 way, so a
reader takes the raw text of a scalar (``1:30`` stays ``"1:30"``, ``No`` stays ``"No"``). The
:mod:`kiosk.yamlnodes` holds the :class:`Report` that collects problems and walks the nodes
(its names are importable from here too).
"""

from __future__ import annotations

import os
import re

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

from kiosk.yamlnodes import (
    Fields, Report, describe, mapping, position, scalar_text, shorten, to_plain,
)

MAX_BYTES = 256 * 1024
MAX_DEPTH = 32
MAX_PROBLEMS_PER_KIND = 20

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


# ---------------------------------------------------------------------------------------------
# Bytes to text


def read_capped(path: str | os.PathLike[str], report: Report, *, max_bytes: int = MAX_BYTES) -> bytes | None:
    """The file's bytes, or ``None`` (with a problem) when it cannot be read, is not a regular
    file (a FIFO would hang the kiosk), or is over the cap."""
    from kiosk.files import FileReadError, read_regular_file

    try:
        return read_regular_file(path, max_bytes)
    except FileReadError as exc:
        if exc.problem == "does not exist":
            report.add(None, "no such file")
        elif exc.problem == "is not a regular file (a folder)":
            report.add(None, "is a folder, not a file")
        else:
            report.add(None, exc.problem, exc.hint)
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
                   f"{report.what} is a text file written in YAML")
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

    def __init__(self, text: str, report: Report, max_depth: int, too_deep: tuple[str, str] | None = None):
        super().__init__(text)
        self.report = report
        self.max_depth = max_depth
        self.too_deep = too_deep or (f"nested too deeply (more than {max_depth} levels)", "flatten the structure")
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
            self._refuse(event.start_mark, *self.too_deep)
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


def compose(text: str, report: Report, *, max_depth: int = MAX_DEPTH,
            too_deep: tuple[str, str] | None = None) -> Node | None:
    """The single document in ``text`` as nodes, or ``None`` with problems (syntax, refusals, empty).

    ``too_deep`` is the problem and hint for nesting past ``max_depth``, in the file's own terms.
    """
    loader = _Loader(text, report, max_depth, too_deep)
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


def load_nodes(source: bytes | str, report: Report, *, max_bytes: int = MAX_BYTES,
               max_depth: int = MAX_DEPTH, too_deep: tuple[str, str] | None = None) -> Node | None:
    """Bytes or text to the root node, or ``None`` when a problem stops reading (all are in ``report``)."""
    text = decode(source, report, max_bytes=max_bytes)
    if text is None:
        return None
    if not text.strip():
        report.add(None, "the file is empty", "start from one of the shipped examples")
        return None
    if not check_characters(text, report):
        return None
    return compose(text, report, max_depth=max_depth, too_deep=too_deep)


def load_file(path: str | os.PathLike[str], report: Report, *, max_bytes: int = MAX_BYTES,
              max_depth: int = MAX_DEPTH, too_deep: tuple[str, str] | None = None) -> Node | None:
    """:func:`load_nodes` on a file, refusing it before parsing when it is over ``max_bytes``."""
    data = read_capped(path, report, max_bytes=max_bytes)
    return None if data is None else load_nodes(data, report, max_bytes=max_bytes, max_depth=max_depth,
                                                too_deep=too_deep)


__all__ = [
    "CORE_TAGS", "MAX_BYTES", "MAX_DEPTH", "Fields", "Report", "compose", "decode", "describe",
    "load_file", "load_nodes", "mapping", "position", "read_capped", "scalar_text",
    "shorten", "to_plain", "check_characters",
]
