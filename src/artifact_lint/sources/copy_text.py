"""Public copy read into blocks of text, each with the file, line and column it starts at.

`markdown_copy` reads a Markdown file with markdown-it-py's stock CommonMark parser
(tables on) into `CopyText`s: one paragraph, heading, list item or table cell each; code
blocks, HTML comments and YAML front matter are not copy. A table whose header has a
`Delta`/`vs` column puts two systems side by side: each row whose delta cell holds a win
cue becomes one sentence, "<delta> over <other system> (<row label>)". `json_copy` takes
every string value of a JSON document, and `document_prose` files the registry
document's blocks under the artifact sections they stand in and the ids they name.
`may_hold_claims` is the substring test that lets a file with no cue word go unparsed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from artifact_lint.model.findings import Position

if TYPE_CHECKING:
    from markdown_it.token import Token

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n.*?^(?:---|\.\.\.)[ \t]*$", re.S | re.M)
_DELTA_HEADER = re.compile(r"^(?:delta|δ|Δ|diff(?:erence)?|gain|vs\.?|versus)$", re.I)


class CopyText(NamedTuple):
    """One block of public copy: where it starts and its plain text."""

    path: str  # root-relative POSIX path of the file
    line: int
    column: int
    text: str
    kind: str = "block"  # "block" (paragraph, heading, list item), "cell", "row" (side by side), "value" (JSON)

    def position_of(self, offset: int) -> Position:
        """The position of the character at `offset` in `text` (lines split at \\n)."""
        before = self.text[:offset]
        breaks = before.count("\n")
        if not breaks:
            return Position(self.line, self.column + offset)
        return Position(self.line + breaks, offset - before.rfind("\n"))


@lru_cache(maxsize=1)
def _markdown() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table")


def _plain(children: list[Token] | None) -> str:
    parts: list[str] = []
    for child in children or []:
        if child.type in ("text", "code_inline", "html_inline"):
            parts.append(child.content if child.type != "html_inline" else "")
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append(_plain(child.children))
    return "".join(parts).strip()


def _column(lines: list[str], line: int, text: str) -> int:
    """Where `text` (its first words) starts on 1-based `line`, else column 1."""
    if 0 < line <= len(lines) and text:
        head = text.split("\n", 1)[0][:24]
        found = lines[line - 1].find(head)
        if found >= 0:
            return found + 1
        word = head.split(" ", 1)[0]
        found = lines[line - 1].find(word) if word else -1
        while found > 0 and lines[line - 1][found - 1] in "*_`[~":  # the emphasis the text starts in
            found -= 1
        if found >= 0:
            return found + 1
    return 1


def markdown_copy(path: str, text: str) -> list[CopyText]:
    """The sentences-bearing blocks of a Markdown file, each with its position."""
    front = _FRONT_MATTER.match(text)
    skipped = text[:front.end()].count("\n") if front else 0
    body = ("\n" * skipped) + text[front.end():] if front else text
    lines = body.splitlines()
    tokens = _markdown().parse(body)
    found: list[CopyText] = []
    table: list[list[tuple[str, int, int]]] = []
    row: list[tuple[str, int, int]] = []
    for index, token in enumerate(tokens):
        if token.type == "table_open":
            table = []
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close":
            table.append(row)
        elif token.type == "table_close":
            rows = list(_side_by_side(path, table))
            if rows:  # the row stands for its delta cell: one claim, over the other system
                spots = {(r.line, r.column) for r in rows}
                found = [t for t in found if t.kind != "cell" or (t.line, t.column) not in spots]
                found.extend(rows)
        elif token.type == "inline" and token.map is not None:
            plain = _plain(token.children)
            if not plain:
                continue
            line = token.map[0] + 1
            column = _column(lines, line, plain)
            cell = bool(index) and tokens[index - 1].type in ("th_open", "td_open")
            if cell:
                row.append((plain, line, column))
            found.append(CopyText(path, line, column, plain, "cell" if cell else "block"))
    return found


def _side_by_side(path: str, table: list[list[tuple[str, int, int]]]) -> Iterator[CopyText]:
    """A Delta/vs column puts the first value column's system beside the others: each
    row whose delta holds a win cue is a claim over the other systems."""
    from artifact_lint.analysis.cues import find_cues

    if len(table) < 2:
        return
    header = [cell[0] for cell in table[0]]
    deltas = [i for i, name in enumerate(header) if _DELTA_HEADER.match(name.strip())]
    if not deltas or len(header) < 3:
        return
    delta = deltas[0]
    others = [name for i, name in enumerate(header) if i not in (0, 1, delta) and name.strip()]
    if not others:
        return
    for cells in table[1:]:
        if delta >= len(cells) or not find_cues(cells[delta][0]):
            continue
        text, line, column = cells[delta]
        label = cells[0][0] if cells else ""
        yield CopyText(path, line, column, f"{text} over {', '.join(others)} ({label})", "row")


def json_copy(path: str, data: Any, positions: Any, where: tuple[str | int, ...] = ()) -> list[CopyText]:
    """Every string value of a JSON document (keys are not copy), with its position;
    `where`: the path of `data` in the document `positions` belong to (an index entry)."""
    found: list[CopyText] = []
    _add_strings(path, data, where, positions, found)
    return found


def _add_strings(path: str, value: Any, where: tuple[str | int, ...], positions: Any, found: list[CopyText]) -> None:
    # A plain recursive function: a nested one calling itself is a reference cycle.
    if isinstance(value, str):
        if value.strip():
            at = positions.value(where) if positions is not None else Position(1, 1)
            found.append(CopyText(path, at.line, at.column + 1, value, "value"))
    elif isinstance(value, dict):
        for key, item in value.items():
            _add_strings(path, item, (*where, key), positions, found)
    elif isinstance(value, list):
        for number, item in enumerate(value):
            _add_strings(path, item, (*where, number), positions, found)


def has_adoption_words(text: str) -> bool:
    """Whether `text` can hold an adoption claim (AL207), which always holds "download",
    "install", "user", "customer" or "most", or "by" after "used", "trusted", "adopted",
    "relied on" or "loved" (with any whitespace between, a line break included, so "by"
    is tested alone). A file that cannot, and holds no win cue, need not be parsed at all.
    Text that is not ASCII always can: there "\u017f" and "\u0130" match "s" and "i"."""
    if not text.isascii():
        return True
    lowered = text.lower()
    return ("download" in lowered or "install" in lowered or "user" in lowered or "customer" in lowered
            or "most" in lowered
            or ("by" in lowered and ("used" in lowered or "trusted" in lowered or "adopted" in lowered
                                     or "relied" in lowered or "loved" in lowered)))


def may_hold_claims(text: str) -> bool:
    """False only when no sentence of `text` can hold a win cue or an adoption claim: a
    substring test before the Markdown parse, which costs most of reading a card."""
    from artifact_lint.analysis.cues import may_hold_cues

    return has_adoption_words(text) or may_hold_cues(text)


class DocumentProse(NamedTuple):
    """The registry document's copy blocks, filed once per process by artifact id."""

    sections: dict[str, list[CopyText]]  # id -> the blocks of its detail section
    mentions: dict[str, list[CopyText]]  # id -> other paragraphs and list items naming it in backticks
    rows: dict[str, list[CopyText]]  # id -> the cells of its list-table row


_BACKTICKED = re.compile(r"`([^`\n]+)`")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ARTIFACT_HEADING = re.compile(r"^`([^`]+)`$")
_TABLE_LINE = re.compile(r"^ {0,3}\|")


def document_prose(path: str, text: str, list_rows: list[Any],
                   read: Callable[[str, str], list[CopyText]] = markdown_copy) -> DocumentProse:
    """One pass over the document: each paragraph, heading and list item filed under the
    artifact section it stands in (a `### \\`id\\`` heading, until a heading of its level
    or above) and under the ids it names in backticks; the list table's rows from the
    registry reader. Tables are the entries' data, not prose: their lines are blanked
    (line numbers kept) before markdown-it reads the rest, which on a large registry is
    most of the document and most of the parsing time. `read` reads the blocks of
    Markdown text (`copy_cache.markdown_copy_cached` keeps them between runs)."""
    lines = text.splitlines()
    prose_only = "\n".join("" if _TABLE_LINE.match(line) else line for line in lines)
    headings: list[tuple[int, int, str | None]] = []  # (line, level, artifact id or None)
    fenced = False
    for number, line in enumerate(lines, 1):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        match = None if fenced else _HEADING.match(line)
        if match:
            artifact = _ARTIFACT_HEADING.match(match.group(2))
            headings.append((number, len(match.group(1)), artifact.group(1) if artifact else None))
    prose = DocumentProse({}, {}, {})
    current: list[tuple[int, str | None]] = []  # open headings: (level, artifact id)
    position = 0
    for block in read(path, prose_only):
        while position < len(headings) and headings[position][0] <= block.line:
            _, level, artifact_id = headings[position]
            current = [(lv, ident) for lv, ident in current if lv < level] + [(level, artifact_id)]
            position += 1
        section = next((ident for _, ident in reversed(current) if ident is not None), None)
        if section is not None:
            prose.sections.setdefault(section, []).append(block)
        raw = lines[block.line - 1] if 0 < block.line <= len(lines) else ""
        for artifact_id in set(_BACKTICKED.findall(raw)) - {section}:
            prose.mentions.setdefault(artifact_id, []).append(block)
    for row in list_rows:
        line = lines[row.line - 1] if 0 < row.line <= len(lines) else ""
        cells = [CopyText(path, row.line, _column(lines, row.line, value), value, "cell")
                 for value in (row.public_value, row.next_release_action) if value]
        if cells and line:
            prose.rows.setdefault(row.id, []).extend(cells)
    return prose
