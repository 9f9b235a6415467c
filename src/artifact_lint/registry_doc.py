"""Read the human registry document (`docs/factory/public-artifacts.md`).

The document is parsed once with markdown-it-py (CommonMark plus GFM tables);
everything below works on its block token stream and the `.map` line ranges of
the tokens, never on regular expressions over the whole file. For speed on large
documents (a 10,000-row list table) the parser makes one token per table row
instead of one per cell (`_table_rule`), and inline-parses only headings,
paragraphs, list items and the table cells that hold inline markup (a plain
cell's text is its cleaned Markdown, `_cell_text`). Both give exactly what the
stock token stream gives; tests/test_registry_doc.py checks that. The result is:

* the "Current Public Artifact List" table, row by row (`ListRow`);
* the document's own "Artifact States" (`State | Meaning`) and labels
  (`Label | Meaning`) tables (`PolicyRow`), when present;
* one `DocArtifact` per artifact id of the list table and of every
  ``### `<id>` `` detail section, whose `document` holds a dict in the shape of
  an artifact file and a `SourceMap` whose positions point into the Markdown.

Reading is total: any text yields a `RegistryDocument` (possibly empty), and
a malformed table or section only loses the part that cannot be read.

How a detail section maps onto the artifact fields:

| Markdown (label as a paragraph, bold text or heading) | field |
|---|---|
| `Status: <state>` | `state` (wins over the list table's state) |
| `Committed surface:` bullets | `surface` |
| `Measured evidence:` / `Recorded evidence:` table | `evidence` |
| `Competitive context:` table | `competition` |
| `Release blockers:` table | `blockers` |
| `Next release action:` paragraph(s) | `next_release_action` |
| `Website page: <path>` | `website` |
| `Rejected alternatives:` table | `rejected_alternatives` |
| `External source notes:` bullets | `source_notes` |
| `Publishable now:` / `Public value:` paragraph(s) | `publishable_now` / `public_value` |

Evidence tables: the first column names the gate. One value column gives
`{gate, value}`. Two value columns are before/after (`Stock | Specialist`):
`{gate, baseline, value, baseline_name}` with the before column's header as
`baseline_name` (a column headed like a baseline, e.g. `Stock`, is the before
column wherever it stands). With more value columns, the baseline-like column
(if any) is the baseline and the last other column the value; without one, the
first column is the artifact's own value; the remaining columns are kept in
`note` as `header: value` pairs (a `Decision` column too). Columns headed
`Metric`, `Fixture`, `Scorer`, `Note`, `n` (not the first) fill those keys. A table
whose first column is not a gate column and that has several measured columns
(an attempt ledger, `Attempt | <results...> | Decision`) is flattened into one
row per measured cell, gate `<row> / <column>`, with the decision as `note`.

Cell values of measured columns: a plain number (`0.531`) becomes a float; `-`,
an en or em dash, or an empty cell means "not measured" and omits the key;
anything else (`58%`, `77.1-96%`, `0.531 / 0.860`) stays a string.
"""

from __future__ import annotations

import functools
import math
import re
from typing import Any, Callable, Iterable, NamedTuple, Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import mdTrim
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.table import MAX_AUTOCOMPLETED_CELLS, escapedSplit, getLine
from markdown_it.rules_block.table import table as _stock_table_rule
from markdown_it.rules_core import StateCore
from markdown_it.rules_core import inline as _core_inline
from markdown_it.rules_core import text_join as _core_text_join
from markdown_it.token import Token

from artifact_lint.findings import Position
from artifact_lint.loader import Document, PathKey, SourceMap
from artifact_lint.registry_types import DocArtifact, ListRow, PolicyRow, RegistryDocument

__all__ = ["DocArtifact", "ListRow", "PolicyRow", "RegistryDocument", "read_registry"]


# --- the parser and the block model ------------------------------------------------

_ROW = "table_row"  # one token per table row (see `_table_rule`), cells in `meta["cells"]`


def _split_row(text: str) -> list[str]:
    """markdown-it's `escapedSplit`; without a backslash no pipe is escaped: `str.split`."""
    return text.split("|") if "\\" not in text else escapedSplit(text)


def _table_rule(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """markdown-it's GFM table rule, emitting one `_ROW` token per row.

    Whether a table starts here is the stock rule's own answer (its `silent` pass, which
    changes nothing); the rows it then takes, and each cell's text, are the stock rule's
    (same terminators, blank line and indent checks, autocompletion limit, `mdTrim` of
    every cell, missing cells empty, extra cells dropped). Only the tokens differ: instead
    of `tr`/`th`/`td`/`inline` tokens (17 for a 5-column row) a row is one token whose
    `meta["cells"]` holds the cells' Markdown, whose `map` is its line and whose `info` is
    `"head"` for the header row; the cells are inline-parsed on demand by `_cell_text`.
    """
    if not _stock_table_rule(state, start_line, end_line, True):
        return False
    if silent:
        return True
    header = _split_row(mdTrim(getLine(state, start_line)))
    if header and header[0] == "":
        header.pop(0)
    if header and header[-1] == "":
        header.pop()
    count = len(header)

    old_parent = state.parentType
    state.parentType = "table"
    terminators = state.md.block.ruler.getRules("blockquote")
    token = state.push("table_open", "table", 1)
    token.map = table_lines = [start_line, 0]
    token = state.push(_ROW, "tr", 0)
    token.map = [start_line, start_line + 1]
    token.info = "head"
    token.meta = {"cells": [mdTrim(cell) for cell in header]}

    autocompleted = 0
    line = start_line + 2
    while line < end_line:
        if state.sCount[line] < state.blkIndent:
            break
        terminate = False
        for rule in terminators:
            if rule(state, line, end_line, True):
                terminate = True
                break
        if terminate:
            break
        text = mdTrim(getLine(state, line))
        if not text or state.is_code_block(line):
            break
        columns = _split_row(text)
        if columns and columns[0] == "":
            columns.pop(0)
        if columns and columns[-1] == "":
            columns.pop()
        autocompleted += count - len(columns)
        if autocompleted > MAX_AUTOCOMPLETED_CELLS:
            break
        if len(columns) < count:
            columns.extend([""] * (count - len(columns)))
        token = state.push(_ROW, "tr", 0)
        token.map = [line, line + 1]
        token.meta = {"cells": [mdTrim(cell) if cell else "" for cell in columns[:count]]}
        line += 1

    state.push("table_close", "table", -1)
    table_lines[1] = line
    state.parentType = old_parent
    state.line = line
    return True


@functools.cache
def _parser() -> MarkdownIt:
    """CommonMark plus GFM tables, block structure only (built once, never changed after).

    The core `inline` rule is off: `_parse_inline` runs it (and `text_join`, as
    `MarkdownIt.parse` does) on the inline tokens of headings, paragraphs and list items,
    and `_cell_text` on the table cells that hold inline markup. Tables come from
    `_table_rule`.
    """
    md = MarkdownIt("commonmark").enable("table").disable("inline")
    stock = next(rule for rule in md.block.ruler.__rules__ if rule.name == "table")
    md.block.ruler.at("table", _table_rule, {"alt": list(stock.alt)})
    return md


def _parse_inline(md: MarkdownIt, env: dict[str, Any], tokens: list[Token]) -> None:
    """Inline-parse the `inline` tokens, as `MarkdownIt.parse` would have."""
    state = StateCore("", md, env, tokens)
    _core_inline(state)
    _core_text_join(state)


# A table cell whose text holds none of these has no inline markup that changes its plain
# text: CommonMark's inline rules start at `\` (escape), `&` (entity), `<` (autolink,
# HTML), `[` (link; `![` image), `*`/`_` (emphasis) and a line break; a code span only
# changes more than its backticks (which `_clean` drops anyway) when its text starts and
# ends with a space, which needs a backtick followed by a space. Such a cell's
# `_reduce(children)` is `_clean(content)`.
_INLINE_MARKUP = re.compile(r"[\\&<\[*_\n]|` ")


def _cell_text(content: str, md: MarkdownIt, env: dict[str, Any]) -> str:
    """A table cell's Markdown as plain text: `_reduce` of its inline tokens."""
    if not _INLINE_MARKUP.search(content):
        return _clean(content)
    inline = Token("inline", "", 0)
    inline.content = content
    inline.children = []
    _parse_inline(md, env, [inline])
    return _reduce(inline.children)


_NEWLINE = re.compile(r"\r\n|\r|\n")  # the line breaks markdown-it counts
_SPACES = re.compile(r"\s+")
_ODD_SPACE = re.compile(r"[^\S ]|  ")  # whitespace that `_SPACES.sub(" ", ...)` changes


class _Cell(NamedTuple):
    text: str  # reduced to plain text
    raw: str  # the cell's Markdown source
    column: int  # 1-based


class _Row(NamedTuple):
    line: int
    cells: list[_Cell]


class _Table(NamedTuple):
    line: int
    header: list[_Cell]
    rows: list[_Row]

    @property
    def names(self) -> list[str]:
        return [_norm(cell.text) for cell in self.header]


class _Item(NamedTuple):
    line: int
    end: int  # exclusive 1-based end line
    text: str
    code: list[str]


class _Block(NamedTuple):
    kind: str  # heading | paragraph | table | list | other
    line: int
    end: int = 0
    level: int = 0
    inline: Token | None = None
    table: _Table | None = None
    items: Sequence[_Item] = ()

    @property
    def children(self) -> list[Token]:
        return list(self.inline.children or []) if self.inline is not None else []

    @property
    def text(self) -> str:
        return _reduce(self.children)


def _reduce(children: Iterable[Token]) -> str:
    """Inline tokens as plain text: code spans and emphasis lose their markers."""
    parts: list[str] = []
    for child in children:
        kind = child.type
        if kind in ("text", "code_inline", "text_special"):
            parts.append(child.content)
        elif kind in ("softbreak", "hardbreak", "html_inline"):
            parts.append(" ")
        elif kind == "image":
            parts.append(_reduce(child.children) if child.children else child.content)
    return _clean("".join(parts))


def _clean(text: str) -> str:
    text = text.replace("`", "").replace("**", "")
    if _ODD_SPACE.search(text):  # else every whitespace run is one space already
        text = _SPACES.sub(" ", text)
    return text.strip()


def _norm(text: str) -> str:
    """A header or label name for matching: lower case, single spaces, no trailing colon."""
    text = _clean(text).lower().rstrip(":").strip()
    return re.sub(r"\s*\([^()]*\)$", "", text)


def _line_of(token: Token) -> int:
    return token.map[0] + 1 if token.map else 0


def _end_of(token: Token) -> int:
    return token.map[1] + 1 if token.map else 0


def _close(tokens: Sequence[Token], start: int, close_type: str) -> int:
    """Index of the close token matching the open token at `start`."""
    level = tokens[start].level
    index = start + 1
    while index < len(tokens):
        token = tokens[index]
        if token.type == close_type and token.level == level:
            return index
        index += 1
    return len(tokens) - 1


def _next_inline(tokens: Sequence[Token], index: int) -> Token | None:
    if index + 1 < len(tokens) and tokens[index + 1].type == "inline":
        return tokens[index + 1]
    return None


def _cell_columns(line: str, cells: list[tuple[str, str]]) -> list[_Cell]:
    """Cells with the column where each one's source starts on `line` (1 when unknown)."""
    out: list[_Cell] = []
    cursor = 0
    for text, raw in cells:
        column = 1
        if raw:
            index = line.find(raw, cursor)
            if index < 0:
                index = line.find(raw.replace("|", "\\|"), cursor)
            if index >= 0:
                column = index + 1
                cursor = index + len(raw)
        out.append(_Cell(text, raw, column))
    return out


def _table(tokens: Sequence[Token], start: int, end: int, lines: list[str],
           md: MarkdownIt, env: dict[str, Any]) -> _Table:
    rows: list[_Row] = []
    header: list[_Cell] | None = None
    n_lines = len(lines)
    for index in range(start + 1, end):
        token = tokens[index]
        if token.type != _ROW or not token.map:
            continue
        row_line = token.map[0] + 1
        source = lines[row_line - 1] if 0 < row_line <= n_lines else ""
        cells = _cell_columns(source, [(_cell_text(content, md, env), content.strip())
                                       for content in token.meta["cells"]])
        if token.info == "head" and header is None:
            header = cells
        else:
            rows.append(_Row(row_line, cells))
    return _Table(_line_of(tokens[start]), header or [], rows)


def _items(tokens: Sequence[Token], start: int, end: int) -> list[_Item]:
    items: list[_Item] = []
    item_level = tokens[start].level + 1
    current: Token | None = None  # the open item
    texts: list[str] = []
    code: list[str] = []
    for index in range(start + 1, end):
        token = tokens[index]
        if token.type == "list_item_open" and token.level == item_level:
            current, texts, code = token, [], []
        elif token.type == "list_item_close" and token.level == item_level and current:
            items.append(_Item(_line_of(current), _end_of(current), " ".join(t for t in texts if t), code))
            current = None
        elif (current is not None and token.type == "paragraph_open"
              and token.level == item_level + 1):
            inline = _next_inline(tokens, index)
            if inline is not None:
                children = inline.children or []
                texts.append(_reduce(children))
                code.extend(c.content.strip() for c in children if c.type == "code_inline")
    return items


def _blocks(tokens: Sequence[Token], lines: list[str], md: MarkdownIt,
            env: dict[str, Any]) -> list[_Block]:
    """The document as a flat sequence of headings, paragraphs, tables and lists."""
    blocks: list[_Block] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        kind = token.type
        if kind == "heading_open":
            tag = token.tag[1:]
            blocks.append(_Block("heading", _line_of(token), _end_of(token),
                                 level=int(tag) if tag.isdigit() else 6,
                                 inline=_next_inline(tokens, index)))
            index = _close(tokens, index, "heading_close")
        elif kind == "paragraph_open":
            blocks.append(_Block("paragraph", _line_of(token), _end_of(token),
                                 inline=_next_inline(tokens, index)))
            index = _close(tokens, index, "paragraph_close")
        elif kind == "table_open":
            end = _close(tokens, index, "table_close")
            blocks.append(_Block("table", _line_of(token), _end_of(token),
                                 table=_table(tokens, index, end, lines, md, env)))
            index = end
        elif kind in ("bullet_list_open", "ordered_list_open"):
            end = _close(tokens, index, kind.replace("_open", "_close"))
            blocks.append(_Block("list", _line_of(token), _end_of(token),
                                 items=_items(tokens, index, end)))
            index = end
        elif kind in ("fence", "code_block", "html_block", "hr"):
            blocks.append(_Block("other", _line_of(token), _end_of(token)))
        index += 1
    return blocks


# --- section labels ------------------------------------------------------------------

_LABELS: dict[str, str] = {
    "status": "state",
    "state": "state",
    "committed surface": "surface",
    "surface": "surface",
    "measured evidence": "evidence",
    "recorded evidence": "evidence",
    "evidence": "evidence",
    "competitive context": "competition",
    "competition": "competition",
    "release blockers": "blockers",
    "blockers": "blockers",
    "next release action": "next_release_action",
    "website page": "website",
    "website": "website",
    "rejected alternatives": "rejected_alternatives",
    "external source notes": "source_notes",
    "source notes": "source_notes",
    "publishable now": "publishable_now",
    "public value": "public_value",
}
_UNKNOWN = "?"
_TABLE_FIELDS = ("evidence", "competition", "blockers", "rejected_alternatives")
_LIST_FIELDS = ("surface", "source_notes")
_PROSE_FIELDS = ("next_release_action", "publishable_now", "public_value")
_LINE_FIELDS = ("state", "website")
_NONE_WORDS = {"none", "none.", "n/a", "-", "nothing", "nothing yet", "none yet", "[]"}

_LABEL = re.compile(
    r"\s*(?:\*\*|__)?\s*([A-Za-z][A-Za-z0-9 /'&()-]{0,60}?)\s*(?:\*\*|__)?\s*:"
    r"(?:\s*(?:\*\*|__))?(?=\s|$)"
)
_EMPHASIS = {"strong_open", "strong_close", "em_open", "em_close", "text"}


class _Label(NamedTuple):
    target: str  # an artifact field, or _UNKNOWN
    rest: list[Token]  # the inline tokens after the label's colon


def _label(block: _Block) -> _Label | None:
    """The section label a heading or paragraph holds, if it is one."""
    children = block.children
    if block.kind == "heading":
        return _Label(_LABELS.get(_norm(block.text), _UNKNOWN), [])
    if block.kind != "paragraph" or block.inline is None:
        return None
    first_line = block.inline.content.split("\n", 1)[0]
    match = _LABEL.match(first_line)
    if match:
        name = _LABELS.get(_norm(match.group(1)), _UNKNOWN)
        return _Label(name, _after_colon(children))
    children = [c for c in children if c.type != "text" or c.content.strip()]
    if (children and children[0].type == "strong_open"
            and all(c.type in _EMPHASIS for c in children)):
        return _Label(_LABELS.get(_norm(block.text), _UNKNOWN), [])  # **Measured evidence**
    return None


def _after_colon(children: list[Token]) -> list[Token]:
    for index, child in enumerate(children):
        if child.type == "text" and ":" in child.content:
            rest = Token("text", "", 0)
            rest.content = child.content.split(":", 1)[1]
            return [rest, *children[index + 1:]]
    return []


def _first_value(rest: list[Token]) -> str:
    """A one-word value after a label: its first code span, else its first word."""
    for child in rest:
        if child.type == "code_inline" and child.content.strip():
            return _clean(child.content)
    text = re.split(r"[;,(—–]| - ", _reduce(rest), maxsplit=1)[0].strip()
    return text.split(" ", 1)[0] if text else ""


# --- value conversion ------------------------------------------------------------------

_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
_NOT_MEASURED = {"", "-", "–", "—"}


def _measure(text: str) -> float | str | None:
    """A measured cell: a float for a plain number, None when not measured, else text."""
    text = text.strip()
    if text in _NOT_MEASURED:
        return None
    if _NUMBER.fullmatch(text):
        number = float(text)
        if math.isfinite(number):
            return number
    return text


def _int(text: str) -> int | None:
    text = text.strip().replace(",", "")
    return int(text) if text.isdigit() and len(text) < 19 else None


_BASELINE_WORDS = {"stock", "baseline", "before", "base", "original", "upstream", "reference"}
_GATE_HEADERS = {"gate", "gates", "benchmark", "eval", "evaluation", "check", "suite", "slice",
                 "metric", "measure"}
_EVIDENCE_META = {"metric": "metric", "fixture": "fixture", "scorer": "scorer",
                  "note": "note", "notes": "note", "n": "n", "rows": "n"}


def _is_gate_header(name: str) -> bool:
    return name in _GATE_HEADERS or "gate" in name.split()


def _is_baseline(name: str) -> bool:
    return bool(set(re.findall(r"[a-z]+", name)) & _BASELINE_WORDS)


# --- building one artifact ---------------------------------------------------------------

_ORDER = (
    "id", "type", "state", "public_value", "publishable_now", "evidence", "competition",
    "blockers", "next_release_action", "provenance", "surface", "weights", "package",
    "claims", "rejected_alternatives", "source_notes", "datasets", "performance",
    "website", "summary", "notes",
)


class _Builder:
    """Collects one artifact's fields and their positions."""

    def __init__(self, artifact_id: str, text: str, lines: list[str]) -> None:
        self.id = artifact_id
        self.text = text
        self.lines = lines
        self.data: dict[str, Any] = {}
        self.positions = SourceMap()
        self.list_state: str | None = None
        self.status_state: str | None = None
        self.prose: dict[str, list[str]] = {}

    # positions

    def at(self, line: int, needle: str = "", end: int = 0) -> Position:
        """Where `needle` first stands on lines line..end-1 (column 1 when not found)."""
        last = max(line + 1, end)
        for number in range(line, min(last, len(self.lines) + 1)):
            if number < 1:
                continue
            index = self.lines[number - 1].find(needle) if needle else -1
            if index >= 0:
                return Position(number, index + 1)
        return Position(max(line, 1), 1)

    def put(self, path: PathKey, value: Any, position: Position, key: bool = True) -> None:
        """Set the value at a top-level or nested path (containers must exist)."""
        target: Any = self.data
        for part in path[:-1]:
            target = target[part]
        last = path[-1]
        if isinstance(target, list):
            target.append(value)
        else:
            target[last] = value
        self.positions.values[path] = position
        if key and isinstance(last, str):
            self.positions.keys[path] = position

    def set_top(self, name: str, value: Any, position: Position) -> None:
        self.drop(name)
        self.put((name,), value, position)

    def drop(self, name: str) -> None:
        """Forget a top-level field and every position under it."""
        self.data.pop(name, None)
        for store in (self.positions.values, self.positions.keys):
            for path in [p for p in store if p and p[0] == name]:
                del store[path]

    def finish(self) -> DocArtifact:
        for name, parts in self.prose.items():
            joined = " ".join(p for p in parts if p)
            if joined:
                self.data[name] = joined
        ordered = {k: self.data[k] for k in _ORDER if k in self.data}
        return DocArtifact(self.id, Document(ordered, self.positions, self.text),
                           self.status_state, self.list_state)

    # the list table

    def from_list_row(self, row: _Row, columns: dict[str, int]) -> None:
        values, keys, data = self.positions.values, self.positions.keys, self.data
        values[()] = Position(row.line, 1)
        cells = row.cells
        for name, index in columns.items():
            if index < len(cells) and cells[index].text:
                cell = cells[index]
                path = (name,)  # as `put` would: the value, its position and key position
                data[name] = cell.text
                values[path] = keys[path] = Position(row.line, cell.column)
        self.list_state = data.get("state")

    # a detail section

    def from_detail(self, heading: _Block, body: list[_Block]) -> None:
        if "id" not in self.data:
            self.put(("id",), self.id, self.at(heading.line, self.id))
            self.positions.values[()] = Position(heading.line, 1)
        current: str | None = None
        for block in body:
            label = _label(block)
            if label is not None:
                current = label.target
                self._label_value(block, label)
                continue
            if current is None or current == _UNKNOWN:
                continue
            if block.kind == "paragraph":
                self._paragraph(current, block)
            elif block.kind == "table" and block.table is not None and current in _TABLE_FIELDS:
                self._table(current, block.table)
            elif block.kind == "list" and current in _LIST_FIELDS:
                self._list(current, block)

    def _label_value(self, block: _Block, label: _Label) -> None:
        """A value written on the label's own line: `Status: x`, `Website page: x`."""
        rest_text = _reduce(label.rest)
        if not rest_text:
            return
        name = label.target
        if name in _LINE_FIELDS:
            self._line_field(name, block.line, _first_value(label.rest) if name == "state"
                             else _website(label.rest), block.end)
        elif name in _PROSE_FIELDS:
            self._prose(name, rest_text, block)
        elif name in _TABLE_FIELDS and _norm(rest_text) in _NONE_WORDS and name not in self.data:
            self.set_top(name, [], Position(block.line, 1))

    def _paragraph(self, name: str, block: _Block) -> None:
        text = block.text
        if name in _PROSE_FIELDS:
            self._prose(name, text, block)
        elif name in _LINE_FIELDS and not self._line_done(name):
            value = (_first_value(block.children) if name == "state"
                     else _website(block.children))
            self._line_field(name, block.line, value, block.end)
        elif name in _TABLE_FIELDS and _norm(text) in _NONE_WORDS and name not in self.data:
            self.set_top(name, [], Position(block.line, 1))

    def _line_done(self, name: str) -> bool:
        return self.status_state is not None if name == "state" else name in self.data

    def _line_field(self, name: str, line: int, value: str, end: int) -> None:
        if not value:
            return
        self.set_top(name, value, self.at(line, value, end))
        if name == "state":
            self.status_state = value

    def _prose(self, name: str, text: str, block: _Block) -> None:
        if not text:
            return
        if name not in self.prose:  # the detail section's prose replaces the list cell
            self.prose[name] = []
            self.set_top(name, text, Position(block.line, 1))
        self.prose[name].append(text)

    def _list(self, name: str, block: _Block) -> None:
        if name not in self.data:
            self.set_top(name, [], Position(block.line, 1))
        for item in block.items:
            # a surface bullet is a path or URL: `path`, or `Label: path`
            value = item.code[0] if name == "surface" and len(item.code) == 1 else item.text
            value = _clean(value)
            if value:
                index = len(self.data[name])
                self.put((name, index), value, self.at(item.line, value, item.end))

    # tables

    def _table(self, name: str, table: _Table) -> None:
        if name not in self.data:
            self.set_top(name, [], Position(table.line, 1))
        reader: Callable[[_Table], None] = {
            "evidence": self._evidence,
            "competition": self._competition,
            "blockers": self._blockers,
            "rejected_alternatives": self._rejected,
        }[name]
        reader(table)

    def _row(self, name: str, line: int) -> PathKey:
        """Append an empty mapping row to list field `name`; its path."""
        path: PathKey = (name, len(self.data[name]))
        self.put(path, {}, Position(line, 1), key=False)
        return path

    def _cell(self, path: PathKey, key: str, row: _Row, index: int | None,
              value: Any = None, measured: bool = False) -> None:
        """Set row field `key` from cell `index` (or from `value` when given)."""
        if index is None or index >= len(row.cells):
            if value is not None:
                self.put(path + (key,), value, Position(row.line, 1))
            return
        cell = row.cells[index]
        if value is None:
            value = _measure(cell.text) if measured else (cell.text or None)
        if value is not None:
            self.put(path + (key,), value, Position(row.line, cell.column))

    def _evidence(self, table: _Table) -> None:
        names = table.names
        if not names:
            return
        meta = {i: _EVIDENCE_META[n] for i, n in enumerate(names) if i and n in _EVIDENCE_META}
        values = [i for i in range(1, len(names)) if i not in meta]
        measured = [i for i in values if names[i] != "decision"]
        if not _is_gate_header(names[0]) and len(measured) > 1:
            self._ledger(table, meta, values)
            return
        value_col, base_col = _value_columns(names, measured)
        extra = [i for i in values if i not in (value_col, base_col)]
        for row in table.rows:
            if not row.cells or not row.cells[0].text:
                continue
            path = self._row("evidence", row.line)
            self._cell(path, "gate", row, 0)
            self._cell(path, "value", row, value_col, measured=True)
            if base_col is not None and _measure(_text_at(row, base_col)) is not None:
                self._cell(path, "baseline", row, base_col, measured=True)
                self._cell(path, "baseline_name", row, base_col,
                           value=table.header[base_col].text or None)
            self._meta(path, row, meta, extra, table)

    def _meta(self, path: PathKey, row: _Row, meta: dict[int, str], extra: list[int],
              table: _Table) -> None:
        notes = [f"{table.header[i].text}: {_text_at(row, i)}" for i in extra
                 if _measure(_text_at(row, i)) is not None]
        for index, key in meta.items():
            if key == "n":
                number = _int(_text_at(row, index))
                if number is not None:
                    self._cell(path, "n", row, index, value=number)
            elif key == "note":
                if _text_at(row, index):
                    notes.insert(0, _text_at(row, index))
            else:
                self._cell(path, key, row, index)
        if notes:
            self._cell(path, "note", row, None, value="; ".join(notes))

    def _ledger(self, table: _Table, meta: dict[int, str], values: list[int]) -> None:
        """An attempt ledger: one evidence row per (row, measured column)."""
        decision = next((i for i in values if table.names[i] == "decision"), None)
        measured = [i for i in values if i != decision]
        for row in table.rows:
            label = _text_at(row, 0)
            if not label:
                continue
            for index in measured:
                if _measure(_text_at(row, index)) is None:
                    continue
                path = self._row("evidence", row.line)
                gate = f"{label} / {table.header[index].text}"
                self._cell(path, "gate", row, 0, value=gate)
                self._cell(path, "value", row, index, measured=True)
                self._meta(path, row, meta, [], table)
                if decision is not None and _text_at(row, decision):
                    note = self.data["evidence"][path[1]].get("note")
                    decided = f"{table.header[decision].text}: {_text_at(row, decision)}"
                    self._cell(path, "note", row, decision,
                               value=f"{note}; {decided}" if note else decided)

    def _competition(self, table: _Table) -> None:
        columns = _columns(table.names, {
            "system": ("system", "competitor", "model"),
            "metric": ("metric",),
            "score": ("score", "result", "value"),
            "label": ("comparable?", "comparable", "label", "comparability"),
            "readout": ("readout", "reading", "notes", "note"),
            "gate": ("gate",),
        })
        for row in table.rows:
            if not any(cell.text for cell in row.cells):
                continue
            path = self._row("competition", row.line)
            for key in ("system", "metric", "score", "label", "readout", "gate"):
                self._cell(path, key, row, columns.get(key), measured=key == "score")

    def _blockers(self, table: _Table) -> None:
        columns = _columns(table.names, {
            "blocker": ("blocker", "blockers"),
            "why": ("why it matters", "why", "impact"),
            "unblock": ("unblock action", "unblock", "action", "unblocker"),
        }, contains=True)
        for row in table.rows:
            if not any(cell.text for cell in row.cells):
                continue
            path = self._row("blockers", row.line)
            for key in ("blocker", "why", "unblock"):
                self._cell(path, key, row, columns.get(key))

    def _rejected(self, table: _Table) -> None:
        names = table.names
        if not names:
            return
        decision = next((i for i, n in enumerate(names) if n == "decision"), None)
        if decision is None and len(names) > 1:
            decision = len(names) - 1
        results = [i for i in range(1, len(names)) if i != decision]
        for row in table.rows:
            if not _text_at(row, 0):
                continue
            path = self._row("rejected_alternatives", row.line)
            self._cell(path, "attempt", row, 0)
            self.put(path + ("results",), {}, Position(row.line, 1))
            for index in results:
                value = _measure(_text_at(row, index))
                if value is not None and table.header[index].text:
                    self._cell(path + ("results",), table.header[index].text, row, index,
                               value=value)
            self._cell(path, "decision", row, decision)


def _text_at(row: _Row, index: int) -> str:
    return row.cells[index].text if 0 <= index < len(row.cells) else ""


def _value_columns(names: list[str], values: list[int]) -> tuple[int | None, int | None]:
    """(value column, baseline column) among the measured columns of an evidence table."""
    if not values:
        return None, None
    if len(values) == 1:
        return values[0], None
    baseline = next((i for i in values if _is_baseline(names[i])), None)
    if len(values) == 2:
        first, second = values
        if baseline == second:
            return first, second
        return second, first
    if baseline is None:
        return values[0], None
    return [i for i in values if i != baseline][-1], baseline


def _columns(names: list[str], wanted: dict[str, tuple[str, ...]],
             contains: bool = False) -> dict[str, int]:
    """Column index per key, matching header names exactly (or by substring)."""
    found: dict[str, int] = {}
    taken: set[int] = set()
    for key, aliases in wanted.items():
        for alias in aliases:
            index = next((i for i, n in enumerate(names) if i not in taken and (
                n == alias or (contains and alias in n))), None)
            if index is not None:
                found[key] = index
                taken.add(index)
                break
    return found


def _website(rest: list[Token]) -> str:
    for child in rest:
        if child.type == "code_inline" and child.content.strip():
            return _clean(child.content)
    for child in rest:
        if child.type == "link_open":
            href = child.attrs.get("href")
            if isinstance(href, str) and href:
                return href
    return _reduce(rest)


# --- the whole document -------------------------------------------------------------------

_ID_HEADER = ("artifact", "artifact id", "id", "name")
_LIST_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": _ID_HEADER,
    "type": ("type", "kind"),
    "state": ("state", "status"),
    "public_value": ("public value",),
    "next_release_action": ("next release action", "next action"),
    "publishable_now": ("publishable now",),
}


def _policy_rows(table: _Table) -> list[PolicyRow]:
    rows = []
    for row in table.rows:
        name = _text_at(row, 0)
        if name:
            rows.append(PolicyRow(name, _text_at(row, 1), row.line))
    return rows


def _looks_like_list(table: _Table) -> bool:
    names = table.names
    return bool(names) and (names[0] in _ID_HEADER or "state" in names[:4])


def _find_list_table(blocks: list[_Block]) -> _Table | None:
    under: list[_Table] = []
    heading_level: int | None = None
    first_shaped: _Table | None = None
    for block in blocks:
        if block.kind == "heading":
            if "artifact list" in _norm(block.text):
                heading_level = block.level
            elif heading_level is not None and block.level <= heading_level:
                heading_level = None
        elif block.kind == "table" and block.table is not None:
            if heading_level is not None:
                under.append(block.table)
            if first_shaped is None and block.table.names[:3] == ["artifact", "type", "state"]:
                first_shaped = block.table
    shaped = [t for t in under if _looks_like_list(t)]
    if shaped:
        return shaped[0]
    if first_shaped is not None:
        return first_shaped
    return under[0] if under else None


def _heading_id(block: _Block, list_ids: set[str], reserved: set[str]) -> str | None:
    """The artifact id a detail heading names: ``### `id` `` (or a listed id in plain text)."""
    children = [c for c in block.children if not (c.type == "text" and not c.content.strip())]
    if len(children) == 1 and children[0].type == "code_inline":
        candidate = children[0].content.strip()
        if candidate and not _SPACES.search(candidate) and len(candidate) <= 200 and (
                candidate in list_ids or candidate not in reserved):
            return candidate
        return None
    text = block.text
    return text if text in list_ids else None


def _text_lines(text: str) -> list[str]:
    return _NEWLINE.split(text)


def read_registry(text: str) -> RegistryDocument:
    """Read a registry document; any text gives a result, never an exception."""
    if not isinstance(text, str):
        text = ""
    source = text[1:] if text.startswith("\ufeff") else text
    lines = _text_lines(source)
    md = _parser()
    env: dict[str, Any] = {}
    tokens = md.parse(source, env)
    _parse_inline(md, env, tokens)  # tables hold no `inline` tokens: `_cell_text` reads them
    blocks = _blocks(tokens, lines, md, env)

    states: list[PolicyRow] = []
    labels: list[PolicyRow] = []
    for block in blocks:
        if block.kind == "table" and block.table is not None:
            names = block.table.names
            if names[:2] in (["state", "meaning"], ["status", "meaning"]):
                states.extend(_policy_rows(block.table))
            elif names[:2] in (["label", "meaning"], ["comparability label", "meaning"]):
                labels.extend(_policy_rows(block.table))

    list_table = _find_list_table(blocks)
    list_rows: list[ListRow] = []
    builders: list[_Builder] = []
    if list_table is not None:
        columns = _columns(list_table.names, _LIST_COLUMNS)
        columns.setdefault("id", 0)
        for row in list_table.rows:
            artifact_id = _text_at(row, columns["id"])
            if not artifact_id:
                continue
            cells = {key: _text_at(row, index) for key, index in columns.items()}
            list_rows.append(ListRow(artifact_id, cells.get("type", ""), cells.get("state", ""),
                                     cells.get("public_value", ""),
                                     cells.get("next_release_action", ""), row.line))
            builder = _Builder(artifact_id, text, lines)
            builder.from_list_row(row, columns)
            builders.append(builder)

    list_ids = {row.id for row in list_rows}
    without_detail: dict[str, list[_Builder]] = {}
    for builder in builders:
        without_detail.setdefault(builder.id, []).append(builder)
    reserved = {row.name for row in states} | {row.name for row in labels}
    index = 0
    while index < len(blocks):
        block = blocks[index]
        artifact_id = _heading_id(block, list_ids, reserved) if block.kind == "heading" else None
        if artifact_id is None:
            index += 1
            continue
        end = index + 1
        while end < len(blocks):
            other = blocks[end]
            if other.kind == "heading" and (
                    other.level < block.level
                    or _heading_id(other, list_ids, reserved) is not None
                    or (other.level == block.level
                        and _LABELS.get(_norm(other.text)) is None)):
                break
            end += 1
        waiting = without_detail.get(artifact_id)
        if waiting:
            builder = waiting.pop(0)
        else:  # an id without a list row, or a second section for the same id
            builder = _Builder(artifact_id, text, lines)
            builders.append(builder)
        builder.from_detail(block, blocks[index + 1:end])
        index = end

    return RegistryDocument(
        list_rows=list_rows,
        list_table_line=list_table.line if list_table is not None else None,
        states=states,
        labels=labels,
        artifacts=[builder.finish() for builder in builders],
    )
