"""A metadata file cannot be read as one mapping.

## What it does
Reports an artifact file (or the registry document) that cannot be loaded: a YAML or JSON syntax error, a
byte that is not UTF-8, a duplicate key, a tag (`!!python/...` and friends are
never executed), a file over `max-file-size` (not read at all), nesting or
alias expansion beyond the limits, an empty file, or a top level that is not a
mapping. The finding points at the line and column of the problem; every other
file is still checked.

## Why it matters
A file the linter cannot read is a file nobody checked. It fails the run instead
of passing silently.

## Example
```yaml
id: gemma-2b-invoice-fields
evidence:
  - gate: Invoice field exact
    n: {120, [
```

## Use instead
```yaml
id: gemma-2b-invoice-fields
evidence:
  - gate: Invoice field exact
    n: 120
```
"""

from __future__ import annotations

from collections.abc import Iterator

from artifact_lint.model.findings import Problem
from artifact_lint.model.repository import Repository

CODE = "AL001"
NAME = "parse-error"
SEVERITY = "error"
SCOPE = "repository"
READS = ()  # load errors only


def check(repo: Repository) -> Iterator[Problem]:
    for artifact in repo.target_artifacts:
        error = artifact.load_error
        if error is not None:
            yield Problem(path=artifact.path, position=error.position, message=error.message,
                          artifact=artifact.stem)
    registry = repo.registry
    if registry is not None and registry.load_error is not None:
        yield Problem(path=registry.path, position=registry.load_error.position,
                      message=f"the registry document cannot be read: {registry.load_error.message}")
