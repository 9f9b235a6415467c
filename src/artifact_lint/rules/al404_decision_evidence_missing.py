"""An `evidence_sources` path in `decision.json` does not exist.

## What it does
Resolves each `evidence_sources` entry that is not a URL against the package
folder, then against the repository root, and reports entries that exist in
neither. Paths that leave the root are reported by AL503 instead.

## Why it matters
A decision is only as good as the evidence it cites. A path that points nowhere
means the decision cannot be checked.

## Example
```json
{"evidence_sources": ["eval_report_v2.json"]}
```

## Use instead
```json
{"evidence_sources": ["eval_report.json", "https://example.org/runs/42"]}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from artifact_lint.model.findings import Problem
from artifact_lint.model.repository import Repository
from artifact_lint.rules._shared import ANY_URL, evidence_source_escapes

CODE = "AL404"
NAME = "decision-evidence-missing"
SEVERITY = "error"
SCOPE = "repository"
READS = ()  # packages


def check(repo: Repository) -> Iterator[Problem]:
    for package, record, model in repo.decisions():
        for index, source in enumerate(model.evidence_sources or []):
            text = source.strip()  # as AL503 reads it
            if not text or ANY_URL.match(text):
                continue
            if evidence_source_escapes(repo, package.path, text):
                continue  # AL503: the path leaves the root
            if repo.exists(f"{package.path}/{text}") or repo.exists(text):
                continue
            yield record.problem(("evidence_sources", index),
                                 f"evidence source `{text}` exists neither in `{package.path}/` nor at the root;"
                                 " fix the path or commit the file")
