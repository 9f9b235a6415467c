"""Two artifacts share an `id`.

## What it does
Reports every artifact whose `id` another artifact file also uses (each file is
reported, naming the others).

## Why it matters
Ids must be unique across the repository: the website, the registry document and
the package links all address artifacts by id.

## Example
```yaml
# artifacts/gemma-2b-invoice-fields.yaml and artifacts/gemma-2b-invoice-fields-copy.yaml
id: gemma-2b-invoice-fields
```

## Use instead
```yaml
# artifacts/gemma-2b-invoice-fields-copy.yaml
id: gemma-2b-invoice-fields-copy
```
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from artifact_lint.model.findings import Problem
from artifact_lint.model.repository import ArtifactFile, Repository

CODE = "AL006"
NAME = "duplicate-id"
SEVERITY = "error"
SCOPE = "repository"
READS = ("id",)


def check(repo: Repository) -> Iterator[Problem]:
    by_id: dict[str, list[ArtifactFile]] = defaultdict(list)
    for artifact in repo.artifacts:
        if artifact.model is not None and artifact.model.id:
            by_id[artifact.model.id].append(artifact)
    for artifact_id, files in by_id.items():
        if len(files) < 2:
            continue
        for artifact in files:
            others = ", ".join(f"`{o.path}`" for o in files if o is not artifact)
            yield artifact.problem(("id",), f"id `{artifact_id}` is also used by {others};"
                                            " every artifact needs its own id")
