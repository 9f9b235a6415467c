"""The summary line shared by text reports."""

from __future__ import annotations

from artifact_lint.engine.lint import Result
from artifact_lint.model.findings import Severity


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def summary_line(result: Result) -> str:
    return (f"{_plural(result.count(Severity.ERROR), 'error')}, "
            f"{_plural(result.count(Severity.WARNING), 'warning')}, "
            f"{_plural(result.count(Severity.INFO), 'info')} in {_plural(result.files, 'file')} "
            f"({len(result.suppressed)} suppressed)")
