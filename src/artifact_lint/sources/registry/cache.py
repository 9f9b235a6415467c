"""Keep read registry documents, so that an unchanged document is not parsed again.

Reading the Markdown registry document means importing markdown-it-py (about
20 ms, a tenth of a small check) and parsing (1.7 s for a 10,000-row list). The
result depends only on the document's text and on the reader's code, so
`read_registry_cached` keeps it as JSON, named by a digest of both, in

    $ARTIFACT_LINT_CACHE_DIR, else $XDG_CACHE_HOME/artifact-lint, else ~/.cache/artifact-lint

and never inside the repository: an entry committed with a pull request could
otherwise make a check see a document other than the one in the tree. Writing is
atomic and best effort (a read-only home only costs the parse). `check --no-cache`
reads the document afresh and writes nothing.

Whatever the folder holds, a read is bounded and never fails the run: anything
but a regular file (a link, a named pipe, a device, a folder) is a miss without
being opened for reading; so is an entry over `max_entry_size` bytes (read no
further than that), one whose body does not match the SHA-256 written with it
(truncated, edited), and one whose JSON has any other shape or type than
`encode` writes (checked field by field, so a rule never meets a number where
the reader gives text).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import stat
from itertools import chain
from pathlib import Path
from typing import Any

from artifact_lint.sources.loader import Document
from artifact_lint.sources.positions import Positions
from artifact_lint.sources.registry.results import DocArtifact, ListRow, PolicyRow, RegistryDocument

FORMAT = 5  # 2: positions packed (`Positions.pack`); 3: numbers as written, and what §6.1 reads (self rows,
#   weights, notes, provenance, performance, prose evidence); 4: the decision an entry records;
#   5: the body's SHA-256 in the entry's opening (`_HEADER`)
# The code whose behaviour the entries record: a change to any of these files
# (an edit, or a new markdown-it-py) names different entries.
READER_MODULES = tuple(f"artifact_lint.{name}" for name in (
    "sources.registry.reader", "sources.registry.markdown", "sources.registry.table_rule", "sources.registry.entry",
    "sources.registry.tables",
    "sources.registry.reading", "sources.registry.results", "sources.registry.cache", "sources.loader",
    "sources.positions", "analysis.measures")) + ("markdown_it",)
KEEP = 32  # entries kept; older ones are removed when a new one is written
# An entry is JSON: `{"format":5,"sha256":"<64 hex>","body":` + the body `encode` gives + `}`.
# The digest is of the body's UTF-8 bytes, so it is checked before JSON parses anything.
_HEADER = re.compile(rb'\{"format":([0-9]{1,9}),"sha256":"([0-9a-f]{64})","body":')


def cache_folder() -> Path:
    explicit = os.environ.get("ARTIFACT_LINT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "artifact-lint"


def _reader_digest() -> bytes:
    return code_digest(f"artifact-lint registry cache {FORMAT}", READER_MODULES)


def code_digest(salt: str, modules: tuple[str, ...]) -> bytes:
    """A digest of `salt` and the source of `modules`: the code whose behaviour an entry records."""
    digest = hashlib.sha256(salt.encode())
    for name in modules:
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


def max_entry_size(text: str) -> int:
    """The most bytes an entry for `text` may hold: read no further, write nothing larger.
    Entries of real documents are 1.3 to 4 times the document; a document of tiny rows
    and headings can make more, and one over the bound is simply parsed every time."""
    return 1024 * 1024 + 64 * len(text)


def read_registry_cached(text: str, folder: Path | None) -> RegistryDocument:
    """`registry_doc.read_registry(text)`, from `folder`'s entry when it has one."""
    entry = entry_path(folder, text) if folder is not None else None
    if entry is not None:
        cached = _load(entry, text)
        if cached is not None:
            return cached
    from artifact_lint.sources.registry.reader import read_registry  # markdown-it-py: only on a miss

    document = read_registry(text)
    if entry is not None:
        _store(entry, document, text)
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


class _Malformed(ValueError):
    """An entry's JSON is not what `encode` writes."""


def _expect(condition: bool) -> None:
    if not condition:
        raise _Malformed("not a registry cache entry of this format")


def _is_int(value: Any) -> bool:
    return value.__class__ is int  # never a bool, a float or a string of digits


def _optional_text(value: Any) -> bool:
    return value is None or value.__class__ is str


def _row(raw: Any, texts: int) -> list[Any]:
    """A table row as `encode` writes it: `texts` strings, then a line number."""
    _expect(raw.__class__ is list and len(raw) == texts + 1 and set(map(type, raw[:texts])) <= {str}
            and _is_int(raw[texts]) and raw[texts] >= 1)
    return raw  # type: ignore[no-any-return]


def _check_positions(all_packed: list[Any]) -> None:
    """Every entry's packed positions as `Positions.pack` gives them: four lists, the
    paths lists of keys (text) and indexes (whole numbers), two whole numbers from 1 a
    path, and no key at the top level. Checked for all entries at once, in passes that
    run at C speed (a document of thousands of rows), so that a finding never meets less."""
    value_paths, key_paths, numbers = [], [], []
    for packed in all_packed:
        _expect(packed.__class__ is list and len(packed) == 4)
        values, value_numbers, keys, key_numbers = packed
        _expect(values.__class__ is list and keys.__class__ is list and value_numbers.__class__ is list
                and key_numbers.__class__ is list)
        _expect(len(value_numbers) == 2 * len(values) and len(key_numbers) == 2 * len(keys))
        value_paths.append(values)
        key_paths.append(keys)
        numbers.append(value_numbers)
        numbers.append(key_numbers)
    paths = list(chain.from_iterable(value_paths + key_paths))
    _expect(set(map(type, paths)) <= {list})
    _expect(set(map(type, chain.from_iterable(paths))) <= {str, int})
    _expect(all(map(all, key_paths)))
    flat = list(chain.from_iterable(numbers))
    _expect(set(map(type, flat)) <= {int} and (not flat or min(flat) >= 1))


_TOP = {"format", "list_rows", "list_table_line", "states", "labels", "artifacts"}
_ARTIFACT = {"id", "status_line_state", "list_state", "decision", "data", "positions"}


def _artifact(item: Any, text: str) -> DocArtifact:
    _expect(item.__class__ is dict and item.keys() == _ARTIFACT and item["id"].__class__ is str
            and _optional_text(item["status_line_state"]) and _optional_text(item["list_state"])
            and _optional_text(item["decision"]) and item["data"].__class__ is dict)
    packed = item["positions"]  # checked by `decode`, for all entries at once
    return DocArtifact(item["id"], Document(item["data"], Positions.unpack(*packed), text),
                       item["status_line_state"], item["list_state"], item["decision"])


def decode(raw: Any, text: str) -> RegistryDocument:
    """The document `encode` wrote, with `text` as each entry's source; raises ValueError
    on any other shape, or on a value of another type anywhere `encode` writes one."""
    _expect(raw.__class__ is dict and raw.keys() == _TOP and _is_int(raw["format"]) and raw["format"] == FORMAT)
    line = raw["list_table_line"]
    _expect(line is None or (_is_int(line) and line >= 1))
    for name in ("list_rows", "states", "labels", "artifacts"):
        _expect(raw[name].__class__ is list)
    _expect(set(map(type, raw["artifacts"])) <= {dict})
    _check_positions([item.get("positions") for item in raw["artifacts"]])
    return RegistryDocument(
        list_rows=[ListRow(*_row(row, 5)) for row in raw["list_rows"]],
        list_table_line=line,
        states=[PolicyRow(*_row(row, 2)) for row in raw["states"]],
        labels=[PolicyRow(*_row(row, 2)) for row in raw["labels"]],
        artifacts=[_artifact(item, text) for item in raw["artifacts"]],
    )


def _read_entry(entry: Path, limit: int) -> bytes | None:
    """The entry's bytes when it is a regular file of at most `limit` bytes; else None.
    A link, a named pipe, a device or a folder is never opened for reading: the `lstat`
    rules them out, and the open cannot follow a link or wait for a pipe's writer (in
    case the entry was swapped meanwhile), and the `fstat` of what was opened decides."""
    try:
        if not stat.S_ISREG(os.lstat(entry).st_mode):
            return None
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) \
            | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
        handle = os.open(entry, flags)
    except OSError:
        return None
    try:
        status = os.fstat(handle)
        if not stat.S_ISREG(status.st_mode) or status.st_size > limit:
            return None
        chunks, left = [], limit + 1
        while left > 0:  # a file that grows while it is read stops at the limit
            chunk = os.read(handle, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        return data if len(data) <= limit else None
    except OSError:
        return None
    finally:
        os.close(handle)


def load_body(entry: Path, limit: int, version: int = FORMAT) -> bytes | None:
    """The body of the entry at `entry`, written by `store_body` with `version`, when it is
    a regular file of at most `limit` bytes whose digest matches; else None (a miss)."""
    data = _read_entry(entry, limit)
    return _body(data, version) if data is not None else None


def _body(data: bytes, version: int = FORMAT) -> bytes | None:
    """The body of an entry of format `version` whose digest matches; else None."""
    header = _HEADER.match(data)
    if header is None or int(header.group(1)) != version or not data.endswith(b"}"):
        return None
    body = data[header.end():-1]
    if hashlib.sha256(body).hexdigest().encode() != header.group(2):
        return None
    return body


def _load(entry: Path, text: str) -> RegistryDocument | None:
    """The document the entry holds, or None: a miss for anything unexpected."""
    body = load_body(entry, max_entry_size(text))
    if body is None:
        return None
    try:
        return decode(json.loads(body), text)
    except Exception:  # noqa: BLE001 - any shape `decode` refuses, however it fails: a miss
        return None


def _store(entry: Path, document: RegistryDocument, text: str) -> None:
    try:
        # dumps, not dump: only the one-shot encoder is the C one (5x faster)
        body = json.dumps(encode(document), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except (TypeError, ValueError):  # a value JSON (UTF-8) cannot hold
        return
    store_body(entry, body, max_entry_size(text))


def store_body(entry: Path, body: bytes, limit: int, version: int = FORMAT, keep: int | None = None) -> None:
    """Write `body` (JSON) as the entry at `entry` (atomic, best effort), unless the entry
    would be over `limit` bytes; then keep the `keep` (default KEEP) newest entries named
    like it (`<kind>-*.json`)."""
    import tempfile  # on a miss only

    try:
        data = b'{"format":%d,"sha256":"%s","body":%s}' % (version, hashlib.sha256(body).hexdigest().encode(), body)
        if len(data) > limit:
            return  # it would never be read back
        entry.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".registry-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, entry)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        _prune(entry.parent, entry.name.split("-", 1)[0], KEEP if keep is None else keep)
    except OSError:  # a read-only home
        return


def _prune(folder: Path, kind: str, keep: int) -> None:
    """Remove all but the `keep` newest entries of `kind`. Ages are read with `lstat`: a dangling
    link or a pipe named like an entry is an old entry like any other, never an error."""
    aged = []
    for path in folder.glob(f"{kind}-*.json"):
        try:
            aged.append((os.lstat(path).st_mtime, path))
        except OSError:
            continue
    aged.sort(key=lambda item: item[0], reverse=True)
    for _, old in aged[keep:]:
        old.unlink(missing_ok=True)
