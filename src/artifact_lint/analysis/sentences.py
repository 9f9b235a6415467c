"""Sentences of prose: where public copy is cut before its win cues are looked for.

A sentence ends at a run of `.`, `!` or `?` before whitespace, or at a blank line; a
period does not end one after an abbreviation ("e.g.", "vs.", "approx.") nor before a
word in lower case, and a decimal point never does (it is not followed by whitespace).
Each `Sentence` keeps its offset in the text it came from, so that a finding can point
at the line and column where it starts.
"""

from __future__ import annotations

import re
from typing import NamedTuple

ABBREVIATIONS = frozenset({
    "al", "approx", "ca", "cf", "e.g", "eg", "esp", "etc", "excl", "fig", "i.e", "ie", "incl",
    "resp", "viz", "vs", "w.r.t",
})

# Where a sentence may end (`split_sentences` then drops the periods that do not end one).
_TERMINATOR_RE = re.compile(r"""
      [.!?]+ (?=\s|$)     # a run of stops before whitespace or the end of the text
    | \n [ \t]* \n        # a blank line
""", re.VERBOSE)
_NEXT_CHARACTER_RE = re.compile(r"\s*(\S)")


class Sentence(NamedTuple):
    text: str
    start: int  # offset of the sentence's first character in its field's text


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
            following = _NEXT_CHARACTER_RE.match(text, match.end())  # not a copy of the rest of the text
            if following is not None and following.group(1).islower():
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
