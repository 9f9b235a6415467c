"""A referenced path is absolute or leaves the repository root.

## What it does
Checks the paths an artifact or decision record points at (`surface`,
`package`, and `evidence_sources` in `decision.json`): each must be relative
and stay inside the repository root, also after following symbolic links.
URLs are not paths and are not checked here.

## Why it matters
Metadata must describe what is committed. A path such as `/home/me/run` or
`../../secrets` means nothing to a reader of the repository, and the linter
never reads outside the root.

## Example
```yaml
surface:
  - ../shared/eval_report.json
```

## Use instead
```yaml
surface:
  - specialists/mistral-7b-ticket-triage/eval_report.json
```
"""

from __future__ import annotations

from collections.abc import Iterator

from artifact_lint.model.findings import Position, Problem
from artifact_lint.model.repository import Repository
from artifact_lint.rules._shared import ANY_URL, evidence_source_escapes, is_absolute

CODE = "AL503"
NAME = "path-escapes-root"
SEVERITY = "error"
SCOPE = "repository"
READS = ("surface", "package")


def _why(path: str) -> str:
    if is_absolute(path):
        return "is absolute"
    if ".." in path.replace("\\", "/").split("/"):
        return "climbs out of the root with `..`"
    return "resolves outside the root through a symbolic link"


def check(repo: Repository) -> Iterator[Problem]:
    for artifact in repo.artifacts:
        model = artifact.model
        if model is None:
            continue
        references: list[tuple[tuple[str | int, ...], str]] = [
            (("surface", i), s) for i, s in enumerate(model.surface or [])]
        if model.package:
            references.append((("package",), model.package))
        for path, value in references:
            text = value.strip()
            if text and not ANY_URL.match(text) and (is_absolute(text) or repo.inside(text) is None):
                yield artifact.problem(path, f"path `{text}` {_why(text)}; reference files inside"
                                             " the repository with a relative path, or give a URL")
    for package in repo.packages:
        if package.outside_root:
            yield Problem(path=package.path, position=Position(1, 1),
                          message=f"package folder `{package.path}` is a link that leaves the repository root;"
                                  " nothing in it was read: commit the package inside the repository")
    for package, record, decision in repo.decisions():
        for index, source in enumerate(decision.evidence_sources or []):
            text = source.strip()
            if text and not ANY_URL.match(text) and evidence_source_escapes(repo, package.path, text):
                yield record.problem(("evidence_sources", index),
                                     f"evidence source `{text}` {_why(text)}; cite files inside the"
                                     " repository with a relative path, or give a URL")
