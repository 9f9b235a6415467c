"""Which competition rows a sentence names: by `system`, alias or distinctive token.

A row is named by its whole `system` name or an alias, case-insensitively and as whole
words with any run of spaces between them; by an initialism spelled out ("Apple
Foundation Models" for `Apple FM`); or by a distinctive token of its system name (`T5`,
`7B`, `TinyGPT`), where a token inside a longer name of another row gives way to that
row. `RowMatcher` files every term under its first word once per artifact, so that a
sentence is searched only for the terms whose first word it holds (the gate in front of
each term's pattern), and for many rows the sentence is cut into candidate first words
instead of testing every row: matching stays linear in the sentence whatever the number
of rows. `self: true` rows are never named.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import islice

from artifact_lint.analysis.patterns import matches_at, occurrences
from artifact_lint.model.formats import Artifact, CompetitionRow

# Words never distinctive, whatever their case: they name no particular system.
GENERIC_WORDS = frozenset({
    "a", "an", "and", "base", "baseline", "baselines", "for", "large", "local", "model", "models",
    "of", "on", "or", "our", "public", "small", "stock", "system", "the", "this", "with",
})
_TOKEN_SPLIT_RE = re.compile(r"[-/(),]+")
_WORD_SPAN_RE = re.compile(r"\S+")


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
    words = r"\s+".join(_word_pattern(word) for word in term.split())
    # Not right after a word character or a dot (`v1.T5`), nor before one or a dot and one.
    return re.compile(rf"(?<![\w.]){words}(?!\w|\.\w)", re.IGNORECASE)


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
def _name_terms(system: str, aliases: tuple[str, ...]) -> tuple[tuple[str, bool, str], ...]:
    """(key, full, term) for a row's system name and aliases, then for the distinctive
    tokens of its system name. Cached (bounded): the same rows recur across artifacts."""
    terms = (*((True, name) for name in (system, *aliases)),
             *((True, spelled) for name in (system, *aliases) for spelled in _initialisms(name)),
             *((False, token) for token in distinctive_tokens(system)))
    return tuple((_key(term), full, term) for full, term in terms)


def _row_terms(rows: Sequence[CompetitionRow], self_rows: bool = False) -> dict[str, list[_Term]]:
    """Every name, alias and distinctive token of the rows that can be named (with
    `self_rows`, of the `self: true` rows instead), each with the rows it names, filed
    under its first word (`_key`)."""
    named: dict[tuple[str, str, bool], list[int]] = {}
    for i, row in enumerate(rows):
        if bool(row.is_self) != self_rows or not row.system or not row.system.strip():
            continue
        aliases = tuple(alias for alias in row.aliases or [] if alias and alias.strip())
        for key, full, term in _name_terms(row.system, aliases):
            holders = named.setdefault((key, term, full), [])
            if not holders or holders[-1] != i:
                holders.append(i)
    terms: dict[str, list[_Term]] = {}
    for (key, term, full), holders in named.items():
        terms.setdefault(key, []).append((term, full, frozenset(holders)))
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

    def __init__(self, rows: Sequence[CompetitionRow], *, self_rows: bool = False) -> None:
        """A matcher of the rows other than `self: true` ones; with `self_rows`, of those only."""
        self.terms: dict[str, list[_Term]] = _row_terms(rows, self_rows)
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
        # Each candidate term with the places its first word stands in the sentence, where
        # its pattern is tried (see `patterns.matches_at`); None: everywhere, where the
        # lower-cased sentence proves nothing.
        candidates: list[tuple[_Term, Iterable[int] | None]]
        if len(lowered) != len(sentence):  # a letter whose lower case is longer: try every term
            pieces: dict[str, list[int]] = {}
            candidates = [(term, None) for terms in self.terms.values() for term in terms]
        else:
            folded = lowered if plain else lowered.translate(_ASCII_FOLDS)
            if len(self.terms) <= _FEW_KEYS:  # a few rows: a substring test a key beats cutting the sentence
                pieces = {}
                candidates = [(term, occurrences(folded, key)) for key, terms in self.terms.items() if key in folded
                              for term in terms]
            else:
                pieces = _first_words(folded, self.longest)
                candidates = [(term, starts) for key, starts in pieces.items() for term in self.terms.get(key, ())]
            if not plain:
                candidates += [(term, None) for term in self.unusual]
        for (term, is_full, rows), starts in candidates:
            found = full if is_full else tokens
            words = term.split()
            if pieces and plain and len(words) == 1 and term.isascii():
                word = words[0]
                for start in pieces.get(word.lower(), ()):  # a one-word term: exactly where its key stands
                    found.setdefault((start, start + len(word)), []).append(rows)
                continue
            pattern = _term_re(term)
            for m in pattern.finditer(sentence) if starts is None else matches_at(pattern, sentence, starts):
                found.setdefault(m.span(), []).append(rows)
        if not full and not tokens:
            return ()
        groups = {group for found in (full, tokens) for spans in found.values() for group in spans}
        if len(groups) == 1 and len(only := next(iter(groups))) == 1:
            return tuple(only)  # one row named, however often: nothing to choose between
        named_full, named_tokens = _survivors(full, tokens)
        first = _best_per_word(sentence, named_tokens)
        for (start, _end), holders in named_full.items():
            for row in holders:
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


def competition_rows(model: Artifact) -> list[CompetitionRow]:
    return list(model.competition or [])


def _normalised(name: str) -> str:
    return " ".join(name.split()).casefold()


def resolve_against(model: Artifact, against: str | None) -> int | None:
    """The row whose `system` or alias is `against` (case and spacing aside), or None."""
    if not against or not against.strip():
        return None
    wanted = _normalised(against)
    for i, row in enumerate(competition_rows(model)):
        names = [row.system or "", *(row.aliases or [])]
        if any(name and _normalised(name) == wanted for name in names):
            return i
    return None


def row_names(model: Artifact) -> list[str]:
    """Every `system` and alias of the artifact's rows, for did-you-mean hints."""
    names: list[str] = []
    for row in competition_rows(model):
        names += [n for n in [row.system, *(row.aliases or [])] if n]
    return names

