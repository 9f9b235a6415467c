"""`artifact-lint check`: from command-line options to a report and an exit code."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from artifact_lint.config import check_codes, find_root
from artifact_lint.engine import Result, lint
from artifact_lint.errors import ToolError
from artifact_lint.findings import Severity
from artifact_lint.session import load_repository, open_session


@dataclass
class CheckOptions:
    paths: list[str] = field(default_factory=list)
    output_format: str | None = None
    output: Path | None = None
    select: list[str] | None = None
    extend_select: list[str] | None = None
    ignore: list[str] | None = None
    fail_on: str | None = None
    exit_zero: bool = False
    config: Path | None = None
    policy: Path | None = None
    root: Path | None = None
    quiet: bool = False
    color: str = "auto"


def _root(options: CheckOptions, cwd: Path) -> Path:
    if options.root is not None:
        root = options.root if options.root.is_absolute() else cwd / options.root
        if not root.is_dir():
            raise ToolError(f"root `{options.root}` is not a directory")
        return find_root(root.resolve())
    if options.config is not None:
        if not options.config.is_file():
            raise ToolError(f"config file `{options.config}` does not exist")
        return options.config.resolve().parent
    return find_root(cwd.resolve())


def _root_relative(given: str, cwd: Path, root: Path) -> str:
    """A command-line path, relative to the root; exit 2 if missing or outside."""
    full = Path(given) if Path(given).is_absolute() else cwd / given
    if not os.path.lexists(full):
        raise ToolError(f"path `{given}` does not exist")
    try:
        return full.resolve().relative_to(root.resolve()).as_posix() or "."
    except ValueError:
        raise ToolError(f"path `{given}` is outside the repository root `{root}`") from None


def choose_format(explicit: str | None) -> str:
    if explicit:
        return explicit
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "table"


def run_check(options: CheckOptions) -> int:
    cwd = Path.cwd()
    root = _root(options, cwd)
    session = open_session(root, config_file=options.config, policy_file=options.policy)
    known = [rule.code for rule in session.rules]
    overrides: dict[str, object] = {}
    if options.select is not None:
        overrides["select"] = check_codes(options.select, "--select", known)
    if options.extend_select is not None:
        overrides["extend_select"] = session.config.extend_select + check_codes(
            options.extend_select, "--extend-select", known)
    if options.ignore is not None:
        overrides["ignore"] = session.config.ignore + check_codes(options.ignore, "--ignore", known)
    if options.fail_on is not None:
        overrides["fail_on"] = Severity(options.fail_on)
    session.config = session.config.with_overrides(**overrides)
    paths = [_root_relative(p, cwd, root) for p in options.paths] or None
    if paths is None:
        for configured in session.config.paths:
            if not (root / configured).exists():
                raise ToolError(f"{session.config.source or 'default'}: path `{configured}` does not exist"
                                " (pass paths, or set `paths` in [tool.artifact-lint])")
    repo = load_repository(session, paths)
    result = lint(repo, session.rules)
    report(result, options, session.rules)
    if options.exit_zero:
        return 0
    return 1 if result.fails(session.config.fail_on) else 0


def report(result: Result, options: CheckOptions, rules: list) -> None:  # type: ignore[type-arg]
    from artifact_lint.reporters import render

    fmt = choose_format(options.output_format)
    if options.output is not None:
        with options.output.open("w", encoding="utf-8") as handle:
            render(fmt, result, rules, handle, color="never", quiet=options.quiet)
    else:
        import sys

        render(fmt, result, rules, sys.stdout, color=options.color, quiet=options.quiet)
