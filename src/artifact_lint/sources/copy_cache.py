"""Keep the blocks read from Markdown public copy, so that an unchanged file is not parsed again.

Reading Markdown copy (model cards, Hub cards, the registry document's prose) means
importing markdown-it-py, about 17 ms, and parsing: on a warm cache a check of this
repository imports it no more (-8% wall), and a check of 1,000 artifacts no more in any
of its processes. The blocks (`copy_text.markdown_copy`) depend only on the text and on
the reading code, so `markdown_copy_cached` keeps them as JSON, named by a digest of
both, beside the registry cache's entries (`registry/cache.py`: the same folder, the
same bounded read, SHA-256 check and atomic write) as `copy-<digest>.json`. Every value
is checked on the way in (a miss otherwise), so a rule never meets less than a parse gives.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from artifact_lint.sources.copy_text import CopyText, markdown_copy
from artifact_lint.sources.registry.cache import code_digest, load_body, max_entry_size, store_body

FORMAT = 1
KEEP = 256  # entries kept: one per distinct Markdown text that passed the cue gate
# The code whose behaviour the entries record (`_side_by_side` reads win cues).
COPY_MODULES = tuple(f"artifact_lint.{name}" for name in (
    "sources.copy_text", "sources.copy_cache", "analysis.cues", "analysis.measures", "analysis.patterns",
)) + ("markdown_it",)
_KINDS = frozenset({"block", "cell", "row"})


@lru_cache(maxsize=1)
def _code() -> bytes:
    return code_digest(f"artifact-lint copy cache {FORMAT}", COPY_MODULES)


def markdown_copy_cached(path: str, text: str, folder: Path | None) -> list[CopyText]:
    """`copy_text.markdown_copy(path, text)`, from `folder`'s entry when it has one
    (None: parse, read and write nothing)."""
    if folder is None:
        return markdown_copy(path, text)
    digest = hashlib.sha256(_code())
    digest.update(text.encode("utf-8", "surrogatepass"))
    entry = folder / f"copy-{digest.hexdigest()[:40]}.json"
    limit = max_entry_size(text)
    body = load_body(entry, limit, FORMAT)
    if body is not None:
        try:
            return _decode(json.loads(body), path)
        except Exception:  # noqa: BLE001 - any shape `_decode` refuses, however it fails: a miss
            pass
    blocks = markdown_copy(path, text)
    try:
        encoded = json.dumps([[b.line, b.column, b.text, b.kind] for b in blocks], ensure_ascii=False,
                             separators=(",", ":")).encode("utf-8")
    except (TypeError, ValueError):  # text JSON (UTF-8) cannot hold
        return blocks
    store_body(entry, encoded, limit, FORMAT, KEEP)
    return blocks


def _decode(raw: Any, path: str) -> list[CopyText]:
    """The blocks `markdown_copy_cached` wrote, each [line, column, text, kind]; raises
    ValueError on any other shape or type."""
    if raw.__class__ is not list:
        raise ValueError("not a copy cache entry")
    blocks: list[CopyText] = []
    for item in raw:
        if not (item.__class__ is list and len(item) == 4 and item[0].__class__ is int and item[0] >= 1
                and item[1].__class__ is int and item[1] >= 1 and item[2].__class__ is str
                and item[3] in _KINDS):
            raise ValueError("not a copy cache entry")
        blocks.append(CopyText(path, item[0], item[1], item[2], item[3]))
    return blocks
