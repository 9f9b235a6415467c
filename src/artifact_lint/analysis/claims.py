"""Win claims in public copy (artifact-format §3), as pure functions over an `Artifact`.

`public_copy(model)` gives the prose fields with their paths; `find_win_claims(model)`
cuts each into sentences (`sentences`), keeps those holding a win cue (`cues`) and
names the competition rows each is about (`rows`); `find_copy_claims` does the same
for public copy in other files (artifact-format §7). Before/after wording inside one
artifact is not a win claim: "65% vs stock 59.6%" where "stock" is a word of an
evidence row's `baseline_name` (or the two figures are an evidence row's value and
baseline), or a signed delta equal to an evidence row's value minus its baseline in a
sentence that names no row. A `ClaimContext` derives what this needs of one artifact
at most once, and only when a sentence holds a cue.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import islice
from typing import NamedTuple

from artifact_lint.analysis.cues import Cue, find_cues, passes_gates, text_before
from artifact_lint.analysis.measures import Delta, Number, parse_measure, points_between
from artifact_lint.analysis.rows import RowMatcher, competition_rows, name_tokens, resolve_against
from artifact_lint.analysis.sentences import split_sentences
from artifact_lint.model.findings import Position
from artifact_lint.model.formats import Artifact
from artifact_lint.sources.loader import PathKey, field_path
from artifact_lint.sources.copy_text import CopyText

PROSE_FIELDS = ("public_value", "publishable_now", "next_release_action", "summary")
# A claim whose own sentence says it is not one: still reported over a row that is not
# Direct, at warning level, so the caveat shows in review (artifact-format §7).
DISCLAIMERS = (
    "not an official win claim", "not for an official win claim", "not a win claim", "no win claim",
    "does not survive", "do not survive", "did not survive", "historical only", "for context only",
)
# Words of a `baseline_name` that say nothing about the baseline ("the", "a").
_FILLER = frozenset({"a", "an", "and", "for", "of", "on", "or", "our", "the", "to", "with", "its"})
_NEIGHBOUR_RE = re.compile(r"[^\s,;:()\[\]]+")


class CopyField(NamedTuple):
    """One prose field of an artifact.

    `context_row` is the competition row the text belongs to: the row of a
    `competition[i].readout`, or the row a `claims[i].text` is `against`.
    """

    path: PathKey
    text: str
    context_row: int | None = None
    where: CopyText | None = None  # public copy in another file (artifact-format §7)

    @property
    def field(self) -> str:
        return field_path(self.path)


class WinClaim(NamedTuple):
    """A sentence of public copy that claims a win.

    `named` are the rows the sentence names itself; `rows` the rows the claim is
    about (the named ones, or else the field's context row). Indexes point into
    `competition`; a `self: true` row is never among them.
    """

    path: PathKey
    sentence: str
    cues: tuple[Cue, ...]
    named: tuple[int, ...]
    rows: tuple[int, ...]
    deltas: tuple[Delta, ...]
    context_row: int | None = None
    where: CopyText | None = None  # the block of another file the sentence is in
    offset: int = 0  # where the sentence starts in its field's or block's text
    names_self: bool = False  # names no other row, but the artifact's own `self: true` row

    @property
    def field(self) -> str:
        return field_path(self.path) if self.where is None else self.where.path

    @property
    def subject(self) -> str:
        """What the claim stands in, for messages: `public_value`, or "this sentence" in another file."""
        return f"`{self.field}`" if self.where is None else "this sentence"

    @property
    def position(self) -> Position | None:
        """Where the sentence starts, for a claim in another file (None: a field of the artifact)."""
        return self.where.position_of(self.offset) if self.where is not None else None

    @property
    def disclaimed(self) -> bool:
        """The sentence itself says it is not a win claim ("not for an official win claim")."""
        lowered = " ".join(self.sentence.split()).casefold()
        return any(phrase in lowered for phrase in DISCLAIMERS)

    @property
    def cue_text(self) -> str:
        return self.cues[0].text if self.cues else ""


# --------------------------------------------------------------------------- copy


def public_copy(model: Artifact) -> list[CopyField]:
    """Every prose field of the artifact, in file order of the format, with its path."""
    fields: list[CopyField] = []
    for name in PROSE_FIELDS:
        text = getattr(model, name)
        if isinstance(text, str) and text.strip():
            fields.append(CopyField((name,), text))
    for i, note in enumerate(model.notes or []):
        if isinstance(note, str) and note.strip():
            fields.append(CopyField(("notes", i), note))
    for i, row in enumerate(model.competition or []):
        if row.readout and row.readout.strip():
            fields.append(CopyField(("competition", i, "readout"), row.readout,
                                    None if row.is_self else i))
    for i, claim in enumerate(model.claims or []):
        if claim.text and claim.text.strip():
            against = resolve_against(model, claim.against)
            if against is not None and competition_rows(model)[against].is_self:
                against = None
            fields.append(CopyField(("claims", i, "text"), claim.text, against))
    return fields


# --------------------------------------------------------------------------- before/after


def baseline_words(model: Artifact) -> frozenset[str]:
    """The words (and word parts) of the artifact's evidence `baseline_name`s."""
    words: set[str] = set()
    for row in model.evidence or []:
        if row.baseline_name:
            words.update(t.casefold() for t in name_tokens(row.baseline_name)
                         if any(ch.isalpha() for ch in t) and t.casefold() not in _FILLER)
    return frozenset(words)


def _is_numberish(token: str) -> bool:
    return parse_measure(token.rstrip(".")).kind in ("number", "range", "compound")


def _neighbour_word(tokens: list[str]) -> str | None:
    for token in tokens:
        clean = token.strip(".\"'").casefold()
        if not clean or clean in _FILLER or _is_numberish(token):
            continue
        return clean
    return None


# An evidence row's numeric (value, baseline).
_Gain = tuple[Number, Number]


def _gains(model: Artifact) -> tuple[_Gain, ...]:
    """(value, baseline) of the evidence rows with both a numeric value and a numeric
    baseline. The baseline is read first: most rows have none, and then their value is
    never parsed."""
    pairs: list[_Gain] = []
    for row in model.evidence or []:
        baseline = parse_measure(row.baseline).single
        if baseline is not None:
            value = parse_measure(row.value).single
            if value is not None:
                pairs.append((value, baseline))
    return tuple(pairs)


def _is_pair(a: str, b: str, gains: Sequence[_Gain]) -> bool:
    first, second = parse_measure(a.rstrip(".,;")).single, parse_measure(b.rstrip(".,;")).single
    if first is None or second is None:
        return False
    return any((first.matches(value) and second.matches(baseline))
               or (first.matches(baseline) and second.matches(value))
               for value, baseline in gains)


def _before_after_vs(sentence: str, cue: Cue, context: ClaimContext) -> bool:
    """`65% vs stock 59.6%` (a baseline word beside "vs") or `0.65 vs 0.596` (an
    evidence row's value and baseline on either side)."""
    words = context.words
    before = _NEIGHBOUR_RE.findall(text_before(sentence, cue.start))[-3:]
    after = [m.group(0) for m in islice(_NEIGHBOUR_RE.finditer(sentence, cue.end), 3)]
    for word in (_neighbour_word(after[:3]), _neighbour_word(list(reversed(before))[:3])):
        if word is not None and (word in words or any(p.casefold() in words for p in name_tokens(word))):
            return True
    return bool(before and after) and _is_pair(before[-1], after[0], context.gains)


def _before_after_delta(delta: Delta, gains: Sequence[_Gain]) -> bool:
    """A delta equal to an evidence row's own value minus its baseline."""
    for value, baseline in gains:
        points = points_between(value, baseline)
        if points is not None:
            if delta.accepts(points):
                return True
        elif delta.accepts(value.value - baseline.value):
            return True
    return False


def _claiming_cues(sentence: str, cues: list[Cue], named: tuple[int, ...],
                   context: ClaimContext) -> tuple[Cue, ...]:
    """The cues that claim a win: before/after wording removed."""
    kept: list[Cue] = []
    for cue in cues:
        if cue.kind == "vs" and _before_after_vs(sentence, cue, context):
            continue
        if cue.kind == "delta" and cue.delta and not named and _before_after_delta(cue.delta, context.gains):
            continue
        kept.append(cue)
    return tuple(kept)


# --------------------------------------------------------------------------- claims


class ClaimContext:
    """What win-claim detection needs of one artifact, derived at most once for all its
    sentences, and only when a sentence holds a cue: the row matcher, the baseline words
    and the evidence rows' numeric (value, baseline)."""

    # Plain lazy slots: `cached_property` takes a lock on each first read (Python 3.11),
    # and a context is made for every artifact.
    __slots__ = ("model", "_matcher", "_self_matcher", "_words", "_gains")

    def __init__(self, model: Artifact) -> None:
        self.model = model
        self._matcher: RowMatcher | None = None
        self._self_matcher: RowMatcher | None = None
        self._words: frozenset[str] | None = None
        self._gains: tuple[_Gain, ...] | None = None

    @property
    def matcher(self) -> RowMatcher:
        if self._matcher is None:
            self._matcher = RowMatcher(competition_rows(self.model))
        return self._matcher

    @property
    def self_matcher(self) -> RowMatcher:
        """A matcher of the artifact's own `self: true` rows (never the other side of a claim)."""
        if self._self_matcher is None:
            self._self_matcher = RowMatcher(competition_rows(self.model), self_rows=True)
        return self._self_matcher

    @property
    def words(self) -> frozenset[str]:
        if self._words is None:
            self._words = baseline_words(self.model)
        return self._words

    @property
    def gains(self) -> tuple[_Gain, ...]:
        if self._gains is None:
            self._gains = _gains(self.model)
        return self._gains


def win_claims_in(copy: CopyField, model: Artifact, context: ClaimContext | None = None) -> list[WinClaim]:
    """The win claims of one prose field; `context` is `ClaimContext(model)`, shared by
    all the fields of one artifact (made here when not given)."""
    # The gates only (not `may_hold_cues`): a text they let through nearly always holds
    # a cue, and `find_cues` finds it sentence by sentence anyway.
    if not passes_gates(copy.text):
        return []
    return _claims_in(copy, context if context is not None else ClaimContext(model))


def _claims_in(copy: CopyField, context: ClaimContext) -> list[WinClaim]:
    """The win claims of one prose field, sentence by sentence (after the field's gate)."""
    claims: list[WinClaim] = []
    for sentence in split_sentences(copy.text):
        found = find_cues(sentence.text)
        if not found:
            continue
        named = context.matcher.named(sentence.text)
        cues = _claiming_cues(sentence.text, found, named, context)
        if not cues:
            continue
        others = [i for i in named if i != copy.context_row]
        about = named if others else ((copy.context_row,) if copy.context_row is not None else ())
        deltas = tuple(cue.delta for cue in cues if cue.delta is not None)
        names_self = not named and context.self_matcher.named(sentence.text) != ()
        claims.append(WinClaim(copy.path, sentence.text, cues, named, about, deltas, copy.context_row,
                               copy.where, sentence.start, names_self))
    return claims


def find_copy_claims(model: Artifact, texts: Sequence[CopyText], context: ClaimContext | None = None) -> list[WinClaim]:
    """Every win claim in public copy beyond the artifact's fields (artifact-format §7);
    `context`: the artifact's `ClaimContext`, when the caller already has one."""
    context = context if context is not None else ClaimContext(model)
    claims: list[WinClaim] = []
    for text in texts:
        if passes_gates(text.text):
            claims += _claims_in(CopyField(("copy",), text.text, None, text), context)
    return claims


def find_win_claims(model: Artifact, context: ClaimContext | None = None,
                    fields: Sequence[CopyField] | None = None) -> list[WinClaim]:
    """Every win claim in the artifact's public copy, in field order; `context` and
    `fields` (`public_copy(model)`), when the caller already has them."""
    context = context if context is not None else ClaimContext(model)
    claims: list[WinClaim] = []
    for copy in fields if fields is not None else public_copy(model):
        if passes_gates(copy.text):  # as in `win_claims_in`, without a call per field
            claims += _claims_in(copy, context)
    return claims
