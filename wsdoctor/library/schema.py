"""The JSON Schema of a playbook, generated from the pydantic models (committed for editors)."""

from __future__ import annotations

import json

from wsdoctor.model.playbook import Playbook


def playbook_schema() -> dict:
    schema = Playbook.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://wsdoctor.invalid/playbook.schema.json"
    return schema


def render() -> str:
    return json.dumps(playbook_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


if __name__ == "__main__":
    print(render(), end="")
