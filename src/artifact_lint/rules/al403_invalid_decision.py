"""`decision.json` breaks its schema or is not valid JSON.

## What it does
Checks each package's decision record: valid JSON holding one object;
`decision` one of `ship`, `reject`, `retry-data`, `retry-training`,
`retry-eval`, `park`; non-empty `reason` and `next_action`; a non-empty
`evidence_sources` list without blank entries; `failure_reason` and `lesson`
for every decision other than `ship`; `failure_reason_confidence` one of
`exact`, `inferred`, `missing-evidence`, `not-applicable`, and
`not-applicable` exactly when the decision is `ship`; `blocked_by` empty for
`ship`.

## Why it matters
The decision record is what gates a package. An incomplete one cannot be
audited: a rejection without its failure reason and lesson teaches nothing, and
a `ship` that is still blocked is no ship.

## Example
```json
{"decision": "ship", "reason": "Gate cleared.", "next_action": "Register it.",
 "evidence_sources": ["eval_report.json"], "failure_reason_confidence": "exact",
 "blocked_by": ["weights hosting"]}
```

## Use instead
```json
{"decision": "ship", "reason": "Gate cleared.", "next_action": "Register it.",
 "evidence_sources": ["eval_report.json"], "failure_reason": null, "lesson": null,
 "failure_reason_confidence": "not-applicable", "blocked_by": []}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from artifact_lint.model.findings import Position, Problem
from artifact_lint.model.formats import Decision
from artifact_lint.model.repository import DecisionFile, Repository
from artifact_lint.sources.loader import PathKey

CODE = "AL403"
NAME = "invalid-decision"
SEVERITY = "error"
SCOPE = "repository"
READS = ()  # packages


def _absent(record: DecisionFile, path: PathKey) -> Position:
    return record.position(path) if record.has(path) else Position(1, 1)


def _per_decision(record: DecisionFile, model: Decision) -> Iterator[Problem]:
    shipped = model.decision == "ship"
    if not shipped and model.decision is not None:
        for name in ("failure_reason", "lesson"):
            value = getattr(model, name)
            if value is None and record.value_at((name,)) is not None:
                continue  # a value of the wrong kind: reported with the schema issues
            if value is None or not value.strip():
                yield record.problem((name,), f"decision `{model.decision}` needs a non-empty `{name}`",
                                     at=_absent(record, (name,)))
    confidence = model.failure_reason_confidence
    if confidence is None and record.value_at(("failure_reason_confidence",)) is not None:
        pass  # a value outside the enum: reported with the schema issues
    elif confidence is None:
        yield record.problem(("failure_reason_confidence",),
                             "`failure_reason_confidence` is missing; write `not-applicable` for ship, else"
                             " `exact`, `inferred` or `missing-evidence`",
                             at=_absent(record, ("failure_reason_confidence",)))
    elif shipped and confidence != "not-applicable":
        yield record.problem(("failure_reason_confidence",),
                             f"`failure_reason_confidence` is `{confidence}` on a ship decision;"
                             " write `not-applicable`")
    elif not shipped and model.decision is not None and confidence == "not-applicable":
        yield record.problem(("failure_reason_confidence",),
                             f"`failure_reason_confidence` is `not-applicable` on decision `{model.decision}`;"
                             " write `exact`, `inferred` or `missing-evidence`")
    if shipped and model.blocked_by:
        yield record.problem(("blocked_by",),
                             f"a ship decision is still `blocked_by` {len(model.blocked_by)} item(s);"
                             " clear `blocked_by` or do not ship yet")
    if model.evidence_sources == []:
        yield record.problem(("evidence_sources",),
                             "`evidence_sources` is empty; list the files or URLs that back the decision")
    for index, source in enumerate(model.evidence_sources or []):
        if not source.strip():
            yield record.problem(("evidence_sources", index),
                                 f"`evidence_sources[{index}]` is an empty string; write a path or URL that backs"
                                 " the decision, or remove the entry")


def check(repo: Repository) -> Iterator[Problem]:
    for package in repo.packages:
        record = package.decision
        if record is None:
            continue
        if record.load_error is not None:
            yield Problem(path=record.path, position=record.load_error.position,
                          message=f"decision.json cannot be read: {record.load_error.message}")
            continue
        if record.validated is None:
            continue
        for issue in record.validated.issues:
            if issue.kind == "unknown":
                continue  # decision records may carry extra fields
            where = _absent(record, issue.path) if issue.kind == "missing" else None
            yield record.problem(issue.path, issue.message, at=where)
        if record.model is not None:
            yield from _per_decision(record, record.model)
