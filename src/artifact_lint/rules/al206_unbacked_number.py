"""A number in `public_value` matches no evidence or competition value.

## What it does
Reads every number written with a decimal point or a percent sign in
`public_value` (`0.612`, `58%`, `77.1-96%`), and in the figures of the
artifact's `headline` in the package index (`overall_accuracy: "95.5%"`, the
`vs_*` keys aside: AL202-AL204 read those), and looks for it among the
artifact's own measured values: evidence `value` and `baseline`, competition
`score` (range ends and compound parts included), the runtime figures in
`performance`, and the differences those rows imply (evidence value minus its
baseline, or minus a `Direct` row's score on its gate). Fractions and percents
are one scale (`0.58` equals `58%`), and a number matches within half a unit of
its last digit (`0.61` matches `0.612`). Signed deltas are left to AL204, and
numbers that are part of a name or glued to a unit are not read: after a letter
or a `v` (`Qwen2.5`, `v1.5`), after a hyphen glued to a word (`Llama-3.2-3B`),
before a hyphen and a digit (`3.2-3B`), or before a unit (`0.6B`, `3.8ms`).

## Why it matters
`public_value` is the line people quote. A number there that no row of the
artifact holds is either a typo, a figure from an older run, or a result
measured somewhere the artifact does not show; each one is a claim the
evidence does not back.

## Example
```yaml
public_value: Field exact 0.621 on the public slice, up from 0.565 for the stock model.
evidence:
  - gate: Public extraction exact, 80 rows
    value: 0.612
    baseline: 0.565
```

## Use instead
```yaml
public_value: Field exact 61.2% on the public slice, up from 0.565 for the stock model.
evidence:
  - gate: Public extraction exact, 80 rows
    value: 0.612
    baseline: 0.565
```
"""

from __future__ import annotations

from collections.abc import Iterator

from artifact_lint.analysis.gates import evidence_reported_missing, gate_difference, win_claim_labels
from artifact_lint.analysis.measures import (Delta, Number, find_deltas, find_numbers, number_from_float, parse_measure,
                                             points_between)
from artifact_lint.model.findings import Position, Problem
from artifact_lint.model.formats import Artifact
from artifact_lint.model.repository import ArtifactFile, Repository
from artifact_lint.rules._shared import public_copy_of

CODE = "AL206"
NAME = "unbacked-number"
SEVERITY = "warning"
SCOPE = "artifact"


def _difference(points: float | None, units: float) -> list[Number]:
    """A difference as copy may write it: in points and as a fraction when both sides are
    on the percent scale (`points`), else in the units written."""
    if points is not None:
        return [Number(points, 0, True), Number(points / 100)]
    return [Number(units)]


def iter_backing_numbers(model: Artifact, win_labels: frozenset[str]) -> Iterator[Number]:
    """Every number the artifact's own rows hold or imply, parsed only as far as it is read."""
    for evidence in model.evidence or []:
        value = parse_measure(evidence.value)
        yield from value.candidates()
        baseline = parse_measure(evidence.baseline)
        yield from baseline.candidates()
        if value.single is not None and baseline.single is not None:
            yield from _difference(points_between(value.single, baseline.single),
                                   value.single.value - baseline.single.value)
    for index, row in enumerate(model.competition or []):
        yield from parse_measure(row.score).candidates()
        if row.label in win_labels:
            diff = gate_difference(model, index)
            if diff is not None:
                yield from _difference(diff.points, diff.units)
    performance = model.performance
    if performance is not None:
        for figure in (performance.latency_ms, performance.ram_gb, performance.tokens_per_s,
                       performance.eval_time_s):
            if figure is not None:
                yield number_from_float(figure)


def _headlines(artifact: ArtifactFile, repo: Repository, backing: _Backing) -> Iterator[Problem]:
    """The package index's headline figures (`overall_accuracy: "95.5%"`) that no row backs."""
    for headline in public_copy_of(artifact, repo).headlines:
        value = headline.value
        written = str(value) if not isinstance(value, str) else value
        for found in find_numbers(written):
            number = found.number
            if (number.decimals or number.percent) and not backing.backs(number):
                yield Problem(
                    path=headline.path, position=Position(headline.line, headline.column), field=headline.field,
                    artifact=artifact.id, value=value,
                    message=f"the package index's headline `{headline.key}: {written}` matches no value of"
                            f" `{artifact.id}`'s evidence or competition rows: correct it, or add the row it"
                            " was measured on")
                break


class _Backing:
    """The backing numbers of one artifact, read lazily: most figures match an evidence
    row, so the competition rows are often never parsed."""

    def __init__(self, numbers: Iterator[Number]) -> None:
        self._pending = numbers
        self._read: list[Number] = []

    def backs(self, number: Number) -> bool:
        for known in self._read:
            if number.matches(known):
                return True
        for known in self._pending:
            self._read.append(known)
            if number.matches(known):
                return True
        return False


def check(artifact: ArtifactFile, repo: Repository) -> Iterator[Problem]:
    model = artifact.model
    if model is None:
        return
    if evidence_reported_missing(model, repo.policy_for(artifact)):
        return  # AL002 / AL103 report the missing evidence
    backing = _Backing(iter_backing_numbers(model, win_claim_labels(repo.policy_for(artifact))))
    yield from _headlines(artifact, repo, backing)
    if not model.public_value:
        return
    text = model.public_value
    deltas: list[Delta] | None = None  # found only for a number no row backs: seldom
    for found in find_numbers(text):
        number = found.number
        if number.decimals == 0 and not number.percent:
            continue
        if backing.backs(number):
            continue
        if deltas is None:
            deltas = find_deltas(text)
        if any(d.start <= found.start < d.end for d in deltas):
            continue  # a signed delta: AL204 checks it against the rows
        yield artifact.problem(
            ("public_value",),
            f"`{found.text.strip()}` in `public_value` matches no value of this artifact's evidence"
            " or competition rows: correct it, or add the row it was measured on")
