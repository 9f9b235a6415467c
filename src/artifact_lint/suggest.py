"""Did-you-mean suggestions for misspelt names."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def _normalise(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def closest(name: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate nearest to `name`, or None when nothing is close.

    Case, spaces, hyphens and underscores are ignored first, so `reportonly`,
    `Report_Only` and `report only` all find `report-only`.
    """
    options = list(candidates)
    by_norm = {_normalise(c): c for c in options}
    if _normalise(name) in by_norm:
        return by_norm[_normalise(name)]
    match = difflib.get_close_matches(_normalise(name), list(by_norm), n=1, cutoff=cutoff)
    return by_norm[match[0]] if match else None


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """`; did you mean `x`?` or an empty string."""
    match = closest(name, candidates)
    return f"; did you mean `{match}`?" if match else ""


def quoted_list(names: Iterable[str]) -> str:
    items = [f"`{n}`" for n in names]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]
