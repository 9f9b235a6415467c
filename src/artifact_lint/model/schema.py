"""JSON Schema of an artifact file, exported from the pydantic model.

With a policy, `state` and each competition row's `label` become enums of the policy in
force (policy file or built-in default, extended by the registry document's tables), so
the YAML language server flags the two most common mistakes (AL101, AL201) as one types.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from artifact_lint.model.formats import REQUIRED_MARK, Artifact, Policy

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


def artifact_schema(policy: Policy | None = None) -> dict[str, Any]:
    """The schema; with `policy`, `state` and `competition[].label` are its enums."""
    schema = Artifact.model_json_schema(by_alias=True)
    _tighten(schema)
    if policy is not None:
        _enum(schema["properties"]["state"], list(policy.states), "a state of the policy")
        _enum(schema["$defs"]["CompetitionRow"]["properties"]["label"], list(policy.labels),
              "a comparability label of the policy")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def _enum(spec: dict[str, Any], names: list[str], what: str) -> None:
    """Restrict a string field (or string-or-null) to `names`."""
    options = spec.get("anyOf")
    target = next((o for o in options if o.get("type") == "string"), spec) if isinstance(options, list) else spec
    target["enum"] = names
    spec["description"] = f"{spec.get('description', '').rstrip('.')}: {what}.".lstrip(": ")


def print_artifact_schema(policy: Policy | None = None) -> int:
    json.dump(artifact_schema(policy), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def print_rules_schema() -> int:
    """`schema --rules`: the JSON Schema of a rule file (`rule_files.RuleFile`)."""
    from artifact_lint.custom.rule_files import rules_schema

    json.dump(rules_schema(), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0
