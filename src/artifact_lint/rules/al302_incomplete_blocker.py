"""A blocker row lacks `blocker`, `why` or `unblock`, or holds a placeholder.

## What it does
Checks that every row of `blockers` states the blocker, why it matters and the
unblock action, each as real text: empty values and placeholders (`TBD`,
`TODO`, `-`, `n/a`, `?`) are reported.

## Why it matters
A blocker without a reason cannot be weighed, and one without an unblock action
cannot be worked on. Placeholders hide exactly that gap.

## Example
```yaml
blockers:
  - blocker: Posting gate missing
    why: TBD
```

## Use instead
```yaml
blockers:
  - blocker: Posting gate missing
    why: Field exact match alone cannot back a bookkeeping claim.
    unblock: Add an end-to-end posting gate on a public set.
```
"""

from __future__ import annotations

from collections.abc import Iterator

from artifact_lint.model.findings import Problem
from artifact_lint.model.repository import ArtifactFile, Repository

CODE = "AL302"
NAME = "incomplete-blocker"
SEVERITY = "error"
SCOPE = "artifact"

PLACEHOLDERS = {"tbd", "todo", "-", "--", "n/a", "na", "?", "...", "tba", "fixme", "xxx"}
PARTS = {"blocker": "the blocker", "why": "why it matters", "unblock": "the unblock action"}


def check(artifact: ArtifactFile, repo: Repository) -> Iterator[Problem]:
    model = artifact.model
    if model is None or not model.blockers:
        return
    for index, row in enumerate(model.blockers):
        if not isinstance(artifact.value_at(("blockers", index)), dict):
            continue  # AL003 reports a row that is not a mapping
        for name, meaning in PARTS.items():
            value = getattr(row, name)
            path = ("blockers", index, name)
            if value is None or not value.strip():
                if artifact.value_at(path) is not None and not isinstance(artifact.value_at(path), str):
                    continue  # AL003 reports a value of the wrong kind
                yield artifact.problem(path, f"`blockers[{index}]` has no `{name}`; write {meaning}",
                                       at=artifact.value_or_absent_position(path))
            elif value.strip().rstrip(".").casefold() in PLACEHOLDERS:
                yield artifact.problem(path, f"`{name}` is the placeholder `{value.strip()}`; write {meaning}")
