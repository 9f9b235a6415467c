"""The tables of a registry entry's detail section, read into artifact rows.

Evidence tables: the first column names the gate. One value column gives
`{gate, value}`. Two value columns are before/after (`Stock | Specialist`):
`{gate, baseline, value, baseline_name}` with the before column's header as
`baseline_name` (a column headed like a baseline, e.g. `Stock`, is the before
column wherever it stands). With more value columns (or two beside a baseline)
the table compares systems (`Gate | Ours v2 | Rival-7B | Vendor API`): the first
system column is the artifact's own value, and every other system column gives
one competition row per gate it has a score on (`system`, `gate`, `metric` = the
gate, `score` as written, no `label`: the document gives none). Columns that
are not systems (`Delta`, `Target`, ...) are kept in `note` as `header: value`
pairs. Columns headed `Metric`, `Fixture`, `Scorer`, `Note`, `n` (not the
first) fill those keys. A table whose first column is not a gate column and that
has several measured columns (an attempt ledger, `Attempt | <results...> |
Decision`) is flattened into one row per measured cell, gate `<row> / <column>`,
with the decision as `note`. A table with an `Evidence / readout` column (an
archive's list of uploads) gives an evidence row for each row whose readout
states a number: gate from the first column, the readout as the value.

Cell values of measured columns keep the text they were written with (`0.860`
stays `"0.860"`; `measures.parse_measure` reads it as the number); `-`, an en or
em dash, or an empty cell means "not measured" and omits the key.
"""

from __future__ import annotations

import math
import re
from typing import Any, Callable

from artifact_lint.model.findings import Position
from artifact_lint.sources.loader import PathKey
from artifact_lint.sources.registry.markdown import Row, Table, text_at
from artifact_lint.sources.registry.reading import BASELINE_WORDS, holds_numbers, is_score, is_system_column

# --- cell values --------------------------------------------------------------------------

_EXPONENT_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)[eE][-+]?\d+")
_NOT_MEASURED = {"", "-", "–", "—"}


def measure(text: str) -> float | str | None:
    """A measured cell: its text as written, None when not measured; `1e-3` is a float."""
    text = text.strip()
    if text in _NOT_MEASURED:
        return None
    if _EXPONENT_NUMBER.fullmatch(text):
        number = float(text)
        if math.isfinite(number):
            return number
    return text


def to_int(text: str) -> int | None:
    text = text.strip().replace(",", "")
    return int(text) if text.isdigit() and len(text) < 19 else None


_GATE_HEADERS = {"gate", "gates", "benchmark", "eval", "evaluation", "check", "suite", "slice",
                 "metric", "measure"}
_EVIDENCE_META = {"metric": "metric", "fixture": "fixture", "scorer": "scorer",
                  "note": "note", "notes": "note", "n": "n", "rows": "n"}


def is_gate_header(name: str) -> bool:
    return name in _GATE_HEADERS or "gate" in name.split()


def _is_baseline(name: str) -> bool:
    return bool(set(re.findall(r"[a-z]+", name)) & BASELINE_WORDS)


def readout_column(names: list[str]) -> int | None:
    """The `Evidence / readout` column of a table that is not an evidence table, if any."""
    return next((i for i, name in enumerate(names) if i and ("evidence" in name or "readout" in name)), None)


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


def _value_columns(table: Table, values: list[int]) -> tuple[int | None, int | None, list[int]]:
    """(value column, baseline column, other systems' columns) among the measured columns."""
    names = table.names
    if not values:
        return None, None, []
    if len(values) == 1:
        return values[0], None, []
    baseline = next((i for i in values if _is_baseline(names[i])), None)
    others = [i for i in values if i != baseline]
    if len(others) >= 3 or (baseline is not None and len(others) >= 2):
        systems = [i for i in others if is_system_column(table.header[i].text)]
        value = systems[0] if systems else others[0]
        return value, baseline, [i for i in systems if i != value]
    first, second = values
    if baseline == second:
        return first, second, []
    return second, first, []


# --- the reader -------------------------------------------------------------------------


class TableReader:
    """The table half of `registry_entry.Builder` (which gives `data`, `put`, `set_top`)."""

    data: dict[str, Any]
    own_names: list[str]  # the first system column of a table that compares systems
    put: Callable[..., None]
    set_top: Callable[..., None]

    def _table(self, name: str, table: Table) -> None:
        self._ensure(name, table.line)
        reader: Callable[[Table], None] = {
            "evidence": self._evidence,
            "competition": self._competition,
            "blockers": self._blockers,
            "rejected_alternatives": self._rejected,
        }[name]
        reader(table)

    def _other_table(self, table: Table) -> None:
        """A table under no field label: evidence when it has a gate or a readout column."""
        names = table.names
        readout = readout_column(names)
        if readout is not None:
            self._readout_evidence(table, readout)
        elif names and is_gate_header(names[0]) and len(names) > 1:
            self._table("evidence", table)

    def _ensure(self, name: str, line: int) -> None:
        if name not in self.data:
            self.set_top(name, [], Position(line, 1))

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
            value = measure(cell.text) if measured else (cell.text or None)
        if value is not None:
            self.put(path + (key,), value, Position(row.line, cell.column))

    def _evidence(self, table: Table) -> None:
        names = table.names
        if not names:
            return
        meta = {i: _EVIDENCE_META[n] for i, n in enumerate(names) if i and n in _EVIDENCE_META}
        values = [i for i in range(1, len(names)) if i not in meta]
        measured = [i for i in values if names[i] != "decision"]
        if not is_gate_header(names[0]) and len(measured) > 1:
            self._ledger(table, meta, values)
            return
        value_col, base_col, rivals = _value_columns(table, measured)
        if rivals and value_col is not None:
            self.own_names.append(table.header[value_col].text)
        extra = [i for i in values if i not in (value_col, base_col) and i not in rivals]
        for row in table.rows:
            if not row.cells or not row.cells[0].text:
                continue
            path = self._row("evidence", row.line)
            self._cell(path, "gate", row, 0)
            self._cell(path, "value", row, value_col, measured=True)
            if base_col is not None and measure(text_at(row, base_col)) is not None:
                self._cell(path, "baseline", row, base_col, measured=True)
                self._cell(path, "baseline_name", row, base_col,
                           value=table.header[base_col].text or None)
            self._meta(path, row, meta, extra, table)
        self._rivals(table, rivals)

    def _rivals(self, table: Table, rivals: list[int]) -> None:
        """The other systems of an evidence table: one unlabelled competition row per score."""
        for index in rivals:
            system = table.header[index].text
            for row in table.rows:
                gate = text_at(row, 0)
                if not gate or not is_score(text_at(row, index)):
                    continue
                self._ensure("competition", table.line)
                path = self._row("competition", row.line)
                self._cell(path, "system", row, index, value=system)
                self._cell(path, "metric", row, 0, value=gate)
                self._cell(path, "score", row, index, measured=True)
                self._cell(path, "gate", row, 0, value=gate)

    def _readout_evidence(self, table: Table, readout: int) -> None:
        """Rows whose readout states a number: evidence, gate from the first column."""
        for row in table.rows:
            gate, text = text_at(row, 0), text_at(row, readout)
            if not gate or not holds_numbers(text):
                continue
            self._ensure("evidence", table.line)
            path = self._row("evidence", row.line)
            self._cell(path, "gate", row, 0)
            self._cell(path, "value", row, readout)
            notes = [f"{table.header[i].text}: {text_at(row, i)}" for i in range(1, len(row.cells))
                     if i != readout and text_at(row, i) and table.header[i].text]
            if notes:
                self._cell(path, "note", row, None, value="; ".join(notes))

    def _meta(self, path: PathKey, row: Row, meta: dict[int, str], extra: list[int],
              table: Table) -> None:
        notes = [f"{table.header[i].text}: {text_at(row, i)}" for i in extra
                 if measure(text_at(row, i)) is not None]
        for index, key in meta.items():
            if key == "n":
                number = to_int(text_at(row, index))
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
                if measure(text_at(row, index)) is None:
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
                value = measure(text_at(row, index))
                if value is not None and table.header[index].text:
                    self._cell(path + ("results",), table.header[index].text, row, index,
                               value=value)
            self._cell(path, "decision", row, decision)
