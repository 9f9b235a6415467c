"""A GFM table rule for markdown-it-py that makes one token per table row.

markdown-it-py's own table rule makes `tr`/`th`/`td`/`inline` tokens, 17 for a
5-column row. On a registry document with a 10,000-row list table that is most of
the parse (1.9 MB: about 350-550 ms against about 85 ms with this rule), and at
1,000 artifacts more than 5% of a whole `check --no-cache`. This rule takes exactly
the rows and cell texts the stock rule takes but makes one `ROW` token per row.

It uses markdown-it-py's public API only: whether a table starts at a line is the
stock rule's own answer (its `silent` pass, which changes nothing); the chains it
sits in are read from the stock parser's ruler; the characters a cell loses at its
ends are asked of the stock parser once (`trim_chars`; they changed within
markdown-it-py 4). The rest (row terminators, the blank line and indent checks,
escaped pipes, the limit of autocompleted cells, missing cells empty and extra cells
dropped) restates the stock rule; tests/test_registry_table_rule.py runs both side
by side, so a markdown-it-py release that reads tables differently fails there.
"""

from __future__ import annotations

import functools
import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block import table as stock_table_rule

ROW = "table_row"  # a row token: `meta["cells"]` its cells' Markdown, `info` "head" for the header row
# markdown-it's limit on the empty cells it adds to short rows (markdown-it issue 1000);
# a table ends before the row that would pass it
MAX_AUTOCOMPLETED_CELLS = 0x10000

_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def split_row(text: str) -> list[str]:
    """A row's text split at its pipes; `\\|` is a pipe inside a cell and loses its backslash.

    markdown-it's `escapedSplit`: a pipe right after a backslash (however many) is escaped.
    """
    if "\\" not in text:
        return text.split("|")
    return [part.replace("\\|", "|") for part in _UNESCAPED_PIPE.split(text)]


# Every character Python or JavaScript counts as whitespace, and the zero-width ones, but
# the line breaks (a row never holds one)
_SPACE_LIKE = ("\t\x0b\x0c\x1c\x1d\x1e\x1f \x85\xa0\u1680\u180e"
               + "".join(map(chr, range(0x2000, 0x200C))) + "\u2028\u2029\u202f\u205f\u3000\ufeff")


@functools.cache
def trim_chars() -> str:
    """The characters the stock table rule strips from the ends of a row and of a cell.

    Asked of the stock parser: a probe table with one row per candidate character,
    `|<c>x<c>|`; the character is trimmed when the cell reads `x`.
    """
    probe = "|h|\n|-|\n" + "".join(f"|{c}x{c}|\n" for c in _SPACE_LIKE)
    trimmed: list[str] = []
    line = -1
    for token in MarkdownIt("commonmark").enable("table").parse(probe):
        if token.type == "tr_open" and token.map:
            line = token.map[0]
        elif token.type == "inline" and line >= 2 and token.content == "x":
            trimmed.append(_SPACE_LIKE[line - 2])
    return "".join(trimmed)


def _line_text(state: StateBlock, line: int) -> str:
    """The line without its indent (markdown-it's `getLine`)."""
    return state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]]


def _cells(text: str) -> list[str]:
    columns = split_row(text)
    if columns and columns[0] == "":
        columns.pop(0)
    if columns and columns[-1] == "":
        columns.pop()
    return columns


def row_table_rule(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """markdown-it's GFM table rule, emitting one `ROW` token per row.

    Instead of `tr`/`th`/`td`/`inline` tokens a row is one token whose `meta["cells"]`
    holds the cells' Markdown (trimmed), whose `map` is its line and whose `info` is
    `"head"` for the header row. `table_open` and `table_close` are the stock rule's.
    """
    if not stock_table_rule(state, start_line, end_line, True):
        return False
    if silent:
        return True
    trim = trim_chars()
    header = _cells(_line_text(state, start_line).strip(trim))
    count = len(header)

    old_parent = state.parentType
    state.parentType = "table"
    terminators = state.md.block.ruler.getRules("blockquote")
    token = state.push("table_open", "table", 1)
    token.map = table_lines = [start_line, 0]
    token = state.push(ROW, "tr", 0)
    token.map = [start_line, start_line + 1]
    token.info = "head"
    token.meta = {"cells": [cell.strip(trim) for cell in header]}

    autocompleted = 0
    line = start_line + 2
    while line < end_line:
        if state.sCount[line] < state.blkIndent:
            break
        if any(rule(state, line, end_line, True) for rule in terminators):
            break
        text = _line_text(state, line).strip(trim)
        if not text or state.is_code_block(line):
            break
        columns = _cells(text)
        autocompleted += count - len(columns)
        if autocompleted > MAX_AUTOCOMPLETED_CELLS:
            break
        if len(columns) < count:
            columns.extend([""] * (count - len(columns)))
        token = state.push(ROW, "tr", 0)
        token.map = [line, line + 1]
        token.meta = {"cells": [cell.strip(trim) for cell in columns[:count]]}
        line += 1

    state.push("table_close", "table", -1)
    table_lines[1] = line
    state.parentType = old_parent
    state.line = line
    return True


def install(md: MarkdownIt) -> MarkdownIt:
    """`md` with its (enabled) table rule replaced by `row_table_rule`, in the same chains."""
    ruler = md.block.ruler
    chains = [name for name in ruler.get_all_rules() if stock_table_rule in ruler.getRules(name)]
    ruler.at("table", row_table_rule, {"alt": chains})
    return md
