"""`--format table`: one table per file (severity, code, line:col, field, message), then the summary line.

The tables are laid out as rich's `Table` lays them out (column widths, word wrapping
with long words folded, the heavy-headed box, the styles), but drawn here, line by
line: rich measures and renders every cell through its general machinery, about 2 ms
a finding (minutes for 100,000 findings). `_Layout` does the same arithmetic on column
maxima and writes plain strings, about 3 us a finding; a cell of text that is not
ASCII is still wrapped by rich itself, and a table whose columns are too narrow to
hold their headings (a terminal a few dozen columns wide) goes to rich whole.
`tests/test_reporters.py` compares the two on many layouts.

Every string from a file goes through `visible` (no control character reaches the
terminal) and is shown as it is: no console markup, no `:emoji:` codes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import compress, repeat, starmap, zip_longest
from operator import attrgetter, ne
from typing import IO, Any

from artifact_lint.engine import Result
from artifact_lint.findings import Finding
from artifact_lint.reporters._safe import visible
from artifact_lint.reporters.summary import summary_line

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
HEADERS = ("severity", "code", "line:col", "field", "message")
_RIGHT = (False, False, True, False, False)  # justify="right"
_NO_WRAP = (True, True, True, False, False)  # the others fold (overflow="fold")
_PADDING = 2  # one space on each side of a cell
_EDGES = len(HEADERS) + 1  # the box's vertical lines


def console(stream: IO[str], color: str):  # type: ignore[no-untyped-def]
    from rich.console import Console

    return Console(
        file=stream,
        force_terminal=True if color == "always" else None,
        no_color=True if color == "never" else None,
        color_system=None if color == "never" else "auto",
        highlight=False,
        soft_wrap=False,
    )


def write(result: Result, rules: list[Any], stream: IO[str], *, color: str = "auto",
          quiet: bool = False, show_suppressed: bool = False, **_: Any) -> None:
    from rich.markup import escape

    out = console(stream, color)
    layout = _Layout.for_console(out)
    if result.findings:
        cells = _Cells(result.findings, layout)
        parts: list[str] = []
        for start, end in cells.groups():
            text = layout.table(cells, start, end) if layout is not None else None
            if text is not None:
                parts.append(text)
                if len(parts) >= 1000:
                    stream.write("".join(parts))
                    parts.clear()
                continue
            stream.write("".join(parts))
            parts.clear()
            out.print(_rich_table(cells.titles[start], [column[start:end] for column in cells.columns]))
        stream.write("".join(parts))
    if show_suppressed and result.suppressed:
        _suppressed_table(out, result.suppressed)
    if not quiet:
        text = summary_line(result)
        style = "bold red" if result.findings and any(f.severity.value == "error" for f in result.findings) else (
            "yellow" if result.findings else "green")
        out.print(f"[{style}]{escape(text)}[/]")


class _Cells:
    """The text of every finding's cells, one list a column, for all the tables at once.

    Columns are made in C where they can be (`attrgetter` maps; `_value_` is `.value`
    without enum's descriptor), and `visible` runs only on text that needs it, which
    `isprintable` tells. `lengths` are the columns' lengths when all of the text is
    ASCII (the width in cells is then the length), else None.
    """

    def __init__(self, findings: list[Finding], layout: _Layout | None) -> None:
        def shown(column: list[str]) -> list[str]:
            if not all(map(str.isprintable, column)):
                column = [text if text.isprintable() else visible(text) for text in column]
            if layout is not None and layout.encoding is not None:
                column = list(map(layout.shown, column))
            return column

        self.paths = list(map(attrgetter("path"), findings))
        self.titles = shown(self.paths)
        self.columns = [
            list(map(attrgetter("severity._value_"), findings)),
            shown(list(map(attrgetter("code"), findings))),
            list(map("{}:{}".format, map(attrgetter("line"), findings), map(attrgetter("column"), findings))),
            shown([field or "" for field in map(attrgetter("field"), findings)]),
            shown(list(map(attrgetter("message"), findings))),
        ]
        self.ascii = all(all(map(str.isascii, column)) for column in self.columns)
        self.lengths = [list(map(len, column)) for column in self.columns] if self.ascii else None

    def groups(self) -> list[tuple[int, int]]:
        """(start, end) of each run of findings in one file (findings come sorted by path)."""
        paths = self.paths
        starts = [0, *compress(range(1, len(paths)), map(ne, paths[1:], paths[:-1]))]
        return list(zip(starts, [*starts[1:], len(paths)], strict=True))


def _rich_table(title: str, columns: list[list[str]]) -> Any:
    """The same table through rich (cells as `Text`: never read as markup)."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(title, style="bold"), title_justify="left", show_lines=False, expand=False)
    table.add_column("severity", no_wrap=True)
    table.add_column("code", no_wrap=True)
    table.add_column("line:col", justify="right", no_wrap=True)
    table.add_column("field", overflow="fold")
    table.add_column("message", overflow="fold", ratio=1)
    for sev, code, where, field, message in zip(*columns, strict=True):
        table.add_row(Text.assemble((sev, STYLE[sev])), Text(code), Text(where), Text(field), Text(message))
    return table


def _suppressed_table(out: Any, suppressed: list[Finding]) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text("suppressed", style="bold dim"), title_justify="left", style="dim")
    for column in ("location", "code", "message"):
        table.add_column(column, overflow="fold")
    for f in suppressed:
        table.add_row(Text(visible(f"{f.path}:{f.line}:{f.column}")), Text(visible(f.code)), Text(visible(f.message)))
    out.print(table)


class _Layout:
    """rich's `Table` layout for the file tables, without rich's per-cell work.

    With padding (0, 1), edges, `expand=False` and no fixed widths,
    `Table._calculate_column_widths` depends on each column's widest cell alone (its
    maximum measurement); wrapping is `Text.wrap(justify=..., overflow=...)`, done
    here for printable ASCII (`_wrap`) and by rich for anything else.
    """

    def __init__(self, console: Any) -> None:
        from rich.box import HEAVY_HEAD
        from rich.text import Text

        self.console = console
        options = console.options
        self.max_width = options.max_width
        self.box = HEAVY_HEAD.substitute(options, safe=console.safe_box)
        # what the stream's encoding cannot hold is escaped before measuring, not after
        self.encoding = None if not options.ascii_only else (options.encoding or "ascii")

        def styled(style: str) -> tuple[str, str]:
            marker = "\ue000"
            with console.capture() as capture:
                console.print(Text(marker, style=style), end="", soft_wrap=True)
            before, _, after = capture.get().partition(marker)
            return before, after

        self.title_style = styled("bold")  # Table(title_style=...)
        self.header_style = styled("table.header")
        self.severity = {sev: styled(style) for sev, style in STYLE.items()}
        self._shapes: dict[tuple[int, ...], _Shape] = {}
        self._widths: dict[tuple[int, ...], tuple[int, ...]] = {}

    @classmethod
    def for_console(cls, console: Any) -> _Layout | None:
        if console.legacy_windows or console.options.max_width < 1:
            return None
        return cls(console)

    def shown(self, text: str) -> str:
        """`text` as the stream will hold it (escapes for what its encoding cannot)."""
        if self.encoding is None or text.isascii():
            return text
        return text.encode(self.encoding, "backslashreplace").decode(self.encoding)

    # --- widths

    @staticmethod
    def _measure(widest: int, max_width: int) -> int:
        """The maximum of `Table._measure_column` for a column whose widest cell is `widest` cells."""
        if max_width < 1:
            return 0
        if max_width - _PADDING < 1:
            return max_width
        return min(widest, max_width - _PADDING) + _PADDING

    def widths(self, widest: tuple[int, ...]) -> tuple[int, ...]:
        """`Table._calculate_column_widths` (expand=False, no fixed widths, padding 1 each side)."""
        known = self._widths.get(widest)
        if known is not None:
            return known
        from rich._ratio import ratio_reduce
        from rich.table import Table

        max_width = self.max_width - _EDGES
        measure = self._measure
        widths = [measure(w, max_width) or 1 for w in widest]
        if sum(widths) > max_width:
            widths = Table._collapse_widths(widths, [not n for n in _NO_WRAP], max_width)
            if sum(widths) > max_width:
                widths = ratio_reduce(sum(widths) - max_width, [1] * len(widths), widths, widths)
            widths = [measure(w, width) or 0 for w, width in zip(widest, widths, strict=True)]
        known = self._widths[widest] = tuple(widths)
        return known

    # --- drawing

    def _shape(self, widths: tuple[int, ...]) -> _Shape:
        shape = self._shapes.get(widths)
        if shape is None:
            shape = self._shapes[widths] = _Shape(self, widths)
        return shape

    def _title(self, title: str, width: int) -> str:
        before, after = self.title_style
        if len(title) <= width and title.isascii():
            return f"{before}{title.ljust(width)}{after}\n"
        return "".join(f"{before}{line}{after}\n" for line in self.wrap(title, width))

    def wrap(self, text: str, width: int) -> list[str]:
        """`Text(text).wrap(console, width, justify="left", overflow="fold")`: lines of `width` cells."""
        if text.isascii():
            return [line.ljust(width) for line in _wrap(text, width)]
        from rich.text import Text

        return [line.plain for line in Text(text).wrap(self.console, width, justify="left", overflow="fold")]

    def table(self, cells: _Cells, start: int, end: int) -> str | None:
        """The table of findings `start` to `end` as rich would draw it, or None when it needs
        rich (columns too narrow for their headings)."""
        if cells.lengths is not None:
            lengths = cells.lengths
            if end - start == 1:
                widest = [len(header) if len(header) > column[start] else column[start]
                          for header, column in zip(HEADERS, lengths, strict=True)]
            else:
                widest = [max(len(header), max(column[start:end]))
                          for header, column in zip(HEADERS, lengths, strict=True)]
            ascii_only = True
        else:
            from rich.cells import cell_len

            group = [column[start:end] for column in cells.columns]
            ascii_only = all(all(map(str.isascii, column)) for column in group)
            widest = [max(len(header), max(map(len if ascii_only else cell_len, column)))
                      for header, column in zip(HEADERS, group, strict=True)]
        shape = self._shape(self.widths(tuple(widest)))
        inner = shape.inner
        if shape.narrow or inner[0] < widest[0] or inner[1] < widest[1] or inner[2] < widest[2]:
            return None  # rich would cut or wrap a heading or an unwrapped cell
        parts = [self._title(cells.titles[start], shape.width), shape.head]
        rows = zip(*(column[start:end] for column in cells.columns), strict=True)
        if shape.mid[3] == shape.last[3]:  # the last row's edges are the others' (all boxes used here)
            self._rows(parts, rows, shape, shape.mid, ascii_only)
        else:
            every = list(rows)
            self._rows(parts, every[:-1], shape, shape.mid, ascii_only)
            self._rows(parts, every[-1:], shape, shape.last, ascii_only)
        parts.append(shape.bottom)
        return "".join(parts)

    def _rows(self, parts: list[str], rows: Iterable[tuple[str, str, str, str, str]], shape: _Shape,
              lines: tuple[Any, ...], ascii_only: bool) -> None:
        first, under, (message_before, message_between, message_after), edges = lines
        append, extend = parts.append, parts.extend
        severity_cell = shape.severity_cell
        field_room, message_room = shape.inner[3], shape.inner[4]
        wrap = shape.wrap_message
        for sev, code, where, field, message in rows:
            if not ascii_only and not (message.isascii() and field.isascii() and code.isascii()):
                self._any_row(parts, (severity_cell[sev], code, where, field, message), edges, shape.widths)
            elif len(message) <= message_room and len(field) <= field_room:
                append(first(severity_cell[sev], code, where, field, message))
            elif len(field) <= field_room:  # the message wraps (most often, in 80 columns)
                messages = wrap(message) if message[0] != " " and "  " not in message else ()
                if " ".join(messages) != message:  # `_wrap`'s common case (below), inline, did not apply
                    messages = _wrap(message, message_room)
                append(first(severity_cell[sev], code, where, field, messages[0]))
                if len(messages) > 1:
                    append(message_before + message_between.join(map(str.ljust, messages[1:], repeat(message_room)))
                           + message_after)
            else:
                fields = _wrap(field, field_room)
                messages = _wrap(message, message_room) if len(message) > message_room else [message]
                append(first(severity_cell[sev], code, where, fields[0], messages[0]))
                extend(starmap(under, zip_longest(fields[1:], messages[1:], fillvalue="")))

    def _any_row(self, parts: list[str], cells: tuple[str, ...], edges: tuple[str, str, str],
                 widths: tuple[int, ...]) -> None:
        """A row with text that is not ASCII: each cell's lines padded to its width in cells."""
        left, divider, right = edges
        severity, code, where, field, message = cells
        inner = [w - _PADDING for w in widths]
        lines = [[severity], [_pad(code, inner[1])], [where.rjust(inner[2])],
                 self.wrap(field, inner[3]), self.wrap(message, inner[4])]
        for index in range(max(map(len, lines))):
            parts.append(left + divider.join(f" {cell[index]} " if index < len(cell) else " " * width
                                             for cell, width in zip(lines, widths, strict=True)) + right + "\n")


class _Shape:
    """What a table of given column widths draws the same way every time: its top, header
    and bottom, the severity cells, and the formats of a row's lines (the last row has
    the box's foot edges)."""

    def __init__(self, layout: _Layout, widths: tuple[int, ...]) -> None:
        box = layout.box
        self.widths = widths
        self.width = sum(widths) + _EDGES
        self.inner = inner = [w - _PADDING for w in widths]
        self.narrow = any(room < len(header) for header, room in zip(HEADERS, inner, strict=True))
        if self.narrow:
            return
        before, after = layout.header_style
        pad = f"{before} {after}"
        cells = [f"{pad}{before}{header.rjust(room) if right else header.ljust(room)}{after}{pad}"
                 for header, room, right in zip(HEADERS, inner, _RIGHT, strict=True)]
        self.head = (f"{box.get_top(widths)}\n{box.head_left}{box.head_vertical.join(cells)}{box.head_right}\n"
                     f"{box.get_row(widths, 'head')}\n")
        self.bottom = f"{box.get_bottom(widths)}\n"
        self.severity_cell = {sev: f"{before}{sev}{after}{' ' * (inner[0] - len(sev))}"
                              for sev, (before, after) in layout.severity.items()}
        self.mid = self._lines((box.mid_left, box.mid_vertical, box.mid_right))
        self.last = self._lines((box.foot_left, box.foot_vertical, box.foot_right))
        self.wrap_message = _line_pattern(inner[4]).findall

    def _lines(self, edges: tuple[str, str, str]) -> tuple[Any, ...]:
        """A row's first line, the lines under it (only the field and message wrap), the same
        with an empty field, as formats; and the edges."""
        left, divider, right = edges
        widths, (_, code, where, field, message) = self.widths, self.inner
        first = (f"{left} {{}} {divider} {{:<{code}}} {divider} {{:>{where}}} {divider} "
                 f"{{:<{field}}} {divider} {{:<{message}}} {right}\n")
        blank = f"{left}{' ' * widths[0]}{divider}{' ' * widths[1]}{divider}{' ' * widths[2]}{divider}"
        under = f"{blank} {{:<{field}}} {divider} {{:<{message}}} {right}\n"
        # the lines under the first with an empty field: before, between and after the messages' lines
        before, after = f"{blank}{' ' * widths[3]}{divider} ", f" {right}\n"
        return first.format, under.format, (before, after + before, after), edges


def _pad(text: str, width: int) -> str:
    from rich.cells import cell_len

    return text + " " * (width - (len(text) if text.isascii() else cell_len(text)))


_LINES: dict[int, re.Pattern[str]] = {}


def _line_pattern(width: int) -> re.Pattern[str]:
    """A line of at most `width` characters that ends a word (see `_wrap`)."""
    pattern = _LINES.get(width)
    if pattern is None:
        pattern = _LINES[width] = re.compile(f"(.{{1,{width}}})(?: |\\Z)")
    return pattern


def _wrap(text: str, width: int) -> list[str]:
    """rich's `Text.wrap(width, justify="left", overflow="fold")` of printable ASCII text, before padding.

    rich (`rich._wrap.divide_line`) splits the text into words (a run of non-spaces with
    the spaces after it; the first word also holds the spaces before it) and fills lines
    greedily: a word goes on the line when its non-space part fits, else it starts the
    next line, or, longer than a line, is cut into pieces of `width` characters (its
    spaces included) whose last one stays open. Each line is then cut to `width`
    (only spaces can be beyond it): these are the lines, padded to `width` by the caller.
    """
    n = len(text)
    if n <= width:
        return [text]
    if text[0] != " " and "  " not in text:
        # words one space apart (most messages): each line is the longest run of whole
        # words that fits, which a regular expression finds; unless a word is longer than
        # a line, when the matches skip some of its characters and the lines joined again
        # are not the text
        found: list[str] = _line_pattern(width).findall(text)
        joined = " ".join(found)
        if joined == text or joined + " " == text:
            return found
    lead = n - len(text.lstrip(" "))  # the first word's leading spaces
    if lead == n:
        return [""]  # no word at all: one line of spaces
    lines: list[str] = []
    append = lines.append
    find, rfind = text.find, text.rfind
    start = 0
    while n - start > width:
        limit = start + width  # the first character past the line
        if limit < lead:
            word = 0  # still in the first word's leading spaces
        elif text[limit] == " ":
            word = limit + 1
            while word < n and text[word] == " ":
                word += 1
            if word == n:
                break  # only spaces beyond the line
        else:
            space = rfind(" ", start, limit)
            word = 0 if space < lead else space + 1
        end = find(" ", max(word, limit, lead))  # the end of the word's non-space part
        if (n if end < 0 else end) - word > width:  # a word longer than a line: folded
            after = n if end < 0 else end
            while after < n and text[after] == " ":
                after += 1
            if word:
                append(text[start:min(word, limit)])
            pieces = -(-(after - word) // width)
            lines.extend(text[word + i * width:word + (i + 1) * width] for i in range(pieces - 1))
            start = word + (pieces - 1) * width
        else:
            append(text[start:min(word, limit)])
            start = word
    append(text[start:start + width])
    return lines
