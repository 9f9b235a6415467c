"""A competition `label` is not one of the policy's comparability labels.

## What it does
Checks that each competition row's `label` is a label of the policy
(by default `Direct`, `Directional`, `Not comparable`), spelt exactly. A label
that differs only in case, spaces, hyphens or underscores (`direct`,
`not-comparable`, `Not Comparable`) has a safe fix to the policy's spelling.

## Why it matters
The label decides whether public copy may claim a win over the row. A label
the policy does not know is treated as not `Direct`, and readers and tools that
match labels exactly miss it.

## Example
```yaml
competition:
  - system: Stock Gemma-2B
    label: direct
```

## Use instead
```yaml
competition:
  - system: Stock Gemma-2B
    label: Direct
```
"""

from __future__ import annotations

from collections.abc import Iterator

from artifact_lint.model.findings import Fix, Problem
from artifact_lint.model.repository import ArtifactFile, Repository
from artifact_lint.suggest import closest, quoted_list

CODE = "AL201"
NAME = "invalid-label"
SEVERITY = "error"
SCOPE = "artifact"
FIX = "safe"


def _spelling_key(label: str) -> str:
    return "".join(ch for ch in label.casefold() if ch.isalnum())


def check(artifact: ArtifactFile, repo: Repository) -> Iterator[Problem]:
    model = artifact.model
    if model is None or not model.competition:
        return
    policy = repo.policy_for(artifact)
    for index, row in enumerate(model.competition):
        label = row.label
        if label is None or not label.strip() or label in policy.labels:
            continue
        path = ("competition", index, "label")
        labels = list(policy.labels)
        exact = {_spelling_key(known): known for known in labels}.get(_spelling_key(label))
        if exact is not None:
            yield artifact.problem(
                path, f"label `{label}` is not a policy label; write `{exact}`",
                fix=Fix(replacement=exact, safe=True, description=f"write `{exact}`"),
            )
            continue
        near = closest(label, labels)
        hint = f"did you mean `{near}`?" if near else f"use {quoted_list(labels)}"
        yield artifact.problem(path, f"label `{label}` is not a policy label; {hint}"
                                     " (an unknown label counts as not Direct)")
