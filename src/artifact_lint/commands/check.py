"""`artifact-lint check`: from command-line options to a report and an exit code."""

from __future__ import annotations

import io
import os
import sys
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from artifact_lint.commands.process import finish, holding_files
from artifact_lint.engine.lint import Result
from artifact_lint.engine.rule_set import Rule
from artifact_lint.engine.session import Session, lint_repository, open_session
from artifact_lint.errors import ToolError
from artifact_lint.model.config import check_codes, check_file_path, find_root
from artifact_lint.model.findings import Finding, Severity, content_key
from artifact_lint.model.repository import Repository

if TYPE_CHECKING:
    from artifact_lint.sources.containment import Target


@dataclass
class CheckOptions:
    paths: list[str] = field(default_factory=list)
    output_format: str | None = None
    output: Path | None = None
    # More reports from the same run: (format, file), a file None meaning standard output
    # (`-f FORMAT[=PATH]`, repeated); `output_format`/`output` are the first one's.
    outputs: list[tuple[str, Path | None]] = field(default_factory=list)
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
    baseline: Path | None = None
    write_baseline: Path | None = None
    new_from_rev: str | None = None
    statistics: bool = False
    show_suppressed: bool = False
    stdin_filename: str | None = None
    fix: bool = False
    diff: bool = False
    unsafe_fixes: bool = False  # apply (or show with --diff) the fixes rules mark unsafe too
    show_fixes: bool = False  # list each fix applied
    jobs: int | None = None  # None: automatic
    cache: bool = True  # keep read registry documents (registry_cache)
    exclude: list[str] | None = None  # replaces `exclude`
    extend_exclude: list[str] | None = None
    respect_gitignore: bool | None = None
    force_exclude: bool | None = None
    show_files: bool = False  # list the files `check` would lint, and exit
    show_settings: bool = False  # print the resolved settings, and exit
    verbose: bool = False  # with show_files: also each skipped candidate and why


def resolve_root(options: CheckOptions, cwd: Path) -> Path:
    """`--root`, else the folder of `--config`, else discovered from `cwd`. A `--config`
    must be a regular file inside the root (links followed); it is checked, never opened, here."""
    if options.root is not None:
        root = options.root if options.root.is_absolute() else cwd / options.root
        if not root.is_dir():
            raise ToolError(f"root `{options.root}` is not a directory")
        root = find_root(root.resolve())
    elif options.config is not None:
        config = options.config if options.config.is_absolute() else cwd / options.config
        # The folder holding the name given, not the target of a link: a config that
        # is a link leaving that folder is refused below, not followed to a new root.
        root = Path(os.path.abspath(config)).parent.resolve()
    else:
        return find_root(cwd.resolve())
    if options.config is not None:
        check_file_path(options.config if options.config.is_absolute() else cwd / options.config, root,
                        "config file", str(options.config))
    return root


def _root_relative(given: str, cwd: Path, root: Path, *, must_exist: bool = True) -> str:
    """A command-line path, relative to the root; exit 2 if missing or outside."""
    full = Path(given) if Path(given).is_absolute() else cwd / given
    if must_exist and not os.path.lexists(full):
        raise ToolError(f"path `{given}` does not exist")
    try:
        resolved = full.resolve() if must_exist else full.parent.resolve() / full.name
        return resolved.relative_to(root.resolve()).as_posix() or "."
    except ValueError:
        raise ToolError(f"path `{given}` is outside the repository root `{root}`") from None


def choose_format(explicit: str | None) -> str:
    if explicit:
        return explicit
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "table"


def apply_command_line(session: Session, options: CheckOptions) -> None:
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
    if options.exclude is not None:
        overrides["exclude"] = tuple(options.exclude)
    if options.extend_exclude is not None:
        overrides["extend_exclude"] = session.config.extend_exclude + tuple(options.extend_exclude)
    overrides["respect_gitignore"] = options.respect_gitignore
    overrides["force_exclude"] = options.force_exclude
    session.config = session.config.with_overrides(**overrides)


def check_targets(options: CheckOptions, session: Session,
                  cwd: Path) -> tuple[list[str] | None, tuple[str, bytes] | None]:
    """The root-relative paths to check, or the stdin input (name, bytes)."""
    root = session.root
    if options.paths == ["-"]:
        if not options.stdin_filename:
            raise ToolError("reading from `-` needs --stdin-filename NAME (the file the input stands for)")
        return None, (_root_relative(options.stdin_filename, cwd, root, must_exist=False), sys.stdin.buffer.read())
    if "-" in options.paths:
        raise ToolError("`-` (standard input) cannot be combined with other paths")
    paths = [_root_relative(p, cwd, root) for p in options.paths] or None
    config = session.config
    # Without paths, a missing artifacts folder is fine when the registry document
    # exists: the document is then the registry (document mode).
    if paths is None and not os.path.lexists(root / config.registry_doc):
        for configured in config.paths:
            if not any(c in configured for c in "*?[") and not os.path.lexists(root / configured):
                raise ToolError(f"{config.source or 'default'}: path `{configured}` does not exist"
                                " (pass paths, or set `paths` in [tool.artifact-lint])")
    return paths, None


def _checked_path(path: Path, cwd: Path, root: Path, what: str) -> str:
    """A path to read (the baseline) as shown in messages, once it is known to be a regular
    file inside the root (links followed). Paths to write are checked by `_write_target`."""
    full = path if path.is_absolute() else cwd / path
    shown = _shown_path(path, cwd, root)
    check_file_path(full, root, what, shown)
    return shown


def _known_at_revision(options: CheckOptions, session: Session, paths: list[str] | None) -> Counter[str]:
    from artifact_lint.engine.revision import checkout_tree, temporary_tree

    assert options.new_from_rev is not None
    with temporary_tree() as folder:
        old_root = checkout_tree(session.root, options.new_from_rev, Path(folder))
        existing = [p for p in paths if os.path.lexists(old_root / p)] if paths is not None else None
        if existing is not None and not existing:
            return Counter()
        # Configured paths missing at that revision add nothing (see `discovery.plan`).
        result, _ = lint_repository(replace(session, root=old_root), existing, jobs=options.jobs)
        return Counter(content_key(f) for f in result.findings)


def _lint(options: CheckOptions, session: Session, cwd: Path,
          known: dict[str, Counter[str]] | None = None) -> tuple[Result, Repository]:
    """Lint as `options` say. `known`: where the findings at `--new-from-rev` are kept
    between the lints of one run (before and after `--fix`), so that revision is linted once."""
    paths, stdin = check_targets(options, session, cwd)
    if stdin is not None and session.config.force_exclude:
        from artifact_lint.sources.discovery import Finder

        if Finder(session.root, session.config).excluded(stdin[0], False):
            # an editor's buffer of an excluded file, with --force-exclude: nothing to lint
            return Result(), Repository(session.root, session.config, session.policy)
    baseline = None
    if options.baseline is not None:
        from artifact_lint.engine.baseline import read_baseline

        shown = _checked_path(options.baseline, cwd, session.root, "baseline")
        baseline = read_baseline(options.baseline, shown)
    if options.cache:
        from artifact_lint.sources.registry.cache import cache_folder

        cache = cache_folder()
    else:
        cache = None
    result, repo = lint_repository(session, paths, stdin=stdin, jobs=options.jobs, baseline=baseline,
                                   registry_cache=cache)
    if stdin is not None:  # an editor asks about its buffer: findings about other files are not its
        result.findings = [f for f in result.findings if f.path == stdin[0]]
    if options.new_from_rev:
        from artifact_lint.engine.revision import drop_known

        known = {} if known is None else known
        if options.new_from_rev not in known:
            known[options.new_from_rev] = _known_at_revision(options, session, paths)
        result.findings = drop_known(result.findings, known[options.new_from_rev])
    return result, repo


def _shown_path(path: Path, cwd: Path, root: Path) -> str:
    full = path if path.is_absolute() else cwd / path
    try:
        return full.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _show(options: CheckOptions, session: Session, cwd: Path) -> None:
    """`--show-settings` and `--show-files`: what a check would use, without linting."""
    lines = []
    if options.show_settings:
        from artifact_lint.model.config import describe_settings
        from artifact_lint.model.policy import DEFAULT_POLICY_PATH

        config = session.config
        if options.policy is not None:
            policy = (_shown_path(options.policy, cwd, session.root), "--policy")
        elif config.policy:
            policy = (config.policy, config.origin("policy"))
        elif os.path.lexists(session.root / DEFAULT_POLICY_PATH):
            policy = (DEFAULT_POLICY_PATH, "default")
        else:
            policy = ("(built in)", "default: no rules/policy.yaml")
        lines += describe_settings(config, session.root, policy)
    if options.show_files:
        from artifact_lint.sources.discovery import describe_files

        paths, stdin = check_targets(options, session, cwd)
        lines += describe_files(session.root, session.config, paths, stdin[0] if stdin else None,
                                verbose=options.verbose)
    sys.stdout.write("".join(line + "\n" for line in lines))


def run_check(options: CheckOptions) -> int:
    """The exit code of a check. Under the console entry point the process ends as soon
    as the report is out, while the loaded files are still held (`process.finish`)."""
    with holding_files():
        code, _loaded = _run_check(options)
        finish(code)
        return code


def _unsafe_hint(findings: list[Finding]) -> str:
    from artifact_lint.commands.fixer import unsafe_count

    count = unsafe_count(findings)
    return f"; {count} more with --unsafe-fixes" if count else ""


def _where(files: list[Any]) -> str:
    """`: a.yaml (AL101 x2), b.yaml (AL201)`: what was fixed where."""
    if not files:
        return ""
    parts = []
    for file in files:
        codes = Counter(finding.code for finding in file.fixed)
        parts.append(f"{file.path} ({', '.join(f'{c} x{n}' if n > 1 else c for c, n in sorted(codes.items()))})")
    return ": " + ", ".join(parts)


def _fix_said(finding: Finding) -> str:
    fix = finding.fix
    said = f"`{finding.value}` -> `{fix.replacement}`" if fix is not None else ""
    return said + (" (unsafe)" if fix is not None and not fix.safe else "")


def lint_only(options: CheckOptions, cwd: Path) -> tuple[Result, Session]:
    """The findings of a check, nothing written: what the Python API (`artifact_lint.check`)
    returns, through the same steps as the command."""
    session = open_session(resolve_root(options, cwd), config_file=options.config, policy_file=options.policy)
    apply_command_line(session, options)
    return _lint(options, session, cwd)[0], session


def _run_check(options: CheckOptions) -> tuple[int, Repository]:
    """The exit code, and the repository the findings came from."""
    cwd = Path.cwd()
    session = open_session(resolve_root(options, cwd), config_file=options.config, policy_file=options.policy)
    apply_command_line(session, options)
    if options.show_settings or options.show_files:
        _show(options, session, cwd)
        return 0, Repository(session.root, session.config, session.policy)
    # Where the run will write is checked before anything is linted (and again when written).
    if options.write_baseline is not None:
        _write_target(options.write_baseline, cwd, session.root, "baseline")
    if not (options.diff or options.write_baseline is not None):
        for _, path in planned_outputs(options):
            if path is not None and not _is_job_summary(path):
                _write_target(path, cwd, session.root, "output file")
    known: dict[str, Counter[str]] = {}
    result, repo = _lint(options, session, cwd, known)
    unfixed = False
    if options.diff or options.fix:
        if options.paths == ["-"]:
            raise ToolError("--fix and --diff work on files, not on standard input")
        from artifact_lint.commands.fixer import apply_fixes, plan_fixes

        config = session.config
        plan = plan_fixes(session.root, result.findings, config.limits, unsafe=options.unsafe_fixes)
        for item in plan.unfixed:
            print(f"artifact-lint: {item.message()}", file=sys.stderr)
        unfixed = bool(plan.unfixed)
        not_applied = f"; {len(plan.unfixed)} fix(es) cannot be applied (see above)" if unfixed else ""
        hidden = "" if options.unsafe_fixes else _unsafe_hint(result.findings)
        if options.diff:
            for file in plan.files:
                sys.stdout.write(file.diff())
            print(f"artifact-lint: {plan.count} fix(es) would change {len(plan.files)} file(s){not_applied}{hidden}",
                  file=sys.stderr)
            return (1 if plan.files or unfixed else 0), repo
        apply_fixes(session.root, plan)
        if plan.files or unfixed or hidden:
            print(f"artifact-lint: fixed {plan.count} finding(s) in {len(plan.files)} file(s)"
                  f"{_where(plan.files)}{not_applied}{hidden}", file=sys.stderr)
        if options.show_fixes:
            for file in plan.files:
                for finding in file.fixed:
                    print(f"{finding.path}:{finding.line}:{finding.column}: {finding.code} fixed: "
                          f"{_fix_said(finding)}", file=sys.stderr)
        if plan.files:
            result, repo = _lint(options, session, cwd, known)
    if options.write_baseline is not None:
        from artifact_lint.engine.baseline import render_baseline

        text, count = render_baseline(result.findings)
        _write(options.write_baseline, text, cwd, session.root, "baseline")
        print(f"artifact-lint: wrote {count} finding(s) to the baseline {options.write_baseline}", file=sys.stderr)
        return (1 if unfixed else 0), repo
    report(result, options, session.rules, root=session.root, cwd=cwd)
    if options.exit_zero:
        return 0, repo
    return (1 if unfixed or result.fails(session.config.fail_on) else 0), repo


def _write_target(path: Path, cwd: Path, root: Path, what: str) -> Target:
    """Where writing `path` (a command-line path, relative to `cwd`) would write: inside the
    root, links resolved, a regular file or nothing yet; else a `ToolError`."""
    from artifact_lint.sources.containment import check

    return check(path if path.is_absolute() else cwd / path, root, what, _shown_path(path, cwd, root))


def _write(path: Path, text: str, cwd: Path, root: Path, what: str) -> None:
    from artifact_lint.sources.containment import write_text

    write_text(path if path.is_absolute() else cwd / path, text, root, what, _shown_path(path, cwd, root))


def planned_outputs(options: CheckOptions) -> list[tuple[str, Path | None]]:
    """Every report the run writes: (format, file or None for standard output)."""
    if options.outputs:
        return list(options.outputs)
    return [(choose_format(options.output_format), options.output)]


def _is_job_summary(path: Path) -> bool:
    """`path` is GitHub's job summary file (`$GITHUB_STEP_SUMMARY`), which lives outside the root."""
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    return bool(summary) and str(path) == summary


def parse_output(spec: str) -> tuple[str, Path | None]:
    """`FORMAT` or `FORMAT=PATH`, as `-f` takes it; a bad format is a `ToolError`."""
    from artifact_lint.reporters import FORMATS

    name, _, path = spec.partition("=")
    name = name.strip()
    if name not in FORMATS:
        raise ToolError(f"--format: `{name}` is not a format; use one of {', '.join(FORMATS)}"
                        " (FORMAT or FORMAT=PATH)")
    if "=" in spec and not path.strip():
        raise ToolError(f"--format {spec}: the file after `=` is empty")
    return name, Path(path) if path.strip() else None


def report(result: Result, options: CheckOptions, rules: list[Rule], *, root: Path | None = None,
           cwd: Path | None = None) -> None:
    """Write each report (`planned_outputs`) to standard output or to its file inside the
    root (through `containment`: replaced whole, or not at all); with a `github` report,
    also append the markdown report to `$GITHUB_STEP_SUMMARY` unless a report already
    goes there."""
    from artifact_lint.reporters import render

    outputs = planned_outputs(options)
    cwd = cwd or Path.cwd()

    def write(fmt: str, stream: IO[str], color: str) -> None:
        if options.statistics:
            from artifact_lint.reporters.statistics import write_statistics

            write_statistics(result, stream, fmt)
        else:
            render(fmt, result, rules, stream, color=color, quiet=options.quiet,
                   show_suppressed=options.show_suppressed)

    for fmt, path in outputs:
        if path is not None and _is_job_summary(path):  # the job summary is appended to, where it is
            from artifact_lint.sources.containment import append_text

            text = io.StringIO()
            write(fmt, text, "never")
            append_text(path, text.getvalue(), "job summary ($GITHUB_STEP_SUMMARY)", str(path))
        elif path is not None:
            from artifact_lint.sources.containment import replacing

            with replacing(_write_target(path, cwd, root or cwd, "output file")) as stream:
                write(fmt, stream, "never")
        else:
            write(fmt, sys.stdout, options.color)
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    written = {str(path) for _, path in outputs if path is not None}
    if summary_path and any(fmt == "github" for fmt, _ in outputs) and summary_path not in written:
        from artifact_lint.sources.containment import append_text

        summary = io.StringIO()
        render("markdown", result, rules, summary)
        append_text(Path(summary_path), summary.getvalue(), "job summary ($GITHUB_STEP_SUMMARY)", summary_path)
