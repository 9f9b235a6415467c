"""Baselines: accept today's findings, report only new ones.

Entries are keyed by code, path, field and a digest of the offending value
(`findings.content_key`), never by line, so moving lines keeps them matched.
The file holds one entry a line, so a stale entry can be reported at its line.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import NamedTuple

from artifact_lint.errors import ToolError
from artifact_lint.model.findings import Finding, Position, content_key
from artifact_lint.sources.loader import LoadError, load_text


class Entry(NamedTuple):
    code: str
    path: str
    field: str | None
    key: str
    message: str
    position: Position


class Baseline(NamedTuple):
    path: str  # as shown in findings: root-relative when inside the root
    entries: tuple[Entry, ...]


def render_baseline(findings: list[Finding]) -> tuple[str, int]:
    """The baseline file's text for `findings`, and how many entries it holds."""
    lines = ['{"version": 1, "tool": "artifact-lint", "entries": [']
    rows = [json.dumps({"code": f.code, "path": f.path, "artifact": f.artifact, "field": f.field,
                        "key": content_key(f), "message": f.message}, ensure_ascii=False)
            for f in findings]
    lines.extend(row + ("," if i < len(rows) - 1 else "") for i, row in enumerate(rows))
    lines.append("]}")
    return "\n".join(lines) + "\n", len(rows)


def read_baseline(path: Path, shown: str) -> Baseline:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ToolError(f"baseline `{shown}`: cannot read: {exc.strerror or exc}") from None
    doc = load_text(raw, ".json")
    if isinstance(doc, LoadError):
        raise ToolError(f"baseline `{shown}`:{doc.position.line}: {doc.message}")
    entries = doc.data.get("entries")
    if doc.data.get("version") != 1 or not isinstance(entries, list):
        raise ToolError(f"baseline `{shown}`: not an artifact-lint baseline (version 1 with `entries`)")
    result = []
    for index, item in enumerate(entries):
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in ("code", "path", "key")):
            raise ToolError(f"baseline `{shown}`: entry {index} lacks `code`, `path` or `key`")
        result.append(Entry(item["code"], item["path"], item.get("field"), item["key"],
                            str(item.get("message", "")), doc.positions.value(("entries", index))))
    return Baseline(shown, tuple(result))


def apply_baseline(findings: list[Finding], baseline: Baseline) -> tuple[list[Finding], list[Finding], list[Entry]]:
    """Split findings into (new, baselined) and list the entries that matched nothing."""
    available = Counter(entry.key for entry in baseline.entries)
    kept, matched = [], []
    for finding in findings:
        key = content_key(finding)
        if available[key] > 0:
            available[key] -= 1
            matched.append(finding)
        else:
            kept.append(finding)
    stale = []
    for entry in reversed(baseline.entries):  # the last copies of a key are the unmatched ones
        if available[entry.key] > 0:
            available[entry.key] -= 1
            stale.append(entry)
    return kept, matched, list(reversed(stale))
