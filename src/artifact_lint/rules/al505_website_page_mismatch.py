"""`website` is not `/artifacts/<id>`.

## What it does
When an artifact gives `website`, checks that it is exactly `/artifacts/<id>`.

## Why it matters
The public site has one detail page per artifact at `/artifacts/<id>`. Any
other value links to a page that the site does not build.

## Example
```yaml
id: mistral-7b-ticket-triage
website: /models/triage
```

## Use instead
```yaml
id: mistral-7b-ticket-triage
website: /artifacts/mistral-7b-ticket-triage
```
"""

from __future__ import annotations

from collections.abc import Iterator

from artifact_lint.model.findings import Fix, Problem
from artifact_lint.model.repository import ArtifactFile, Repository

CODE = "AL505"
NAME = "website-page-mismatch"
SEVERITY = "error"
SCOPE = "artifact"
FIX = "unsafe"


def check(artifact: ArtifactFile, repo: Repository) -> Iterator[Problem]:
    model = artifact.model
    if model is None or model.website is None or not model.id:
        return
    expected = f"/artifacts/{model.id}"
    if model.website.strip().rstrip("/") != expected:
        yield artifact.problem(("website",), f"website `{model.website}` should be `{expected}`",
                               fix=Fix(replacement=expected, safe=False, description=f"write `{expected}`"))
