"""`--format github`: workflow commands that GitHub turns into annotations; the default when
`GITHUB_ACTIONS=true`, and then the `markdown` report also goes to `$GITHUB_STEP_SUMMARY`.

GitHub reads one command a line and decodes `%25`, `%0D`, `%0A` (and, in properties,
`%3A`, `%2C`) back, so line breaks in a file name or message are written that way and
never start a command of their own. Other control characters (an escape sequence the
log viewer would act on) are written as visible escapes first.
"""

from __future__ import annotations

from typing import IO, Any

from artifact_lint.engine.lint import Result
from artifact_lint.reporters._safe import visible

_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return visible(text, line_breaks=True).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def write(result: Result, rules: list[Any], stream: IO[str], **_: Any) -> None:
    for f in result.findings:
        props = (f"file={escape_property(f.path)},line={f.line},col={f.column},"
                 f"title={escape_property(f'artifact-lint {f.code}')}")
        stream.write(f"::{_COMMAND[f.severity.value]} {props}::{escape_data(f.message)}\n")
