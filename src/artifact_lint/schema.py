"""JSON Schema of an artifact file, exported from the pydantic model."""

from __future__ import annotations

import json
import sys
from typing import Any

from artifact_lint.models import REQUIRED_MARK, Artifact

SCHEMA_ID = "artifact-lint/artifact.schema.json"


def _tighten(node: Any) -> None:
    """Fields marked required become JSON Schema `required`, without the null option."""
    if isinstance(node, dict):
        props = node.get("properties")
        if isinstance(props, dict):
            required = [name for name, spec in props.items() if spec.pop(REQUIRED_MARK, False)]
            for name in required:
                spec = props[name]
                options = spec.get("anyOf")
                if isinstance(options, list):
                    kept = [o for o in options if o != {"type": "null"}]
                    if len(kept) == 1:
                        spec.pop("anyOf")
                        spec.update(kept[0])
                    else:
                        spec["anyOf"] = kept
                spec.pop("default", None)
            if required:
                node["required"] = required
        for value in node.values():
            _tighten(value)
    elif isinstance(node, list):
        for value in node:
            _tighten(value)


def artifact_schema() -> dict[str, Any]:
    schema = Artifact.model_json_schema(by_alias=True)
    _tighten(schema)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def print_artifact_schema() -> int:
    json.dump(artifact_schema(), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0
