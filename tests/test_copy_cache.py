"""The Markdown copy cache (`sources/copy_cache.py`): the same blocks as a parse, or a miss."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from artifact_lint.sources import copy_cache
from artifact_lint.sources.copy_cache import markdown_copy_cached
from artifact_lint.sources.copy_text import markdown_copy

CARD = """---
title: card
---
# Adapter

It beats **Stock Phi-3** by +4.7 points on the public slice.

| Task | Ours | Stock | Delta |
|---|---|---|---|
| extraction | 0.612 | 0.565 | +4.7 points |

- Downloaded by 3 users.
"""


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("copy-*.json"))


def test_a_kept_entry_gives_the_parse_without_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = markdown_copy("cards/a.md", CARD)
    assert {block.kind for block in parsed} >= {"block", "cell", "row"}
    assert markdown_copy_cached("cards/a.md", CARD, tmp_path) == parsed
    assert len(_entries(tmp_path)) == 1

    def no_parse(path: str, text: str) -> list[object]:
        raise AssertionError("parsed again")

    monkeypatch.setattr(copy_cache, "markdown_copy", no_parse)
    assert markdown_copy_cached("cards/a.md", CARD, tmp_path) == parsed
    # the entry holds no path: the same text elsewhere gives its own path
    assert markdown_copy_cached("cards/b.md", CARD, tmp_path) == markdown_copy("cards/b.md", CARD)


def test_no_folder_reads_and_writes_nothing(tmp_path: Path) -> None:
    assert markdown_copy_cached("a.md", CARD, None) == markdown_copy("a.md", CARD)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("body", [
    [[1, 1, "text"]],  # too short
    [[0, 1, "text", "block"]],  # line 0
    [[1, 1, 5, "block"]],  # text not a string
    [[1, True, "text", "block"]],  # a bool is no column
    [[1, 1, "text", "table"]],  # an unknown kind
    [[1, 1, "text", ["block"]]],  # unhashable kind
    {"blocks": []},
])
def test_an_entry_of_another_shape_is_a_miss(tmp_path: Path, body: object) -> None:
    markdown_copy_cached("a.md", CARD, tmp_path)
    entry = _entries(tmp_path)[0]
    raw = json.dumps(body, separators=(",", ":")).encode()
    copy_cache.store_body(entry, raw, 1 << 20, copy_cache.FORMAT, copy_cache.KEEP)
    assert markdown_copy_cached("a.md", CARD, tmp_path) == markdown_copy("a.md", CARD)


def test_a_tampered_entry_is_a_miss(tmp_path: Path) -> None:
    markdown_copy_cached("a.md", CARD, tmp_path)
    entry = _entries(tmp_path)[0]
    entry.write_bytes(entry.read_bytes().replace(b"beats", b"BEATS"))  # the digest no longer matches
    assert markdown_copy_cached("a.md", CARD, tmp_path) == markdown_copy("a.md", CARD)


def test_old_entries_are_pruned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(copy_cache, "KEEP", 2)
    for index in range(4):
        markdown_copy_cached("a.md", CARD + f"\n<!-- {index} -->\n", tmp_path)
    assert len(_entries(tmp_path)) == 2
