"""Words shared by every file a person writes (routines and the room config).

One rule for what counts as true or false, and one way of suggesting the word that was meant, so
a clinic that learns one file's spelling can write the other, and both say a mistake the same way.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

#: Spellings of a yes / no value, compared without case (YAML 1.1's words, which people write).
TRUE_WORDS = ("true", "yes", "on")
FALSE_WORDS = ("false", "no", "off")


def parse_bool(text: str) -> bool:
    """``text`` as true or false; ValueError saying what to write instead.

    ``true``, ``yes`` and ``on`` (any case) are true; ``false``, ``no`` and ``off`` are false.
    """
    low = text.strip().lower()
    if low in TRUE_WORDS:
        return True
    if low in FALSE_WORDS:
        return False
    shown = text if len(text) <= 40 else text[:39] + "…"
    raise ValueError(f'must be true or false, not "{shown}"')


def any_case(word: str) -> str:
    """A regular expression for ``word`` in any case (``[oO][nN]``): JSON Schema patterns have no flags."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word)


def bool_pattern() -> str:
    """A JSON Schema ``pattern`` matching exactly the words :func:`parse_bool` accepts as text."""
    return "^\\s*(" + "|".join(any_case(word) for word in (*TRUE_WORDS, *FALSE_WORDS)) + ")\\s*$"


def bool_schema() -> dict:
    """The JSON Schema of a yes / no value: a YAML boolean, or a word :func:`parse_bool` reads."""
    return {"anyOf": [{"type": "boolean"}, {"type": "string", "pattern": bool_pattern()}]}


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice ``word`` was most likely meant to be, or None when nothing is near.

    A near spelling (``voulme`` -> ``volume``) or, for three letters or more, a choice that
    contains the word (``pause`` -> ``toggle_pause``).
    """
    choices = list(choices)
    low = word.lower()
    near = difflib.get_close_matches(low, choices, n=1, cutoff=0.6)
    if near:
        return near[0]
    return next((c for c in choices if len(low) >= 3 and low in c.lower()), None)


def did_you_mean(word: str, choices: Iterable[str], listing: str | None = "allowed here: ") -> str:
    """``did you mean "steps"?`` for a near miss; else ``listing`` followed by every choice.

    ``listing=None`` gives ``""`` when nothing is near (for a message that already lists them).
    """
    choices = list(choices)
    near = closest(word, choices)
    if near is not None:
        return f'did you mean "{near}"?'
    return "" if listing is None else listing + ", ".join(choices)
