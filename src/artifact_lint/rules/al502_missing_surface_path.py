"""A `surface` path does not exist under the root.

## What it does
Checks that every entry of `surface` that is not a URL (`https://`, `hf://`)
names a file or folder that exists in the repository. Paths that leave the
root are reported by AL503 instead.

## Why it matters
The committed surface is what the public can inspect. A listed file that is not
committed is a broken promise on the artifact's page.

## Example
```yaml
surface:
  - specialists/gemma-2b-invoice-fields/model_card.md   # never committed
```

## Use instead
```yaml
surface:
  - specialists/mistral-7b-ticket-triage/eval_report.json
  - https://huggingface.co/factory/gemma-2b-invoice-fields
```
"""

from __future__ import annotations

from collections.abc import Iterator

from artifact_lint.model.findings import Problem
from artifact_lint.model.repository import ArtifactFile, Repository
from artifact_lint.rules._shared import ANY_URL, is_absolute

CODE = "AL502"
NAME = "missing-surface-path"
SEVERITY = "error"
SCOPE = "artifact"


def check(artifact: ArtifactFile, repo: Repository) -> Iterator[Problem]:
    model = artifact.model
    if model is None or not model.surface:
        return
    for index, entry in enumerate(model.surface):
        path = entry.strip()
        if not path or ANY_URL.match(path) or is_absolute(path) or repo.inside(path) is None:
            continue
        if not repo.exists(path):
            yield artifact.problem(("surface", index),
                                   f"surface path `{path}` does not exist under the root;"
                                   " commit it, fix the path, or give a public URL")
