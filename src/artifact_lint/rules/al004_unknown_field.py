"""A field the artifact format does not define.

## What it does
Reports keys the format does not know, at top level and inside rows, and names
the closest known field.

A field that a rule of the repository's own (`rules/*.yaml`) names is a known
field: such rules extend the format.

## Why it matters
A misspelt field (`blocker:` for `blockers:`, `publishable:` for
`publishable_now:`) is not read by anything: the information it holds is lost
while the file looks complete.

## Example
```yaml
next_release_actions: Publish as a report.
```

## Use instead
```yaml
next_release_action: Publish as a report.
```
"""

from __future__ import annotations

from collections.abc import Iterator

from artifact_lint.custom.loading import names_known_field
from artifact_lint.model.findings import Problem
from artifact_lint.model.repository import ArtifactFile, Repository

CODE = "AL004"
NAME = "unknown-field"
SEVERITY = "warning"
SCOPE = "artifact"


def check(artifact: ArtifactFile, repo: Repository) -> Iterator[Problem]:
    if artifact.validated is None:
        return
    config = repo.config
    for issue in artifact.validated.of_kind("unknown"):
        if config.extra_rules and names_known_field(config, issue.path):
            continue  # a custom rule reads it
        yield artifact.problem(issue.path, issue.message, key=True)
