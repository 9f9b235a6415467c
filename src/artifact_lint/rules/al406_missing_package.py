"""An artifact's `package` folder does not exist.

## What it does
Checks that the folder an artifact names in `package` exists under the
specialists folder (`specialists/<name>`). A path that exists but is not such a
folder (a file, or a folder elsewhere) is reported too.

## Why it matters
A package reference that points nowhere breaks the link between the public
artifact and what is actually shipped.

## Example
```yaml
package: specialists/gemma-2b-invoice-field
```

## Use instead
```yaml
package: specialists/gemma-2b-invoice-fields
```
"""

from __future__ import annotations

from collections.abc import Iterator

from artifact_lint.model.findings import Problem
from artifact_lint.model.repository import ArtifactFile, Repository
from artifact_lint.rules._shared import is_absolute
from artifact_lint.suggest import did_you_mean

CODE = "AL406"
NAME = "missing-package"
SEVERITY = "error"
SCOPE = "artifact"


def check(artifact: ArtifactFile, repo: Repository) -> Iterator[Problem]:
    model = artifact.model
    if model is None or not model.package or not model.package.strip():
        return
    if repo.package_for(model.package) is not None:
        return
    if is_absolute(model.package.strip()) or repo.inside(model.package.strip()) is None:
        return  # AL503: the path leaves the root
    known = [p.path for p in repo.packages]
    hint = did_you_mean(model.package, known) or f"; create it under `{repo.config.specialists}/`"
    if repo.exists(model.package.strip()):
        yield artifact.problem(("package",), f"`{model.package}` is not a package folder"
                                             f" (`{repo.config.specialists}/<name>`){hint}")
        return
    yield artifact.problem(("package",), f"package `{model.package}` does not exist{hint}")
