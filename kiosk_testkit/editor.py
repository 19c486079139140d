"""How an editor's YAML language server sees a file: YAML 1.2 data, checked by a JSON Schema.

Shared by the routine and room schema tests, which check that the editor and the kiosk agree.
"""

from __future__ import annotations

import json
from pathlib import Path

from jsonschema import Draft7Validator, Draft202012Validator

from kiosk import yamlsafe

#: The schema as written (2020-12) and as VS Code's YAML extension reads it (draft-07 rules).
DRAFTS = ["2020-12", "draft-07"]


def validator(schema_file: Path, draft: str):
    """A validator for the shipped schema under ``draft`` rules, after checking the schema itself."""
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    if draft == "draft-07":
        schema["$schema"] = "http://json-schema.org/draft-07/schema#"
        cls = Draft7Validator
    else:
        cls = Draft202012Validator
    cls.check_schema(schema)
    return cls(schema)


def as_editor_sees(source: str | bytes):
    """The document as YAML 1.2 data, the way an editor's YAML extension hands it to the schema."""
    report = yamlsafe.Report("<test>")
    node = yamlsafe.load_nodes(source, report)
    assert node is not None, report.problems
    return yamlsafe.to_plain(node)
