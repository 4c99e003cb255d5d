"""The committed JSON Schema is the one the models generate (editors validate with it)."""

from __future__ import annotations

import json
from pathlib import Path

from wsdoctor.library.schema import render

SCHEMA = Path(__file__).resolve().parent.parent / "wsdoctor" / "data" / "playbook.schema.json"


def test_committed_schema_is_current():
    assert SCHEMA.read_text(encoding="utf-8") == render(), "run `make schema` and commit the result"


def test_schema_forbids_unknown_keys():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema.get("additionalProperties") is False
    assert "signatures" in schema["properties"]
