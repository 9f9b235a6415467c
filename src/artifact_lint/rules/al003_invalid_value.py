"""A field holds the wrong kind of value, or a value its format forbids.

## What it does
Reports values of the wrong kind (a list where a string is due, `true` where a
number is due, `.nan` or `.inf` as a measurement), an `id` that is not a slug,
and two evidence rows with the same `gate` (at the second one).

## Why it matters
Downstream checks, the website and other tools read these fields by kind; a
wrong kind breaks them silently or shows nonsense to the public. Gates must be
unique so that a claim or a Direct row can point at exactly one measurement.

## Example
```yaml
evidence:
  - gate: Invoice field exact, 120 rows
    value: [0.734]
  - gate: Invoice field exact, 120 rows
    value: 0.70
```

## Use instead
```yaml
evidence:
  - gate: Invoice field exact, 120 rows
    value: 0.734
  - gate: Invoice field exact, 60 held-out rows
    value: 0.70
```
"""

from __future__ import annotations

from collections.abc import Iterator

from artifact_lint.model.findings import Problem
from artifact_lint.model.repository import ArtifactFile, Repository

CODE = "AL003"
NAME = "invalid-value"
SEVERITY = "error"
SCOPE = "artifact"


def _duplicate_gates(artifact: ArtifactFile) -> Iterator[Problem]:
    model = artifact.model
    if model is None or not model.evidence:
        return
    first_row: dict[str, int] = {}
    for index, row in enumerate(model.evidence):
        if not row.gate:
            continue
        key = row.gate.strip().casefold()
        if key in first_row:
            yield artifact.problem(
                ("evidence", index, "gate"),
                f"gate `{row.gate}` is already measured in `evidence[{first_row[key]}]`;"
                " each gate appears once: merge the rows or name the gates apart",
            )
        else:
            first_row[key] = index


def check(artifact: ArtifactFile, repo: Repository) -> Iterator[Problem]:
    if artifact.validated is None:
        return
    for issue in artifact.validated.of_kind("invalid"):
        yield artifact.problem(issue.path, issue.message)
    yield from _duplicate_gates(artifact)
