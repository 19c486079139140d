"""``kiosk schema``: the JSON Schema an editor uses, printed or written where the README points."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from kiosk.cli import main
from kiosk.commands import schema as command
from kiosk.paths import SCHEMA_FILE


def test_prints_the_routine_schema_as_shipped(capsys):
    assert main(["schema", "routine"]) == 0
    out, err = capsys.readouterr()
    assert out == SCHEMA_FILE.read_text(encoding="utf-8") and err == ""
    Draft202012Validator.check_schema(json.loads(out))


def test_write_replaces_the_shipped_file(tmp_path, monkeypatch, capsys):
    target = tmp_path / "routine.schema.json"
    target.write_text("{}\n", encoding="utf-8")
    monkeypatch.setattr("kiosk.paths.SCHEMA_FILE", target)
    assert main(["schema", "routine", "--write"]) == 0
    assert target.read_text(encoding="utf-8") == SCHEMA_FILE.read_text(encoding="utf-8")
    assert capsys.readouterr().out == f"wrote {target}\n"


def test_an_unwritable_folder_is_one_clear_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("kiosk.paths.SCHEMA_FILE", tmp_path / "no-such-folder" / "routine.schema.json")
    assert main(["schema", "routine", "--write"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kiosk schema: cannot write ") and "no-such-folder" in err and "Traceback" not in err


def test_an_unknown_format_is_a_usage_error_naming_the_known_ones(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["schema", "rooom"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and "invalid choice: 'rooom'" in err and "'routine'" in err


def test_every_generator_has_a_shipped_file():
    for name in command.GENERATORS:
        assert command.schema_path(name).is_file(), f"run `kiosk schema {name} --write`"
