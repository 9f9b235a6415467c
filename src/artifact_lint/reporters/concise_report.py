"""`--format concise`: `path:line:col: CODE [severity] message`, one line a finding."""

from __future__ import annotations

from typing import IO, Any

from artifact_lint.engine import Result, one_line
from artifact_lint.reporters.summary import summary_line


def write(result: Result, rules: list[Any], stream: IO[str], *, quiet: bool = False,
          show_suppressed: bool = False, **_: Any) -> None:
    for f in result.findings:
        stream.write(f"{one_line(f.path)}:{f.line}:{f.column}: {f.code} [{f.severity.value}] {f.message}\n")
    for f in result.suppressed if show_suppressed else ():
        stream.write(f"{one_line(f.path)}:{f.line}:{f.column}: {f.code} [suppressed] {f.message}\n")
    if not quiet:
        stream.write(summary_line(result) + "\n")
