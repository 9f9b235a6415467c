"""A specialist package folder has no `decision.json`.

## What it does
Every folder under `specialists/` is a specialist package, and each must hold
the `decision.json` that justifies it. The finding points at the folder; where
the registry document's entry for the package records a decision other than
`ship` ("production decision: `reject`"), the message says so.

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

from artifact_lint.model.findings import Position, Problem
from artifact_lint.model.repository import Repository
from artifact_lint.rules._shared import artifact_references, named_packages

CODE = "AL401"
NAME = "package-without-decision"
SEVERITY = "error"
SCOPE = "repository"
READS = ()  # packages and the registry document


def _recorded_decisions(repo: Repository) -> dict[str, tuple[str, str]]:
    """Package folder -> (entry id, decision) for the registry document's entries that
    name the package and record a decision other than ship in their detail section."""
    registry = repo.registry
    if registry is None or registry.document is None:
        return {}
    recorded: dict[str, tuple[str, str]] = {}
    for entry in registry.document.artifacts:
        if entry.decision and entry.decision != "ship":
            for path in named_packages(artifact_references(entry.data), repo):
                recorded.setdefault(path, (entry.id, entry.decision))
    return recorded


def check(repo: Repository) -> Iterator[Problem]:
    recorded = _recorded_decisions(repo)
    for package in repo.packages:
        if package.decision is None and not package.outside_root:  # AL503 reports a folder outside
            said = ""
            if package.path in recorded:
                entry, decision = recorded[package.path]
                said = f", and the registry document records the decision `{decision}` for `{entry}`"
            yield Problem(
                path=package.path, position=Position(1, 1),
                message=f"package `{package.path}` has no decision.json{said}; a package exists only once"
                        " its decision says ship: add the decision record, or remove the folder",
            )
