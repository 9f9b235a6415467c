"""Findings as LSP diagnostics: ranges in the editor's code units, severities, codes.

A finding stands at a 1-based line and column counted in characters (code points), on
lines that end at LF, CRLF or CR, after a BOM (the loader decodes with `utf-8-sig`).
LSP positions are 0-based, and a column counts the code units of the encoding agreed
at `initialize`: UTF-16 unless the client offers another (a character outside the
Basic Multilingual Plane, such as an emoji, is two UTF-16 units). The range of a
finding runs over the scalar (key or value) that starts where it stands, on that line
(the file's YAML or JSON is composed again, as `--fix` does); else to the end of the
line's text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any, NamedTuple

from lsprotocol import types

from artifact_lint.model.findings import Finding, Severity
from artifact_lint.sources.input_formats import SUFFIXES
from artifact_lint.sources.loader import PathKey

SOURCE = "artifact-lint"
BOM = "\ufeff"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}
# Findings about text that does nothing: editors grey it out.
_UNNECESSARY = {"AL901"}


def code_units(text: str, encoding: str) -> int:
    """How many code units of `encoding` (an LSP `PositionEncodingKind`) `text` takes."""
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8", "surrogatepass"))
    if encoding == types.PositionEncodingKind.Utf32:
        return len(text)
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


class Lines:
    """A buffer's lines as the loader counts them, and conversions to LSP positions."""

    def __init__(self, text: str, encoding: str = types.PositionEncodingKind.Utf16) -> None:
        self.text = text
        self.encoding = encoding
        self.bom = text.startswith(BOM)
        self.lines: list[str] = []
        self.starts: list[int] = []  # offset of each line in `text`
        position = 0
        for match in _LINE_BREAK.finditer(text):
            self.starts.append(position)
            self.lines.append(text[position:match.start()])
            position = match.end()
        self.starts.append(position)
        self.lines.append(text[position:])

    def _character(self, index: int, column: int) -> int:
        """Code units before 0-based `column` (characters, BOM counted) of line `index`."""
        line = self.lines[index]
        return code_units(line[:max(0, min(column, len(line)))], self.encoding)

    def at(self, line: int, column: int) -> types.Position:
        """The LSP position of a finding's 1-based line and column."""
        index = max(0, min(line - 1, len(self.lines) - 1))
        shift = 1 if self.bom and index == 0 else 0  # the loader's columns start after the BOM
        return types.Position(line=index, character=self._character(index, column - 1 + shift))

    def end_of_text(self, line: int) -> int:
        """The 1-based column just after the last non-blank character of `line` (BOM not counted)."""
        index = max(0, min(line - 1, len(self.lines) - 1))
        text = self.lines[index]
        if self.bom and index == 0:
            text = text[1:]
        return len(text.rstrip()) + 1

    def offset(self, offset: int) -> types.Position:
        """The LSP position of a character offset in the text (BOM counted)."""
        index = max(0, bisect_right(self.starts, offset) - 1)  # the line holding `offset`
        return types.Position(line=index, character=self._character(index, offset - self.starts[index]))

    def index(self, position: types.Position) -> tuple[int, int]:
        """A 1-based (line, column) from an LSP position, as the loader counts them."""
        index = max(0, min(position.line, len(self.lines) - 1))
        line = self.lines[index]
        column = 0
        units = 0
        while column < len(line) and units < position.character:
            units += code_units(line[column], self.encoding)
            column += 1
        if self.bom and index == 0:
            column -= 1
        return index + 1, column + 1




class _Span(NamedTuple):
    start: tuple[int, int]  # 1-based line, column
    end: tuple[int, int]
    path: PathKey
    is_key: bool


class Spans:
    """The scalars of a YAML or JSON buffer (keys and values), by where each starts; a
    collection starts a span that runs to the end of its first line. Empty for text that
    does not compose (a finding on it is AL001) and for other files."""

    def __init__(self, text: str, suffix: str) -> None:
        self.by_start: dict[tuple[int, int], tuple[int, int] | None] = {}
        self.keys: list[_Span] = []
        if suffix not in SUFFIXES:
            return
        from artifact_lint.sources.loader import compose

        try:
            root = compose(text.removeprefix(BOM))
        except Exception:  # noqa: BLE001 - a broken buffer has no spans, and says why in AL001
            return
        if root is not None:
            self._walk(root, ())

    def _walk(self, root: Any, path: PathKey) -> None:
        from yaml.nodes import MappingNode, ScalarNode, SequenceNode

        seen: set[int] = set()
        stack: list[tuple[Any, PathKey]] = [(root, path)]
        while stack:
            node, where = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            start = (node.start_mark.line + 1, node.start_mark.column + 1)
            if isinstance(node, ScalarNode):
                self.by_start.setdefault(start, (node.end_mark.line + 1, node.end_mark.column + 1))
            else:
                self.by_start[start] = None  # a collection: the end of its first line
                if isinstance(node, MappingNode):
                    for key, value in node.value:
                        if isinstance(key, ScalarNode):
                            child = (*where, key.value)
                            span = _Span((key.start_mark.line + 1, key.start_mark.column + 1),
                                         (key.end_mark.line + 1, key.end_mark.column + 1), child, True)
                            self.keys.append(span)
                            self.by_start.setdefault(span.start, span.end)
                            stack.append((value, child))
                elif isinstance(node, SequenceNode):
                    stack.extend((item, (*where, number)) for number, item in enumerate(node.value))

    def key_at(self, line: int, column: int) -> PathKey | None:
        """The path of the key written at (line, column), 1-based, if any."""
        for span in self.keys:
            if span.start[0] == line == span.end[0] and span.start[1] <= column <= span.end[1]:
                return span.path
        return None


def finding_range(finding: Finding, lines: Lines, spans: Spans) -> types.Range:
    start = (finding.line, finding.column)
    if finding.end_line is not None and finding.end_column is not None:
        end = (finding.end_line, finding.end_column)
    else:
        end_at = spans.by_start.get(start)
        end = end_at if end_at is not None else (finding.line, lines.end_of_text(finding.line))
        if end[0] != start[0]:  # a value over several lines: its first line
            end = (finding.line, lines.end_of_text(finding.line))
    if end <= start:
        end = start
    return types.Range(start=lines.at(*start), end=lines.at(*end))


def to_diagnostic(finding: Finding, lines: Lines, spans: Spans) -> types.Diagnostic:
    return types.Diagnostic(
        range=finding_range(finding, lines, spans),
        message=finding.message,
        severity=SEVERITIES[finding.severity],
        code=finding.code,
        source=SOURCE,
        tags=[types.DiagnosticTag.Unnecessary] if finding.code in _UNNECESSARY else None,
        data={"name": finding.name, "field": finding.field},
    )


def contains(outer: types.Range, position: types.Position) -> bool:
    start, end = outer.start, outer.end
    after_start = (position.line, position.character) >= (start.line, start.character)
    before_end = (position.line, position.character) <= (end.line, end.character)
    return after_start and before_end


def overlaps(first: types.Range, second: types.Range) -> bool:
    return not ((first.end.line, first.end.character) < (second.start.line, second.start.character)
                or (second.end.line, second.end.character) < (first.start.line, first.start.character))


def under(field: str | None, path: PathKey) -> bool:
    """Whether a finding's `field` is the key at `path` or a value below it."""
    if not field:
        return False
    from artifact_lint.sources.loader import field_path

    name = field_path(path)
    return field == name or field.startswith((name + ".", name + "["))


class Snapshot:
    """One lint of one buffer: the text linted, its findings and their diagnostics."""

    def __init__(self, uri: str, version: int | None, relative: str, text: str, findings: list[Finding],
                 encoding: str = types.PositionEncodingKind.Utf16) -> None:
        self.uri = uri
        self.version = version
        self.relative = relative
        self.text = text
        self.findings = findings
        self.generation = 0  # the workspace's edit count when this was linted (protocol.py)
        self.lines = Lines(text, encoding)
        self._spans: Spans | None = None
        self.pairs = [(finding, to_diagnostic(finding, self.lines, self.spans)) for finding in findings] \
            if findings else []

    @property
    def suffix(self) -> str:
        name = self.relative.rsplit("/", 1)[-1]
        dot = name.rfind(".")
        return name[dot:].lower() if dot > 0 else ""

    @property
    def spans(self) -> Spans:
        """The buffer's scalars, composed on first use (only a buffer with findings needs them)."""
        if self._spans is None:
            self._spans = Spans(self.text, self.suffix)
        return self._spans

    @property
    def diagnostics(self) -> list[types.Diagnostic]:
        return [diagnostic for _, diagnostic in self.pairs]

    def char_offset(self, line: int, column: int) -> int:
        """The offset in the text of a finding's 1-based line and column."""
        index = max(0, min(line - 1, len(self.lines.lines) - 1))
        shift = 1 if self.lines.bom and index == 0 else 0
        return self.lines.starts[index] + min(column - 1 + shift, len(self.lines.lines[index]))
