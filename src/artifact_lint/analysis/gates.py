"""Win claims against the numbers: the gates a Direct row is measured on, and the differences a claim must state.

A Direct competition row names the evidence `gate` it was measured on; `gate_difference`
is that evidence row's value minus the row's score, in percentage points when both are
on the percent scale (`0.531` against `48.4%`), and `GateDifference.accepts` says whether
a delta written in copy or in a structured claim (`+4.7 points`, `0.047`, `+10%`)
agrees with it within half a unit of its last digit. The policy side: which
comparability labels allow win claims at all, and when missing evidence is already
reported, so that the rules comparing with evidence stay quiet.
"""

from __future__ import annotations

from typing import NamedTuple

from artifact_lint.analysis.measures import (Delta, Number, close, number_from_float, parse_delta, parse_measure,
                                             parse_number, points_between)
from artifact_lint.analysis.rows import competition_rows
from artifact_lint.model.formats import Artifact, EvidenceRow, Policy


class GateDifference(NamedTuple):
    """Evidence value minus a Direct row's score on the row's gate."""

    gate: str
    value: Number
    score: Number
    points: float | None  # in percentage points, when both are on the percent scale
    units: float  # in the units the evidence value is written in (0.047 for fractions)

    @property
    def in_points(self) -> bool:
        return self.points is not None

    @property
    def expected(self) -> float:
        """The difference a delta "in points" must state."""
        return self.points if self.points is not None else self.units

    def relative_percent(self) -> float | None:
        """The relative change in percent, for a delta written `+5%`."""
        base = self.score.points if self.points is not None else self.score.value
        if not base:
            return None
        return 100.0 * self.expected / base

    def accepts(self, delta: Delta | Number) -> bool:
        """Whether a claimed delta agrees, within half a unit of its last digit."""
        if isinstance(delta, Delta):
            if delta.accepts(self.expected):
                return True
            relative = self.relative_percent() if delta.unit == "percent" else None
            return relative is not None and delta.accepts(relative)
        if close(delta.value, self.units, delta.tolerance):
            return True
        return self.points is not None and close(delta.value, self.points, delta.tolerance)



def win_claim_labels(policy: Policy) -> frozenset[str]:
    """The comparability labels whose rows public copy may claim wins over."""
    return frozenset(name for name, label in policy.labels.items() if label.win_claims)


def evidence_row(model: Artifact, gate: str | None) -> EvidenceRow | None:
    """The evidence row measured on `gate` (spacing aside), or None."""
    if not gate or not gate.strip():
        return None
    wanted = " ".join(gate.split())
    for row in model.evidence or []:
        if row.gate and " ".join(row.gate.split()) == wanted:
            return row
    return None


def evidence_reported_missing(model: Artifact, policy: Policy) -> bool:
    """True when `evidence` is absent or empty and its state requires evidence: AL002 or
    AL103 already report it, and rules that compare with evidence stay quiet."""
    if model.evidence:
        return False
    state = policy.states.get(model.state or "")
    return state is None or state.requires_evidence


def evidence_gates(model: Artifact) -> list[str]:
    return [row.gate for row in model.evidence or [] if row.gate]


def gate_difference(model: Artifact, row_index: int) -> GateDifference | None:
    """Evidence value minus the row's score on the row's `gate`, when both are numbers."""
    rows = competition_rows(model)
    if not 0 <= row_index < len(rows):
        return None
    row = rows[row_index]
    evidence = evidence_row(model, row.gate)
    if evidence is None or row.gate is None:
        return None
    value, score = parse_measure(evidence.value).single, parse_measure(row.score).single
    if value is None or score is None:
        return None
    points = points_between(value, score)
    if points is not None:
        units = points if value.percent else points / 100
        return GateDifference(row.gate, value, score, points, units)
    return GateDifference(row.gate, value, score, None, value.value - score.value)


def claim_delta(raw: object) -> Delta | Number | None:
    """A structured claim's `delta`: a number in the gate's units (`0.047`) or a delta
    in points (`"+4.7 points"`); None when it is neither."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return number_from_float(raw)
    if isinstance(raw, str):
        return parse_delta(raw) or parse_number(raw)
    return None
