"""The package index (`package-index`) as public copy: each entry's prose, claims and figures.

An index is `{"packages": [...]}`, a list of entries, or a mapping of entries by id. Each
entry's string values are prose (`CopyText`, placed at the value they come from), its
`vs_<system>_<metric>[_pp|_x|_ratio]` headline keys are claims (`IndexClaim`), and the
other figures of its `headline` mapping are `Headline`s (AL206 checks them). `read_index`
files all three under every owner the entry names: its `id`, `package_path` or `package`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, NamedTuple

from artifact_lint.model.findings import Position
from artifact_lint.sources.copy_text import CopyText, json_copy
from artifact_lint.sources.loader import field_path

_VS_KEY = re.compile(r"^vs_(?P<rest>[a-z0-9_]+?)(?:_(?P<suffix>pp|x|ratio))?$", re.I)


class IndexClaim(NamedTuple):
    """A package index headline `vs_<system>_<metric>[_pp|_x|_ratio]: value`."""

    path: str
    line: int
    column: int
    key: str
    field: str  # the key's path in the index (`packages[0].headline.vs_x_accuracy_pp`)
    words: str  # `<system>_<metric>` with underscores as spaces
    suffix: str | None  # "pp", "x", "ratio" or None
    value: Any


class Headline(NamedTuple):
    """A package index headline figure that is not a `vs_*` claim (`overall_accuracy: "95.5%"`)."""

    path: str
    line: int
    column: int
    key: str
    field: str
    value: Any


# Per owner (artifact id or package path): the entries' prose, `vs_*` claims and other headline figures.
IndexCopy = tuple[dict[str, list[CopyText]], dict[str, list[IndexClaim]], dict[str, list[Headline]]]


def index_claims(path: str, entry: dict[str, Any], where: tuple[str | int, ...], positions: Any) -> list[IndexClaim]:
    """The `vs_*` headline keys of one package-index entry."""
    return [item for item in _index_keys(path, entry, where, positions) if isinstance(item, IndexClaim)]


def index_headlines(path: str, entry: dict[str, Any], where: tuple[str | int, ...],
                    positions: Any) -> list[Headline]:
    """The other figures of an entry's `headline` mapping (AL206 checks them)."""
    return [item for item in _index_keys(path, entry, where, positions) if isinstance(item, Headline)]


def _index_keys(path: str, entry: dict[str, Any], where: tuple[str | int, ...],
                positions: Any) -> list[IndexClaim | Headline]:
    found: list[IndexClaim | Headline] = []

    def walk(value: Any, at: tuple[str | int, ...], headline: bool) -> None:
        if not isinstance(value, dict):
            return
        for key, item in value.items():
            if not isinstance(key, str):
                continue
            spot = positions.key((*at, key)) if positions is not None else Position(1, 1)
            match = _VS_KEY.match(key)
            if match and not isinstance(item, (dict, list)):
                found.append(IndexClaim(path, spot.line, spot.column, key, field_path((*at, key)),
                                        match["rest"].replace("_", " "), match["suffix"], item))
            elif headline and isinstance(item, (int, float, str)) and not isinstance(item, bool):
                found.append(Headline(path, spot.line, spot.column, key, field_path((*at, key)), item))
            else:
                walk(item, (*at, key), headline or key == "headline")

    walk(entry, where, False)
    return found


def read_index(relative: str, text: str) -> IndexCopy:
    """The copy of the package index `relative` whose text is `text`, by owner; nothing
    when it is not valid JSON."""
    texts: dict[str, list[CopyText]] = {}
    claims: dict[str, list[IndexClaim]] = {}
    headlines: dict[str, list[Headline]] = {}
    from artifact_lint.sources.loader import LoadFailure, parse_json

    try:  # any JSON value: an index may be a list of entries, which an artifact file may not
        document = parse_json(text.removeprefix("\ufeff"))
    except LoadFailure:
        document = None
    if document is not None:
        for where, entry in _index_entries(document.data):
            owners = [str(entry[k]).strip().rstrip("/") for k in ("id", "package_path", "package")
                      if isinstance(entry.get(k), str)]
            entry_texts = json_copy(relative, entry, document.positions, where)
            entry_claims = index_claims(relative, entry, where, document.positions)
            entry_headlines = index_headlines(relative, entry, where, document.positions)
            for owner in owners:
                texts.setdefault(owner, []).extend(entry_texts)
                claims.setdefault(owner, []).extend(entry_claims)
                headlines.setdefault(owner, []).extend(entry_headlines)
    return texts, claims, headlines


def _index_entries(data: Any) -> Iterator[tuple[tuple[str | int, ...], dict[str, Any]]]:
    """The entries of a package index: `{"packages": [...]}`, a list, or a mapping of entries."""
    if isinstance(data, dict) and isinstance(data.get("packages"), list):
        for number, entry in enumerate(data["packages"]):
            if isinstance(entry, dict):
                yield ("packages", number), entry
    elif isinstance(data, list):
        for number, entry in enumerate(data):
            if isinstance(entry, dict):
                yield (number,), entry
    elif isinstance(data, dict):
        for key, entry in data.items():
            if isinstance(entry, dict) and isinstance(entry.get("id", key), str):
                yield (key,), {"id": key, **entry}
