"""The exported JSON Schema: in sync with the models, and our artifacts validate."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import BASE

from artifact_lint.model.schema import artifact_schema

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "schema" / "artifact.schema.json"
OWN = sorted((ROOT / "artifacts").glob("*.yaml"))


def _own_policy():  # type: ignore[no-untyped-def]
    from artifact_lint.commands.policy import policy_in_force
    from artifact_lint.engine.session import open_session

    return policy_in_force(open_session(ROOT))


def test_committed_schema_is_current() -> None:
    assert json.loads(COMMITTED.read_text()) == artifact_schema(_own_policy()), (
        "run: artifact-lint schema > schema/artifact.schema.json")


def test_state_and_label_are_enums_of_the_policy_in_force(tmp_path: Path) -> None:
    from conftest import build_fixture_repo
    from test_cli import cli

    root = build_fixture_repo(tmp_path)
    doc = root / "docs" / "factory" / "public-artifacts.md"
    doc.write_text(doc.read_text() + "\n## Artifact States\n\n| State | Meaning |\n|---|---|\n"
                   "| `report-ready-archive` | Archived. |\n", encoding="utf-8")
    schema = json.loads(cli(root, "schema").stdout)
    states = schema["properties"]["state"]["enum"]
    assert "parked" in states and "report-ready-archive" in states  # the document's table too
    labels = schema["$defs"]["CompetitionRow"]["properties"]["label"]
    assert {"Direct", "Directional", "Not comparable"} <= set(_enum_of(labels))
    validator = jsonschema.Draft202012Validator(schema)
    data = yaml.safe_load((root / "artifacts" / "gemma-2b-invoice-fields.yaml").read_text())
    assert not list(validator.iter_errors(data))
    data["state"] = "reportonly"
    data["competition"][0]["label"] = "direct"
    assert len(list(validator.iter_errors(data))) == 2  # what AL101 and AL201 report


def _enum_of(spec: dict) -> list[str]:  # type: ignore[type-arg]
    options = spec.get("anyOf", [spec])
    return next(o["enum"] for o in options if "enum" in o)


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
