"""The file formats as pydantic models: one model is both validator and JSON Schema.

Every field defaults to None so that a partly broken file still yields a model
the rules can read; fields the format requires carry the `required()` marker,
which `validation.missing_fields` checks and `schema.artifact_schema` exports
as JSON Schema `required`.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints

REQUIRED_MARK = "x-artifact-lint-required"

SLUG_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
BUILT_IN = "built-in"  # the source of the policy shipped with the tool


def required(description: str, **kwargs: Any) -> Any:
    """A field the format requires: absent, null or empty is AL002."""
    return Field(default=None, description=description,
                 json_schema_extra={REQUIRED_MARK: True}, **kwargs)


def optional(description: str, **kwargs: Any) -> Any:
    return Field(default=None, description=description, **kwargs)


@functools.cache
def required_names(model: type[BaseModel]) -> frozenset[str]:
    """The fields of `model` marked `required()` (a pure function of the class, cached)."""
    return frozenset(name for name, info in model.model_fields.items()
                     if isinstance(info.json_schema_extra, dict) and info.json_schema_extra.get(REQUIRED_MARK))


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False,
                              populate_by_name=True)


# A measured value: a number, a percent string ("58%"), a range or short text.
Measure = Union[float, str]
Text = str
NonEmptyList = list


class EvidenceRow(_Strict):
    gate: Text | None = required("The gate (benchmark slice) measured; unique within the artifact.")
    value: Measure | None = required("The measured value: a number, a percent string or short text.")
    baseline: Measure | None = optional("The before value on the same gate.")
    baseline_name: Text | None = optional("What the baseline is, e.g. `Stock Qwen3-4B`.")
    n: int | None = optional("Number of rows in the gate.")
    metric: Text | None = optional("The metric.")
    fixture: Text | None = optional("The fixture.")
    scorer: Text | None = optional("The scorer.")
    note: Text | None = optional("A note.")


class CompetitionRow(_Strict):
    system: Text | None = required("The system compared with.")
    metric: Text | None = required("The metric of the score.")
    score: Measure | None = required("The score: number, percent string, range or compound text.")
    label: Text | None = required("A comparability label of the policy: Direct, Directional, Not comparable.")
    readout: Text | None = required("What the comparison means, in public copy.")
    aliases: list[Text] | None = optional("Other names the public copy uses for this system.")
    gate: Text | None = optional("For a Direct row: the evidence gate the score was measured on.")
    n: int | None = optional("Number of rows.")
    is_self: bool | None = optional("True on the row that describes this artifact itself.", alias="self")


class BlockerRow(_Strict):
    blocker: Text | None = required("The blocker.")
    why: Text | None = required("Why it matters.")
    unblock: Text | None = required("The unblock action.")


class ClaimRow(_Strict):
    text: Text | None = required("The public sentence.")
    against: Text | None = required("A competition row's `system` or alias.")
    gate: Text | None = optional("The evidence gate the claim is about.")
    delta: Measure | None = optional("The claimed difference in the gate's units: 0.047 or `+4.7 points`.")


class Provenance(_Strict):
    source: Text | None = required("Where the weights, adapters or outputs came from.")
    evaluation: Text | None = required("How they were evaluated.")
    readiness: Text | None = required("Why it is or is not ready to package.")


class Weights(_Strict):
    location: Text | None = required("Where the large files live; a public URL for states with public weights.")
    format: Text | None = optional("File format, e.g. safetensors.")
    size: Text | float | None = optional("Size, e.g. `8 GB`.")


class Performance(_Strict):
    latency_ms: float | None = optional("Latency in milliseconds.")
    ram_gb: float | None = optional("Peak RAM in GB.")
    tokens_per_s: float | None = optional("Generation speed in tokens per second.")
    eval_time_s: float | None = optional("Evaluation time in seconds.")
    note: Text | None = optional("Why a figure is null (not recorded).")


class Dataset(_Strict):
    name: Text | None = required("The data set.")
    license: Text | None = optional("Its license.")
    provenance: Text | None = optional("Where it came from.")


class RejectedAlternative(_Strict):
    attempt: Text | None = required("What was tried.")
    results: dict[str, Measure | None] | None = optional("Result per gate name.")
    decision: Text | None = required("What was decided.")


class Artifact(_Strict):
    """One public artifact: `artifacts/<id>.yaml`."""

    model_config = ConfigDict(title="artifact-lint artifact")

    id: Annotated[str, StringConstraints(pattern=SLUG_PATTERN)] | None = required(
        "The artifact id, a slug equal to the file name without extension.")
    type: Text | None = required("What kind of artifact: `Specialist package metadata`, `Process artifact`.")
    state: Text | None = required("One of the policy's states.")
    public_value: Text | None = required("What the public learns from it (public copy).")
    publishable_now: Text | None = required("What can be published now (public copy).")
    evidence: list[EvidenceRow] | None = required("Measured evidence rows.")
    competition: list[CompetitionRow] | None = required(
        "Competitive context rows; `[]` states that nothing is compared.")
    blockers: list[BlockerRow] | None = required("Release blockers; may be empty only for shipped states.")
    next_release_action: Text | None = required("The next release action (public copy).")
    provenance: Provenance | None = required("Where it came from, how it was evaluated, why it is or is not ready.")
    surface: list[Text] | None = optional("Committed surface: repo-relative paths or https:// / hf:// URLs.")
    weights: Weights | None = optional("Where the large files live.")
    package: Text | None = optional("The specialist package it ships as: `specialists/<name>`.")
    claims: list[ClaimRow] | None = optional("Structured win claims.")
    rejected_alternatives: list[RejectedAlternative] | None = optional("Failed attempts, kept as evidence.")
    source_notes: list[Text] | None = optional("External source notes.")
    datasets: list[Dataset] | None = optional("Data used, each with its license.")
    performance: Performance | None = optional("Runtime figures; null with a `note` counts as reported.")
    website: Text | None = optional("The detail page: `/artifacts/<id>`.")
    summary: Text | None = optional("More public copy.")
    notes: list[Text] | None = optional("More public copy.")


DecisionValue = Literal["ship", "reject", "retry-data", "retry-training", "retry-eval", "park"]
Confidence = Literal["exact", "inferred", "missing-evidence", "not-applicable"]


class Decision(BaseModel):
    """`specialists/<name>/decision.json`: the record that gates a package."""

    model_config = ConfigDict(strict=True, extra="allow", allow_inf_nan=False,
                              title="artifact-lint decision.json")

    decision: DecisionValue | None = required("ship, reject, retry-data, retry-training, retry-eval or park.")
    reason: Text | None = required("Why this decision.")
    next_action: Text | None = required("What happens next.")
    evidence_sources: list[Text] | None = required(
        "Paths (relative to the package, else to the root) or URLs backing the decision.")
    failure_reason: Text | None = optional("Required for every decision other than ship.")
    lesson: Text | None = optional("Required for every decision other than ship.")
    failure_reason_confidence: Confidence | None = optional(
        "exact, inferred, missing-evidence, or not-applicable (exactly when the decision is ship).")
    blocked_by: list[Text] | None = optional("What blocks it; empty for ship.")


class StatePolicy(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    meaning: str = ""
    shipped: bool = False
    requires_evidence: bool = True
    public_weights: bool = False


class LabelPolicy(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    meaning: str = ""
    win_claims: bool = False


class Policy(BaseModel):
    """`rules/policy.yaml`: the release policy as data."""

    model_config = ConfigDict(strict=True, extra="forbid")

    states: dict[str, StatePolicy] = Field(min_length=1)
    labels: dict[str, LabelPolicy] = Field(min_length=1)
    # Where the policy came from: a file's root-relative path, or BUILT_IN; and where each
    # state and label came from ("state:<name>" -> source), once the document extends it.
    _source: str = PrivateAttr(default=BUILT_IN)
    _origins: dict[str, str] = PrivateAttr(default_factory=dict)

    @property
    def source(self) -> str:
        return self._source

    @property
    def built_in(self) -> bool:
        return self._source == BUILT_IN

    def origin(self, kind: str, name: str) -> str:
        """Where state or label `name` (`kind` "state" or "label") came from."""
        return self._origins.get(f"{kind}:{name}", self._source)

    def from_source(self, source: str) -> Policy:
        """This policy, recorded as read from `source`."""
        self._source = source
        return self

    def extended(self, kind: str, name: str, source: str) -> None:
        self._origins[f"{kind}:{name}"] = source
