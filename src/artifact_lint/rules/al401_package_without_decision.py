"""A specialist package folder has no `decision.json`.

## What it does
Every folder under `specialists/` is a specialist package, and each must hold
the `decision.json` that justifies it. The finding points at the folder.

## Why it matters
The policy creates a package only once its decision record says `ship`. A
package without a record was never decided.

## Example
```text
specialists/gemma-2b-invoice-fields/
  model_card.md
```

## Use instead
```text
specialists/gemma-2b-invoice-fields/
  decision.json      # {"decision": "ship", ...}
  model_card.md
```
"""

from __future__ import annotations

from collections.abc import Iterator

from artifact_lint.findings import Position, Problem
from artifact_lint.repository import Repository

CODE = "AL401"
NAME = "package-without-decision"
SEVERITY = "error"
SCOPE = "repository"


def check(repo: Repository) -> Iterator[Problem]:
    for package in repo.packages:
        if package.decision is None and not package.outside_root:  # AL503 reports a folder outside
            yield Problem(
                path=package.path, position=Position(1, 1),
                message=f"package `{package.path}` has no decision.json; add the decision record"
                        " (a package exists only once its decision says ship) or remove the folder",
            )
