"""`--fix` and `--diff`: apply the safe fixes rules attach to their findings.

A fix replaces one scalar value. The value's exact span is found by composing
the file again (the same libyaml composer that gave the positions), and only
those characters are rewritten, in the value's own quoting style; every other
byte of the file (comments, key order, flow style, blank lines, a BOM, CRLF
line ends) stays as it was. ruamel.yaml's round-trip dump was measured against
this and rejected: it re-indents sequences and re-wraps long lines. The result
is then composed again and must hold the replacement at the same path, or the
file is left alone. Files are written atomically (a temporary file in the same
folder, then a rename) with their permissions kept.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import stat
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from artifact_lint.findings import Finding
from artifact_lint.loader import PathKey, compose, resolve_plain

_FIELD_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_PLAIN_SAFE = re.compile(r"^[A-Za-z][A-Za-z0-9 ._/()-]*[A-Za-z0-9)]$|^[A-Za-z]$")
BOM = "\ufeff"


@dataclass(frozen=True)
class FileFix:
    path: str
    before: str
    after: str
    fixed: tuple[Finding, ...]

    def diff(self) -> str:
        return "".join(difflib.unified_diff(
            self.before.splitlines(keepends=True), self.after.splitlines(keepends=True),
            fromfile=f"a/{self.path}", tofile=f"b/{self.path}"))


def parse_field(field: str) -> PathKey:
    """"competition[2].label" -> ("competition", 2, "label")."""
    return tuple(int(index) if index else name for name, index in _FIELD_PART.findall(field))


def _node_at(node: Node | None, path: PathKey) -> Node | None:
    for part in path:
        if isinstance(node, MappingNode) and isinstance(part, str):
            node = next((value for key, value in node.value
                         if isinstance(key, ScalarNode) and key.value == part), None)
        elif isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return None
    return node


def _offsets(text: str) -> list[int]:
    starts = [0]
    starts.extend(match.end() for match in re.finditer("\n", text))
    return starts


def render_scalar(value: str, original: str, json_file: bool) -> str:
    """`value` written in the style of the text it replaces."""
    if json_file or original.startswith('"'):
        return json.dumps(value, ensure_ascii=False)
    if original.startswith("'"):
        return "'" + value.replace("'", "''") + "'"
    if _PLAIN_SAFE.match(value) and resolve_plain(value) == value and ": " not in value and " #" not in value:
        return value
    return json.dumps(value, ensure_ascii=False)


def _replace(text: str, path: PathKey, value: str, json_file: bool) -> str | None:
    try:
        node = _node_at(compose(text), path)
    except yaml.YAMLError:
        return None
    if not isinstance(node, ScalarNode) or node.style in ("|", ">"):
        return None  # block scalars are never rewritten
    starts = _offsets(text)
    begin = starts[node.start_mark.line] + node.start_mark.column
    end = starts[node.end_mark.line] + node.end_mark.column
    return text[:begin] + render_scalar(value, text[begin:end], json_file) + text[end:]


def _holds(text: str, path: PathKey, value: str) -> bool:
    try:
        node = _node_at(compose(text), path)
    except yaml.YAMLError:
        return False
    return isinstance(node, ScalarNode) and node.value == value


def plan_fixes(root: Path, findings: Iterable[Finding]) -> list[FileFix]:
    """The edits the safe fixes of `findings` make, file by file (nothing is written)."""
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.fix is not None and finding.fix.safe and finding.field and isinstance(finding.fix.replacement, str):
            by_path.setdefault(finding.path, []).append(finding)
    plans = []
    for relative, fixable in sorted(by_path.items()):
        if not relative.lower().endswith((".yaml", ".yml", ".json")):
            continue
        try:
            raw = (root / relative).read_bytes()
            original = raw.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        bom = original.startswith(BOM)
        text = original[1:] if bom else original
        applied = []
        # Later values first, so earlier offsets stay valid.
        for finding in sorted(fixable, key=lambda f: (f.line, f.column), reverse=True):
            path = parse_field(finding.field or "")
            changed = _replace(text, path, finding.fix.replacement, relative.lower().endswith(".json"))
            if changed is not None and _holds(changed, path, finding.fix.replacement):
                text = changed
                applied.append(finding)
        after = (BOM if bom else "") + text
        if applied and after != original:
            plans.append(FileFix(relative, original, after, tuple(reversed(applied))))
    return plans


def write_atomically(path: Path, text: str) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
