"""A required field is absent, null or empty.

## What it does
Checks that every field the artifact format requires is present and not empty:
`id`, `type`, `state`, `public_value`, `publishable_now`, `evidence`,
`competition`, `blockers`, `next_release_action`, `provenance` with `source`,
`evaluation` and `readiness`, and the required fields of every evidence,
competition and claim row. The finding points at the key of the mapping that
lacks the field (line 1, column 1 for the top level), or at the value itself
when the key is there but null or empty.

One defect gives one finding, so AL002 stays quiet where a more specific rule
speaks: absent `blockers` on a state that is not shipped is AL301, absent
`evidence` on a state that requires it is AL103 (and a state whose policy says
`requires_evidence: false` may have none), blocker rows are AL302. In the
registry document, the competitors an evidence table names as columns (rows
with a `gate` but no `label` and no `readout`) are one finding per artifact,
not two per row.

## Why it matters
The release rule asks every public artifact to state what it is, where it
stands, what can be published, what was measured, how it compares, what blocks
it and what happens next. A missing answer is the gap a reader falls into.

## Example
```yaml
provenance:
  source: LoRA adapter trained on synthetic invoices.
  evaluation: Frozen 120-row public slice.
```

## Use instead
```yaml
provenance:
  source: LoRA adapter trained on synthetic invoices.
  evaluation: Frozen 120-row public slice.
  readiness: Not packaged until an end-to-end gate exists.
```
"""

from __future__ import annotations

from collections.abc import Iterator

from artifact_lint.model.findings import Problem
from artifact_lint.model.repository import ArtifactFile, Repository
from artifact_lint.rules._shared import state_policy
from artifact_lint.sources.loader import PathKey

CODE = "AL002"
NAME = "missing-field"
SEVERITY = "error"
SCOPE = "artifact"


def _owned_elsewhere(path: PathKey, artifact: ArtifactFile, repo: Repository) -> bool:
    """Whether a more specific rule reports this absent field (or nothing should)."""
    if len(path) == 3 and path[0] == "blockers":
        return True  # AL302
    if path in (("evidence",), ("blockers",)):
        # A known state: AL103 reports missing evidence when the state requires it, AL301
        # missing blockers when it is not shipped. An unknown state (AL101): still due.
        return state_policy(artifact, repo) is not None
    return False


def _unlabelled_rows(artifact: ArtifactFile, missing: list[PathKey]) -> list[int]:
    """Competition rows with a `gate` but neither `label` nor `readout`: the systems an
    evidence table names as columns, as the registry document (or a file imported from
    it) gives them. They are one finding together, not two per row."""
    model = artifact.model
    rows = model.competition if model is not None and model.competition else []
    lacking = {path[1] for path in missing if len(path) == 3 and path[0] == "competition"
               and path[2] in ("label", "readout")}
    return [index for index in sorted(lacking)
            if isinstance(index, int) and index < len(rows) and rows[index].gate
            and (("competition", index, "label") in missing) and (("competition", index, "readout") in missing)]


def check(artifact: ArtifactFile, repo: Repository) -> Iterator[Problem]:
    if artifact.validated is None:
        return
    missing = [issue.path for issue in artifact.validated.of_kind("missing")]
    unlabelled = _unlabelled_rows(artifact, missing)
    if unlabelled:
        yield _unlabelled_finding(artifact, unlabelled)
    for issue in artifact.validated.of_kind("missing"):
        path = issue.path
        if _owned_elsewhere(path, artifact, repo):
            continue
        if len(path) == 3 and path[0] == "competition" and path[1] in unlabelled and path[2] in ("label", "readout"):
            continue
        yield artifact.problem(path, issue.message, at=artifact.value_or_absent_position(path))


def _unlabelled_finding(artifact: ArtifactFile, rows: list[int]) -> Problem:
    model = artifact.model
    names: list[str] = []
    for index in rows:
        system = model.competition[index].system if model and model.competition else None
        if system and system not in names:
            names.append(system)
    listed = ", ".join(f"`{name}`" for name in names) or f"{len(rows)} row(s)"
    return artifact.problem(
        ("competition", rows[0], "label"),
        f"the competitors {listed} carry no comparability label; give each a row with a label"
        " of the policy (`Direct` only where fixture, prompt/eval setup, metric and scorer are the same)",
        at=artifact.value_or_absent_position(("competition", rows[0], "label")))
