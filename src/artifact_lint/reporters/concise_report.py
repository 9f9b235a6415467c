"""`--format concise`: `path:line:col: CODE [severity] message`, one line a finding.

Paths and messages go through `visible`: no control character from a file reaches the
terminal, and a finding stays on one line.
"""

from __future__ import annotations

from typing import IO, Any

from artifact_lint.engine.lint import Result
from artifact_lint.reporters._safe import visible
from artifact_lint.reporters.summary import summary_line


def write(result: Result, rules: list[Any], stream: IO[str], *, quiet: bool = False,
          show_suppressed: bool = False, **_: Any) -> None:
    for f in result.findings:
        stream.write(f"{visible(f.path)}:{f.line}:{f.column}: {visible(f.code)} [{f.severity.value}] "
                     f"{visible(f.message)}\n")
    for f in result.suppressed if show_suppressed else ():
        stream.write(f"{visible(f.path)}:{f.line}:{f.column}: {visible(f.code)} [suppressed] {visible(f.message)}\n")
    if not quiet:
        stream.write(summary_line(result) + "\n")
