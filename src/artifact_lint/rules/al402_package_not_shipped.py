"""A package's decision is not `ship`.

## What it does
Reports a `specialists/<name>/decision.json` whose `decision` is anything but
`ship` (`reject`, `retry-data`, `retry-training`, `retry-eval`, `park`).

## Why it matters
A package folder is a release: it should exist only after the decision to ship.
Failed or pending attempts belong in the artifact's evidence and
`rejected_alternatives`, not under `specialists/`.

## Example
```json
{"decision": "retry-eval", "reason": "Gate missed.", "...": "..."}
```

## Use instead
```json
{"decision": "ship", "reason": "Gate cleared with breadth retained.", "...": "..."}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from artifact_lint.model.findings import Problem
from artifact_lint.model.repository import Repository

CODE = "AL402"
NAME = "package-not-shipped"
SEVERITY = "error"
SCOPE = "repository"
READS = ()  # packages


def check(repo: Repository) -> Iterator[Problem]:
    for package, record, model in repo.decisions():
        if model.decision is not None and model.decision != "ship":
            yield record.problem(
                ("decision",),
                f"decision is `{model.decision}`, so `{package.path}` should not exist yet;"
                " keep the attempt as evidence elsewhere and create the package once the decision is `ship`",
            )
