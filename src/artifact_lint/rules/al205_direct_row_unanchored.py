"""A `Direct` row has no `gate`, or its `gate` is not an evidence gate of this artifact.

## What it does
For every competition row whose label allows win claims (`Direct` by default)
and that is not the artifact's own row (`self: true`), checks that `gate` is
present and equals the `gate` of one of the artifact's evidence rows; names
the closest evidence gate when it does not.

## Why it matters
`Direct` means "same fixture, prompt/eval setup, metric and scorer": the row's
score was measured on one of this artifact's own gates. The `gate` says which
one, and it is what lets AL204 check a claimed delta against evidence value
minus the row's score. A `Direct` row without a gate is a comparability claim
nobody can verify.

## Example
```yaml
evidence:
  - gate: Public extraction exact, 80 rows
    value: 0.612
competition:
  - system: Stock Phi-3-mini
    metric: extraction exact
    score: 0.565
    label: Direct
    gate: Public extraction exact, 60 rows
    readout: Same slice; the adapter is +4.7 points.
```

## Use instead
```yaml
evidence:
  - gate: Public extraction exact, 80 rows
    value: 0.612
competition:
  - system: Stock Phi-3-mini
    metric: extraction exact
    score: 0.565
    label: Direct
    gate: Public extraction exact, 80 rows
    readout: Same slice; the adapter is +4.7 points.
```
"""

from __future__ import annotations

from collections.abc import Iterator

from artifact_lint.analysis.gates import evidence_gates, evidence_reported_missing, evidence_row, win_claim_labels
from artifact_lint.model.findings import Problem
from artifact_lint.model.repository import ArtifactFile, Repository
from artifact_lint.suggest import did_you_mean, quoted_list

CODE = "AL205"
NAME = "direct-row-unanchored"
SEVERITY = "warning"
SCOPE = "artifact"


def check(artifact: ArtifactFile, repo: Repository) -> Iterator[Problem]:
    model = artifact.model
    if model is None or not model.competition:
        return
    if evidence_reported_missing(model, repo.policy_for(artifact)):
        return  # AL002 / AL103 report the missing evidence
    win_labels = win_claim_labels(repo.policy_for(artifact))
    gates = evidence_gates(model)
    for index, row in enumerate(model.competition):
        if row.is_self or row.label not in win_labels:
            continue
        system = f"`{row.system}`" if row.system else f"row {index}"
        if not row.gate or not row.gate.strip():
            hint = f"; the evidence gates are {quoted_list(gates)}" if gates else (
                "; the artifact has no evidence rows to anchor it to")
            yield artifact.problem(
                ("competition", index, "gate"),
                f"{system} is labelled `{row.label}` but has no `gate`: name the evidence gate its"
                f" score was measured on{hint}")
        elif evidence_row(model, row.gate) is None:
            hint = did_you_mean(row.gate, gates) or (
                f"; the evidence gates are {quoted_list(gates)}" if gates else
                "; the artifact has no evidence rows")
            yield artifact.problem(
                ("competition", index, "gate"),
                f"{system} is labelled `{row.label}` on gate `{row.gate}`, which is not an evidence"
                f" gate of this artifact{hint}")
