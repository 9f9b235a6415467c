"""The registry reader's table rule side by side with markdown-it-py's own.

`sources/registry/table_rule.py` restates markdown-it-py's GFM table rule to make one
token per row. Each test parses the same Markdown with the stock parser
(`MarkdownIt("commonmark").enable("table")`) and with the reader's, and compares the
tables (lines, header row, every cell's Markdown) and every other block token, so
that a markdown-it-py release that reads tables differently fails here.
"""

from __future__ import annotations

import importlib.metadata
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.rules_block import table as stock_table_rule

from artifact_lint.sources.registry.markdown import parser
from artifact_lint.sources.registry.table_rule import ROW, row_table_rule, split_row, trim_chars


def _table_view(tokens: list[Any], compact: bool) -> list[Any]:
    """Tables as (map, [(line, head?, [cell Markdown])]); other tokens as (type, map, level, content)."""
    out: list[Any] = []
    rows: list[Any] | None = None
    cells: list[str] = []
    line, head = 0, False
    for token in tokens:
        kind = token.type
        if kind == "table_open":
            rows = []
            out.append(("table", token.map, token.level, rows))
        elif kind == "table_close":
            out.append((kind, token.map, token.level))
            rows = None
        elif rows is None:
            out.append((kind, token.map, token.level, token.content))
        elif compact and kind == ROW:
            rows.append((token.map[0], token.info == "head", token.meta["cells"]))
        elif kind == "thead_open":
            head = True
        elif kind == "thead_close":
            head = False
        elif kind == "tr_open":
            line, cells = token.map[0], []
        elif kind == "inline":
            cells.append(token.content)
        elif kind == "tr_close":
            rows.append((line, head, cells))
    return out


def _assert_same(text: str) -> list[Any]:
    stock = MarkdownIt("commonmark").enable("table").parse(text)
    ours = parser().parse(text)
    view = _table_view(ours, compact=True)
    assert view == _table_view(stock, compact=False), text
    return view


_TABLE_LINES = [
    "| Artifact | Type | State |", "|---|---|---|", "|:--|:-:|--:|", "| --- | --- |", "---|---",
    "| `a` | T | `s` |", "a | b | c", "| a \\| b | c\\\\| d |", "| x |", "| 1 | 2 | 3 | 4 |",
    "|a|b|", "||", "|", "| \\| |", "a \\\\\\| b | c", "|  spaced  |\tcell\t|", "| **b** | [l](u) |",
    "", "    | code | row |", "  | indented | row |", "> | quoted | row |", "- | listed | row |",
    "1. | item |", "```", "# | heading |", "<div>", "***", "Para | graph", "=====", "|-|-|",
    "\\|", "| &amp; | &#124; |", "| a | b |  ", "\t|tab|start|", "|\u3000wide\u3000|\xa0nb\xa0|",
    "| a\x85 | \u2003b |", "|\u200bz\u200b|\ufeff|", "\u2002| lead | em |", "[r]: /u", "  - | nested |",
    "| `x\\|y` | z |", "|:-|", "| --- |", "\u3000",
]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_TABLE_LINES), max_size=14))
def test_table_rows_equal_markdown_its_table_rule(lines: list[str]) -> None:
    _assert_same("\n".join(lines))


# Tables of each kind the rule must read as markdown-it does: where a table starts and
# ends, what a row's cells are, what a cell keeps at its ends.
_TABLES = {
    "plain": "| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n",
    "header only": "| a | b |\n| - | - |\n",
    "no outer pipes": "a | b\n:-- | --:\n1 | 2\n",
    "one column": "| a |\n:-:\n| b |\n",
    "short and long rows": "| a | b | c |\n|---|---|---|\n| 1 |\n| 1 | 2 | 3 | 4 | 5 |\n",
    "escaped pipes": "| a \\| b | c |\n|---|---|\n| `x\\|y` | z\\\\|w |\n| \\\\\\| | end\\| |\n",
    "pipes in code spans still split": "| a | b |\n|---|---|\n| `x|y` | z |\n",
    "unicode spaces": "|\u3000a\u3000|\xa0b\xa0|\n|---|---|\n|\u2003c\u2003| d\x85 |\n|\u200be\u200b|\ufefff|\n",
    "tabs": "|\ta\t|\tb\t|\n|\t---\t|\t---\t|\n|\tc\t|\td\t|\n",
    "crlf": "| a | b |\r\n|---|---|\r\n| 1 | 2 |\r\n\r\nafter\r\n",
    "cr": "| a |\r|---|\r| 1 |\r",
    "indented": "   | a | b |\n   |---|---|\n   | 1 | 2 |\n",
    "code-indented header": "    | a | b |\n  |---|---|\n  | 1 | 2 |\n",
    "code-indented delimiter": "  | a | b |\n    |---|---|\n  | 1 | 2 |\n",
    "code-indented row": "  | a | b |\n  |---|---|\n      | 1 | 2 |\n",
    "ends at a blank line": "| a |\n|---|\n| 1 |\n\n| 2 |\n",
    "ends at a quote": "| a |\n|---|\n| 1 |\n> q\n",
    "ends at a heading": "| a |\n|---|\n| 1 |\n# h\n",
    "ends at a fence": "| a |\n|---|\n| 1 |\n```\ncode\n```\n",
    "ends at a list": "| a |\n|---|\n| 1 |\n- item\n1. item\n",
    "ends at a rule": "| a |\n|---|\n| 1 |\n***\n",
    "ends at html": "| a |\n|---|\n| 1 |\n<div>\nx\n</div>\n",
    "a text line is a row": "| a | b |\n|---|---|\n| 1 | 2 |\nplain text\n\npara\n",
    "interrupts a paragraph": "para\n| a |\n|---|\n| 1 |\n",
    "after a reference": "[r]: /u\n| a |\n|---|\n| 1 |\n",
    "in a quote": "> | a | b |\n> |---|---|\n> | 1 | 2 |\n| lazy | row |\n",
    "in a list": "- item\n\n  | a | b |\n  |---|---|\n  | 1 | 2 |\n- next\n",
    "in a list with tabs": "- one\n\n\t- two\n\n\t\t| a | b |\n\t\t| - | - |\n\t\t| c | d |\n",
    "list marker in the header": "-   a|b\n---|---\nc|d\n",
    "not a table: bad delimiter": "a|b\n---|--x\nc|d\n",
    "not a table: no pipe in the delimiter": "a|b\n-----:-----\nc|d\n",
    "not a table: empty middle column": "a|b\n---||---\nc|d\n",
    "not a table: column counts differ": "a | b | c\n--- | ---\nd | e | f\n",
    "not a table: no columns": "|\n|\n|\n",
    "not a table: no pipe in the header": "a\n---|---\nc|d\n",
    "two tables": "| a |\n|---|\n| 1 |\n\n| b | c |\n|---|---|\n| 2 | 3 |\n",
    "inline markup": "| **a** | [l](u) | &amp; |\n|---|---|---|\n| `c` | <b>h</b> | ![i](s) |\n",
}


@pytest.mark.parametrize("name", sorted(_TABLES))
def test_tables_equal_markdown_its(name: str) -> None:
    _assert_same(_TABLES[name])


def _installed_fixtures() -> list[str]:
    """The inputs of markdown-it-py's own table fixtures, when the package ships them."""
    try:
        files = importlib.metadata.files("markdown-it-py") or []
    except importlib.metadata.PackageNotFoundError:
        return []
    inputs: list[str] = []
    for file in files:
        if not str(file).replace("\\", "/").endswith("fixtures/tables.md"):
            continue
        # a case: its title, ".", the Markdown, ".", the HTML, "."
        section, current = 0, []
        for line in file.locate().read_text(encoding="utf-8").split("\n"):
            if line == ".":
                if section % 3 == 1:
                    inputs.append("\n".join(current) + "\n")
                section, current = section + 1, []
            elif section % 3 == 1:
                current.append(line)
    return inputs


def test_markdown_its_own_table_fixtures() -> None:
    fixtures = _installed_fixtures()
    if not fixtures:
        pytest.skip("markdown-it-py is installed without its test fixtures")
    for text in fixtures:
        _assert_same(text)


def test_table_autocompletion_limit_equals_markdown_its() -> None:
    # 299 missing cells a row: the limit of 65,536 autocompleted cells ends the table early
    text = "|" + "h|" * 300 + "\n|" + "-|" * 300 + "\n" + "|a|\n" * 240 + "\nafter\n"
    view = _assert_same(text)
    assert 200 < len(view[0][3]) < 241


def test_the_rule_sits_where_the_stock_rule_sits() -> None:
    stock = MarkdownIt("commonmark").enable("table").block.ruler
    ours = parser().block.ruler
    assert ours.get_active_rules() == stock.get_active_rules()
    for chain in ["", *stock.get_all_rules()]:
        expected = [row_table_rule if rule is stock_table_rule else rule for rule in stock.getRules(chain)]
        assert ours.getRules(chain) == expected, chain


def test_trimmed_characters_and_escaped_pipes() -> None:
    assert " " in trim_chars() and "\t" in trim_chars() and "x" not in trim_chars()
    assert split_row("a|b") == ["a", "b"]
    assert split_row("a\\|b|c") == ["a|b", "c"]
    assert split_row("a\\\\|b") == ["a\\|b"]  # a backslash before the pipe escapes it, however many
