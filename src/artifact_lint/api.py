"""The Python API: `artifact_lint.check(...)`, the same pipeline as `artifact-lint check`.

    import artifact_lint

    result = artifact_lint.check(root="path/to/repo")
    for finding in result.findings:
        print(finding.path, finding.line, finding.code, finding.message)
    raise SystemExit(result.exit_code)

`check` finds the root and its configuration as the command line does, lints the
configured paths (or `paths`), applies selection, suppressions and the baseline, and
returns the findings with the exit code the command would give. A configuration or
policy that cannot be used raises `artifact_lint.ToolError` (the command's exit 2).
The names exported by `artifact_lint` (`check`, `Result`, `Finding`, `Severity`,
`ToolError`) are stable across minor versions.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from artifact_lint.model.findings import Finding, Severity


@dataclass(frozen=True)
class Result:
    """What one check found."""

    findings: list[Finding]  # reported, sorted by path, line, column, code
    suppressed: list[Finding]  # suppressed inline, by per-file ignores or by the baseline
    files: int  # files checked
    exit_code: int  # what `artifact-lint check` would exit with: 0 or 1

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


def check(root: str | os.PathLike[str] = ".", paths: Sequence[str] | None = None, *,
          config: str | os.PathLike[str] | None = None, policy: str | os.PathLike[str] | None = None,
          select: Iterable[str] | None = None, ignore: Iterable[str] | None = None,
          fail_on: str | None = None, baseline: str | os.PathLike[str] | None = None) -> Result:
    """Lint the repository at `root` (its configured paths, or `paths` relative to it)."""
    from artifact_lint.commands.check import CheckOptions, lint_only

    where = Path(root).resolve()  # once: the options' other paths are relative to it
    options = CheckOptions(
        paths=list(paths or []), root=where, config=_path(config), policy=_path(policy),
        select=list(select) if select is not None else None, ignore=list(ignore) if ignore is not None else None,
        fail_on=fail_on, baseline=_path(baseline), jobs=1)
    result, session = lint_only(options, where)
    failed = result.fails(session.config.fail_on)
    return Result(list(result.findings), list(result.suppressed), result.files, 1 if failed else 0)


def _path(value: str | os.PathLike[str] | None) -> Path | None:
    return Path(value) if value is not None else None


__all__ = ["Finding", "Result", "Severity", "check"]
