"""The registry document's artifact list disagrees with the metadata files.

## What it does
When both the Markdown registry document (`docs/factory/public-artifacts.md`,
config `registry-doc`) and artifact files exist, compares the document's
"Current Public Artifact List" table with the metadata: an id listed in the
document without a metadata file is reported at the document's row; an id with
a metadata file but no row, at that file; a different `type` or `state` for the
same id, at the document's row. Inside the document, a detail section whose
`Status:` disagrees with the list table is reported at the Status line.

## Why it matters
People read the document; tools read the metadata. When they drift, the public
sees one state and the release checks enforce another. One real registry
showed a state in its list that its own detail section and policy did not know.

## Example
```markdown
| `terminal-replay` | Demo artifact | `report-only` | Demo. | Leave parked. |
```
while `artifacts/terminal-replay.yaml` says `state: parked`.

## Use instead
```markdown
| `terminal-replay` | Demo artifact | `parked` | Demo. | Leave parked. |
```
"""

from __future__ import annotations

from collections.abc import Iterator

from artifact_lint.model.findings import Position, Problem
from artifact_lint.model.repository import ArtifactFile, Repository

CODE = "AL601"
NAME = "registry-doc-drift"
SEVERITY = "error"
SCOPE = "repository"
READS = ("id", "type", "state")


def _status_drift(repo: Repository) -> Iterator[Problem]:
    registry = repo.registry
    if registry is None or registry.document is None:
        return
    for entry in registry.document.artifacts:
        if entry.list_state and entry.status_line_state and entry.list_state != entry.status_line_state:
            position = entry.document.positions.value(("state",))
            yield Problem(path=registry.path, position=position, field="state", artifact=entry.id,
                          value=entry.status_line_state,
                          message=f"`{entry.id}`: the list table says `{entry.list_state}` but its Status line"
                                  f" says `{entry.status_line_state}`; make them agree (the Status line is used)")


def _artifacts_folder(repo: Repository) -> str:
    """Where a missing metadata file belongs: the first configured folder (a glob's
    fixed part, a file's folder)."""
    entry = repo.config.paths[0] if repo.config.paths else "artifacts"
    parts = [p for p in entry.replace("\\", "/").split("/") if p not in ("", ".")]
    magic = next((i for i, part in enumerate(parts) if set(part) & set("*?[")), len(parts))
    if magic == len(parts) and parts and parts[-1].lower().endswith((".yaml", ".yml", ".json")):
        magic -= 1
    return "/".join(parts[:magic]) or ("." if repo.config.paths else "artifacts")


def check(repo: Repository) -> Iterator[Problem]:
    yield from _status_drift(repo)
    registry = repo.registry
    # Document mode (no metadata file at all): the document is the registry, and
    # there is nothing for it to drift from.
    if registry is None or registry.document is None or not repo.artifacts:
        return
    rows = {row.id: row for row in registry.document.list_rows}
    files: dict[str, ArtifactFile] = {}
    for loaded in repo.artifacts:
        if loaded.model is not None and loaded.model.id:
            files.setdefault(loaded.model.id, loaded)
    folder = _artifacts_folder(repo)
    for artifact_id, row in rows.items():
        where = Position(row.line, 1)
        artifact = files.get(artifact_id)
        if artifact is None:
            yield Problem(path=registry.path, position=where, artifact=artifact_id, value=artifact_id,
                          message=f"`{artifact_id}` is listed in the registry document but has no metadata"
                                  f" file; add `{folder}/{artifact_id}.yaml` or remove the row")
            continue
        model = artifact.model
        assert model is not None
        for name, listed, actual in (("type", row.type, model.type), ("state", row.state, model.state)):
            if actual is not None and listed.strip() != actual.strip():
                yield Problem(path=registry.path, position=where, artifact=artifact_id, field=name,
                              value=listed,
                              message=f"`{artifact_id}`: the document's {name} is `{listed}` but"
                                      f" `{artifact.path}` says `{actual}`; make them agree")
    for artifact_id, artifact in files.items():
        if artifact_id not in rows:
            yield artifact.problem(("id",), f"`{artifact_id}` has no row in the registry document"
                                            f" `{registry.path}`; add it to the artifact list table")
