"""The exported JSON Schema: in sync with the models, and our artifacts validate."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from artifact_lint.schema import artifact_schema
from conftest import BASE

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "schema" / "artifact.schema.json"
OWN = sorted((ROOT / "artifacts").glob("*.yaml"))


def test_committed_schema_is_current() -> None:
    assert json.loads(COMMITTED.read_text()) == artifact_schema(), (
        "run: artifact-lint schema > schema/artifact.schema.json")


def test_schema_marks_required_fields() -> None:
    schema = artifact_schema()
    assert {"id", "type", "state", "evidence", "blockers", "provenance"} <= set(schema["required"])
    assert schema["additionalProperties"] is False


@pytest.mark.parametrize("path", OWN + sorted((BASE / "artifacts").glob("*.yaml")), ids=lambda p: p.name)
def test_artifacts_validate_against_the_schema(path: Path) -> None:
    jsonschema.Draft202012Validator(artifact_schema()).validate(yaml.safe_load(path.read_text()))


@pytest.mark.parametrize("path", OWN, ids=lambda p: p.name)
def test_own_artifacts_point_editors_at_the_schema(path: Path) -> None:
    assert path.read_text().startswith("# yaml-language-server: $schema=../schema/artifact.schema.json\n")


def test_schema_rejects_what_the_linter_rejects() -> None:
    validator = jsonschema.Draft202012Validator(artifact_schema())
    data = yaml.safe_load(OWN[0].read_text())
    data["owner"] = "someone"
    assert list(validator.iter_errors(data))
