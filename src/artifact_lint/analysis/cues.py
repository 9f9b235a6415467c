"""Win cues (artifact-format §3): the words and figures with which a sentence claims a win.

Four kinds: a cue word ("beat", "outperform", "surpass", "better than", "ahead of",
"wins over", "win against"), a free-standing "vs"/"versus", a signed delta
("+4.7 points", from `measures.DELTA_RE`) and a ratio ("3x smaller"). Each pattern is
written once, case-insensitive, and searched only behind a gate: a cheap substring test
that every match needs (a cue's first word, "vs", an "x" before a space, a sign), which
most prose fails. A cue word right after a negation or a condition in its clause ("does
not beat", "until it beats", "to beat") asserts nothing and is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from operator import itemgetter
from typing import Literal, NamedTuple

from artifact_lint.analysis.measures import Delta, find_deltas, has_delta
from artifact_lint.analysis.patterns import matches_at, occurrences

CueKind = Literal["word", "vs", "delta", "ratio"]

# A cue word right after one of these (same clause, three words back) asserts no win.
NON_ASSERTIVE = frozenset({
    "not", "never", "no", "nor", "neither", "without", "cannot", "can't", "won't", "doesn't",
    "don't", "didn't", "isn't", "aren't", "wasn't", "weren't", "hasn't", "haven't",
    "if", "unless", "until", "once", "whether", "before",
})

_WORD_CUE_RE = re.compile(r"""
    (?<![\w-])                                   # a whole word: not inside `heartbeat` or `re-beat`
    (?: beat (?:s|ing|en)?
      | outperform (?:s|ed|ing)?
      | surpass (?:es|ed|ing)?
      | better \s+ than
      | ahead \s+ of
      | wins \s+ over
      | win \s+ against
    )
    (?![\w-])
""", re.IGNORECASE | re.VERBOSE)
# "vs" as a word of its own: never inside a hyphenated compound such as `upstream-vs-MLX`.
_VS_RE = re.compile(r"(?<![\w-]) (?:vs\.?|versus) (?![\w-])", re.IGNORECASE | re.VERBOSE)
_RATIO_RE = re.compile(r"""
    (?<![\w.]) \d+ (?:\.\d+)? \s? [x\u00d7] \s+     # `3x `, `2.5 \u00d7 `
    (?: faster | slower | smaller | larger | bigger | cheaper | better | higher | lower | fewer
      | more | less | quicker | shorter | longer | lighter | leaner )
    (?![\w-])
""", re.IGNORECASE | re.VERBOSE)

# The gates. In ASCII text, case-insensitive matching is plain lower-casing, so every
# match of `_WORD_CUE_RE` starts where one of these words stands once the text is
# lower-cased, and is tried only there (`patterns.matches_at`); every match of `_VS_RE`
# where "vs" or "versus" stands; and every ratio holds an "x" before whitespace (its
# "\u00d7" is not ASCII). Text that is not ASCII always passes: there "\u017f" matches
# "s". Deltas have a gate of their own (`measures.delta_matches`).
_WORD_GATE = ("beat", "outperform", "surpass", "better", "ahead", "win")
_VS_GATE = ("vs", "versus")
_WORD_OR_VS_GATE = _WORD_GATE + _VS_GATE
_RATIO_GATE_RE = re.compile(r"x\s")
_START = itemgetter(2)  # a `Cue`'s start


class Cue(NamedTuple):
    """A win cue: its kind, the words that hold it and where they stand in the sentence."""

    kind: CueKind
    text: str
    start: int
    end: int
    delta: Delta | None = None  # for kind "delta"


def _starts(lowered: str | None, needles: tuple[str, ...]) -> list[int] | None:
    """Where a match of a gated pattern can start: every place one of `needles` stands
    in `lowered`, an ASCII text lower-cased, ascending; None for text that is not ASCII,
    where the needles prove nothing (the pattern is then searched everywhere)."""
    if lowered is None:
        return None
    starts: list[int] = []
    for needle in needles:
        if needle in lowered:
            starts += occurrences(lowered, needle)
    starts.sort()
    return starts


def _matches(pattern: re.Pattern[str], text: str, starts: list[int] | None) -> Iterator[re.Match[str]]:
    return pattern.finditer(text) if starts is None else matches_at(pattern, text, starts)


def _found(pattern: re.Pattern[str], text: str, starts: list[int] | None) -> bool:
    return next(_matches(pattern, text, starts), None) is not None


def _lowered_ascii(text: str) -> str | None:
    return text.lower() if text.isascii() else None


def _may_ratio(lowered: str | None) -> bool:
    return lowered is None or _RATIO_GATE_RE.search(lowered) is not None


def passes_gates(text: str) -> bool:
    """False only when no cue pattern can match in `text`, nor so in any of its sentences:
    the gates alone, and for deltas the first sign that starts one. Cheap: tried on
    every field before it is cut into sentences."""
    if not text.isascii():
        return True
    lowered = text.lower()
    for needle in _WORD_OR_VS_GATE:  # the first one found will do: a loop, cheaper than `any`
        if needle in lowered:
            return True
    return _may_ratio(lowered) or has_delta(text)


def may_hold_cues(text: str) -> bool:
    """False when no sentence of `text` can hold a cue, because no cue pattern matches
    anywhere in it. Exact as a filter: a sentence is a stripped piece of `text`, so its
    first character follows whitespace (or starts `text`), its last precedes whitespace
    (or ends `text`), and every cue pattern looks at most one character around a match."""
    lowered = _lowered_ascii(text)
    return (_found(_WORD_CUE_RE, text, _starts(lowered, _WORD_GATE))
            or _found(_VS_RE, text, _starts(lowered, _VS_GATE))
            or (_may_ratio(lowered) and _RATIO_RE.search(text) is not None)
            or has_delta(text))


# How far before a cue the words beside it are looked for: three words of prose fit
# several times over, and a bounded look keeps a long run of cues linear in its length.
_NEAR = 160
_CLAUSE_BREAK_RE = re.compile(r"[,;:()\[\]]")
_WORD_RE = re.compile(r"[\w'\u2019]+")


def text_before(sentence: str, start: int) -> str:
    """The text just before `start`, at most `_NEAR` characters, not cutting a word in two."""
    if start <= _NEAR:
        return sentence[:start]
    window = sentence[start - _NEAR:start]
    cut = window.find(" ")
    return window[cut + 1:] if cut >= 0 else ""


def _asserted(sentence: str, start: int) -> bool:
    """False when the cue at `start` follows a negation or condition in its clause."""
    clause = _CLAUSE_BREAK_RE.split(text_before(sentence, start))[-1]
    words = [w.replace("\u2019", "'").casefold() for w in _WORD_RE.findall(clause)[-3:]]
    if words and words[-1] == "to":
        return False
    return not any(word in NON_ASSERTIVE for word in words)


def find_cues(sentence: str) -> list[Cue]:
    """The win cues of §3 in one sentence, in order (whole words only)."""
    lowered = _lowered_ascii(sentence)
    cues: list[Cue] = []
    starts = _starts(lowered, _WORD_GATE)
    if starts != []:  # the gate: most sentences hold no cue word
        cues += [Cue("word", m.group(0), m.start(), m.end())
                 for m in _matches(_WORD_CUE_RE, sentence, starts) if _asserted(sentence, m.start())]
    starts = _starts(lowered, _VS_GATE)
    if starts != []:
        cues += [Cue("vs", m.group(0), m.start(), m.end()) for m in _matches(_VS_RE, sentence, starts)]
    if _may_ratio(lowered):
        cues += [Cue("ratio", m.group(0), m.start(), m.end()) for m in _RATIO_RE.finditer(sentence)]
    cues += [Cue("delta", d.text, d.start, d.end, d) for d in find_deltas(sentence)]
    return sorted(cues, key=_START) if len(cues) > 1 else cues
