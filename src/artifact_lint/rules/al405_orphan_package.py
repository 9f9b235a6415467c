"""No artifact references the specialist package.

## What it does
Reports a folder under `specialists/` that no artifact names: in its `package`
field, in its committed `surface` or in its `weights.location` (a path under
`specialists/<name>/`). Every artifact under the configured paths counts, and
every entry of the registry document, even when only some files are checked, so
a partial run cannot mistake a package for an orphan.

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

from artifact_lint.model.findings import Position, Problem
from artifact_lint.model.repository import Repository
from artifact_lint.rules._shared import artifact_references, named_packages

CODE = "AL405"
NAME = "orphan-package"
SEVERITY = "warning"
SCOPE = "repository"
READS = ("package", "surface", "weights")


def check(repo: Repository) -> Iterator[Problem]:
    referenced: set[str] = set()
    sources = [artifact.document.data for artifact in repo.artifacts if artifact.document is not None]
    if repo.registry is not None and repo.registry.document is not None:
        sources += [entry.data for entry in repo.registry.document.artifacts]
    for data in sources:
        referenced.update(named_packages(artifact_references(data), repo))
    for package in repo.packages:
        if package.path not in referenced:
            yield Problem(
                path=package.path, position=Position(1, 1),
                message=f"no artifact references `{package.path}`; add `package: {package.path}`"
                        " to its artifact file, or remove the folder",
            )
