"""No artifact references the specialist package.

## What it does
Reports a folder under `specialists/` that no artifact names in its `package`
field. Every artifact under the configured paths counts, even when only some
files are checked, so a partial run cannot mistake a package for an orphan.

## Why it matters
A package nobody points at has no public artifact: no evidence, no blockers, no
next action. Either describe it or remove it.

## Example
```yaml
# specialists/gemma-2b-invoice-fields/ exists, but no artifact says:
package: specialists/gemma-2b-invoice-fields
```

## Use instead
```yaml
# artifacts/gemma-2b-invoice-fields.yaml
package: specialists/gemma-2b-invoice-fields
```
"""

from __future__ import annotations

from collections.abc import Iterator

from artifact_lint.findings import Position, Problem
from artifact_lint.repository import Repository

CODE = "AL405"
NAME = "orphan-package"
SEVERITY = "warning"
SCOPE = "repository"


def check(repo: Repository) -> Iterator[Problem]:
    referenced = set()
    for artifact in repo.artifacts:
        if artifact.model is not None and artifact.model.package:
            package = repo.package_for(artifact.model.package)
            if package is not None:
                referenced.add(package.path)
    for package in repo.packages:
        if package.path not in referenced:
            yield Problem(
                path=package.path, position=Position(1, 1),
                message=f"no artifact references `{package.path}`; add `package: {package.path}`"
                        " to its artifact file, or remove the folder",
            )
