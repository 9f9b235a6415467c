"""A metadata file cannot be read as one mapping.

## What it does
Reports an artifact file that cannot be loaded: a YAML or JSON syntax error, a
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

from artifact_lint.findings import Problem
from artifact_lint.repository import ArtifactFile, Repository

CODE = "AL001"
NAME = "parse-error"
SEVERITY = "error"
SCOPE = "artifact"


def check(artifact: ArtifactFile, repo: Repository) -> Iterator[Problem]:
    error = artifact.load_error
    if error is not None:
        yield Problem(path=artifact.path, position=error.position, message=error.message,
                      artifact=artifact.stem)
