"""An artifact that is not shipped lists no blockers.

## What it does
For every state the policy does not mark as shipped, checks that `blockers`
is present and lists at least one blocker.

## Why it matters
An artifact that is not released is held back by something. Naming it, with why
it matters and how to unblock it, is what turns a parked idea into a plan; one
real registry listed artifacts with no blockers at all.

## Example
```yaml
state: report-only
blockers: []
```

## Use instead
```yaml
state: report-only
blockers:
  - blocker: No canonical example run
    why: Readers cannot follow the contract without one rendered run.
    unblock: Render one run and link it from the README.
```
"""

from __future__ import annotations

from collections.abc import Iterator

from artifact_lint.model.findings import Problem
from artifact_lint.model.repository import ArtifactFile, Repository
from artifact_lint.rules._shared import state_policy

CODE = "AL301"
NAME = "missing-blockers"
SEVERITY = "error"
SCOPE = "artifact"


def check(artifact: ArtifactFile, repo: Repository) -> Iterator[Problem]:
    policy = state_policy(artifact, repo)
    model = artifact.model
    if policy is None or model is None or policy.shipped or model.blockers:
        return
    if artifact.reported_invalid(("blockers",)):
        return  # AL003 already reports the broken value
    yield artifact.problem(
        ("blockers",),
        f"state `{model.state}` is not shipped but no blockers are listed;"
        " add each blocker with `blocker`, `why` and `unblock`",
        at=artifact.value_or_absent_position(("blockers",)),
    )
