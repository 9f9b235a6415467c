"""A file matched by `public-copy` cannot be tied to an artifact.

## What it does
The `public-copy` setting maps globs to an artifact id template
(`"docs/hf-cards/*.md" = "{stem}"`, the default). A matched file whose id does not
resolve to an artifact of the repository (a metadata file's id, or an entry of
the registry document) is reported at the file.

## Why it matters
Public copy is checked against its own artifact's competition and evidence rows.
A card whose artifact cannot be found is checked against nothing, so its claims
go unread: a renamed artifact or a typo in the card's name hides overclaims.

## Example
```toml
[tool.artifact-lint.public-copy]
"docs/hf-cards/*.md" = "{stem}"
# docs/hf-cards/gemma-2b-invoice-field.md: no artifact `gemma-2b-invoice-field`
```

## Use instead
```toml
# docs/hf-cards/gemma-2b-invoice-fields.md, named as the artifact is
```
"""

from __future__ import annotations

from collections.abc import Iterator

from artifact_lint.model.findings import Position, Problem
from artifact_lint.model.repository import Repository
from artifact_lint.sources.public_copy import configured_copy
from artifact_lint.suggest import did_you_mean

CODE = "AL208"
NAME = "unresolved-public-copy"
SEVERITY = "warning"
SCOPE = "repository"
READS = ("id",)


def check(repo: Repository) -> Iterator[Problem]:
    known = repo.artifact_ids()
    if not known:
        return  # nothing to tie copy to: the artifact rules say what is missing
    for artifact_id, files in sorted(configured_copy(repo).items()):
        if artifact_id in known:
            continue
        for path in files:
            yield Problem(
                path=path, position=Position(1, 1), value=artifact_id,
                message=f"`public-copy` ties this file to `{artifact_id}`, which is no artifact of the repository"
                        f"{did_you_mean(artifact_id, sorted(known))}; rename the file or fix the id template,"
                        " so that its claims are checked")
