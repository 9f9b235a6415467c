"""`--format table`: one rich table per file, then the summary line."""

from __future__ import annotations

from itertools import groupby
from typing import IO, Any

from artifact_lint.engine import Result
from artifact_lint.reporters._safe import visible
from artifact_lint.reporters.summary import summary_line

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


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
    from rich.table import Table

    out = console(stream, color)
    for path, findings in groupby(result.findings, key=lambda f: f.path):
        table = Table(title=escape(visible(path)), title_justify="left", title_style="bold",
                      show_lines=False, expand=False)
        table.add_column("severity", no_wrap=True)
        table.add_column("code", no_wrap=True)
        table.add_column("line:col", justify="right", no_wrap=True)
        table.add_column("field", overflow="fold")
        table.add_column("message", overflow="fold", ratio=1)
        for f in findings:
            sev = f.severity.value
            table.add_row(f"[{STYLE[sev]}]{sev}[/]", escape(visible(f.code)), f"{f.line}:{f.column}",
                          escape(visible(f.field or "")), escape(visible(f.message)))
        out.print(table)
    if show_suppressed and result.suppressed:
        table = Table(title="suppressed", title_justify="left", title_style="bold dim", style="dim")
        for column in ("location", "code", "message"):
            table.add_column(column, overflow="fold")
        for f in result.suppressed:
            table.add_row(escape(visible(f"{f.path}:{f.line}:{f.column}")), escape(visible(f.code)),
                          escape(visible(f.message)))
        out.print(table)
    if not quiet:
        text = summary_line(result)
        style = "bold red" if result.findings and any(f.severity.value == "error" for f in result.findings) else (
            "yellow" if result.findings else "green")
        out.print(f"[{style}]{escape(text)}[/]")
