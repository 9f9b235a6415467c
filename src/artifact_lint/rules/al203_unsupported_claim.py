"""A win claim names no competition row.

## What it does
A structured claim (`claims[]`) whose `against` is not the `system` or an
`aliases` entry of a competition row, or is the artifact's own `self: true`
row, is an error. A win claim in free-text public copy ("beats", "outperforms",
"ahead of", a free-standing "vs", "+4.7 points", "3x faster") that names no
competition row by system, alias or distinctive token is a warning, wherever the
public copy stands (artifact-format §7: model cards, Hub cards, the registry
document, the package index); a sentence that names only the artifact's own
`self: true` row compares it with itself and is not reported. A package-index
headline `vs_<system>_<metric>` whose system no row names is an error.

## Why it matters
A win is only as good as the row that backs it: the row says what was
compared, on which metric and with which comparability label, and lets AL202
and AL204 check the claim. A claim over an unnamed "baseline" or a system that
has no row cannot be checked by anyone reading the artifact.

## Example
```yaml
next_release_action: Publish the report; the adapter already beats the reference parser.
claims:
  - text: The adapter beats the reference parser.
    against: Reference parser
competition:
  - system: Stock Gemma-2B
    metric: invoice field exact
    score: 0.690
    label: Direct
    gate: Invoice field exact, 120 rows
    readout: Same 120-row slice; the adapter is +4.4 points.
```

## Use instead
```yaml
next_release_action: Publish the report; the adapter beats stock Gemma-2B on the same slice.
claims:
  - text: The adapter beats stock Gemma-2B on the same slice.
    against: Stock Gemma-2B
competition:
  - system: Stock Gemma-2B
    metric: invoice field exact
    score: 0.690
    label: Direct
    gate: Invoice field exact, 120 rows
    readout: Same 120-row slice; the adapter is +4.4 points.
```

Or add the other system as a competition row with its honest label.
"""

from __future__ import annotations

from collections.abc import Iterator

from artifact_lint.analysis.rows import resolve_against, row_names
from artifact_lint.model.findings import Problem, Severity
from artifact_lint.model.repository import ArtifactFile, Repository
from artifact_lint.rules._shared import all_win_claims, claim_problem, index_claims_of, index_problem, row_matcher_of
from artifact_lint.suggest import did_you_mean

CODE = "AL203"
NAME = "unsupported-claim"
SEVERITY = "error"
SCOPE = "artifact"


def check(artifact: ArtifactFile, repo: Repository) -> Iterator[Problem]:
    model = artifact.model
    if model is None:
        return
    rows = model.competition or []
    structured = model.claims or []
    for position, claim in enumerate(structured):
        if not claim.against or not claim.against.strip():
            continue  # AL002 reports the missing `against`
        index = resolve_against(model, claim.against)
        if index is not None and rows[index].is_self:
            yield artifact.problem(
                ("claims", position, "against"),
                f"claim {position} is against `{claim.against}`, this artifact's own row (`self: true`);"
                " a win claim must be against another competition row")
        elif index is None:
            hint = did_you_mean(claim.against, row_names(model)) or (
                "; the artifact lists no competition rows" if not rows else
                "; use a row's `system` or one of its `aliases`")
            yield artifact.problem(
                ("claims", position, "against"),
                f"claim {position} is against `{claim.against}`, which names no competition row{hint}")
    reported: set[object] = set()
    for win in all_win_claims(artifact, repo):
        where = win.position or win.path
        if win.rows or win.names_self or where in reported:
            continue
        if win.where is None and win.path[0] == "claims" and isinstance(win.path[1], int) \
                and structured[win.path[1]].against:
            continue  # the structured `against` is reported above
        reported.add(where)
        yield claim_problem(
            artifact, win,
            f"{win.subject} reads as a win claim (`{win.cue_text}`) but names no competition row:"
            " name the system as its row does (`system` or an `aliases` entry), add the row"
            " with its label, or reword it as context",
            severity=Severity.WARNING)
    headlines = index_claims_of(artifact, repo)
    matcher = row_matcher_of(artifact)  # built on first use: only when the index has headlines
    for headline in headlines:
        if not matcher.named(headline.words):
            yield index_problem(
                artifact, headline,
                f"the package index's headline `{headline.key}` claims a comparison, but no competition row"
                f" of `{artifact.id}` names the system in `{headline.words}`; add the row with its label,"
                " or remove the headline")
