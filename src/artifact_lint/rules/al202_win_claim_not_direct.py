"""Public copy claims a win over a system whose row is not `Direct`.

## What it does
Finds win claims in public copy (`public_value`, `publishable_now`,
`next_release_action`, `summary`, `notes`, `competition[].readout`,
`claims[].text`) and in structured `claims[].against`, works out which
competition rows each claim is about, and reports every such row whose label
is not a win-claims label of the policy (`win_claims: true`; by default only
`Direct`).

A sentence is a win claim when it holds a win cue: "beat(s/ing/en)",
"outperform(s/ed/ing)", "surpass(es/ed)", "better than", "ahead of", "wins
over", "win against", "vs"/"versus" as a word of its own (not inside
`upstream-vs-MLX`), a signed delta ("+4.7 points", "+19pp") or a ratio ("3x
smaller"). It names a row by the row's `system`, one of its `aliases`, or a
distinctive token of the system name (`SQLCoder-7B-2`, `T5`, `TinyGPT`). A claim
in a row's own `readout` is about that row unless it names another one. A
`self: true` row is never the other side of a claim, and before/after wording
("58% -> 100%", "65% vs stock 59.6%") is not a claim.

## Why it matters
The release policy allows "we beat X on this exact gate" only where X was run
on the same fixture, prompt/eval setup, metric and scorer. Any other row is
context until the same benchmark is run: a win over a vendor's own suite or a
leaderboard number is not a measured win, and public copy that says so
overclaims. A label that is not a policy label at all (AL201) counts as not
`Direct`.

## Example
```yaml
public_value: Field exact 0.612 on the public slice, and it beats SQLCoder-7B-2.
competition:
  - system: Defog SQLCoder-7B-2
    metric: vendor extraction suite
    score: 88%
    label: Directional
    readout: Different suite and size class; context only.
```

## Use instead
```yaml
public_value: Field exact 0.612 on the public slice, +4.7 points over stock Phi-3-mini.
competition:
  - system: Stock Phi-3-mini
    metric: extraction exact
    score: 0.565
    label: Direct
    gate: Public extraction exact, 80 rows
    readout: Same 80-row slice; the adapter is +4.7 points.
  - system: Defog SQLCoder-7B-2
    metric: vendor extraction suite
    score: 88%
    label: Directional
    readout: Different suite and size class; context only.
```

Or run the same benchmark against the other system and label its row `Direct`.
"""

from __future__ import annotations

from collections.abc import Iterator

from artifact_lint.analysis.gates import win_claim_labels
from artifact_lint.analysis.rows import resolve_against
from artifact_lint.model.findings import Problem, Severity
from artifact_lint.model.formats import CompetitionRow
from artifact_lint.model.repository import ArtifactFile, Repository
from artifact_lint.rules._shared import all_win_claims, claim_problem, index_claims_of, index_problem, row_matcher_of
from artifact_lint.suggest import quoted_list

CODE = "AL202"
NAME = "win-claim-not-direct"
SEVERITY = "error"
SCOPE = "artifact"


def _why(row: CompetitionRow, policy_labels: list[str], win_labels: frozenset[str]) -> str:
    system = f"`{row.system}`"
    if not row.label:
        label = f"{system} has no label"
    elif row.label not in policy_labels:
        label = f"{system} is labelled `{row.label}`, which is not a policy label"
    else:
        label = f"{system} is labelled `{row.label}`"
    if not win_labels:
        return f"{label}; the policy allows win claims over no label: reword as context"
    rows = quoted_list(sorted(win_labels))
    return (f"{label}; only {rows} rows may be claimed as wins:"
            " reword as context or run the same benchmark")


def check(artifact: ArtifactFile, repo: Repository) -> Iterator[Problem]:
    model = artifact.model
    if model is None or not model.competition:
        return
    rows = model.competition
    win_labels = win_claim_labels(repo.policy_for(artifact))
    policy_labels = list(repo.policy_for(artifact).labels)
    reported: set[tuple[object, str]] = set()
    for claim in all_win_claims(artifact, repo):
        where = claim.position or claim.path
        for index in claim.rows:
            row = rows[index]
            # one finding per system a sentence claims over, however many of its rows match
            system = " ".join((row.system or str(index)).split()).casefold()
            if row.label in win_labels or (where, system) in reported:
                continue
            if claim.where is None and claim.path[0] == "claims" and index == claim.context_row:
                continue  # the structured `against` below reports it
            reported.add((where, system))
            disclaimed = claim.disclaimed
            said = " (its sentence says it is no win claim, so this is a warning)" if disclaimed else ""
            yield claim_problem(
                artifact, claim,
                f"{claim.subject} claims a win over `{row.system}` (`{claim.cue_text}`){said}, but "
                + _why(row, policy_labels, win_labels),
                severity=Severity.WARNING if disclaimed else None)
    for position, structured in enumerate(model.claims or []):
        against = resolve_against(model, structured.against)
        if against is None or rows[against].is_self or rows[against].label in win_labels:
            continue  # AL203 reports claims against no row or against the artifact itself
        yield artifact.problem(
            ("claims", position, "against"),
            f"claim {position} is against `{rows[against].system}`, but "
            + _why(rows[against], policy_labels, win_labels))
    headlines = index_claims_of(artifact, repo)
    matcher = row_matcher_of(artifact)  # built on first use: only when the index has headlines
    for headline in headlines:  # one finding a key: its first named row
        for index in matcher.named(headline.words)[:1]:
            if rows[index].label not in win_labels:
                yield index_problem(
                    artifact, headline,
                    f"the package index's headline `{headline.key}` claims a win over `{rows[index].system}`,"
                    " but " + _why(rows[index], policy_labels, win_labels))
