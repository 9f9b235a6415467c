"""The `artifact-lint` command line (typer). Heavy imports stay inside commands.

No `from __future__ import annotations` here: typer reads the parameter types at
every start, and real annotations spare it evaluating strings (about 3 ms).
"""

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from artifact_lint import __version__
from artifact_lint.commands import process
from artifact_lint.reporters import choices as format_choices  # the reporter modules' names, none imported

app = typer.Typer(
    name="artifact-lint",
    help="Release-policy linter for public ML artifacts.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # Plain click help, as ruff's: one line an option with its default, readable at 80
    # columns and clickable in any terminal (rich's panels wrap choices mid-word).
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class ListFormat(str, Enum):
    table = "table"
    json = "json"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"


class Color(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


# Options several commands share (typer accepts one OptionInfo as the default of many).
CONFIG_OPTION = typer.Option(None, "--config", metavar="FILE", help="Read settings from FILE.")
POLICY_OPTION = typer.Option(None, "--policy", metavar="FILE",
                             help="Policy file (default: rules/policy.yaml, else built in).")
ROOT_OPTION = typer.Option(None, "--root", metavar="DIR", help="Repository root (default: discovered).")
DEBUG_OPTION = typer.Option(False, "--debug", help="Show tracebacks of internal errors.")
COLOR_OPTION = typer.Option(Color.auto, "--color", help="Colour output (NO_COLOR is honoured).")


def _version(value: bool) -> None:
    if value:
        print(f"artifact-lint {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", "-V", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Release-policy linter for public ML artifacts."""


def _outputs(specs: list[str], output: Optional[Path]) -> list[tuple[str, Optional[Path]]]:
    """The reports `-f FORMAT[=PATH]` (repeated) and `-o FILE` ask for; exit 2 on a bad one."""
    from artifact_lint.commands.check import parse_output
    from artifact_lint.errors import ToolError

    try:
        outputs = [parse_output(spec) for spec in specs]
        to_stdout = [fmt for fmt, path in outputs if path is None]
        if len(to_stdout) > 1:
            raise ToolError(f"--format: {' and '.join(to_stdout)} would both go to standard output;"
                            " give all but one a file (FORMAT=PATH)")
        if output is not None:
            if len(outputs) > 1 or (outputs and outputs[0][1] is not None):
                raise ToolError("--output names the file of a single report; with several, write FORMAT=PATH")
            outputs = [(outputs[0][0] if outputs else "", output)] if outputs else []
    except ToolError as exc:
        print(f"artifact-lint: error: {_one_line(exc)}", file=sys.stderr)
        raise typer.Exit(2) from None
    return outputs


def _codes(value: Optional[str]) -> Optional[list[str]]:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def _patterns(values: Optional[list[str]]) -> Optional[list[str]]:
    """Repeated or comma-separated patterns; `--exclude ""` gives an empty list."""
    if not values:
        return None
    return [p.strip() for value in values for p in value.split(",") if p.strip()]


@app.command()
def check(
    paths: list[str] = typer.Argument(
        None, metavar="PATH", help="Files or folders (default: the configured paths, else artifacts/)."),
    output_format: Optional[list[str]] = typer.Option(
        None, "--output-format", "--format", "-f", metavar="FORMAT[=PATH]",
        help=f"Report format: {format_choices()} [default: table;"
             " github under GitHub Actions]. Repeat for several reports from one run, each FORMAT=PATH"
             " to a file; at most one goes to standard output."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE", help="Write the report to FILE."),
    select: Optional[str] = typer.Option(None, metavar="CODES", help="Only these codes or prefixes (comma-separated)."),
    extend_select: Optional[str] = typer.Option(None, metavar="CODES",
                                                help="Add these codes or prefixes to the selection."),
    ignore: Optional[str] = typer.Option(None, metavar="CODES", help="Skip these codes or prefixes."),
    fail_on: Optional[FailOn] = typer.Option(None, help="Lowest severity that fails the run [default: error]."),
    exit_zero: bool = typer.Option(False, "--exit-zero", help="Exit 0 even when findings remain."),
    config: Optional[Path] = CONFIG_OPTION,
    policy: Optional[Path] = POLICY_OPTION,
    root: Optional[Path] = ROOT_OPTION,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print findings only, no summary."),
    color: Color = typer.Option(Color.auto, "--color", help="Colour output."),
    baseline: Optional[Path] = typer.Option(None, "--baseline", metavar="FILE",
                                            help="Report only findings not in this baseline."),
    write_baseline: Optional[Path] = typer.Option(None, "--write-baseline", metavar="FILE",
                                                  help="Record the findings as a baseline."),
    new_from_rev: Optional[str] = typer.Option(None, "--new-from-rev", metavar="REV",
                                               help="Report only findings not present at this git revision."),
    statistics: bool = typer.Option(False, "--statistics", help="Count findings per rule instead of listing them."),
    show_suppressed: bool = typer.Option(False, "--show-suppressed", help="List suppressed findings too."),
    stdin_filename: Optional[str] = typer.Option(None, "--stdin-filename", metavar="NAME",
                                                 help="With `-` as the path: the file the standard input stands for."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, metavar="N",
                                       help="Worker processes [default: one per core from 200 files, else 1]."),
    fix: bool = typer.Option(False, "--fix", help="Apply the safe fixes, then report what remains."),
    diff: bool = typer.Option(False, "--diff", help="Print the safe fixes as a unified diff; write nothing."),
    unsafe_fixes: bool = typer.Option(False, "--unsafe-fixes",
                                      help="With --fix or --diff: the fixes rules mark unsafe too."),
    show_fixes: bool = typer.Option(False, "--show-fixes", help="With --fix: list each fix applied."),
    no_cache: bool = typer.Option(False, "--no-cache",
                                  help="Parse the registry document and Markdown copy afresh;"
                                       " read and write no cache entry."),
    exclude: Optional[list[str]] = typer.Option(None, "--exclude", metavar="PATTERNS",
                                                help="Gitignore-style patterns to skip,"
                                                " replacing the configured `exclude` (comma-separated)."),
    extend_exclude: Optional[list[str]] = typer.Option(None, "--extend-exclude", metavar="PATTERNS",
                                                       help="More patterns to skip (comma-separated)."),
    respect_gitignore: Optional[bool] = typer.Option(None, "--respect-gitignore/--no-respect-gitignore",
                                                     help="Skip what .gitignore files ignore (on by default)."),
    force_exclude: Optional[bool] = typer.Option(None, "--force-exclude/--no-force-exclude",
                                                 help="Skip excluded files even when named on the command line."),
    show_files: bool = typer.Option(False, "--show-files", help="List the files check would lint, and exit."),
    show_settings: bool = typer.Option(False, "--show-settings",
                                       help="Print the settings in force and where each came from, and exit."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="With --show-files: also why each other file"
                                                                " is skipped."),
    debug: bool = DEBUG_OPTION,
) -> None:
    """Lint artifact metadata, specialist packages and the registry document."""
    from artifact_lint.commands.check import CheckOptions

    outputs = _outputs(output_format or [], output)
    options = CheckOptions(
        paths=list(paths or []), output_format=outputs[0][0] if outputs else None,
        output=outputs[0][1] if outputs else output, outputs=outputs,
        select=_codes(select), extend_select=_codes(extend_select), ignore=_codes(ignore),
        fail_on=fail_on.value if fail_on else None, exit_zero=exit_zero, config=config, policy=policy,
        root=root, quiet=quiet, color=color.value, baseline=baseline, write_baseline=write_baseline,
        new_from_rev=new_from_rev, statistics=statistics, show_suppressed=show_suppressed,
        stdin_filename=stdin_filename, fix=fix, diff=diff, unsafe_fixes=unsafe_fixes, show_fixes=show_fixes,
        jobs=jobs, cache=not no_cache,
        exclude=_patterns(exclude), extend_exclude=_patterns(extend_exclude), respect_gitignore=respect_gitignore,
        force_exclude=force_exclude, show_files=show_files, show_settings=show_settings, verbose=verbose,
    )
    raise typer.Exit(_guard(lambda: _checked_run(options), debug))


def _checked_run(options):  # type: ignore[no-untyped-def]
    """`run_check`, once what typer cannot check is sound: `--new-from-rev ""` is an
    error, never a run without it."""
    from artifact_lint.commands.check import run_check

    if options.new_from_rev is not None:
        from artifact_lint.engine.revision import check_revision_argument

        check_revision_argument(options.new_from_rev)
    return run_check(options)


@app.command()
def rules(
    output_format: ListFormat = typer.Option(ListFormat.table, "--format", "-f", help="Output format."),
    verify: bool = typer.Option(False, "--verify", help="Run each rule file rule on its own examples;"
                                                        " exit 1 naming the rules they disagree with."),
    config: Optional[Path] = CONFIG_OPTION,
    root: Optional[Path] = ROOT_OPTION,
    color: Color = COLOR_OPTION,
    debug: bool = DEBUG_OPTION,
) -> None:
    """List every rule (built in, from rule files and from plugins): code, name, default
    severity and summary."""

    def action() -> int:
        if verify:
            from artifact_lint.commands.check import CheckOptions, resolve_root
            from artifact_lint.custom.loading import print_verification
            from artifact_lint.engine.session import open_session

            return print_verification(open_session(resolve_root(CheckOptions(config=config, root=root),
                                                                Path.cwd()), config_file=config))
        from artifact_lint.custom.loading import rules_in_force
        from artifact_lint.reporters.catalogue import print_rules

        return print_rules(output_format.value, rules_in_force(root, config), color.value)

    raise typer.Exit(_guard(action, debug))


@app.command()
def explain(
    code: str = typer.Argument(..., help="A rule code such as AL101, or its name."),
    config: Optional[Path] = CONFIG_OPTION,
    root: Optional[Path] = ROOT_OPTION,
    color: Color = COLOR_OPTION,
) -> None:
    """Show a rule's documentation with its failing and passing example."""

    def action() -> int:
        from artifact_lint.custom.loading import rules_in_force
        from artifact_lint.reporters.catalogue import explain_rule

        return explain_rule(code, rules_in_force(root, config), color.value)

    raise typer.Exit(_guard(action, False))


@app.command("import")
def import_(
    document: Path = typer.Argument(..., help="The Markdown registry document."),
    out: Path = typer.Option(Path("artifacts"), "--output", "-o", "--out", metavar="DIR",
                             help="Folder for the artifact files (--out: the old spelling)."),
    force: bool = typer.Option(False, "--force", help="Overwrite files whose content differs."),
    root: Optional[Path] = ROOT_OPTION,
    debug: bool = DEBUG_OPTION,
) -> None:
    """Write one artifact file per entry of a Markdown registry document."""
    from artifact_lint.commands.importer import run_import

    raise typer.Exit(_guard(lambda: run_import(document, out, root, force), debug))


class PolicyFormat(str, Enum):
    yaml = "yaml"
    json = "json"


@app.command()
def policy(
    output_format: PolicyFormat = typer.Option(PolicyFormat.yaml, "--format", "-f", help="Output format."),
    config: Optional[Path] = CONFIG_OPTION,
    policy_file: Optional[Path] = POLICY_OPTION,
    root: Optional[Path] = ROOT_OPTION,
    debug: bool = DEBUG_OPTION,
) -> None:
    """Print the policy in force (policy file or built-in default, extended by the registry
    document's tables), each state and label with where it came from."""
    from artifact_lint.commands.check import CheckOptions, resolve_root
    from artifact_lint.commands.policy import run_policy

    def action() -> int:
        where = resolve_root(CheckOptions(config=config, root=root), Path.cwd())
        return run_policy(where, config, policy_file, output_format.value)

    raise typer.Exit(_guard(action, debug))


@app.command()
def schema(
    config: Optional[Path] = CONFIG_OPTION,
    policy_file: Optional[Path] = POLICY_OPTION,
    root: Optional[Path] = ROOT_OPTION,
    rule_files: bool = typer.Option(False, "--rules", help="The schema of a rule file (rules/*.yaml) instead."),
    debug: bool = DEBUG_OPTION,
) -> None:
    """Print the JSON Schema of an artifact file (for editors): `state` and competition
    `label` are enums of the policy in force. With --rules: the schema of a rule file."""
    if rule_files:
        from artifact_lint.model.schema import print_rules_schema

        raise typer.Exit(_guard(print_rules_schema, debug))
    from artifact_lint.commands.check import CheckOptions, resolve_root
    from artifact_lint.commands.policy import policy_in_force
    from artifact_lint.engine.session import open_session
    from artifact_lint.model.schema import print_artifact_schema

    def action() -> int:
        where = resolve_root(CheckOptions(config=config, root=root), Path.cwd())
        session = open_session(where, config_file=config, policy_file=policy_file)
        return print_artifact_schema(policy_in_force(session))

    raise typer.Exit(_guard(action, debug))


class Shell(str, Enum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"


@app.command()
def completion(shell: Shell = typer.Argument(..., help="The shell: bash, zsh or fish.")) -> None:
    """Print the shell completion script, e.g. `eval "$(artifact-lint completion bash)"`
    in ~/.bashrc, or `artifact-lint completion fish > ~/.config/fish/completions/artifact-lint.fish`."""
    from typer.completion import get_completion_script

    script = get_completion_script(prog_name="artifact-lint", complete_var="_ARTIFACT_LINT_COMPLETE",
                                   shell=shell.value)
    sys.stdout.write(script if script.endswith("\n") else script + "\n")


def _one_line(error: BaseException) -> str:
    """An error message as one line of visible text: it may quote a key, a code or a path
    from a file, line breaks and control characters included."""
    from artifact_lint.reporters._safe import visible

    return visible(str(error))


def _guard(action, debug: bool) -> int:  # type: ignore[no-untyped-def]
    """Run a command; tool errors and crashes become one line on stderr and exit 2."""
    from artifact_lint.errors import ToolError

    process.command_started()
    try:
        return int(action() or 0)
    except ToolError as exc:
        if debug:
            import traceback

            traceback.print_exc()
        print(f"artifact-lint: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("artifact-lint: interrupted", file=sys.stderr)
        return 2
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 2
    except Exception as exc:  # noqa: BLE001 - never show a traceback unless asked
        if debug:
            import traceback

            traceback.print_exc()
        print(f"artifact-lint: internal error: {type(exc).__name__}: {_one_line(exc)}"
              " (rerun with --debug for the trace)", file=sys.stderr)
        return 2


def main() -> None:
    """Console entry point (click already exits 2 on usage errors)."""
    process.start(fast_exit=True)
    if "_ARTIFACT_LINT_COMPLETE" in os.environ:  # a shell asking for completions (`completion`)
        from typer.completion import completion_init

        completion_init()
    try:
        app()
    except SystemExit as exc:
        if isinstance(exc.code, int) or exc.code is None:
            process.exit_now(exc.code or 0)
        raise
    process.exit_now(0)


class ExportFormat(str, Enum):
    json = "json"


SITE_BASELINE_OPTION = typer.Option(
    None, "--baseline", help="Findings recorded in this baseline file are known issues shown on the page,"
                             " not reasons to withhold it.")


@app.command()
def site(
    out: Path = typer.Option(..., "--output", "-o", "--out", metavar="DIR",
                             help="Folder to write the site to: index.html, artifacts/<id>/index.html"
                                  " (--out: the old spelling)."),
    fail_on: Optional[FailOn] = typer.Option(None, help="Lowest severity that withholds a page (default: error)."),
    baseline: Optional[Path] = SITE_BASELINE_OPTION,
    config: Optional[Path] = CONFIG_OPTION,
    policy: Optional[Path] = POLICY_OPTION,
    root: Optional[Path] = ROOT_OPTION,
    debug: bool = DEBUG_OPTION,
) -> None:
    """Render the public artifacts site; an artifact with findings at or above --fail-on gets no page (exit 1)."""
    from artifact_lint.commands.site import SiteOptions, run_site

    options = SiteOptions(out=out, fail_on=fail_on.value if fail_on else None, config=config, policy=policy,
                          root=root, baseline=baseline)
    raise typer.Exit(_guard(lambda: run_site(options), debug))


@app.command()
def export(
    output_format: ExportFormat = typer.Option(ExportFormat.json, "--format", "-f", help="Output format."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the index to FILE."),
    fail_on: Optional[FailOn] = typer.Option(None, help="Lowest severity that makes an artifact unpublishable"
                                                        " (default: error)."),
    baseline: Optional[Path] = SITE_BASELINE_OPTION,
    config: Optional[Path] = CONFIG_OPTION,
    policy: Optional[Path] = POLICY_OPTION,
    root: Optional[Path] = ROOT_OPTION,
    debug: bool = DEBUG_OPTION,
) -> None:
    """Print the machine-readable index the site is built from (exit 1 when an artifact is not publishable)."""
    from artifact_lint.commands.site import SiteOptions, run_export

    options = SiteOptions(output=output, fail_on=fail_on.value if fail_on else None, config=config,
                          policy=policy, root=root, baseline=baseline)
    raise typer.Exit(_guard(lambda: run_export(options), debug))


@app.command()
def server() -> None:
    """Run the language server (LSP over standard input and output) for editors: the
    diagnostics of `check` as files are edited, quick fixes and rule documentation on hover."""
    from artifact_lint.server import run

    raise typer.Exit(_guard(run, False))
