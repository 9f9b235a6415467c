"""Searching a pattern only where a match can start: the gate the analysis patterns share.

The patterns of `analysis` are written once, in their plain form, and most begin with a
lookbehind (`(?<![\\w-])beat...`): Python's `re` then tries them at every character of
the text, several times slower than a plain substring search. So the callers first find,
with `str.find` or a one-character-class search, the few places a match can start (a
delta's sign, a row name's first word) and `matches_at` tries the pattern only there.
It finds exactly what `pattern.finditer(text)` finds, as long as every match of the
pattern starts at one of those places.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator


def matches_at(pattern: re.Pattern[str], text: str, starts: Iterable[int]) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)`, tried only at `starts` (ascending), for a pattern that
    never matches empty text and whose every match starts at one of `starts`. As with
    `finditer`, matches do not overlap, and a lookbehind still sees the text before a
    start."""
    end = 0
    for start in starts:
        if start >= end:
            match = pattern.match(text, start)
            if match is not None:
                end = match.end()
                yield match


def occurrences(text: str, needle: str) -> Iterator[int]:
    """Every position where `needle` starts in `text`, ascending (overlapping ones too)."""
    at = text.find(needle)
    while at >= 0:
        yield at
        at = text.find(needle, at + 1)
