"""Build one artifact from the registry document: its list-table row and detail section.

How a detail section maps onto the artifact fields:

| Markdown (label as a paragraph, bold text or heading) | field |
|---|---|
| `Status: <state>` | `state` (wins over the list table's state) |
| `Committed surface:` bullets | `surface` (paths and URLs; see below) |
| `Measured evidence:` / `Recorded evidence:` table | `evidence` |
| `Competitive context:` table | `competition` |
| `Release blockers:` table | `blockers` |
| `Next release action:` paragraph(s) | `next_release_action` |
| `Website page: <path>` | `website` |
| `Rejected alternatives:` table | `rejected_alternatives` |
| `External source notes:` bullets | `source_notes` |
| `Publishable now:` / `Public value:` paragraph(s) | `publishable_now` / `public_value` |
| `HF repo: <url>` (a line, or a surface bullet) | `weights.location` |
| `Current artifact shape:` bullets | `weights.location` (a private adapter path), else `notes` |

How tables read is in `registry_tables`. The rest is read as a reviewer would
(artifact-format §6.1, the heuristics in `registry_reading`):

- a surface bullet that is a Hugging Face model repository (`HF repo: <url>`, or
  the URL alone) is `weights.location`; a bullet naming an adapter or weights
  (`Public adapter: runs/...`) at a private path (`runs/`, a cache, a home folder)
  is a private `weights.location`; a shell command (`python3 scripts/x.py ...`)
  is not a path and goes to `notes`, with the label;
- a table under no field label is evidence when its first column is a gate or
  it has an `Evidence / readout` column;
- the section's prose (paragraphs that are not a field's value, an unknown
  label's paragraph included) gives: an evidence row for each sentence that
  states a measured figure ("... scored 38/40", `note` saying it was stated in
  prose); `provenance`; with the evidence rows and the blockers, `performance`;
- competition rows that describe the artifact itself get `self: true`, and a
  `Direct` row without a gate takes the one evidence gate its metric and readout
  identify.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from markdown_it.token import Token

from artifact_lint.analysis.measures import parse_measure
from artifact_lint.model.findings import Position
from artifact_lint.sources.loader import Document, PathKey
from artifact_lint.sources.positions import Positions
from artifact_lint.sources.registry.markdown import Block, Row, clean, norm, reduce_inline
from artifact_lint.sources.registry.reading import (
    figures,
    is_command,
    is_hub_label,
    is_hub_repo,
    is_private_path,
    is_self_row,
    list_item,
    names_weights,
    performance,
    prose_figure,
    provenance,
    resolve_gate,
    says_not_recorded,
    sentences,
)
from artifact_lint.sources.registry.results import DocArtifact
from artifact_lint.sources.registry.tables import TableReader

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
    "hf repo": "weights",
    "hugging face repo": "weights",
    "weights": "weights",
    "weights location": "weights",
    "current artifact shape": "shape",
    "artifact shape": "shape",
}
_UNKNOWN = "?"
_TABLE_FIELDS = ("evidence", "competition", "blockers", "rejected_alternatives")
_LIST_FIELDS = ("surface", "source_notes", "shape")  # shape: bullets that are weights or notes
_PROSE_FIELDS = ("next_release_action", "publishable_now", "public_value")
_LINE_FIELDS = ("state", "website", "weights")
_NONE_WORDS = {"none", "none.", "n/a", "-", "nothing", "nothing yet", "none yet", "[]"}

_LABEL = re.compile(
    r"\s*(?:\*\*|__)?\s*([A-Za-z][A-Za-z0-9 /'&()-]{0,60}?)\s*(?:\*\*|__)?\s*:"
    r"(?:\s*(?:\*\*|__))?(?=\s|$)"
)
_EMPHASIS = {"strong_open", "strong_close", "em_open", "em_close", "text"}


# A decision the section records on a label's line: "Status: `x`; model decision: `reject`",
# "Release decision: ship as a research package".
_DECISION = re.compile(r"\bdecision\s*:\s*`?([A-Za-z][\w.-]*)")


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


# --- building one artifact ---------------------------------------------------------------

_ORDER = (
    "id", "type", "state", "public_value", "publishable_now", "evidence", "competition",
    "blockers", "next_release_action", "provenance", "surface", "weights", "package",
    "claims", "rejected_alternatives", "source_notes", "datasets", "performance",
    "website", "summary", "notes",
)


class _Said(NamedTuple):
    """A sentence of the section's prose, with the lines of its paragraph."""

    text: str
    line: int
    end: int
    leads_label: bool  # the first sentence of a paragraph that starts with an unknown label


class Builder(TableReader):
    """Collects one artifact's fields and their positions."""

    def __init__(self, artifact_id: str, text: str, lines: list[str]) -> None:
        self.id = artifact_id
        self.text = text
        self.lines = lines
        self.data: dict[str, Any] = {}
        self.positions = Positions()
        self.list_state: str | None = None
        self.status_state: str | None = None
        self.decision: str | None = None  # a decision the section records ("decision: `reject`")
        self.prose: dict[str, list[str]] = {}
        self.said: list[_Said] = []
        self.own_names: list[str] = []
        self.detailed = False

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
        self.positions.set(path, position)
        if key and isinstance(last, str):
            self.positions.set(path, position, key=True)

    def set_top(self, name: str, value: Any, position: Position) -> None:
        self.drop(name)
        self.put((name,), value, position)

    def drop(self, name: str) -> None:
        """Forget a top-level field and every position under it."""
        self.data.pop(name, None)
        self.positions.drop((name,))

    def finish(self) -> DocArtifact:
        for name, parts in self.prose.items():
            joined = " ".join(p for p in parts if p)
            if joined:
                self.data[name] = joined
        if self.detailed:
            self._read_as_a_reviewer()
        ordered = {k: self.data[k] for k in _ORDER if k in self.data}
        return DocArtifact(self.id, Document(ordered, self.positions, self.text),
                           self.status_state, self.list_state, self.decision)

    # the list table

    def from_list_row(self, row: Row, columns: dict[str, int]) -> None:
        positions, data = self.positions, self.data
        positions.set((), Position(row.line, 1))
        cells = row.cells
        for name, index in columns.items():
            if index < len(cells) and cells[index].text:
                cell = cells[index]
                path = (name,)  # as `put` would: the value, its position and key position
                data[name] = cell.text
                where = Position(row.line, cell.column)
                positions.set(path, where)
                positions.set(path, where, key=True)
        self.list_state = data.get("state")

    # a detail section

    def from_detail(self, heading: Block, body: list[Block]) -> None:
        if "id" not in self.data:
            self.put(("id",), self.id, self.at(heading.line, self.id))
            self.positions.set((), Position(heading.line, 1))
        self.detailed = True
        current: str | None = None
        for block in body:
            label = _label(block)
            if label is not None:
                current = label.target
                self._label_value(block, label)
                continue
            if block.kind == "paragraph":
                if not self._paragraph(current, block):
                    self._say(block, leads_label=False)
            elif block.kind == "table" and block.table is not None:
                if current in _TABLE_FIELDS:
                    self._table(current, block.table)
                else:
                    self._other_table(block.table)
            elif block.kind == "list" and current in _LIST_FIELDS:
                self._list(current, block)

    def _say(self, block: Block, leads_label: bool) -> None:
        """Keep a prose paragraph's sentences (provenance, prose evidence, performance)."""
        for index, sentence in enumerate(sentences(block.text)):
            self.said.append(_Said(sentence, block.line, block.end, leads_label and index == 0))

    def _label_value(self, block: Block, label: _Label) -> None:
        """A value written on the label's own line: `Status: x`, `Website page: x`."""
        rest_text = reduce_inline(label.rest)
        if not rest_text:
            return
        if self.decision is None:
            recorded = _DECISION.search(block.text.split("\n", 1)[0])
            self.decision = recorded.group(1).lower() if recorded else None
        name = label.target
        if name == _UNKNOWN:
            self._say(block, leads_label=True)  # `Purpose: ...`, `Release decision: ...`
        elif name == "weights":
            self._weights(_website(label.rest), self.at(block.line, _website(label.rest), block.end))
        elif name in _LINE_FIELDS:
            self._line_field(name, block.line, _first_value(label.rest) if name == "state"
                             else _website(label.rest), block.end)
        elif name in _PROSE_FIELDS:
            self._prose(name, rest_text, block)
        elif name in _TABLE_FIELDS and norm(rest_text) in _NONE_WORDS and name not in self.data:
            self.set_top(name, [], Position(block.line, 1))

    def _paragraph(self, name: str | None, block: Block) -> bool:
        """Read a paragraph as the value of the current label; False when it is not one."""
        text = block.text
        if name in _PROSE_FIELDS:
            self._prose(name, text, block)
        elif name == "weights" and "weights" not in self.data:
            self._weights(_website(block.children), self.at(block.line, _website(block.children), block.end))
        elif name in ("state", "website") and not self._line_done(name):
            value = (_first_value(block.children) if name == "state"
                     else _website(block.children))
            self._line_field(name, block.line, value, block.end)
        elif name in _TABLE_FIELDS and norm(text) in _NONE_WORDS and name not in self.data:
            self.set_top(name, [], Position(block.line, 1))
        else:
            return False
        return True

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
        if name == "source_notes":
            self._ensure(name, block.line)
            for item in block.items:
                value = clean(item.text)
                if value:
                    self.put((name, len(self.data[name])), value, self.at(item.line, value, item.end))
            return
        if name == "surface":
            self._ensure(name, block.line)
        for item in block.items:
            label, value = list_item(item.text, item.code)
            value = clean(value)
            if not value:
                continue
            position = self.at(item.line, value, item.end)
            if (is_hub_label(label) or is_hub_repo(value)) and self._weights(value, position):
                continue
            if names_weights(label) and is_private_path(value) and self._weights(value, position):
                continue
            if name == "surface" and not is_command(value):
                self.put(("surface", len(self.data["surface"])), value, position)
            else:  # a command, or the rest of an artifact's shape: routers, smokes, reports
                self._note(f"{label}: {value}" if label else value, position)

    def _weights(self, location: str, position: Position) -> bool:
        """Set `weights.location` unless it is set already; whether it was set."""
        location = clean(location)
        if not location or "weights" in self.data:
            return False
        self.put(("weights",), {}, position)
        self.put(("weights", "location"), location, position)
        return True

    def _note(self, text: str, position: Position) -> None:
        self._ensure_at("notes", position)
        self.put(("notes", len(self.data["notes"])), text, position)

    def _ensure_at(self, name: str, position: Position) -> None:
        if name not in self.data:
            self.set_top(name, [], position)

    # what the section says beyond its fields (artifact-format §6.1)

    def _read_as_a_reviewer(self) -> None:
        self._prose_evidence()
        self._competition_roles()
        if "provenance" not in self.data:
            self._provenance()
        if "performance" not in self.data:
            self._performance()

    def _provenance(self) -> None:
        """Where it came from, how it was evaluated, why it is (not) ready: the section's
        prose paragraphs, else its prose list items (source notes, the artifact's shape)."""
        if self.said:
            found = provenance([said.text for said in self.said])
            where = Position(self.said[0].line, 1)
        else:
            items = [item for name in ("source_notes", "notes") for item in self.data.get(name) or []
                     if isinstance(item, str)]
            found = provenance(items)
            first = next((name for name in ("source_notes", "notes") if self.data.get(name)), None)
            where = (self.positions.find((first, 0)) if first else None) or Position(1, 1)
        if found:
            self._mapping("provenance", found, where)

    def _mapping(self, name: str, values: dict[str, Any], position: Position) -> None:
        self.put((name,), {}, position)
        for key, value in values.items():
            self.put((name, key), value, position)

    def _prose_evidence(self) -> None:
        """A sentence stating a measured figure is an evidence row (unless a row has it)."""
        for said in self.said:
            figure = prose_figure(said.text)
            if figure is None:
                continue
            rows = self.data.get("evidence") or []
            if any(_same_gate(row.get("gate"), figure.gate) or _same_value(row.get("value"), figure.value)
                   for row in rows):
                continue
            position = self.at(said.line, figure.value, said.end)
            self._ensure_at("evidence", position)
            path: PathKey = ("evidence", len(self.data["evidence"]))
            self.put(path, {}, position, key=False)
            self.put(path + ("gate",), figure.gate, position)
            self.put(path + ("value",), figure.value, position)
            self.put(path + ("note",), f"Stated in prose, not in an evidence table: {said.text}", position)

    def _competition_roles(self) -> None:
        """`self: true` on the artifact's own rows; a gate for each gate-less `Direct` row."""
        rows = self.data.get("competition") or []
        evidence = [row for row in self.data.get("evidence") or [] if isinstance(row, dict)]
        for index, row in enumerate(rows):
            if not isinstance(row, dict):
                continue
            position = self.positions.find(("competition", index)) or Position(1, 1)
            if is_self_row(row, self.id, self.own_names):
                self.put(("competition", index, "self"), True, position)
            elif str(row.get("label") or "").strip().casefold() == "direct" and not row.get("gate"):
                found = resolve_gate(row, evidence)
                if found is not None:
                    self.put(("competition", index, "gate"), evidence[found]["gate"], position)

    def _performance(self) -> None:
        """Runtime figures from the evidence rows and the prose, or the sentence (else the
        release blocker) saying they were not recorded."""
        found: dict[str, float] = {}
        line = 0  # of the first evidence row or sentence stating a figure
        texts = [(f"{row['gate']}: {row['value']}", self.positions.value(("evidence", index)).line)
                 for index, row in enumerate(self.data.get("evidence") or [])
                 if isinstance(row, dict) and isinstance(row.get("gate"), str) and isinstance(row.get("value"), str)]
        for text, text_line in [*texts, *((said.text, said.line) for said in self.said)]:
            for key, value in figures(text).items():
                found.setdefault(key, value)
                line = line or text_line
        stated = [said for said in self.said if says_not_recorded(said.text)]
        notes = ([(said.text, said.line) for said in stated if not said.leads_label]
                 or [(said.text, said.line) for said in stated])
        for index, row in enumerate(self.data.get("blockers") or [] if not notes else []):
            if isinstance(row, dict) and says_not_recorded(str(row.get("blocker") or "")):
                text = ": ".join(str(row[key]) for key in ("blocker", "why") if row.get(key))
                notes.append((f"Release blocker: {text}", self.positions.value(("blockers", index)).line))
        result = performance(found, [text for text, _ in notes])
        if result is not None:
            self._mapping("performance", result, Position(line or notes[0][1], 1))


def _same_gate(a: Any, b: str) -> bool:
    return isinstance(a, str) and " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def _same_value(a: Any, b: str) -> bool:
    if a is None:
        return False
    if isinstance(a, str) and a.strip() == b.strip():
        return True
    first, second = parse_measure(a).single, parse_measure(b).single
    return first is not None and second is not None and first.matches(second) and second.matches(first)


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
