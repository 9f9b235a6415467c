"""The state requires measured evidence and `evidence` is empty.

## What it does
For every state whose policy entry does not say `requires_evidence: false`
(in the default policy: all but `parked`), checks that `evidence` lists at
least one measured row.

## Why it matters
A public artifact without numbers asks to be trusted. The release rule wants
measured evidence on every page; one real registry listed artifacts with none.

## Example
```yaml
state: report-only
evidence: []
```

## Use instead
```yaml
state: report-only
evidence:
  - gate: Rendered example runs, end to end
    value: 1
```
"""

from __future__ import annotations

from collections.abc import Iterator

from artifact_lint.model.findings import Problem
from artifact_lint.model.repository import ArtifactFile, Repository
from artifact_lint.rules._shared import state_policy

CODE = "AL103"
NAME = "missing-evidence"
SEVERITY = "error"
SCOPE = "artifact"


def check(artifact: ArtifactFile, repo: Repository) -> Iterator[Problem]:
    policy = state_policy(artifact, repo)
    model = artifact.model
    if policy is None or model is None or not policy.requires_evidence or model.evidence:
        return
    if artifact.reported_invalid(("evidence",)):
        return  # AL003 already reports the broken value
    yield artifact.problem(
        ("evidence",),
        f"state `{model.state}` requires measured evidence but `evidence` is empty;"
        " add at least one row with `gate` and `value`",
        at=artifact.value_or_absent_position(("evidence",)),
    )
