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

from artifact_lint.findings import Position, Problem
from artifact_lint.repository import ArtifactFile, Repository

CODE = "AL405"
NAME = "orphan-package"
SEVERITY = "warning"
SCOPE = "repository"


def _named_packages(artifact: ArtifactFile, repo: Repository) -> Iterator[str]:
    """The package folders an artifact names: `package`, surface paths, weights location."""
    model = artifact.model
    if model is None:
        return
    references = [model.package or "", *(model.surface or [])]
    if model.weights is not None and model.weights.location:
        references.append(model.weights.location)
    prefix = repo.config.specialists.strip("/") + "/"
    for reference in references:
        text = reference.strip().removeprefix("./")
        if not text.startswith(prefix):
            continue
        name = text[len(prefix):].split("/", 1)[0]
        package = repo.package_for(prefix + name)
        if package is not None:
            yield package.path


def check(repo: Repository) -> Iterator[Problem]:
    referenced = set()
    for artifact in [*repo.artifacts, *repo.documented]:
        referenced.update(_named_packages(artifact, repo))
    for package in repo.packages:
        if package.path not in referenced:
            yield Problem(
                path=package.path, position=Position(1, 1),
                message=f"no artifact references `{package.path}`; add `package: {package.path}`"
                        " to its artifact file, or remove the folder",
            )
