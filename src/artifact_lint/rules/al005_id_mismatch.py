"""`id` differs from the file name.

## What it does
Checks that `id` equals the artifact file's name without its extension. The
message offers a rename only when no file of that name exists yet.

## Why it matters
The id is the artifact's address: `artifacts/<id>.yaml`, `/artifacts/<id>` on
the website, the row in the registry document. When file name and id differ,
links and cross-checks point at the wrong place.

## Example
```yaml
# artifacts/gemma-2b-invoice-fields.yaml
id: gemma-2b-invoice-field
```

## Use instead
```yaml
# artifacts/gemma-2b-invoice-fields.yaml
id: gemma-2b-invoice-fields
```
"""

from __future__ import annotations

from collections.abc import Iterator

from artifact_lint.model.findings import Problem
from artifact_lint.model.repository import ArtifactFile, Repository

CODE = "AL005"
NAME = "id-mismatch"
SEVERITY = "error"
SCOPE = "artifact"


def check(artifact: ArtifactFile, repo: Repository) -> Iterator[Problem]:
    model = artifact.model
    if artifact.origin != "file" or model is None or not model.id or model.id == artifact.stem:
        return
    folder, suffix = artifact.path[:artifact.path.rfind("/") + 1], artifact.path[artifact.path.rfind("."):]
    renamed = f"{folder}{model.id}{suffix}"
    if repo.exists(renamed):  # renaming would overwrite another artifact
        remedy = f"set `id: {artifact.stem}` (`{renamed}` already exists)"
    else:
        remedy = f"rename the file to `{renamed.rsplit('/', 1)[-1]}` or set `id: {artifact.stem}`"
    yield artifact.problem(("id",), f"id `{model.id}` differs from the file name `{artifact.stem}`; {remedy}")
