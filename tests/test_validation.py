"""Validation: pydantic errors become missing / invalid / unknown issues with paths."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import BASE

from artifact_lint.model.formats import Artifact, Decision, Policy
from artifact_lint.model.validation import SchemaIssue, Validated, validate

REQUIRED_TOP = ["id", "type", "state", "public_value", "publishable_now", "evidence",
                "competition", "blockers", "next_release_action", "provenance"]


@pytest.fixture
def artifact() -> dict[str, Any]:
    """A valid artifact with evidence, competition and blockers."""
    path = BASE / "artifacts" / "gemma-2b-invoice-fields.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _issues(result: Validated[Any], kind: str) -> dict[tuple[Any, ...], SchemaIssue]:
    return {issue.path: issue for issue in result.of_kind(kind)}  # type: ignore[arg-type]


@pytest.mark.parametrize("path", sorted((BASE / "artifacts").glob("*.yaml")), ids=lambda p: p.stem)
def test_base_artifacts_are_valid(path: Path) -> None:
    result = validate(Artifact, yaml.safe_load(path.read_text(encoding="utf-8")))
    assert result.issues == []
    assert result.model is not None and result.model.id == path.stem


# --- missing -----------------------------------------------------------------


def test_empty_mapping_misses_every_required_field() -> None:
    result = validate(Artifact, {})
    assert result.model is not None
    assert set(_issues(result, "missing")) == {(name,) for name in REQUIRED_TOP}


def test_missing_top_level_field(artifact: dict[str, Any]) -> None:
    del artifact["publishable_now"]
    result = validate(Artifact, artifact)
    missing = _issues(result, "missing")
    assert list(missing) == [("publishable_now",)]
    assert "publishable_now" in missing[("publishable_now",)].message


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_null_or_blank_required_string_is_missing(artifact: dict[str, Any], empty: Any) -> None:
    artifact["next_release_action"] = empty
    result = validate(Artifact, artifact)
    assert ("next_release_action",) in _issues(result, "missing")
    assert not list(result.of_kind("invalid"))


def test_missing_nested_field_has_a_full_path(artifact: dict[str, Any]) -> None:
    del artifact["provenance"]["readiness"]
    del artifact["competition"][2]["label"]
    missing = _issues(validate(Artifact, artifact), "missing")
    assert set(missing) == {("provenance", "readiness"), ("competition", 2, "label")}
    assert "provenance.readiness" in missing[("provenance", "readiness")].message
    assert "competition[2].label" in missing[("competition", 2, "label")].message


def test_empty_lists_are_not_missing(artifact: dict[str, Any]) -> None:
    artifact["competition"] = []
    artifact["evidence"] = []
    result = validate(Artifact, artifact)
    assert result.issues == []


# --- invalid -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "words"),
    [
        (("state",), 3, ["string", "number"]),
        (("blockers",), "none", ["list"]),
        (("provenance",), "a lab", ["mapping"]),
        (("evidence", 0, "n"), "many", ["whole number", "many"]),
        (("evidence", 0, "value"), [1], ["number", "list"]),
        (("competition", 1, "self"), "yes", ["true or false", "yes"]),
        (("competition", 0, "score"), True, ["true"]),
    ],
)
def test_invalid_value(artifact: dict[str, Any], path: tuple[Any, ...], value: Any, words: list[str]) -> None:
    target = artifact
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    result = validate(Artifact, artifact)
    invalid = _issues(result, "invalid")
    assert list(invalid) == [path]
    message = invalid[path].message
    for word in words:
        assert word in message, message


def test_bad_slug_id(artifact: dict[str, Any]) -> None:
    artifact["id"] = "Bad Id"
    result = validate(Artifact, artifact)
    invalid = _issues(result, "invalid")
    assert ("id",) in invalid
    assert "slug" in invalid[("id",)].message
    # an invalid value is not also reported as missing
    assert ("id",) not in _issues(result, "missing")


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_non_finite_number_is_invalid(artifact: dict[str, Any], value: float) -> None:
    artifact["performance"] = {"latency_ms": value}
    invalid = _issues(validate(Artifact, artifact), "invalid")
    assert ("performance", "latency_ms") in invalid
    assert "finite" in invalid[("performance", "latency_ms")].message


def test_literal_value_has_did_you_mean() -> None:
    result = validate(Decision, {"decision": "shipp", "reason": "r", "next_action": "n",
                                 "evidence_sources": []})
    invalid = _issues(result, "invalid")
    assert list(invalid) == [("decision",)]
    assert "did you mean `ship`" in invalid[("decision",)].message


def test_every_invalid_value_is_reported_at_once(artifact: dict[str, Any]) -> None:
    artifact["state"] = 1
    artifact["evidence"][0]["n"] = "x"
    artifact["provenance"]["source"] = ["list"]
    invalid = _issues(validate(Artifact, artifact), "invalid")
    assert set(invalid) == {("state",), ("evidence", 0, "n"), ("provenance", "source")}


# --- unknown -----------------------------------------------------------------


def test_unknown_top_level_field_with_did_you_mean(artifact: dict[str, Any]) -> None:
    artifact["publishable_nwo"] = "x"
    unknown = _issues(validate(Artifact, artifact), "unknown")
    assert list(unknown) == [("publishable_nwo",)]
    assert "did you mean `publishable_now`" in unknown[("publishable_nwo",)].message


def test_unknown_nested_field_with_did_you_mean(artifact: dict[str, Any]) -> None:
    artifact["competition"][0]["lable"] = artifact["competition"][0].pop("label")
    result = validate(Artifact, artifact)
    unknown = _issues(result, "unknown")
    assert list(unknown) == [("competition", 0, "lable")]
    assert "did you mean `label`" in unknown[("competition", 0, "lable")].message
    # and the real key is then missing
    assert ("competition", 0, "label") in _issues(result, "missing")


def test_unknown_field_without_a_close_match_lists_or_says_remove(artifact: dict[str, Any]) -> None:
    artifact["provenance"]["zzzzzz"] = 1
    unknown = _issues(validate(Artifact, artifact), "unknown")
    message = unknown[("provenance", "zzzzzz")].message
    assert "did you mean" not in message
    assert "source" in message  # provenance has few fields: they are listed


def test_decision_allows_extra_fields() -> None:
    result = validate(Decision, {"decision": "ship", "reason": "r", "next_action": "n",
                                 "evidence_sources": ["eval_report.json"], "extra": 1})
    assert result.issues == []


def test_unknown_policy_state_property_has_did_you_mean() -> None:
    result = validate(Policy, {"states": {"parked": {"shiped": True}}, "labels": {"Direct": {}}})
    unknown = _issues(result, "unknown")
    assert list(unknown) == [("states", "parked", "shiped")]
    assert "did you mean `shipped`" in unknown[("states", "parked", "shiped")].message


# --- partial models ----------------------------------------------------------


def test_partial_model_survives_bad_values(artifact: dict[str, Any]) -> None:
    artifact["state"] = ["not", "a", "string"]
    artifact["evidence"][0]["value"] = {"x": 1}
    artifact["weights"] = {"location": 3, "format": "gguf"}
    artifact["extra_field"] = True
    result = validate(Artifact, artifact)
    model = result.model
    assert model is not None
    assert model.state is None
    assert model.id == "gemma-2b-invoice-fields"
    assert model.type == "Routed extraction adapter"
    # the broken evidence row keeps its good fields
    assert len(model.evidence) == 1
    assert model.evidence[0].gate == "Invoice field exact, 120 rows"
    assert model.evidence[0].value is None
    assert model.weights is not None and model.weights.location is None and model.weights.format == "gguf"
    assert [row.system for row in model.competition] == ["Stock Gemma-2B", "DocParse-XL-13B", "Donut-OCR-Large"]
    assert {i.kind for i in result.issues} == {"invalid", "unknown"}


def test_broken_list_item_keeps_later_indexes(artifact: dict[str, Any]) -> None:
    artifact["competition"][0] = "not a mapping"
    result = validate(Artifact, artifact)
    assert ("competition", 0) in _issues(result, "invalid")
    assert result.model is not None
    assert result.model.competition[2].system == "Donut-OCR-Large"


def test_validation_does_not_mutate_the_input(artifact: dict[str, Any]) -> None:
    artifact["state"] = 1
    artifact["typo"] = 2
    before = copy.deepcopy(artifact)
    validate(Artifact, artifact)
    assert artifact == before


def test_wrong_top_level_shape_still_returns() -> None:
    result = validate(Artifact, {"evidence": "x", "competition": 5, "blockers": {"a": 1}})
    assert result.model is not None
    assert set(_issues(result, "invalid")) == {("evidence",), ("competition",), ("blockers",)}
