"""`--format json`: one object valid against findings.schema.json: `version`, `tool`, `summary`,
`findings` sorted by path, line, column and code."""

from __future__ import annotations

from typing import IO, Any

from artifact_lint import __version__
from artifact_lint.engine.lint import Result
from artifact_lint.model.findings import Severity
from artifact_lint.reporters._safe import JSON_ERRORS, json_text

ENCODING_ERRORS = JSON_ERRORS  # `\uXXXX`; ASCII on a stream that is not UTF-8


def as_dict(result: Result) -> dict[str, Any]:
    return {
        "version": 1,
        "tool": {"name": "artifact-lint", "version": __version__},
        "summary": {
            "files": result.files,
            "errors": result.count(Severity.ERROR),
            "warnings": result.count(Severity.WARNING),
            "infos": result.count(Severity.INFO),
            "suppressed": len(result.suppressed),
        },
        "findings": [finding.to_dict() for finding in result.findings],
    }


def write(result: Result, rules: list[Any], stream: IO[str], *, show_suppressed: bool = False,
          **_: Any) -> None:
    report = as_dict(result)
    if show_suppressed:
        report["suppressed_findings"] = [finding.to_dict() for finding in result.suppressed]
    stream.write(json_text(report, indent=2, allow_nan=False) + "\n")
