"""Patterns of rule files (`safe_regex.py`): refused when they can backtrack without bound,
searched over a bounded text, and the windowed search finds what a whole search finds."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from artifact_lint.custom.safe_regex import MAX_TEXT, MAX_WIDTH, TooLong, UnsafePattern, compile_pattern

CATASTROPHIC = [
    r"(a+)+$", r"(a|aa)*b", r"(a*)*", r"(.*)*", r"(\w+\s?)+$", r"^(\w+)*$", r"(x+x+)+y", r"(.*a){12}",
    r"(a|a)*", r"(\d+|\d+\.\d+)*x", r"^(a+)+?$", r"(?:a?){20}a{20}",  # exponential
    r"\s*\s*x", r"a.*b.*c", r".*.*=.*", r"\w+x\w+y", r"(?:\s|\w)*\s*$", r"^\S+@\S+$",  # polynomial
    r"a?a?a?a?a?a?a?a?a?a?a?a?a?a?aaaaaaaaaaaaaa", r"a?a?a?a?a?", r"\w+\w?\w?\w?\w?x",  # 2^k per position
    r"(a)\1", r"(?P<x>a)(?P=x)",  # back-references
]
SAFE = [
    r"^[a-z0-9]+(-[a-z0-9]+)*$", r"(?i)\bstate[- ]of[- ]the[- ]art\b|\bSOTA\b", r"^(?:Add|Write|Measure)\b",
    r"\d+\.\d+", r"\w+\s+\w+", r".*x", r"^https://", r"(?:foo|bar)+", r"^[A-Z][a-z]+", r"^[^@\s]+@\S+$",
    r"^(apache-2\.0|mit|cc-by-4\.0)$", r"(\s*,\s*\w+)+", r"[^b]*b.*c", r"^v\d+(\.\d+){0,2}$", r"hf://\S+",
    r"^\s*$", r"\b\d{1,3}%", r"^(?:Either )?[A-Z][a-z]+(?<!ing)(?<!ed)\b", r"https?://\S+", r"\d{1,3}\.\d{1,3}",
    "state of the art", r"(?i)^(?:the|an?|this)\b", r"\w+\w?\w?\w?x", r"colou?r",
]
HOSTILE_UNITS = ["a", "ab", " a", "a-", "1", "x ", "aab", "a b", "1.", "@", "\t", "Ab", "-", "é"]


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_catastrophic_patterns_are_refused(pattern: str) -> None:
    with pytest.raises(UnsafePattern):
        compile_pattern(pattern)


@pytest.mark.parametrize("pattern", SAFE)
def test_usual_patterns_are_accepted(pattern: str) -> None:
    assert compile_pattern(pattern).compiled.pattern == pattern


def test_bad_regular_expressions_say_where() -> None:
    with pytest.raises(UnsafePattern, match="not a regular expression: missing \\), unterminated subpattern at"
                                            " position 0"):
        compile_pattern("(a")


def test_hostile_values_cannot_hang_an_accepted_pattern() -> None:
    """Every accepted pattern against values built to defeat it, at the longest length
    searched whole, in a child process: a hang fails the test instead of the suite."""
    code = (
        "import sys; from artifact_lint.custom.safe_regex import compile_pattern, MAX_TEXT\n"
        f"patterns = {SAFE!r}\nunits = {HOSTILE_UNITS!r}\n"
        "for p in patterns:\n"
        "    c = compile_pattern(p)\n"
        "    for u in units:\n"
        "        c.search((u * MAX_TEXT)[:MAX_TEXT - 1] + '!')\n"
        "        c.search((u * (4 * MAX_TEXT))[:4 * MAX_TEXT] + '!') if c.width is not None else None\n"
        "print('done')\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert run.stdout.strip() == "done", run.stderr


def test_a_long_value_is_too_long_only_for_an_unbounded_pattern() -> None:
    long_value = "x" * (MAX_TEXT + 1)
    with pytest.raises(TooLong):
        compile_pattern(r"^\S+$").search(long_value)
    assert compile_pattern("xy").search(long_value) is None
    assert compile_pattern("x{3}$").search(long_value) is not None
    assert compile_pattern("x" * (MAX_WIDTH + 1)).width is None


@given(
    pattern=st.sampled_from([r"\bsota\b", r"(?i)state of the art", r"b(?=c)", r"b(?!c)", r"(?<=a)b\b", r"^ab",
                             r"xy$", r"\d{2,4}%", r"\Ab", r"(?m)^c"]),
    filler=st.text(alphabet="abc dsotaxy12%\n", min_size=1, max_size=7),
    copies=st.integers(MAX_TEXT // 7, 3 * MAX_TEXT // 2),
    planted=st.sampled_from(["sota", "bc", "ab", "xy", "12%", "state of the art", "\nc"]),
    at=st.integers(-3, 3),
    window=st.integers(1, 3),
)
def test_the_windowed_search_finds_the_first_match_a_whole_search_finds(
        pattern: str, filler: str, copies: int, planted: str, at: int, window: int) -> None:
    text = (filler * copies)[: max(MAX_TEXT + 1, len(filler) * copies)]
    position = min(max(0, window * MAX_TEXT + at), len(text))
    text = text[:position] + planted + text[position:]
    if len(text) <= MAX_TEXT:
        text += "z" * (MAX_TEXT + 1 - len(text))
    found, expected = compile_pattern(pattern).search(text), re.search(pattern, text)
    assert (found and found.span()) == (expected and expected.span())
