"""Reporters: one module per output format, each with `write(result, rules, stream, ...)`."""

from __future__ import annotations

import importlib
from typing import IO, Any

from artifact_lint.engine import Result

FORMATS = ("table", "concise", "json", "sarif", "github", "junit", "markdown")


def render(fmt: str, result: Result, rules: list[Any], stream: IO[str], *, color: str = "auto",
           quiet: bool = False, show_suppressed: bool = False) -> None:
    module = importlib.import_module(f"artifact_lint.reporters.{fmt}_report")
    module.write(result, rules, stream, color=color, quiet=quiet, show_suppressed=show_suppressed)
