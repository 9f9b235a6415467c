"""A required field is absent, null or empty.

## What it does
Checks that every field the artifact format requires is present and not empty:
`id`, `type`, `state`, `public_value`, `publishable_now`, `evidence`,
`competition`, `blockers`, `next_release_action`, `provenance` with `source`,
`evaluation` and `readiness`, and the required fields of every evidence,
competition and claim row. The finding points at the key of the mapping that
lacks the field (line 1, column 1 for the top level), or at the value itself
when the key is there but null or empty. Blocker rows are checked by AL302.

## Why it matters
The release rule asks every public artifact to state what it is, where it
stands, what can be published, what was measured, how it compares, what blocks
it and what happens next. A missing answer is the gap a reader falls into.

## Example
```yaml
provenance:
  source: LoRA adapter trained on synthetic invoices.
  evaluation: Frozen 120-row public slice.
```

## Use instead
```yaml
provenance:
  source: LoRA adapter trained on synthetic invoices.
  evaluation: Frozen 120-row public slice.
  readiness: Not packaged until an end-to-end gate exists.
```
"""

from __future__ import annotations

from collections.abc import Iterator

from artifact_lint.findings import Problem
from artifact_lint.repository import ArtifactFile, Repository

CODE = "AL002"
NAME = "missing-field"
SEVERITY = "error"
SCOPE = "artifact"


def _owned_by_al302(path: tuple) -> bool:  # type: ignore[type-arg]
    return len(path) == 3 and path[0] == "blockers"


def check(artifact: ArtifactFile, repo: Repository) -> Iterator[Problem]:
    if artifact.validated is None:
        return
    for issue in artifact.validated.of_kind("missing"):
        if _owned_by_al302(issue.path):
            continue
        yield artifact.problem(issue.path, issue.message, at=artifact.value_or_absent_position(issue.path))
