"""A claimed delta disagrees with evidence value minus the Direct row's score.

## What it does
For a win claim that is about exactly one `Direct` row (a label with
`win_claims: true`) which has a `gate`, every signed delta in the sentence
("+4.7 points", "+4.7 pp", "+19pp", "+5%") is compared with the evidence
`value` on that gate minus the row's `score`: in percentage points when the
values are fractions or percents (`0.612 - 0.565` is 4.7 points). The delta
must agree within half a unit of its last digit (`+4.7 points` accepts
4.65..4.75). A structured claim's `delta` is checked the same way: a number is
in the gate's units (`0.047`), a string is a delta in points (`"+4.7 points"`).
A `+N%` delta may also state the relative change.

## Why it matters
The delta is the number readers quote. When it drifts from the evidence (an
older run, a different slice, a typo) the public copy states a win the
artifact's own rows do not support.

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
    gate: Public extraction exact, 80 rows
    readout: Same 80-row slice; the adapter is +9.0 points.
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
    readout: Same 80-row slice; the adapter is +4.7 points.
```
"""

from __future__ import annotations

from collections.abc import Iterator

from artifact_lint.analysis.gates import GateDifference, claim_delta, gate_difference, win_claim_labels
from artifact_lint.analysis.measures import Delta, Number, format_number, parse_delta
from artifact_lint.analysis.rows import resolve_against
from artifact_lint.model.findings import Problem
from artifact_lint.model.repository import ArtifactFile, Repository
from artifact_lint.rules._shared import all_win_claims, claim_problem, index_claims_of, index_problem, row_matcher_of

CODE = "AL204"
NAME = "claim-number-mismatch"
SEVERITY = "error"
SCOPE = "artifact"


def _arithmetic(diff: GateDifference, decimals: int, in_points: bool) -> str:
    """`0.612 - 0.565 = +4.7 points on `gate``."""
    shown = diff.expected if in_points else diff.units
    unit = " points" if in_points and diff.in_points else " (in the gate's units)"
    value, score = diff.value, diff.score
    if not value.percent and not score.percent:  # 0.734 - 0.690, not 0.734 - 0.69
        digits = max(value.decimals, score.decimals)
        value, score = value._replace(decimals=digits), score._replace(decimals=digits)
    return (f"{format_number(value)} - {format_number(score)} = {shown:+.{decimals}f}{unit}"
            f" on `{diff.gate}`")


def _text_message(delta: Delta, diff: GateDifference) -> str:
    return f"claimed {delta.text}; evidence gives {_arithmetic(diff, delta.decimals, True)}"


def _structured_message(raw: object, delta: Delta | Number, diff: GateDifference) -> str:
    if isinstance(delta, Delta):
        return f"`delta` claims {delta.text}; evidence gives {_arithmetic(diff, delta.decimals, True)}"
    in_points = diff.in_points and abs(delta.value) > 1  # 4.7 reads as points, 0.047 as units
    return f"`delta` claims {raw}; evidence gives {_arithmetic(diff, delta.decimals, in_points)}"


def check(artifact: ArtifactFile, repo: Repository) -> Iterator[Problem]:
    model = artifact.model
    if model is None or not model.competition:
        return
    rows = model.competition
    win_labels = win_claim_labels(repo.policy_for(artifact))
    for claim in all_win_claims(artifact, repo):
        if not claim.deltas:
            continue
        direct = [i for i in claim.rows if rows[i].label in win_labels]
        diff = gate_difference(model, direct[0]) if len(direct) == 1 else None
        if diff is None or any(diff.accepts(delta) for delta in claim.deltas):
            continue
        yield claim_problem(artifact, claim, _text_message(claim.deltas[0], diff))
    headlines = index_claims_of(artifact, repo)
    matcher = row_matcher_of(artifact)  # built on first use: only when the index has headlines
    for headline in headlines:
        named = matcher.named(headline.words)
        if headline.suffix != "pp" or len(named) != 1 or rows[named[0]].label not in win_labels:
            continue
        diff = gate_difference(model, named[0])
        delta = parse_delta(f"{headline.value:+} points") if isinstance(headline.value, (int, float)) \
            and not isinstance(headline.value, bool) else None
        if diff is not None and delta is not None and not diff.accepts(delta):
            yield index_problem(artifact, headline,
                                f"the package index's headline `{headline.key}` claims {headline.value} points;"
                                f" evidence gives {_arithmetic(diff, delta.decimals, True)}")
    for position, structured in enumerate(model.claims or []):
        if structured.delta is None:
            continue
        index = resolve_against(model, structured.against)
        if index is None or rows[index].is_self or rows[index].label not in win_labels:
            continue  # AL203 / AL202 report these
        if structured.gate and structured.gate.strip() != (rows[index].gate or "").strip():
            continue  # the row's score was measured on another gate: nothing to subtract
        path = ("claims", position, "delta")
        claimed = claim_delta(structured.delta)
        if claimed is None:
            yield artifact.problem(
                path, f"`delta` `{structured.delta}` is neither a number in the gate's units"
                      " (`0.047`) nor a delta in points (`+4.7 points`), so it cannot be checked")
            continue
        diff = gate_difference(model, index)
        if diff is not None and not diff.accepts(claimed):
            yield artifact.problem(path, _structured_message(structured.delta, claimed, diff))
