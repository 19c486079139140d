"""The routine format's JSON Schema, written from the loader's own tables (:mod:`kiosk.routines.format`).

Editors use it to complete keys and underline mistakes while a routine is typed; ``kiosk validate``
stays the final word. ``kiosk schema routine --write`` keeps ``schema/routine.schema.json`` equal to it.
"""

from __future__ import annotations

from typing import Any

from kiosk.i18n import TAG_PATTERN
from kiosk.routines.durations import patterns
from kiosk.routines.format import (
    BLOCK, EXCLUDES, KIND_KEYS, MAX_CAUTION, MAX_NAME, MAX_NOTE, MAX_SOUND_PATH, MAX_TEXT, MAX_WORD, NEEDS,
    PACES, SOUND_CUES, STEP, TOP, UNTIL, VALUES, VERSION, WORD, Key,
)
from kiosk.routines.model import SIDES
from kiosk.vocabulary import bool_schema

SCHEMA_ID = "https://github.com/session-kiosk/session-kiosk/schema/routine.schema.json"

_COMMENT = (
    "Written by `kiosk schema routine` from the loader's key tables; do not edit by hand. Draft 2020-12."
    " VS Code's YAML extension validates with draft-07 rules, so the step's dependentSchemas are repeated"
    " under draft-07's dependencies; $ref pointers into $defs work in both."
)
_DESCRIPTION = (
    f"One massage routine for the session kiosk (version {VERSION}). Editors use this for completion and"
    " early warnings; `kiosk validate` is the final word (it also checks windows run low to high, the"
    " 500-step limit after blocks are expanded, and that sound files exist). The kiosk reads every value"
    " as written: null, true or 42 where text is expected stay text; quote them to keep an editor quiet."
)


def _text(max_len: int) -> dict[str, Any]:
    return {"type": "string", "minLength": 1, "maxLength": max_len, "pattern": r"\S"}


def _values() -> dict[str, dict[str, Any]]:
    """A schema for every kind of value in :data:`~kiosk.routines.format.VALUES`."""
    written = patterns()
    values: dict[str, dict[str, Any]] = {
        "version": {"const": int(VERSION)},
        "name": _text(MAX_NAME),
        "text": _text(MAX_TEXT),
        "caution": _text(MAX_CAUTION),
        "note": _text(MAX_NOTE),
        "word": {"type": "string", "minLength": 1, "maxLength": MAX_WORD},
        "bool": bool_schema(),
        "language": {"type": "string", "pattern": TAG_PATTERN},
        "pace": {"enum": list(PACES)},
        "duration": {"type": "string", "pattern": written["duration"]},
        "window": {"type": "string", "pattern": written["window"]},
        "count": {"oneOf": [{"type": "integer", "minimum": 1}, {"type": "string", "pattern": written["count"]}]},
        "until": {"const": UNTIL},
        "sound": {"type": "string", "anyOf": [
            {"enum": list(SOUND_CUES)},
            {"pattern": r"\.[wW][aA][vV]$", "maxLength": MAX_SOUND_PATH},
        ]},
        "side": {"enum": list(SIDES)},
        "sides": {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"$ref": "#/$defs/side"}},
        "repeat": {"type": "integer", "minimum": 1},
        "tag": {"type": "string", "maxLength": MAX_WORD, "pattern": WORD},
        "items": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/item"}},
    }
    missing = set(VALUES) ^ set(values)
    if missing:
        raise LookupError(f"the routine schema has no rule for the values {sorted(missing)}")
    return {name: {"description": VALUES[name], **rule} for name, rule in values.items()}


def _mapping(description: str, table: tuple[Key, ...]) -> dict[str, Any]:
    """An object with exactly the keys of ``table``, each a reference to its kind of value."""
    properties: dict[str, Any] = {}
    for key in table:
        prop: dict[str, Any] = {"$ref": f"#/$defs/{key.value}"}
        if key.doc:
            prop["description"] = key.doc
        if key.default is not None:
            prop["default"] = key.default
        properties[key.name] = prop
    return {
        "description": description, "type": "object",
        "required": [key.name for key in table if key.required], "additionalProperties": False,
        "properties": properties,
    }


def routine_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a routine file."""
    step = _mapping("One thing the therapist does: exactly one of " + ", ".join(KIND_KEYS[:-1])
                    + f" or {KIND_KEYS[-1]}.", STEP)
    step["oneOf"] = [{"required": [kind]} for kind in KIND_KEYS]
    rules: dict[str, Any] = {name: {"required": [needed]} for name, needed in NEEDS.items()}
    rules.update({name: {"not": {"anyOf": [{"required": [other]} for other in others]}}
                  for name, others in EXCLUDES.items()})
    step["dependentSchemas"] = rules
    step["dependencies"] = rules  # draft-07's name for the same rules
    top = _mapping(_DESCRIPTION, TOP)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "$comment": _COMMENT,
        "title": "Session kiosk routine",
        **top,
        "$defs": {
            "item": {"if": {"type": "object", "required": ["block"]},
                     "then": {"$ref": "#/$defs/block"}, "else": {"$ref": "#/$defs/step"}},
            "step": step,
            "block": _mapping("A group of steps, run once per side and/or several times.", BLOCK),
            **_values(),
        },
    }
