"""Win claims in public copy (artifact-format §3), as pure functions over an `Artifact`.

The pieces, each usable on its own:

- `public_copy(model)`: the prose fields, each with its field path;
- `split_sentences(text)`: sentences, surviving "e.g.", "vs.", "approx." and decimals;
- `find_cues(sentence)`: the win cues of §3 (beat, outperform, surpass, "better
  than", "ahead of", "wins over", "win against", a free-standing "vs"/"versus",
  signed deltas, ratios such as "3x smaller");
- `named_rows(sentence, rows)`: the competition rows a sentence names by system,
  alias or distinctive token;
- `find_win_claims(model)`: every sentence that claims a win, with the rows it is
  about and the deltas it states;
- `gate_difference(model, row)`: evidence value minus a Direct row's score on its gate.

Two refinements keep false alarms down, both narrower than the cue list itself:
a cue word right after a negation or a condition ("does not beat", "until it
beats", "to beat") asserts nothing; and before/after wording inside one artifact
("65% vs stock 59.6%" where "stock" is a word of an evidence row's
`baseline_name`, or a signed delta equal to an evidence row's value minus its
baseline, in a sentence that names no row) is not a win claim.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from functools import cache, lru_cache
from itertools import islice
from operator import itemgetter
from typing import Literal, NamedTuple

from artifact_lint.analysis.measures import (
    DELTA_RE,
    Delta,
    Number,
    find_deltas,
    number_from_float,
    parse_delta,
    parse_measure,
    parse_number,
)
from artifact_lint.model.findings import Position
from artifact_lint.model.formats import Artifact, CompetitionRow, EvidenceRow, Policy
from artifact_lint.sources.loader import PathKey, field_path
from artifact_lint.sources.public_copy import CopyText

CueKind = Literal["word", "vs", "delta", "ratio"]

PROSE_FIELDS = ("public_value", "publishable_now", "next_release_action", "summary")
# A claim whose own sentence says it is not one: still reported over a row that is not
# Direct, at warning level, so the caveat shows in review (artifact-format §7).
DISCLAIMERS = (
    "not an official win claim", "not for an official win claim", "not a win claim", "no win claim",
    "does not survive", "do not survive", "did not survive", "historical only", "for context only",
)

# Words never distinctive, whatever their case: they name no particular system.
GENERIC_WORDS = frozenset({
    "a", "an", "and", "base", "baseline", "baselines", "for", "large", "local", "model", "models",
    "of", "on", "or", "our", "public", "small", "stock", "system", "the", "this", "with",
})
# Words of a `baseline_name` that say nothing about the baseline ("the", "a").
_FILLER = frozenset({"a", "an", "and", "for", "of", "on", "or", "our", "the", "to", "with", "its"})
ABBREVIATIONS = frozenset({
    "al", "approx", "ca", "cf", "e.g", "eg", "esp", "etc", "excl", "fig", "i.e", "ie", "incl",
    "resp", "viz", "vs", "w.r.t",
})
# A cue word right after one of these (same clause, three words back) asserts no win.
NON_ASSERTIVE = frozenset({
    "not", "never", "no", "nor", "neither", "without", "cannot", "can't", "won't", "doesn't",
    "don't", "didn't", "isn't", "aren't", "wasn't", "weren't", "hasn't", "haven't",
    "if", "unless", "until", "once", "whether", "before",
})
_COMPARATIVES = ("faster|slower|smaller|larger|bigger|cheaper|better|higher|lower|fewer|more|less"
                 "|quicker|shorter|longer|lighter|leaner")

# The word cues: each a plain first word, then the rest of the cue.
_WORD_CUES = (("beat", "(?:s|ing|en)?"), ("outperform", "(?:s|ed|ing)?"), ("surpass", "(?:es|ed|ing)?"),
              ("better", r"\s+than"), ("ahead", r"\s+of"), ("wins", r"\s+over"), ("win", r"\s+against"))
_WORD_CUE_RE = re.compile(
    r"(?<![\w-])(?:" + "|".join(word + rest for word, rest in _WORD_CUES) + r")(?![\w-])", re.IGNORECASE)
# `_WORD_CUE_RE` for lower-cased ASCII text, where case-insensitive matching is plain
# lower-casing: without IGNORECASE, and with the test of the character before a cue
# written after the cue's first word, so that a search skips to the letters cues start
# with instead of trying every position. The same spans, found faster.
_LOWERED_WORD_CUE_RE = re.compile(
    "(?:" + "|".join(rf"{word}(?<![\w-]{word}){rest}" for word, rest in _WORD_CUES) + r")(?![\w-])")
# "vs" as a word of its own: never inside a hyphenated compound such as `upstream-vs-MLX`.
_VS_RE = re.compile(r"(?<![\w-])(?:vs\.?|versus)(?![\w-])", re.IGNORECASE)
_RATIO_RE = re.compile(
    rf"(?<![\w.])\d+(?:\.\d+)?\s?[x\u00d7]\s+(?:{_COMPARATIVES})(?![\w-])", re.IGNORECASE)
# Cheap necessary conditions for the cue patterns, tried before them (see `_may_match`).
# In ASCII text, case-insensitive matching is plain lower-casing, so every match of
# `_WORD_CUE_RE` holds one of these lower-cased words, every match of `_VS_RE` "vs" or
# "versus", and every ratio an "x" and then whitespace (its "\u00d7" is not ASCII).
_WORD_NEEDLES = tuple(word for word, _ in _WORD_CUES)  # each cue's first word
_VS_NEEDLES = ("vs", "versus")
_WORD_OR_VS_NEEDLES = _WORD_NEEDLES + _VS_NEEDLES
_RATIO_GATE_RE = re.compile(r"x\s")
# `[.!?]+(?=\s|$)|\n[ \t]*\n`, written to start with one character class (the lookbehinds
# tell which alternative it began) so that a search skips straight to the candidates.
_TERMINATOR_RE = re.compile(r"[.!?\n](?:(?<=[.!?])[.!?]*(?=\s|$)|(?<=\n)[ \t]*\n)")
_CLAUSE_BREAK_RE = re.compile(r"[,;:()\[\]]")
_WORD_RE = re.compile(r"[\w'\u2019]+")
_TOKEN_SPLIT_RE = re.compile(r"[-/(),]+")
_NEIGHBOUR_RE = re.compile(r"[^\s,;:()\[\]]+")
_WORD_SPAN_RE = re.compile(r"\S+")
_START = itemgetter(2)  # a `Cue`'s start


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


class Sentence(NamedTuple):
    text: str
    start: int  # offset of the sentence's first character in its field's text


class Cue(NamedTuple):
    """A win cue: its kind, the words that hold it and where they stand in the sentence."""

    kind: CueKind
    text: str
    start: int
    end: int
    delta: Delta | None = None  # for kind "delta"


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
        return 100.0 * self.expected / base if self.points is not None else 100.0 * self.units / base

    def accepts(self, delta: Delta | Number) -> bool:
        """Whether a claimed delta agrees, within half a unit of its last digit."""
        if isinstance(delta, Delta):
            if delta.accepts(self.expected):
                return True
            relative = self.relative_percent() if delta.unit == "percent" else None
            return relative is not None and delta.accepts(relative)
        if _within(delta.value, self.units, delta.tolerance):
            return True
        return self.points is not None and _within(delta.value, self.points, delta.tolerance)


def _within(value: float, expected: float, tolerance: float) -> bool:
    return abs(value - expected) <= tolerance + 1e-9 * max(1.0, abs(value), abs(expected))


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
            if against is not None and _rows(model)[against].is_self:
                against = None
            fields.append(CopyField(("claims", i, "text"), claim.text, against))
    return fields


def _preceding_word(text: str) -> str:
    words = text.rsplit(None, 1)  # the last word, without splitting all the others
    return words[-1].lstrip("([{\"'").casefold() if words else ""


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of `text`; a period ends one only before whitespace and a word that
    does not start in lower case, and never after an abbreviation ("e.g.", "vs.")."""
    sentences: list[Sentence] = []
    start = 0
    for match in _TERMINATOR_RE.finditer(text):
        mark = match.group(0)
        if mark.strip():
            if mark == "." and _preceding_word(text[start:match.start()]) in ABBREVIATIONS:
                continue
            following = text[match.end():].lstrip()
            if following and following[0].islower():
                continue
        _append(sentences, text, start, match.end())
        start = match.end()
    _append(sentences, text, start, len(text))
    return sentences


def _append(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        sentences.append(Sentence(stripped, start + piece.index(stripped[0])))


# --------------------------------------------------------------------------- cues


# How far before a cue the words beside it are looked for: three words of prose fit
# several times over, and a bounded look keeps a long run of cues linear in its length.
_NEAR = 160


def _before(sentence: str, start: int) -> str:
    """The text just before `start`, at most `_NEAR` characters, not cutting a word in two."""
    if start <= _NEAR:
        return sentence[:start]
    window = sentence[start - _NEAR:start]
    cut = window.find(" ")
    return window[cut + 1:] if cut >= 0 else ""


def _asserted(sentence: str, start: int) -> bool:
    """False when the cue at `start` follows a negation or condition in its clause."""
    clause = _CLAUSE_BREAK_RE.split(_before(sentence, start))[-1]
    words = [w.replace("\u2019", "'").casefold() for w in _WORD_RE.findall(clause)[-3:]]
    if words and words[-1] == "to":
        return False
    return not any(word in NON_ASSERTIVE for word in words)


def _holds_any(lowered: str | None, needles: tuple[str, ...]) -> bool:
    """False only when `lowered`, an ASCII text lower-cased, holds none of `needles`;
    True for None (text that is not ASCII, where the needles prove nothing)."""
    if lowered is None:
        return True
    for needle in needles:
        if needle in lowered:
            return True
    return False


def _lowered_ascii(text: str) -> str | None:
    return text.lower() if text.isascii() else None


def _may_match(text: str) -> bool:
    """False only when no cue pattern can match in `text`, nor so in any of its sentences
    (as in `may_hold_cues`, the conditions look at most one character before a match).
    Cheap: tried before the patterns themselves."""
    if not text.isascii():
        return True
    lowered = text.lower()
    if _holds_any(lowered, _WORD_OR_VS_NEEDLES) or _RATIO_GATE_RE.search(lowered) is not None:
        return True
    # Every delta starts with a sign ("\u2212" is not ASCII); `in` is cheaper than a search.
    return ("+" in lowered or "-" in lowered) and DELTA_RE.search(text) is not None


def find_cues(sentence: str) -> list[Cue]:
    """The win cues of §3 in one sentence, in order (whole words only)."""
    lowered = _lowered_ascii(sentence)
    cues: list[Cue] = []
    if _holds_any(lowered, _WORD_NEEDLES):
        words = _WORD_CUE_RE.finditer(sentence) if lowered is None else _LOWERED_WORD_CUE_RE.finditer(lowered)
        cues += [Cue("word", sentence[m.start():m.end()], m.start(), m.end())
                 for m in words if _asserted(sentence, m.start())]
    if _holds_any(lowered, _VS_NEEDLES):
        cues += [Cue("vs", m.group(0), m.start(), m.end()) for m in _VS_RE.finditer(sentence)]
    if lowered is None or _RATIO_GATE_RE.search(lowered) is not None:
        cues += [Cue("ratio", m.group(0), m.start(), m.end()) for m in _RATIO_RE.finditer(sentence)]
    cues += [Cue("delta", d.text, d.start, d.end, d) for d in find_deltas(sentence)]
    return sorted(cues, key=_START) if len(cues) > 1 else cues


# --------------------------------------------------------------------------- rows


def name_tokens(name: str) -> list[str]:
    """The tokens of a name: its words, and their parts split at `-`, `/`, `(`, `)`, `,`."""
    tokens: list[str] = []
    for word in name.split():
        for token in (word.strip("(),/-"), *_TOKEN_SPLIT_RE.split(word)):
            if token and token not in tokens:
                tokens.append(token)
    return tokens


def is_distinctive(token: str) -> bool:
    """A letter and a digit (`T5`, `7B`), or mixed case with a capital after the first
    letter (`TinyGPT`); never an all-capital word, a part without letters or a generic word."""
    if token.casefold() in GENERIC_WORDS or not any(ch.isalpha() for ch in token):
        return False
    if any(ch.isdigit() for ch in token):
        return True
    return any(ch.islower() for ch in token) and any(ch.isupper() for ch in token[1:])


def distinctive_tokens(name: str) -> list[str]:
    return [token for token in name_tokens(name) if is_distinctive(token)]


# A word of a term that stands for an initialism's spelled-out words (see `_initialisms`).
_SPELLED = "\x00"


def _word_pattern(word: str) -> str:
    """One word of a term: itself, or for a spelled-out initialism (`\x00FM`) one word
    per letter, each starting with that letter (`Foundation Models`)."""
    if word.startswith(_SPELLED):
        return r"\s+".join(re.escape(letter) + r"[\w-]*" for letter in word[1:])
    return re.escape(word)


@lru_cache(maxsize=1024)
def _term_re(term: str) -> re.Pattern[str]:
    """A name or token as whole words, case aside, any run of spaces between its words.

    Cached (bounded) because the same names recur across artifacts; compiled once per
    distinct term, never per sentence."""
    words = [_word_pattern(word) for word in term.split()]
    return re.compile(r"(?<![\w.])" + r"\s+".join(words) + r"(?!\w|\.\w)", re.IGNORECASE)


@lru_cache(maxsize=1024)
def _lowered_term_re(term: str) -> re.Pattern[str]:
    """`_term_re(term)` for an ASCII term in a lower-cased ASCII sentence, where
    case-insensitive matching is plain lower-casing: the pattern lower-cased, without
    IGNORECASE, and with the test of the character before the term written after the
    term's first word (not a word character or a dot, then that word), so that a search
    looks for that word as a plain string instead of trying every position."""
    first, *rest = (_word_pattern(word) for word in term.lower().split())
    head = first + r"(?<![\w.]" + first + ")"
    return re.compile(r"\s+".join([head, *rest]) + r"(?!\w|\.\w)")


def _initialisms(name: str) -> list[str]:
    """The name with each all-capital word after the first (`FM` in `Apple FM`) spelled
    out as words starting with its letters: public copy writes "Apple Foundation Models"
    for the row `Apple FM`."""
    words = name.split()
    spelled = [f"{_SPELLED}{word}" if index and word.isalpha() and word.isupper() and 2 <= len(word) <= 5
               else word for index, word in enumerate(words)]
    return [" ".join(spelled)] if spelled != words else []


# One term that names rows: the term, whether it is a whole system name or alias (not
# a single token of a name), and the rows it names (many rows may share a token such as
# `7B`). Its pattern is compiled when a sentence holds its first word.
_Term = tuple[str, bool, frozenset[int]]
# Where terms matched in one sentence: span -> rows, for whole names and for tokens;
# as found, span -> the row groups of the terms that matched there.
_Spans = dict[tuple[int, int], set[int]]
_Found = dict[tuple[int, int], list[frozenset[int]]]

# Where a term's first word can start and end in a sentence (see `_term_re`): not right
# after a word character or a dot; before a character that is neither a word character
# nor a dot followed by one.
_LEFT_EDGE_RE = re.compile(r"(?<![\w.])(?=\S)")
_RIGHT_EDGE_RE = re.compile(r"(?<=\S)(?!\w|\.\w)")
_CHUNK_RE = re.compile(r"\S+")
# The two letters that match an ASCII letter case-insensitively but do not lower-case to
# it: the long s and the dotless i.
_ASCII_FOLDS = str.maketrans({"\u017f": "s", "\u0131": "i"})
# Up to this many first words, each is looked for in the sentence as a substring; past it
# the sentence is cut into the pieces a first word can be (`_first_words`), which costs
# the same whatever the number of rows.
_FEW_KEYS = 24


def _key(term: str) -> str:
    """The first word of a term, lower-cased: the term can only match where the
    lower-cased sentence holds it (see `_first_words`)."""
    return term.split()[0].lower()


@lru_cache(maxsize=1024)
def _name_terms(system: str, aliases: tuple[str, ...]) -> tuple[tuple[bool, str], ...]:
    """(full, term) for a row's system name and aliases, then for the distinctive
    tokens of its system name. Cached (bounded): the same rows recur across artifacts."""
    return (*((True, name) for name in (system, *aliases)),
            *((True, spelled) for name in (system, *aliases) for spelled in _initialisms(name)),
            *((False, token) for token in distinctive_tokens(system)))


def _row_terms(rows: Sequence[CompetitionRow]) -> dict[str, list[_Term]]:
    """Every name, alias and distinctive token of the rows that can be named, each with
    the rows it names, filed under its first word (`_key`)."""
    named: dict[tuple[str, bool], list[int]] = {}
    for i, row in enumerate(rows):
        if row.is_self or not row.system or not row.system.strip():
            continue
        aliases = tuple(alias for alias in row.aliases or [] if alias and alias.strip())
        for full, term in _name_terms(row.system, aliases):
            holders = named.setdefault((term, full), [])
            if not holders or holders[-1] != i:
                holders.append(i)
    terms: dict[str, list[_Term]] = {}
    for (term, full), holders in named.items():
        terms.setdefault(_key(term), []).append((term, full, frozenset(holders)))
    return terms


def _first_words(folded: str, longest: int) -> dict[str, list[int]]:
    """Every piece of `folded` (at most `longest` characters, no whitespace) that starts
    and ends where a term's first word may, with where it starts: the keys worth looking
    up. Linear in the sentence for a bounded `longest`, where trying every term would
    take rows x length. A one-word ASCII term matches an ASCII sentence exactly there."""
    lefts = [m.start() for m in _LEFT_EDGE_RE.finditer(folded)]
    rights = [m.start() for m in _RIGHT_EDGE_RE.finditer(folded)]
    pieces: dict[str, list[int]] = {}
    for chunk in _CHUNK_RE.finditer(folded):
        first, last = chunk.span()
        for start in lefts[bisect_right(lefts, first - 1):bisect_right(lefts, last - 1)]:
            stop = min(last, start + longest)
            for end in rights[bisect_right(rights, start):bisect_right(rights, stop)]:
                pieces.setdefault(folded[start:end], []).append(start)
    return pieces


def _survivors(full: _Found, tokens: _Found) -> tuple[_Spans, _Spans]:
    """The matches (span -> rows) left once each row's match that lies within a strictly
    longer match of another row is dropped: a token inside a longer name gives way to
    that name's row. One sweep over the spans by start (longest first), keeping the two
    rows that reach furthest; a span shared by many rows (a token such as `7B`) is never
    copied row by row when a longer name covers it."""
    spans: dict[tuple[int, int], list[frozenset[int]]] = {}
    for found in (full, tokens):
        for span, groups in found.items():
            spans.setdefault(span, []).extend(groups)
    kept: dict[tuple[int, int], frozenset[int] | None] = {}  # None: every row of the span
    reach: list[tuple[int, int]] = []  # (end, row) of the two rows reaching furthest, distinct rows
    for (start, end), groups in sorted(spans.items(), key=lambda item: (item[0][0], -item[0][1])):
        survivors: frozenset[int] | None = None
        if reach and reach[0][0] >= end:
            top = reach[0][1]
            both = len(reach) > 1 and reach[1][0] >= end
            survivors = frozenset() if both else frozenset({top} if any(top in g for g in groups) else ())
        kept[(start, end)] = survivors
        if len(reach) < 2 or end > reach[-1][0]:
            best = {row: e for e, row in reach}
            for row in islice((row for group in groups for row in group), 4):  # two besides the kept two
                best[row] = max(best.get(row, -1), end)
            reach = sorted(((e, row) for row, e in best.items()), reverse=True)[:2]

    def rows_of(found: _Found) -> _Spans:
        result: _Spans = {}
        for span, groups in found.items():
            survivors = kept[span]
            rows = set().union(*groups) if survivors is None else {r for r in survivors if any(r in g for g in groups)}
            if rows:
                result[span] = rows
        return result

    return rows_of(full), rows_of(tokens)


def _best_per_word(sentence: str, tokens: _Spans) -> dict[int, int]:
    """Row -> first position, for the token matches: within one word of the sentence,
    the rows whose tokens cover most of it win, so `SQLCoder-7B` names the row holding
    `SQLCoder`, not another row that shares `7B`."""
    named: dict[int, int] = {}
    rows_seen = {row for rows in tokens.values() for row in rows}
    if len(rows_seen) < 2:
        # No row to choose between: a token has no whitespace, so it lies within one
        # word, and one row's tokens cover most of every word they are in.
        for (start, _end), rows in tokens.items():
            for row in rows:
                named[row] = min(named.get(row, start), start)
        return named
    starts: list[int] = []
    ends: list[int] = []
    for word in _WORD_SPAN_RE.finditer(sentence):
        starts.append(word.start())
        ends.append(word.end())
    by_word: dict[int, list[tuple[int, int, set[int]]]] = {}
    for (start, end), rows in tokens.items():
        index = bisect_right(starts, start) - 1
        if rows and index >= 0 and end <= ends[index]:
            by_word.setdefault(index, []).append((start, end, rows))
    for inside in by_word.values():
        cover: dict[int, set[int]] = {}
        for start, end, rows in inside:
            for row in rows:
                cover.setdefault(row, set()).update(range(start, end))
        best = max(len(chars) for chars in cover.values())
        for start, _end, rows in inside:
            for row in rows:
                if len(cover[row]) == best:
                    named[row] = min(named.get(row, start), start)
    return named


class RowMatcher:
    """The terms that name competition rows (systems, aliases, distinctive tokens),
    filed by first word once: build it once per artifact and call `named` for each sentence."""

    __slots__ = ("terms", "longest", "unusual")

    def __init__(self, rows: Sequence[CompetitionRow]) -> None:
        self.terms: dict[str, list[_Term]] = _row_terms(rows)
        self.longest = max(map(len, self.terms), default=0)
        # Terms whose first word is not ASCII: case-insensitive matching knows letters that
        # lower-casing does not join (Greek final sigma), so these are always tried.
        self.unusual = [term for key, terms in self.terms.items() if not key.isascii() for term in terms]

    def named(self, sentence: str) -> tuple[int, ...]:
        """Indexes of the rows `sentence` names, in order of first mention (see `named_rows`)."""
        if not self.terms:
            return ()
        lowered = sentence.lower()
        plain = sentence.isascii()
        full: _Found = {}
        tokens: _Found = {}
        if len(lowered) != len(sentence):  # a letter whose lower case is longer: try every term
            pieces: dict[str, list[int]] = {}
            candidates = [term for terms in self.terms.values() for term in terms]
        else:
            folded = lowered if plain else lowered.translate(_ASCII_FOLDS)
            if len(self.terms) <= _FEW_KEYS:  # a few rows: a substring test a key beats cutting the sentence
                pieces = {}
                candidates = [term for key, terms in self.terms.items() if key in folded for term in terms]
            else:
                pieces = _first_words(folded, self.longest)
                candidates = [term for key in pieces for term in self.terms.get(key, ())]
            if not plain:
                candidates += self.unusual
        for term, is_full, rows in candidates:
            found = full if is_full else tokens
            words = term.split()
            if pieces and plain and len(words) == 1 and term.isascii():
                word = words[0]
                for start in pieces.get(word.lower(), ()):  # a one-word term: exactly where its key stands
                    found.setdefault((start, start + len(word)), []).append(rows)
                continue
            matches = (_lowered_term_re(term).finditer(lowered) if plain and term.isascii()
                       else _term_re(term).finditer(sentence))
            for m in matches:
                found.setdefault(m.span(), []).append(rows)
        if not full and not tokens:
            return ()
        groups = {group for found in (full, tokens) for spans in found.values() for group in spans}
        if len(groups) == 1 and len(only := next(iter(groups))) == 1:
            return tuple(only)  # one row named, however often: nothing to choose between
        named_full, named_tokens = _survivors(full, tokens)
        first = _best_per_word(sentence, named_tokens)
        for (start, _end), rows in named_full.items():
            for row in rows:
                first[row] = min(first.get(row, start), start)
        # In order of first mention; rows first mentioned at one place, in row order.
        return tuple(sorted(first, key=lambda row: (first[row], row)))


def named_rows(sentence: str, rows: Sequence[CompetitionRow]) -> tuple[int, ...]:
    """Indexes of the rows `sentence` names, in order of first mention.

    A row is named by its `system`, an alias, or a distinctive token of its system
    name, case-insensitively and as whole words. A token inside a longer name of
    another row gives way to that row. `self: true` rows are never named.
    For many sentences of one artifact, build a `RowMatcher` once instead.
    """
    return RowMatcher(rows).named(sentence)


def _rows(model: Artifact) -> list[CompetitionRow]:
    return list(model.competition or [])


def _normalised(name: str) -> str:
    return " ".join(name.split()).casefold()


def resolve_against(model: Artifact, against: str | None) -> int | None:
    """The row whose `system` or alias is `against` (case and spacing aside), or None."""
    if not against or not against.strip():
        return None
    wanted = _normalised(against)
    for i, row in enumerate(_rows(model)):
        names = [row.system or "", *(row.aliases or [])]
        if any(name and _normalised(name) == wanted for name in names):
            return i
    return None


def row_names(model: Artifact) -> list[str]:
    """Every `system` and alias of the artifact's rows, for did-you-mean hints."""
    names: list[str] = []
    for row in _rows(model):
        names += [n for n in [row.system, *(row.aliases or [])] if n]
    return names


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
    before = _NEIGHBOUR_RE.findall(_before(sentence, cue.start))[-3:]
    after = [m.group(0) for m in islice(_NEIGHBOUR_RE.finditer(sentence, cue.end), 3)]
    for word in (_neighbour_word(after[:3]), _neighbour_word(list(reversed(before))[:3])):
        if word is not None and (word in words or any(p.casefold() in words for p in name_tokens(word))):
            return True
    return bool(before and after) and _is_pair(before[-1], after[0], context.gains)


def _before_after_delta(delta: Delta, gains: Sequence[_Gain]) -> bool:
    """A delta equal to an evidence row's own value minus its baseline."""
    for value, baseline in gains:
        if value.scaled and baseline.scaled and value.points is not None and baseline.points is not None:
            if delta.accepts(value.points - baseline.points):
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
            self._matcher = RowMatcher(_rows(self.model))
        return self._matcher

    @property
    def self_matcher(self) -> RowMatcher:
        """A matcher of the artifact's own `self: true` rows (never the other side of a claim)."""
        if self._self_matcher is None:
            own = [row.model_copy(update={"is_self": None}) for row in _rows(self.model) if row.is_self]
            self._self_matcher = RowMatcher(own)
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


@cache
def _any_cue_re() -> re.Pattern[str]:
    """The four cue patterns of `find_cues` as one search, compiled on first use.

    The lookarounds in front only skip positions no cue can start at: no cue starts
    right after a word character, and every word cue starts with b, o, s, a or w,
    "vs"/"versus" with v, a ratio with a digit, a delta with its sign (case aside, as in
    the patterns themselves: `(?i)[s]` also takes the long s)."""
    alternatives = "|".join(f"(?:{p.pattern})" for p in (_WORD_CUE_RE, _VS_RE, _RATIO_RE, DELTA_RE))
    return re.compile(rf"(?<!\w)(?=[bosawv+\-\u2212]|\d)(?:{alternatives})", re.IGNORECASE)


def may_hold_cues(text: str) -> bool:
    """False when no sentence of `text` can hold a cue, because no cue pattern matches
    anywhere in it. Exact as a filter: a sentence is a stripped piece of `text`, so its
    first character follows whitespace (or starts `text`), its last precedes whitespace
    (or ends `text`), and every cue pattern looks at most one character around a match."""
    return _may_match(text) and _any_cue_re().search(text) is not None


def win_claims_in(copy: CopyField, model: Artifact, context: ClaimContext | None = None) -> list[WinClaim]:
    """The win claims of one prose field; `context` is `ClaimContext(model)`, shared by
    all the fields of one artifact (made here when not given)."""
    # The cheap half of `may_hold_cues` only: a text it lets through nearly always
    # holds a cue, and `find_cues` finds it sentence by sentence anyway.
    if not _may_match(copy.text):
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


def find_copy_claims(model: Artifact, texts: Sequence[CopyText]) -> list[WinClaim]:
    """Every win claim in public copy beyond the artifact's fields (artifact-format §7)."""
    context = ClaimContext(model)
    claims: list[WinClaim] = []
    for text in texts:
        if _may_match(text.text):
            claims += _claims_in(CopyField(("copy",), text.text, None, text), context)
    return claims


def find_win_claims(model: Artifact) -> list[WinClaim]:
    """Every win claim in the artifact's public copy, in field order."""
    context = ClaimContext(model)
    claims: list[WinClaim] = []
    for copy in public_copy(model):
        if _may_match(copy.text):  # as in `win_claims_in`, without a call per field
            claims += _claims_in(copy, context)
    return claims


# --------------------------------------------------------------------------- policy and gates


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
    rows = _rows(model)
    if not 0 <= row_index < len(rows):
        return None
    row = rows[row_index]
    evidence = evidence_row(model, row.gate)
    if evidence is None or row.gate is None:
        return None
    value, score = parse_measure(evidence.value).single, parse_measure(row.score).single
    if value is None or score is None:
        return None
    if value.scaled and score.scaled and value.points is not None and score.points is not None:
        points = value.points - score.points
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
