"""The Markdown layer of the registry document reader: blocks, tables and their text.

The document is parsed once with markdown-it-py (CommonMark plus GFM tables);
everything works on its block token stream and the `.map` line ranges of the
tokens, never on regular expressions over the whole file. For speed on large
documents (a 10,000-row list table) the parser makes one token per table row
instead of one per cell (`table_rule`), and inline-parses only headings,
paragraphs, list items and the table cells that hold inline markup (a plain
cell's text is its cleaned Markdown, `cell_text`). Both give exactly what the
stock token stream gives; tests/test_registry_table_rule.py and
tests/test_registry_doc.py check that.

`read_blocks` gives the document as a flat sequence of `Block`s (headings,
paragraphs, tables, lists), which `registry_doc` and `registry_entry` read.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Iterable, NamedTuple, Sequence

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_core import inline as _core_inline
from markdown_it.rules_core import text_join as _core_text_join
from markdown_it.token import Token

from artifact_lint.sources.registry.table_rule import ROW, install


@functools.cache
def parser() -> MarkdownIt:
    """CommonMark plus GFM tables, block structure only (built once, never changed after).

    The core `inline` rule is off: `parse_inline` runs it (and `text_join`, as
    `MarkdownIt.parse` does) on the inline tokens of headings, paragraphs and list items,
    and `cell_text` on the table cells that hold inline markup. Tables come from
    `table_rule`, one `ROW` token per row.
    """
    return install(MarkdownIt("commonmark").enable("table").disable("inline"))


def parse_inline(md: MarkdownIt, env: dict[str, Any], tokens: list[Token]) -> None:
    """Inline-parse the `inline` tokens, as `MarkdownIt.parse` would have."""
    state = StateCore("", md, env, tokens)
    _core_inline(state)
    _core_text_join(state)


# A table cell whose text holds none of these has no inline markup that changes its plain
# text: CommonMark's inline rules start at `\` (escape), `&` (entity), `<` (autolink,
# HTML), `[` (link; `![` image), `*`/`_` (emphasis) and a line break; a code span only
# changes more than its backticks (which `clean` drops anyway) when its text starts and
# ends with a space, which needs a backtick followed by a space. Such a cell's
# `reduce_inline(children)` is `clean(content)`.
_INLINE_MARKUP = re.compile(r"[\\&<\[*_\n]|` ")


def cell_text(content: str, md: MarkdownIt, env: dict[str, Any]) -> str:
    """A table cell's Markdown as plain text: `reduce_inline` of its inline tokens."""
    if not _INLINE_MARKUP.search(content):
        return clean(content)
    inline = Token("inline", "", 0)
    inline.content = content
    inline.children = []
    parse_inline(md, env, [inline])
    return reduce_inline(inline.children)


NEWLINE = re.compile(r"\r\n|\r|\n")  # the line breaks markdown-it counts
SPACES = re.compile(r"\s+")
_ODD_SPACE = re.compile(r"[^\S ]|  ")  # whitespace that `SPACES.sub(" ", ...)` changes


class Cell(NamedTuple):
    text: str  # reduced to plain text
    raw: str  # the cell's Markdown source
    column: int  # 1-based


class Row(NamedTuple):
    line: int
    cells: list[Cell]


class Table(NamedTuple):
    line: int
    header: list[Cell]
    rows: list[Row]

    @property
    def names(self) -> list[str]:
        return [norm(cell.text) for cell in self.header]


class Item(NamedTuple):
    line: int
    end: int  # exclusive 1-based end line
    text: str
    code: list[str]


class Block(NamedTuple):
    kind: str  # heading | paragraph | table | list | other
    line: int
    end: int = 0
    level: int = 0
    inline: Token | None = None
    table: Table | None = None
    items: Sequence[Item] = ()

    @property
    def children(self) -> list[Token]:
        return list(self.inline.children or []) if self.inline is not None else []

    @property
    def text(self) -> str:
        return reduce_inline(self.children)


def reduce_inline(children: Iterable[Token]) -> str:
    """Inline tokens as plain text: code spans and emphasis lose their markers."""
    parts: list[str] = []
    for child in children:
        kind = child.type
        if kind in ("text", "code_inline", "text_special"):
            parts.append(child.content)
        elif kind in ("softbreak", "hardbreak", "html_inline"):
            parts.append(" ")
        elif kind == "image":
            parts.append(reduce_inline(child.children) if child.children else child.content)
    return clean("".join(parts))


def clean(text: str) -> str:
    text = text.replace("`", "").replace("**", "")
    if _ODD_SPACE.search(text):  # else every whitespace run is one space already
        text = SPACES.sub(" ", text)
    return text.strip()


def norm(text: str) -> str:
    """A header or label name for matching: lower case, single spaces, no trailing colon."""
    text = clean(text).lower().rstrip(":").strip()
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


def _cell_columns(line: str, cells: list[tuple[str, str]]) -> list[Cell]:
    """Cells with the column where each one's source starts on `line` (1 when unknown)."""
    out: list[Cell] = []
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
        out.append(Cell(text, raw, column))
    return out


def _table(tokens: Sequence[Token], start: int, end: int, lines: list[str],
           md: MarkdownIt, env: dict[str, Any]) -> Table:
    rows: list[Row] = []
    header: list[Cell] | None = None
    n_lines = len(lines)
    for index in range(start + 1, end):
        token = tokens[index]
        if token.type != ROW or not token.map:
            continue
        row_line = token.map[0] + 1
        source = lines[row_line - 1] if 0 < row_line <= n_lines else ""
        cells = _cell_columns(source, [(cell_text(content, md, env), content.strip())
                                       for content in token.meta["cells"]])
        if token.info == "head" and header is None:
            header = cells
        else:
            rows.append(Row(row_line, cells))
    return Table(_line_of(tokens[start]), header or [], rows)


def _items(tokens: Sequence[Token], start: int, end: int) -> list[Item]:
    items: list[Item] = []
    item_level = tokens[start].level + 1
    current: Token | None = None  # the open item
    texts: list[str] = []
    code: list[str] = []
    for index in range(start + 1, end):
        token = tokens[index]
        if token.type == "list_item_open" and token.level == item_level:
            current, texts, code = token, [], []
        elif token.type == "list_item_close" and token.level == item_level and current:
            items.append(Item(_line_of(current), _end_of(current), " ".join(t for t in texts if t), code))
            current = None
        elif (current is not None and token.type == "paragraph_open"
              and token.level == item_level + 1):
            inline = _next_inline(tokens, index)
            if inline is not None:
                children = inline.children or []
                texts.append(reduce_inline(children))
                code.extend(c.content.strip() for c in children if c.type == "code_inline")
    return items


def read_blocks(tokens: Sequence[Token], lines: list[str], md: MarkdownIt,
            env: dict[str, Any]) -> list[Block]:
    """The document as a flat sequence of headings, paragraphs, tables and lists."""
    blocks: list[Block] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        kind = token.type
        if kind == "heading_open":
            tag = token.tag[1:]
            blocks.append(Block("heading", _line_of(token), _end_of(token),
                                 level=int(tag) if tag.isdigit() else 6,
                                 inline=_next_inline(tokens, index)))
            index = _close(tokens, index, "heading_close")
        elif kind == "paragraph_open":
            blocks.append(Block("paragraph", _line_of(token), _end_of(token),
                                 inline=_next_inline(tokens, index)))
            index = _close(tokens, index, "paragraph_close")
        elif kind == "table_open":
            end = _close(tokens, index, "table_close")
            blocks.append(Block("table", _line_of(token), _end_of(token),
                                 table=_table(tokens, index, end, lines, md, env)))
            index = end
        elif kind in ("bullet_list_open", "ordered_list_open"):
            end = _close(tokens, index, kind.replace("_open", "_close"))
            blocks.append(Block("list", _line_of(token), _end_of(token),
                                 items=_items(tokens, index, end)))
            index = end
        elif kind in ("fence", "code_block", "html_block", "hr"):
            blocks.append(Block("other", _line_of(token), _end_of(token)))
        index += 1
    return blocks


def text_at(row: Row, index: int) -> str:
    return row.cells[index].text if 0 <= index < len(row.cells) else ""
