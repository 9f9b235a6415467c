"""`--fix` and `--diff`: apply the safe fixes rules attach to their findings.

A fix replaces one scalar value. The value's exact span is found by composing the
file again with the composer that gave the positions and scanning it for the
value's token: the span runs from the token's first character (its opening quote,
if any) to its last, by character offset, so an anchor or a tag before it (`&s`,
`!!str`), the quoting, comments and every line end (LF, CRLF, CR alone, or a U+2028
or U+0085 in another value, which YAML counts as line breaks) stay as they were. A
BOM is kept, and a JSON file's surrogate-pair escapes (`"\\ud83d\\ude00"`, which
libyaml refuses) are composed as a same-length stand-in, as the loader does. The
replacement is written in the value's own quoting style. ruamel.yaml's round-trip
dump was measured against this and rejected: it re-indents sequences and re-wraps
long lines.

The result is then loaded again by the loader and must hold exactly the data before,
with the fixed values replaced; otherwise the file is left alone. Nothing is skipped
silently: each fix that cannot be applied (a file that is not YAML or JSON, a value
that is not one plain or quoted scalar, a read-only file) is an `Unfixed` with its
reason. Files are read and written through `containment`: a link is followed to its
target only inside the root (the link stays a link), and the target is replaced
atomically with its mode, owner and group kept.
"""

from __future__ import annotations

import copy
import difflib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from artifact_lint.model.findings import Finding
from artifact_lint.sources import containment
from artifact_lint.sources.input_formats import FIXABLE_SUFFIXES, INPUT_FORMATS, JSON, format_of, name_list
from artifact_lint.sources.loader import (
    _SURROGATE_ESCAPE,
    Limits,
    LoadError,
    PathKey,
    compose,
    load_text,
    resolve_plain,
    scalar_spans,
)

_FIELD_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_PLAIN_SAFE = re.compile(r"^[A-Za-z][A-Za-z0-9 ._/()-]*[A-Za-z0-9)]$|^[A-Za-z]$")
BOM = "\ufeff"
SUFFIXES = FIXABLE_SUFFIXES
NO_NEWLINE = "\\ No newline at end of file\n"


@dataclass(frozen=True)
class FileFix:
    """The new text of one file and the findings it fixes."""

    path: str  # root-relative, as in the findings
    before: str
    after: str
    fixed: tuple[Finding, ...]

    def diff(self) -> str:
        """A unified diff, lines split at LF only (as git and patch read them), so that
        applying it gives exactly `after`; a last line without LF is marked as git marks it."""
        out = []
        for line in difflib.unified_diff(_lf_lines(self.before), _lf_lines(self.after),
                                         fromfile=f"a/{self.path}", tofile=f"b/{self.path}"):
            out.append(line)
            if not line.endswith("\n"):
                out.append("\n" + NO_NEWLINE)
        return "".join(out)


@dataclass(frozen=True)
class Unfixed:
    """A safe fix that is not applied, and why."""

    finding: Finding
    reason: str

    def message(self) -> str:
        f = self.finding
        return f"{f.path}:{f.line}:{f.column}: {f.code} not fixed: {self.reason}"


@dataclass
class FixPlan:
    files: list[FileFix] = field(default_factory=list)
    unfixed: list[Unfixed] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(f.fixed) for f in self.files)


def _lf_lines(text: str) -> list[str]:
    return re.findall(r"[^\n]*\n|[^\n]+\Z", text)


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


def render_scalar(value: str, original: str, json_file: bool) -> str:
    """`value` written in the style of the text it replaces."""
    if json_file or original.startswith('"'):
        return json.dumps(value, ensure_ascii=False)
    if original.startswith("'"):
        return "'" + value.replace("'", "''") + "'"
    if _PLAIN_SAFE.match(value) and resolve_plain(value) == value and ": " not in value and " #" not in value:
        return value
    return json.dumps(value, ensure_ascii=False)


class _Source:
    """A file's text composed once by the loader, with the character span of every scalar."""

    def __init__(self, text: str, json_file: bool) -> None:
        # A same-length stand-in for what libyaml refuses keeps every offset (loader.parse_json).
        composable = _SURROGATE_ESCAPE.sub(r"\\u0058", text) if json_file else text
        self.root = compose(composable)
        self.starts = {end: start for start, end in scalar_spans(composable)}

    def span(self, path: PathKey) -> tuple[int, int] | str:
        """The value's span at `path` (from its first character, an opening quote included,
        so that an anchor or tag before it stays), or why it cannot be rewritten."""
        node = _node_at(self.root, path)
        if node is None:
            return "the value is not written at this place in the file (an alias or merge key?)"
        if not isinstance(node, ScalarNode):
            return "the value is not a single scalar"
        if node.style in ("|", ">"):
            return "block scalars (`|`, `>`) are not rewritten"
        end = node.end_mark.index
        begin = self.starts.get(end)
        if begin is None or begin < node.start_mark.index:
            return "the value's text could not be found"
        return begin, end


def _set(data: Any, path: PathKey, value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _fix_text(text: str, fixes: list[tuple[Finding, PathKey]], json_file: bool,
              unfixed: list[Unfixed]) -> tuple[str, list[Finding]]:
    """`text` with every fix that can be placed applied, later values first so that
    earlier offsets stay valid; the others go to `unfixed`."""
    try:
        source = _Source(text, json_file)
    except yaml.YAMLError as exc:
        unfixed.extend(Unfixed(f, f"the file could not be composed again ({exc.__class__.__name__})")
                       for f, _ in fixes)
        return text, []
    placed: dict[tuple[int, int], tuple[str, list[Finding]]] = {}
    for finding, path in fixes:
        span = source.span(path)
        replacement: str = finding.fix.replacement  # type: ignore[union-attr]
        if isinstance(span, str):
            unfixed.append(Unfixed(finding, span))
        elif span in placed and placed[span][0] != replacement:
            unfixed.append(Unfixed(finding, "another fix rewrites the same value differently"))
        else:
            placed.setdefault(span, (replacement, []))[1].append(finding)
    for (begin, end), (replacement, _) in sorted(placed.items(), reverse=True):
        text = text[:begin] + render_scalar(replacement, text[begin:end], json_file) + text[end:]
    return text, [finding for _, (_, found) in sorted(placed.items()) for finding in found]


def _fixable(finding: Finding, unsafe: bool = False) -> bool:
    """A fix to apply: a safe one, or with `unsafe` (`--unsafe-fixes`) any."""
    return finding.fix is not None and (finding.fix.safe or unsafe) and isinstance(finding.fix.replacement, str)


def unsafe_count(findings: Iterable[Finding]) -> int:
    """How many findings have a fix only `--unsafe-fixes` applies."""
    return sum(1 for f in findings if f.fix is not None and not f.fix.safe and isinstance(f.fix.replacement, str))


def _plan_file(root: Path, relative: str, fixable: list[Finding], limits: Limits, plan: FixPlan) -> None:
    def refuse(reason: str, findings: Iterable[Finding] = fixable) -> None:
        plan.unfixed.extend(Unfixed(f, reason) for f in findings)

    suffix = Path(relative).suffix.lower()
    if suffix not in SUFFIXES:
        return refuse(f"--fix rewrites {name_list(tuple(f for f in INPUT_FORMATS if f.fixable))} files only;"
                      " edit this one by hand")
    target = containment.check(root / relative, root, "artifact file", relative)  # a link leaving the root: exit 2
    if target.existing is None:
        return refuse("the file no longer exists")
    if target.read_only:
        return refuse(f"the file is read-only ({target.read_only_reason}); make it writable, then run --fix again")
    try:
        raw = target.real.read_bytes()
        original = raw.decode("utf-8")
    except OSError as exc:
        return refuse(f"the file cannot be read: {exc.strerror or exc}")
    except UnicodeDecodeError:
        return refuse("the file is not UTF-8")
    after, applied, unfixed = fix_text(original, fixable, suffix, limits)
    plan.unfixed.extend(unfixed)
    if applied and after != original:
        plan.files.append(FileFix(relative, original, after, tuple(applied)))
    return None


def fix_text(original: str, findings: Iterable[Finding], suffix: str,
             limits: Limits = Limits()) -> tuple[str, list[Finding], list[Unfixed]]:
    """A file's text (as decoded, BOM included) with the fixes of `findings` applied, the
    findings fixed, and those that cannot be with the reason; nothing is read or written.
    `--fix` gives it a file's content; the language server, an editor's buffer."""
    unfixed: list[Unfixed] = []
    bom = original.startswith(BOM)
    text = original[1:] if bom else original
    paths = []
    for finding in findings:
        if finding.field:
            paths.append((finding, parse_field(finding.field)))
        else:
            unfixed.append(Unfixed(finding, "the finding names no field"))
    json_file = format_of(suffix) is JSON
    text, applied = _fix_text(text, paths, json_file, unfixed)
    if not applied:
        return original, [], unfixed

    def refuse(reason: str) -> tuple[str, list[Finding], list[Unfixed]]:
        return original, [], unfixed + [Unfixed(f, reason) for f in applied]

    after = (BOM if bom else "") + text
    before_doc = load_text(original.encode("utf-8", "surrogatepass"), suffix, limits)
    after_doc = load_text(after.encode("utf-8", "surrogatepass"), suffix, limits)
    if isinstance(before_doc, LoadError) or isinstance(after_doc, LoadError):
        return refuse("the fixed file would not load as the original does")
    expected = copy.deepcopy(before_doc.data)
    try:
        for finding in applied:
            _set(expected, parse_field(finding.field or ""), finding.fix.replacement)  # type: ignore[union-attr]
    except (KeyError, IndexError, TypeError):
        return refuse("the finding's field is not a value of the file")
    if repr(after_doc.data) != repr(expected):
        return refuse("the fixed file would change more than the fixed values (an alias of the value?)")
    return after, applied, unfixed


def plan_fixes(root: Path, findings: Iterable[Finding], limits: Limits = Limits(), *,
               unsafe: bool = False) -> FixPlan:
    """The edits the safe fixes of `findings` make (with `unsafe`, the unsafe ones too),
    file by file, and the fixes that cannot be made with the reason (nothing is written).
    A file that is a link leaving the root, or not a regular file, is a `ToolError`."""
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        if _fixable(finding, unsafe):
            by_path.setdefault(finding.path, []).append(finding)
    plan = FixPlan()
    for relative, fixable in sorted(by_path.items()):
        _plan_file(root, relative, fixable, limits, plan)
    return plan


def apply_fixes(root: Path, plan: FixPlan) -> None:
    """Write every planned file through `containment` (its link followed inside the root,
    replaced atomically, mode, owner and group kept)."""
    for file in plan.files:
        containment.write_text(root / file.path, file.after, root, "artifact file", file.path, newline="")
