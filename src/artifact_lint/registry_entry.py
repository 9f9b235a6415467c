"""Build one artifact from the registry document: its list-table row and detail section.

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

import math
import re
from typing import Any, Callable, NamedTuple

from markdown_it.token import Token

from artifact_lint.findings import Position
from artifact_lint.loader import Document, PathKey, SourceMap
from artifact_lint.registry_markdown import Block, Row, Table, clean, norm, reduce_inline, text_at
from artifact_lint.registry_types import DocArtifact


# --- section labels ------------------------------------------------------------------

LABELS: dict[str, str] = {
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


def _label(block: Block) -> _Label | None:
    """The section label a heading or paragraph holds, if it is one."""
    children = block.children
    if block.kind == "heading":
        return _Label(LABELS.get(norm(block.text), _UNKNOWN), [])
    if block.kind != "paragraph" or block.inline is None:
        return None
    first_line = block.inline.content.split("\n", 1)[0]
    match = _LABEL.match(first_line)
    if match:
        name = LABELS.get(norm(match.group(1)), _UNKNOWN)
        return _Label(name, _after_colon(children))
    children = [c for c in children if c.type != "text" or c.content.strip()]
    if (children and children[0].type == "strong_open"
            and all(c.type in _EMPHASIS for c in children)):
        return _Label(LABELS.get(norm(block.text), _UNKNOWN), [])  # **Measured evidence**
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
            return clean(child.content)
    text = re.split(r"[;,(—–]| - ", reduce_inline(rest), maxsplit=1)[0].strip()
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


class Builder:
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

    def from_list_row(self, row: Row, columns: dict[str, int]) -> None:
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

    def from_detail(self, heading: Block, body: list[Block]) -> None:
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

    def _label_value(self, block: Block, label: _Label) -> None:
        """A value written on the label's own line: `Status: x`, `Website page: x`."""
        rest_text = reduce_inline(label.rest)
        if not rest_text:
            return
        name = label.target
        if name in _LINE_FIELDS:
            self._line_field(name, block.line, _first_value(label.rest) if name == "state"
                             else _website(label.rest), block.end)
        elif name in _PROSE_FIELDS:
            self._prose(name, rest_text, block)
        elif name in _TABLE_FIELDS and norm(rest_text) in _NONE_WORDS and name not in self.data:
            self.set_top(name, [], Position(block.line, 1))

    def _paragraph(self, name: str, block: Block) -> None:
        text = block.text
        if name in _PROSE_FIELDS:
            self._prose(name, text, block)
        elif name in _LINE_FIELDS and not self._line_done(name):
            value = (_first_value(block.children) if name == "state"
                     else _website(block.children))
            self._line_field(name, block.line, value, block.end)
        elif name in _TABLE_FIELDS and norm(text) in _NONE_WORDS and name not in self.data:
            self.set_top(name, [], Position(block.line, 1))

    def _line_done(self, name: str) -> bool:
        return self.status_state is not None if name == "state" else name in self.data

    def _line_field(self, name: str, line: int, value: str, end: int) -> None:
        if not value:
            return
        self.set_top(name, value, self.at(line, value, end))
        if name == "state":
            self.status_state = value

    def _prose(self, name: str, text: str, block: Block) -> None:
        if not text:
            return
        if name not in self.prose:  # the detail section's prose replaces the list cell
            self.prose[name] = []
            self.set_top(name, text, Position(block.line, 1))
        self.prose[name].append(text)

    def _list(self, name: str, block: Block) -> None:
        if name not in self.data:
            self.set_top(name, [], Position(block.line, 1))
        for item in block.items:
            # a surface bullet is a path or URL: `path`, or `Label: path`
            value = item.code[0] if name == "surface" and len(item.code) == 1 else item.text
            value = clean(value)
            if value:
                index = len(self.data[name])
                self.put((name, index), value, self.at(item.line, value, item.end))

    # tables

    def _table(self, name: str, table: Table) -> None:
        if name not in self.data:
            self.set_top(name, [], Position(table.line, 1))
        reader: Callable[[Table], None] = {
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

    def _cell(self, path: PathKey, key: str, row: Row, index: int | None,
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

    def _evidence(self, table: Table) -> None:
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
            if base_col is not None and _measure(text_at(row, base_col)) is not None:
                self._cell(path, "baseline", row, base_col, measured=True)
                self._cell(path, "baseline_name", row, base_col,
                           value=table.header[base_col].text or None)
            self._meta(path, row, meta, extra, table)

    def _meta(self, path: PathKey, row: Row, meta: dict[int, str], extra: list[int],
              table: Table) -> None:
        notes = [f"{table.header[i].text}: {text_at(row, i)}" for i in extra
                 if _measure(text_at(row, i)) is not None]
        for index, key in meta.items():
            if key == "n":
                number = _int(text_at(row, index))
                if number is not None:
                    self._cell(path, "n", row, index, value=number)
            elif key == "note":
                if text_at(row, index):
                    notes.insert(0, text_at(row, index))
            else:
                self._cell(path, key, row, index)
        if notes:
            self._cell(path, "note", row, None, value="; ".join(notes))

    def _ledger(self, table: Table, meta: dict[int, str], values: list[int]) -> None:
        """An attempt ledger: one evidence row per (row, measured column)."""
        decision = next((i for i in values if table.names[i] == "decision"), None)
        measured = [i for i in values if i != decision]
        for row in table.rows:
            label = text_at(row, 0)
            if not label:
                continue
            for index in measured:
                if _measure(text_at(row, index)) is None:
                    continue
                path = self._row("evidence", row.line)
                gate = f"{label} / {table.header[index].text}"
                self._cell(path, "gate", row, 0, value=gate)
                self._cell(path, "value", row, index, measured=True)
                self._meta(path, row, meta, [], table)
                if decision is not None and text_at(row, decision):
                    note = self.data["evidence"][path[1]].get("note")
                    decided = f"{table.header[decision].text}: {text_at(row, decision)}"
                    self._cell(path, "note", row, decision,
                               value=f"{note}; {decided}" if note else decided)

    def _competition(self, table: Table) -> None:
        columns = columns_of(table.names, {
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

    def _blockers(self, table: Table) -> None:
        columns = columns_of(table.names, {
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

    def _rejected(self, table: Table) -> None:
        names = table.names
        if not names:
            return
        decision = next((i for i, n in enumerate(names) if n == "decision"), None)
        if decision is None and len(names) > 1:
            decision = len(names) - 1
        results = [i for i in range(1, len(names)) if i != decision]
        for row in table.rows:
            if not text_at(row, 0):
                continue
            path = self._row("rejected_alternatives", row.line)
            self._cell(path, "attempt", row, 0)
            self.put(path + ("results",), {}, Position(row.line, 1))
            for index in results:
                value = _measure(text_at(row, index))
                if value is not None and table.header[index].text:
                    self._cell(path + ("results",), table.header[index].text, row, index,
                               value=value)
            self._cell(path, "decision", row, decision)


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


def columns_of(names: list[str], wanted: dict[str, tuple[str, ...]],
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
            return clean(child.content)
    for child in rest:
        if child.type == "link_open":
            href = child.attrs.get("href")
            if isinstance(href, str) and href:
                return href
    return reduce_inline(rest)
