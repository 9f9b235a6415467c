"""The win-cue, sentence and row-name patterns as written, and the gates in front of them.

Each pattern is written once (in `analysis.cues`, `analysis.sentences`, `analysis.rows`);
these tests read it directly, then check that its gate (a substring test, or the places
a match can start) never hides a match the pattern would find searched everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from artifact_lint.analysis.cues import (
    _RATIO_RE,
    _VS_GATE,
    _VS_RE,
    _WORD_CUE_RE,
    _WORD_GATE,
    _lowered_ascii,
    _matches,
    _starts,
    passes_gates,
)
from artifact_lint.analysis.patterns import matches_at, occurrences
from artifact_lint.analysis.rows import _term_re
from artifact_lint.analysis.sentences import _TERMINATOR_RE


def _texts(pattern: re.Pattern[str], text: str) -> list[str]:
    return [m.group(0) for m in pattern.finditer(text)]


def _spans(matches: Iterable[re.Match[str]]) -> list[tuple[int, int]]:
    return [m.span() for m in matches]


@pytest.mark.parametrize(("text", "cues"), [
    ("It beats T5; BEATEN before, beating now.", ["beats", "BEATEN", "beating"]),
    ("Outperformed, surpasses", ["Outperformed", "surpasses"]),
    ("better\nthan, ahead  of, wins over, win\tagainst", ["better\nthan", "ahead  of", "wins over", "win\tagainst"]),
    ("heartbeat, re-beat, beat-up, betterthan, winsover", []),  # whole words only
    ("\u017furpassed", ["\u017furpassed"]),  # the long s is an s, case aside
])
def test_word_cue_pattern(text: str, cues: list[str]) -> None:
    assert _texts(_WORD_CUE_RE, text) == cues


@pytest.mark.parametrize(("text", "cues"), [
    ("T5 vs SQLCoder, T5 vs. it, T5 VERSUS it", ["vs", "vs.", "VERSUS"]),
    ("upstream-vs-MLX, canvs, vsx", []),
])
def test_vs_pattern(text: str, cues: list[str]) -> None:
    assert _texts(_VS_RE, text) == cues


@pytest.mark.parametrize(("text", "cues"), [
    ("3x smaller, 2.5 \u00d7 faster, 515X  cheaper", ["3x smaller", "2.5 \u00d7 faster", "515X  cheaper"]),
    ("v1.3x smaller, 3x smallerish, 3xsmaller", []),
])
def test_ratio_pattern(text: str, cues: list[str]) -> None:
    assert _texts(_RATIO_RE, text) == cues


@pytest.mark.parametrize(("text", "marks"), [
    ("One. Two! Three?! Four", [".", "!", "?!"]),
    ("0.531 and e.g.", ["."]),  # a decimal point is not followed by whitespace
    ("Para\n \t\nNext", ["\n \t\n"]),
    ("Line\nnext", []),
])
def test_sentence_terminator_pattern(text: str, marks: list[str]) -> None:
    assert _texts(_TERMINATOR_RE, text) == marks


@pytest.mark.parametrize(("term", "text", "found"), [
    ("T5-small", "Ahead of t5-SMALL, v1.T5-small, T5-smallest, T5-small.x", ["t5-SMALL"]),
    ("Stock Qwen", "stock\tqwen and Stock  Qwen", ["stock\tqwen", "Stock  Qwen"]),
    ("Apple \x00FM", "Apple Foundation Models", ["Apple Foundation Models"]),  # an initialism spelled out
])
def test_row_term_pattern(term: str, text: str, found: list[str]) -> None:
    assert _texts(_term_re(term), text) == found


_CUE_TEXT = st.lists(st.sampled_from([
    "beat", "Beats", "BEATEN", "beating", "outperformed", "Surpasses", "\u017furpassed", "better than", "Better\nthan",
    "betterthan", "ahead  of", "wins over", "win\tagainst", "winsover", "heartbeat", "vs", "VS.", "versus", "-vs-",
    "3x smaller", "+4.7 pp", "-", "_", "x", " ", ".", "7", "\u00e9",
]), max_size=8).map("".join)


@settings(max_examples=500, deadline=None)
@given(_CUE_TEXT)
def test_cue_gates_never_hide_a_match(text: str) -> None:
    """The word and "vs" patterns, tried only where a gate word stands, find what they
    find searched everywhere; a text the field gate turns away holds no match at all."""
    lowered = _lowered_ascii(text)
    for pattern, gate in ((_WORD_CUE_RE, _WORD_GATE), (_VS_RE, _VS_GATE)):
        assert _spans(_matches(pattern, text, _starts(lowered, gate))) == _spans(pattern.finditer(text))
    if not passes_gates(text):
        assert not any(p.search(text) for p in (_WORD_CUE_RE, _VS_RE, _RATIO_RE))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab ab.-", max_size=20), st.sampled_from(["a", "ab", "b a", "a.b"]))
def test_matches_at_every_occurrence_equals_finditer(text: str, word: str) -> None:
    pattern = _term_re(word)
    key = word.split()[0].lower()
    assert _spans(matches_at(pattern, text, occurrences(text.lower(), key))) == _spans(pattern.finditer(text))
