"""Keep read registry documents, so that an unchanged document is not parsed again.

Reading the Markdown registry document means importing markdown-it-py (about
20 ms, a tenth of a small check) and parsing (1.7 s for a 10,000-row list). The
result depends only on the document's text and on the reader's code, so
`read_registry_cached` keeps it as JSON, named by a digest of both, in

    $ARTIFACT_LINT_CACHE_DIR, else $XDG_CACHE_HOME/artifact-lint, else ~/.cache/artifact-lint

and never inside the repository: an entry committed with a pull request could
otherwise make a check see a document other than the one in the tree. An entry
that is unreadable, malformed or of another format is a miss; writing is atomic
and best effort (a read-only home only costs the parse). `check --no-cache`
reads the document afresh and writes nothing.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from pathlib import Path
from typing import Any

from artifact_lint.loader import Document, SourceMap
from artifact_lint.registry_types import DocArtifact, ListRow, PolicyRow, RegistryDocument

FORMAT = 4  # 2: positions packed (`SourceMap.pack`); 3: numbers as written, and what §6.1 reads (self rows,
#   weights, notes, provenance, performance, prose evidence); 4: the decision an entry records
# The code whose behaviour the entries record: a change to any of these files
# (an edit, or a new markdown-it-py) names different entries.
READER_MODULES = ("artifact_lint.registry_doc", "artifact_lint.registry_markdown", "artifact_lint.registry_entry",
                  "artifact_lint.registry_tables", "artifact_lint.registry_reading", "artifact_lint.measures",
                  "artifact_lint.registry_types", "artifact_lint.loader", "artifact_lint.registry_cache", "markdown_it")
KEEP = 32  # entries kept; older ones are removed when a new one is written


def cache_folder() -> Path:
    explicit = os.environ.get("ARTIFACT_LINT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "artifact-lint"


def _reader_digest() -> bytes:
    digest = hashlib.sha256(f"artifact-lint registry cache {FORMAT}".encode())
    for name in READER_MODULES:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec is not None else None
        digest.update(b"\0" + name.encode())
        if origin and os.path.isfile(origin):
            with open(origin, "rb") as source:
                digest.update(source.read())
    return digest.digest()


def entry_path(folder: Path, text: str) -> Path:
    digest = hashlib.sha256(_reader_digest())
    digest.update(text.encode("utf-8", "surrogatepass"))
    return folder / f"registry-{digest.hexdigest()[:40]}.json"


def read_registry_cached(text: str, folder: Path | None) -> RegistryDocument:
    """`registry_doc.read_registry(text)`, from `folder`'s entry when it has one."""
    entry = entry_path(folder, text) if folder is not None else None
    if entry is not None:
        cached = _load(entry, text)
        if cached is not None:
            return cached
    from artifact_lint.registry_doc import read_registry  # markdown-it-py: only on a miss

    document = read_registry(text)
    if entry is not None:
        _store(entry, document)
    return document


# --- the JSON form ------------------------------------------------------------------


def encode(document: RegistryDocument) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "list_rows": [list(row) for row in document.list_rows],
        "list_table_line": document.list_table_line,
        "states": [list(row) for row in document.states],
        "labels": [list(row) for row in document.labels],
        "artifacts": [{"id": item.id, "status_line_state": item.status_line_state, "list_state": item.list_state,
                       "decision": item.decision, "data": item.document.data,
                       "positions": item.document.positions.pack()} for item in document.artifacts],
    }


def _positions(packed: Any) -> SourceMap:
    """The map of an entry's packed positions, unpacked only if a finding needs them.
    Raises on a shape that would fail then (a tampered entry is a miss, not a crash)."""
    value_paths, value_numbers, key_paths, key_numbers = packed
    for paths, numbers in ((value_paths, value_numbers), (key_paths, key_numbers)):
        if len(numbers) != 2 * len(paths):
            raise ValueError("malformed positions")
        hash(tuple(map(tuple, paths)))  # TypeError: a path that cannot be a dict key
        sum(numbers)  # TypeError: a line or column that is not a number
    return SourceMap.packed(value_paths, value_numbers, key_paths, key_numbers)


def decode(raw: Any, text: str) -> RegistryDocument:
    """The document `encode` wrote, with `text` as each entry's source; raises on any other shape."""
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise ValueError("not a registry cache entry of this format")
    artifacts = []
    for item in raw["artifacts"]:
        artifacts.append(DocArtifact(str(item["id"]), Document(item["data"], _positions(item["positions"]), text),
                                     item["status_line_state"], item["list_state"], item["decision"]))
    line = raw["list_table_line"]
    return RegistryDocument(
        list_rows=[ListRow(*row) for row in raw["list_rows"]],
        list_table_line=int(line) if line is not None else None,
        states=[PolicyRow(*row) for row in raw["states"]],
        labels=[PolicyRow(*row) for row in raw["labels"]],
        artifacts=artifacts,
    )


def _load(entry: Path, text: str) -> RegistryDocument | None:
    try:
        with open(entry, encoding="utf-8") as source:
            return decode(json.load(source), text)
    except Exception:  # noqa: BLE001 - missing, unreadable or malformed: read the document instead
        return None


def _store(entry: Path, document: RegistryDocument) -> None:
    import tempfile  # on a miss only

    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".registry-", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                # dumps, not dump: only the one-shot encoder is the C one (5x faster)
                out.write(json.dumps(encode(document), ensure_ascii=False, separators=(",", ":")))
            os.replace(temporary, entry)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        _prune(entry.parent)
    except (OSError, TypeError, ValueError):  # a read-only home, or a value JSON cannot hold
        return


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("registry-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        old.unlink(missing_ok=True)
