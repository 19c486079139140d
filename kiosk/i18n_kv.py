"""Babel's extractor for the .kv files: the words in their ``tr._("...")`` rules.

A kv rule's value is a Python expression, so each one that calls the translator is handed to
Babel's own Python extractor, line by line (the kiosk's rules keep each expression on its line);
``make translations`` uses it through babel.cfg. Needs neither Kivy nor a window.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

from babel.messages.extract import extract_python

#: ``text: tr._("Routines")``: a property, its colon, the expression.
_RULE = re.compile(r"^\s*[A-Za-z_][\w.]*\s*:\s*(?P<expr>.*\btr\..*)$")


def extract_kv(fileobj, keywords, comment_tags, options) -> Iterator[tuple[int, str, object, list[str]]]:
    """Each message a .kv file's rules translate: ``(line, function, message(s), comments)``."""
    encoding = options.get("encoding", "utf-8")
    for number, line in enumerate(fileobj.read().decode(encoding).splitlines(), 1):
        match = _RULE.match(line)
        if match is None or line.lstrip().startswith("#"):
            continue
        expr = io.BytesIO(match.group("expr").encode("utf-8"))
        for _lineno, funcname, messages, comments in extract_python(expr, keywords, comment_tags, {}):
            yield number, funcname, messages, comments
