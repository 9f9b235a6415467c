"""Reporters: one module per output format, each with `write(result, rules, stream, ...)`.

A format is a module `reporters/<name>_report.py` and nothing else: `FORMATS` is read
from the file names (no reporter is imported to list them, so the command line's `-f`,
its help and its errors cost nothing at start-up), and the module's docstring opens
with "`--format <name>`: what it is", which `describe` gives the documentation. A
module may set `ENCODING_ERRORS` (see below); `write` takes the keywords `render` passes.

`render` hands each reporter its stream wrapped by `_safe.encodable`, so a character
the stream's encoding cannot hold is escaped the way the format reads it (JSON
`\\uXXXX`, XML character references, backslash escapes in text), never an error;
a format that names its own `ENCODING_ERRORS` handler (JSON, SARIF, JUnit) goes out
in ASCII on a stream whose encoding is not UTF-8.
"""

from __future__ import annotations

import importlib
import os
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from artifact_lint.engine.lint import Result

DEFAULT = "table"  # without `-f` (outside GitHub Actions: `commands.check.choose_format`)
_MODULE_SUFFIX = "_report.py"


def _formats() -> tuple[str, ...]:
    """The format of each `<name>_report.py` here: the default first, then by name."""
    names = {entry[:-len(_MODULE_SUFFIX)] for folder in __path__ for entry in os.listdir(folder)
             if entry.endswith(_MODULE_SUFFIX) and not entry.startswith("_")}
    return tuple(sorted(names, key=lambda name: (name != DEFAULT, name)))


FORMATS = _formats()


def choices() -> str:
    """The formats as a sentence lists them: `table, concise, ... or sarif`."""
    return ", ".join(FORMATS[:-1]) + " or " + FORMATS[-1] if len(FORMATS) > 1 else "".join(FORMATS)


def describe(fmt: str) -> str:
    """What the format is: its module docstring's opening paragraph, on one line."""
    doc = importlib.import_module(f"artifact_lint.reporters.{fmt}_report").__doc__ or ""
    return " ".join(doc.strip().split("\n\n", 1)[0].split())


def reference() -> str:
    """The README's list of formats: each one's `describe`, the default first."""
    return "".join(f"- {describe(fmt)}\n" for fmt in FORMATS)


def render(fmt: str, result: Result, rules: list[Any], stream: IO[str], *, color: str = "auto",
           quiet: bool = False, show_suppressed: bool = False) -> None:
    from artifact_lint.reporters._safe import encodable

    module = importlib.import_module(f"artifact_lint.reporters.{fmt}_report")
    errors = getattr(module, "ENCODING_ERRORS", None)
    stream = encodable(stream, errors or "backslashreplace", ascii_unless_utf8=errors is not None)
    module.write(result, rules, stream, color=color, quiet=quiet, show_suppressed=show_suppressed)
