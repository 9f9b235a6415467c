"""Reporters: one module per output format, each with `write(result, rules, stream, ...)`.

`render` hands each reporter its stream wrapped by `_safe.encodable`, so a character
the stream's encoding cannot hold is escaped the way the format reads it (JSON
`\\uXXXX`, XML character references, backslash escapes in text), never an error;
JSON and XML go out in ASCII on a stream whose encoding is not UTF-8.
"""

from __future__ import annotations

import importlib
from typing import IO, Any

from artifact_lint.engine.lint import Result
from artifact_lint.reporters._safe import JSON_ERRORS, encodable

FORMATS = ("table", "concise", "json", "sarif", "github", "junit", "markdown")
_ERRORS = {"json": JSON_ERRORS, "sarif": JSON_ERRORS, "junit": "xmlcharrefreplace"}


def render(fmt: str, result: Result, rules: list[Any], stream: IO[str], *, color: str = "auto",
           quiet: bool = False, show_suppressed: bool = False) -> None:
    module = importlib.import_module(f"artifact_lint.reporters.{fmt}_report")
    stream = encodable(stream, _ERRORS.get(fmt, "backslashreplace"), ascii_unless_utf8=fmt in _ERRORS)
    module.write(result, rules, stream, color=color, quiet=quiet, show_suppressed=show_suppressed)
