"""A `datasets` entry has no `license`.

## What it does
Checks that every entry of `datasets` names its `license`.

## Why it matters
Whether a model or report may be published depends on the licenses of the data
behind it. An entry without a license is an open legal question on a public page.

## Example
```yaml
datasets:
  - name: Synthetic invoices v2
    provenance: Generated from public templates.
```

## Use instead
```yaml
datasets:
  - name: Synthetic invoices v2
    license: CC-BY-4.0
    provenance: Generated from public templates.
```
"""

from __future__ import annotations

from collections.abc import Iterator

from artifact_lint.model.findings import Problem
from artifact_lint.model.repository import ArtifactFile, Repository

CODE = "AL507"
NAME = "missing-dataset-license"
SEVERITY = "warning"
SCOPE = "artifact"


def check(artifact: ArtifactFile, repo: Repository) -> Iterator[Problem]:
    model = artifact.model
    if model is None or not model.datasets:
        return
    for index, dataset in enumerate(model.datasets):
        path = ("datasets", index, "license")
        raw = artifact.value_at(path)
        if not isinstance(artifact.value_at(path[:2]), dict) or not (raw is None or isinstance(raw, str)):
            continue  # AL003 reports a value of the wrong kind
        if dataset.license is None or not dataset.license.strip():
            name = f" `{dataset.name}`" if dataset.name else ""
            yield artifact.problem(path, f"dataset{name} has no `license`; name it (or write `unknown`,"
                                         " with why in `provenance`, until it is cleared)",
                                   at=artifact.value_or_absent_position(path))
