"""The real command line, in-process with typer's CliRunner (and a few subprocess runs)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import pytest
import yaml
from conftest import BASE, SHARED, build_fixture_repo
from typer.testing import CliRunner

from artifact_lint import __version__
from artifact_lint.commands.cli import app

ENV = {"NO_COLOR": "1", "COLUMNS": "200", "GITHUB_ACTIONS": None, "FORCE_COLOR": None}
GEMMA = "artifacts/gemma-2b-invoice-fields.yaml"
MISTRAL = "artifacts/mistral-7b-ticket-triage.yaml"
TERMINAL = "artifacts/terminal-replay.yaml"
SUMMARY = re.compile(r"^(\d+) errors?, (\d+) warnings?, (\d+) infos? in (\d+) files? \((\d+) suppressed\)$", re.M)
CONCISE = re.compile(r"^(?P<path>[^\s:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>AL\d{3}) "
                     r"\[(?P<severity>error|warning|info)\] (?P<message>\S.*)$")


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.stdout)

    @property
    def findings(self) -> list[dict[str, Any]]:
        return self.json["findings"]

    def codes(self) -> set[str]:
        return {f["code"] for f in self.findings}


def cli(root: Path, *args: str, env: dict[str, str | None] | None = None,
        monkeypatch: pytest.MonkeyPatch | None = None) -> Run:
    """Run `artifact-lint ARGS` with `root` as the working directory."""
    mp = monkeypatch or pytest.MonkeyPatch()
    try:
        mp.chdir(root)
        result = CliRunner().invoke(app, list(args), env={**ENV, **(env or {})})
    finally:
        if monkeypatch is None:
            mp.undo()
    run = Run(result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in run.stdout + run.stderr, run.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"the CLI raised {result.exception!r}")
    return run


def process(root: Path, *args: str, env: dict[str, str] | None = None) -> Run:
    """Run `python -m artifact_lint ARGS` as a real process."""
    # PYTHONUNBUFFERED (set on some CI machines) would hide an unflushed stream.
    dropped = ("GITHUB_ACTIONS", "FORCE_COLOR", "PYTHONUNBUFFERED")
    full_env = {k: v for k, v in os.environ.items() if k not in dropped}
    full_env.update({"NO_COLOR": "1", "COLUMNS": "200", **(env or {})})
    proc = subprocess.run([sys.executable, "-m", "artifact_lint", *args], cwd=root, env=full_env,
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    run = Run(proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in run.stdout + run.stderr, run.stderr
    return run


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(root: Path, rel: str, needle: str) -> int:
    lines = (root / rel).read_text(encoding="utf-8").splitlines()
    return next(i for i, text in enumerate(lines, 1) if needle in text)


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    return build_fixture_repo(tmp_path)


@pytest.fixture
def with_error(clean: Path) -> Path:
    """One error: AL201 on a competition row's `label` in gemma."""
    edit(clean, GEMMA, "label: Directional", "label: directional")
    return clean


@pytest.fixture
def warning_only(clean: Path) -> Path:
    """One warning: AL004 for an unknown top-level field in terminal-replay."""
    (clean / TERMINAL).write_text((clean / TERMINAL).read_text() + "colour: blue\n")
    return clean


@pytest.fixture
def mixed(clean: Path) -> Path:
    """Errors and warnings in two files, on several lines."""
    edit(clean, GEMMA, "state: candidate-current-best", "state: candidate-currnet-best")
    edit(clean, GEMMA, "label: Directional", "label: directional")
    (clean / GEMMA).write_text((clean / GEMMA).read_text() + "colour: blue\n")
    edit(clean, MISTRAL, "state: release-ready-metadata", "state: shipped-ish")
    (clean / MISTRAL).write_text((clean / MISTRAL).read_text() + "extra: 1\n")
    return clean


def findings_schema() -> dict[str, Any] | None:
    path = SHARED / "spec" / "findings.schema.json"
    return json.loads(path.read_text()) if path.is_file() else None


# --- exit codes ----------------------------------------------------------------


def test_clean_repo_exits_0(clean: Path) -> None:
    run = cli(clean, "check", "--format", "json")
    assert run.code == 0, run.stderr
    assert run.findings == []
    assert run.json["summary"]["errors"] == 0
    assert run.json["summary"]["files"] >= 3


def test_default_format_on_clean_repo(clean: Path) -> None:
    run = cli(clean, "check")
    assert run.code == 0, run.stderr
    assert SUMMARY.search(run.stdout)


def test_error_finding_exits_1(with_error: Path) -> None:
    run = cli(with_error, "check", "--format", "json")
    assert run.code == 1, run.stderr
    assert [(f["code"], f["path"], f["severity"]) for f in run.findings] == [("AL201", GEMMA, "error")]
    assert run.findings[0]["line"] == line_of(with_error, GEMMA, "label: directional")
    assert run.findings[0]["field"].startswith("competition[")


def test_invalid_state_exits_1_with_did_you_mean(clean: Path) -> None:
    edit(clean, GEMMA, "state: candidate-current-best", "state: candidate-currnet-best")
    run = cli(clean, "check", "--format", "json")
    assert run.code == 1, run.stderr
    al101 = [f for f in run.findings if f["code"] == "AL101"]
    assert len(al101) == 1
    assert al101[0]["path"] == GEMMA
    assert (al101[0]["line"], al101[0]["column"]) == (line_of(clean, GEMMA, "state:"), len("state: ") + 1)
    assert al101[0]["severity"] == "error"
    assert "did you mean `candidate-current-best`" in al101[0]["message"]


def test_warning_only_exits_0(warning_only: Path) -> None:
    run = cli(warning_only, "check", "--format", "json")
    assert run.code == 0, run.stderr
    assert {(f["code"], f["severity"]) for f in run.findings} == {("AL004", "warning")}
    assert run.findings[0]["line"] == line_of(warning_only, TERMINAL, "colour:")


def test_fail_on_warning_exits_1(warning_only: Path) -> None:
    assert cli(warning_only, "check", "--format", "json", "--fail-on", "warning").code == 1


def test_fail_on_from_config(warning_only: Path) -> None:
    (warning_only / "artifact-lint.toml").write_text('fail-on = "warning"\n')
    assert cli(warning_only, "check", "--format", "json").code == 1
    # the command line overrides the config
    assert cli(warning_only, "check", "--format", "json", "--fail-on", "error").code == 0


def test_exit_zero(with_error: Path) -> None:
    run = cli(with_error, "check", "--format", "json", "--exit-zero")
    assert run.code == 0
    assert "AL201" in run.codes()


def test_unparsable_file_is_a_finding_not_exit_2(clean: Path) -> None:
    (clean / GEMMA).write_text("id: gemma-2b-invoice-fields\nstate: [open\n")
    run = cli(clean, "check", "--format", "json")
    assert run.code == 1, run.stderr
    assert any(f["code"] == "AL001" and f["path"] == GEMMA for f in run.findings)


def test_missing_path_exits_2_and_names_it(clean: Path) -> None:
    run = cli(clean, "check", "--format", "json", "no/such/dir")
    assert run.code == 2
    assert "no/such/dir" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_bad_config_key_exits_2(clean: Path) -> None:
    (clean / "pyproject.toml").write_text('[tool.artifact-lint]\nfail-onn = "warning"\n')
    run = cli(clean, "check", "--format", "json")
    assert run.code == 2
    assert "fail-onn" in run.stderr and "pyproject.toml" in run.stderr
    assert "fail-on" in run.stderr.replace("fail-onn", "")  # the did-you-mean


def test_bad_config_value_exits_2(clean: Path) -> None:
    (clean / "artifact-lint.toml").write_text('max-file-size = "lots"\n')
    run = cli(clean, "check")
    assert run.code == 2
    assert "max-file-size" in run.stderr


def test_malformed_policy_file_exits_2_naming_file_and_line(clean: Path) -> None:
    policy = clean / "rules" / "policy.yaml"
    policy.parent.mkdir()
    policy.write_text("states:\n  parked: {shipped: false}\n\tblocked: {shipped: false}\n"
                      "labels:\n  Direct: {win_claims: true}\n")
    run = cli(clean, "check", "--format", "json")
    assert run.code == 2
    assert re.search(r"rules/policy\.yaml:3\b", run.stderr), run.stderr


def test_invalid_policy_value_names_file_and_line(clean: Path) -> None:
    policy = clean / "rules" / "policy.yaml"
    policy.parent.mkdir()
    policy.write_text("states:\n  parked: {shipped: false}\n  blocked: {shipped: \"no\"}\n"
                      "labels:\n  Direct: {win_claims: true}\n")
    run = cli(clean, "check")
    assert run.code == 2
    assert re.search(r"rules/policy\.yaml:3\b", run.stderr), run.stderr


def test_explicit_malformed_policy_exits_2(clean: Path) -> None:
    bad = clean / "strict.yaml"
    bad.write_text("states:\n  a: {shipped: true}\n  a: {shipped: false}\nlabels: {Direct: {}}\n")
    run = cli(clean, "check", "--policy", str(bad))
    assert run.code == 2
    assert "strict.yaml:3" in run.stderr


def test_missing_policy_file_exits_2(clean: Path) -> None:
    run = cli(clean, "check", "--policy", "nowhere.yaml")
    assert run.code == 2
    assert "nowhere.yaml" in run.stderr


@pytest.mark.parametrize("option", ["--select", "--ignore", "--extend-select"])
@pytest.mark.parametrize("value", ["AL999", "XX1", "AL1,nope"])
def test_bad_code_option_exits_2(clean: Path, option: str, value: str) -> None:
    run = cli(clean, "check", option, value)
    assert run.code == 2
    bad = value.split(",")[-1]
    assert bad in run.stderr and option in run.stderr


def test_unknown_format_is_a_usage_error(clean: Path) -> None:
    run = cli(clean, "check", "--format", "yaml")
    assert run.code == 2


def test_real_process_never_prints_a_traceback(clean: Path) -> None:
    (clean / GEMMA).write_bytes(b"\xff\xfe garbage: [\n\t")
    (clean / MISTRAL).write_text("- just\n- a list\n")
    run = process(clean, "check", "--format", "json")
    assert run.code == 1
    assert {f["path"] for f in run.findings if f["code"] == "AL001"} == {GEMMA, MISTRAL}
    run = process(clean, "check", "missing.yaml")
    assert run.code == 2 and "missing.yaml" in run.stderr


# --- formats ----------------------------------------------------------------------


def test_json_report_structure_and_order(mixed: Path) -> None:
    run = cli(mixed, "check", "--format", "json")
    assert run.code == 1
    report = run.json
    assert report["version"] == 1
    assert report["tool"] == {"name": "artifact-lint", "version": __version__}
    findings = report["findings"]
    assert {GEMMA, MISTRAL} <= {f["path"] for f in findings}
    assert {"AL101", "AL201", "AL004"} <= run.codes()
    keys = [(f["path"], f["line"], f["column"], f["code"]) for f in findings]
    assert keys == sorted(keys)
    summary = report["summary"]
    assert summary["errors"] == sum(f["severity"] == "error" for f in findings)
    assert summary["warnings"] == sum(f["severity"] == "warning" for f in findings)
    assert summary["infos"] == sum(f["severity"] == "info" for f in findings)
    for f in findings:
        assert not f["path"].startswith(("/", "./")) and "\\" not in f["path"]
        assert f["line"] >= 1 and f["column"] >= 1


def test_json_report_validates_against_the_shared_schema(mixed: Path) -> None:
    schema = findings_schema()
    if schema is None:
        pytest.skip("../shared is absent")
    import jsonschema

    run = cli(mixed, "check", "--format", "json")
    jsonschema.Draft202012Validator(schema).validate(run.json)
    clean_run = cli(mixed, "check", "--format", "json", "--select", "AL005")
    jsonschema.Draft202012Validator(schema).validate(clean_run.json)


def test_concise_line_shape(mixed: Path) -> None:
    run = cli(mixed, "check", "--format", "concise")
    assert run.code == 1
    lines = run.stdout.strip().splitlines()
    parsed = [CONCISE.match(line) for line in lines[:-1]]
    assert all(parsed), [line for line, m in zip(lines[:-1], parsed, strict=True) if not m]
    assert SUMMARY.match(lines[-1])
    first = {(m["path"], m["code"]) for m in parsed if m}
    assert (GEMMA, "AL101") in first and (MISTRAL, "AL101") in first
    state_line = line_of(mixed, GEMMA, "state:")
    assert any(m["path"] == GEMMA and m["code"] == "AL101" and int(m["line"]) == state_line for m in parsed if m)


def test_concise_quiet_has_no_summary(mixed: Path) -> None:
    run = cli(mixed, "check", "--format", "concise", "--quiet")
    assert not SUMMARY.search(run.stdout)
    assert all(CONCISE.match(line) for line in run.stdout.strip().splitlines())


def test_table_has_summary_line(mixed: Path) -> None:
    run = cli(mixed, "check", "--format", "table")
    assert run.code == 1
    match = SUMMARY.search(run.stdout)
    assert match, run.stdout
    errors, warnings, infos, files, suppressed = map(int, match.groups())
    report = cli(mixed, "check", "--format", "json").json["summary"]
    assert (errors, warnings, infos, files, suppressed) == (
        report["errors"], report["warnings"], report["infos"], report["files"], report["suppressed"])
    assert GEMMA in run.stdout and "AL101" in run.stdout


def test_summary_line_singular_and_plural(with_error: Path) -> None:
    run = cli(with_error, "check", "--format", "table")
    assert re.search(r"^1 error, 0 warnings, 0 infos in \d+ files \(0 suppressed\)$", run.stdout, re.M), run.stdout


GITHUB = re.compile(r"^::(?P<kind>error|warning|notice) file=(?P<file>[^,]+),line=(?P<line>\d+),"
                    r"col=(?P<col>\d+),title=artifact-lint (?P<code>AL\d{3})::(?P<message>.+)$")


def _github_lines(stdout: str) -> list[re.Match[str]]:
    lines = [line for line in stdout.splitlines() if line.startswith("::")]
    matches = [GITHUB.match(line) for line in lines]
    assert lines and all(matches), lines
    return matches  # type: ignore[return-value]


def test_github_format(mixed: Path) -> None:
    run = cli(mixed, "check", "--format", "github")
    assert run.code == 1
    parsed = _github_lines(run.stdout)
    kinds = {(m["file"], m["code"], m["kind"]) for m in parsed}
    assert (GEMMA, "AL101", "error") in kinds
    assert (GEMMA, "AL004", "warning") in kinds


def test_github_format_chosen_automatically_in_actions(mixed: Path) -> None:
    run = cli(mixed, "check", env={"GITHUB_ACTIONS": "true"})
    assert run.code == 1
    assert any(m["code"] == "AL101" for m in _github_lines(run.stdout))


def test_explicit_format_wins_in_actions(mixed: Path) -> None:
    run = cli(mixed, "check", "--format", "json", env={"GITHUB_ACTIONS": "true"})
    assert "AL101" in run.codes()


def test_github_escapes_messages(clean: Path) -> None:
    edit(clean, GEMMA, "state: candidate-current-best", "state: \"a,b:c%d\"")
    run = cli(clean, "check", "--format", "github", "--select", "AL101")
    parsed = _github_lines(run.stdout)
    assert parsed
    message = parsed[0]["message"]
    assert "%" not in message.replace("%25", "").replace("%0A", "").replace("%0D", "")


def test_output_file(mixed: Path) -> None:
    target = mixed / "reports" / "report.json"  # inside the root (cli.md: output paths); folders are made
    run = cli(mixed, "check", "--format", "json", "--output", str(target))
    assert run.code == 1
    assert "AL101" not in run.stdout
    report = json.loads(target.read_text(encoding="utf-8"))
    assert "AL101" in {f["code"] for f in report["findings"]}


def test_output_file_table_has_no_colour_codes(mixed: Path) -> None:
    target = mixed / "report.txt"
    cli(mixed, "check", "-o", str(target), "--color", "always")
    text = target.read_text(encoding="utf-8")
    assert SUMMARY.search(text)
    assert "\x1b[" not in text


def _tool_error(run: Run, *needles: str) -> str:
    """Exit 2 with one clear line on stderr, never an internal error."""
    assert run.code == 2, (run.stdout, run.stderr)
    (line,) = run.stderr.strip().splitlines()
    assert line.startswith("artifact-lint: error: ") and "internal error" not in line, line
    for needle in needles:
        assert needle in line, line
    return line


def test_output_to_a_folder_is_a_clear_error(mixed: Path) -> None:
    _tool_error(cli(mixed, "check", "-o", "artifacts"), "output file `artifacts`", "(it is a folder)")
    _tool_error(cli(mixed, "check", "-o", str(mixed.parent)), "is outside the repository root")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_output_to_a_full_device_is_a_clear_error(mixed: Path) -> None:
    _tool_error(cli(mixed, "check", "-o", "/dev/full"), "output file `/dev/full`")
    (mixed / "report.txt").symlink_to("/dev/full")
    _tool_error(cli(mixed, "check", "-o", "report.txt"), "`report.txt` leads outside the repository root")
    run = process(mixed, "check", "-f", "github", env={"GITHUB_STEP_SUMMARY": "/dev/full"})
    _tool_error(run, "job summary ($GITHUB_STEP_SUMMARY) `/dev/full`", "(it is a device)")


def test_a_job_summary_that_is_a_folder_is_a_clear_error(mixed: Path, tmp_path: Path) -> None:
    folder = tmp_path / "summary"
    folder.mkdir()
    run = cli(mixed, "check", "-f", "github", env={"GITHUB_STEP_SUMMARY": str(folder)})
    _tool_error(run, f"`{folder}`", "(it is a folder)")
    assert "::error" in run.stdout  # the annotations were written first
    summary = tmp_path / "summary.md"
    summary.write_text("## earlier step\n")
    run = cli(mixed, "check", "-f", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert run.code == 1
    assert summary.read_text().startswith("## earlier step\n## artifact-lint")


def test_output_links_leaving_the_root_are_refused_untouched(mixed: Path, tmp_path: Path) -> None:
    outside = tmp_path / "victim.txt"
    outside.write_text("keep\n")
    (mixed / "report.json").symlink_to(outside)
    _tool_error(cli(mixed, "check", "-f", "json", "-o", "report.json"), "leads outside the repository root")
    _tool_error(cli(mixed, "check", "--write-baseline", "report.json"), "baseline `report.json`", "leads outside")
    (mixed / "reports").symlink_to(tmp_path)
    _tool_error(cli(mixed, "check", "-o", "reports/victim.txt"), "leads outside")
    assert outside.read_text() == "keep\n"


def test_output_keeps_the_mode_of_the_file_it_replaces(mixed: Path) -> None:
    target = mixed / "report.json"
    target.write_text("old\n")
    os.chmod(target, 0o640)
    assert cli(mixed, "check", "-f", "json", "-o", "report.json").code == 1
    assert json.loads(target.read_text())["findings"] and (target.stat().st_mode & 0o777) == 0o640
    os.chmod(target, 0o444)
    _tool_error(cli(mixed, "check", "-f", "json", "-o", "report.json"), "`report.json` is read-only (mode 0444)")


# --- selection ----------------------------------------------------------------------


def test_select_prefix(mixed: Path) -> None:
    run = cli(mixed, "check", "--format", "json", "--select", "AL1")
    assert run.codes() and all(code.startswith("AL1") for code in run.codes())


def test_ignore_prefix(mixed: Path) -> None:
    run = cli(mixed, "check", "--format", "json", "--ignore", "AL1,AL2")
    assert "AL004" in run.codes()
    assert not any(code.startswith(("AL1", "AL2")) for code in run.codes())


def test_extend_select(mixed: Path) -> None:
    run = cli(mixed, "check", "--format", "json", "--select", "AL1", "--extend-select", "AL004")
    assert {"AL101", "AL004"} <= run.codes()
    assert not any(code.startswith("AL2") for code in run.codes())


def test_more_specific_select_beats_ignore(mixed: Path) -> None:
    run = cli(mixed, "check", "--format", "json", "--ignore", "AL1", "--extend-select", "AL101")
    assert "AL101" in run.codes()


def test_select_and_ignore_from_config(mixed: Path) -> None:
    (mixed / "artifact-lint.toml").write_text('ignore = ["AL0"]\n')
    run = cli(mixed, "check", "--format", "json")
    assert "AL004" not in run.codes() and "AL101" in run.codes()


def test_lowercase_codes_on_the_command_line(mixed: Path) -> None:
    run = cli(mixed, "check", "--format", "json", "--select", "al101")
    assert run.codes() == {"AL101"}


# --- config severity and per-file-ignores ----------------------------------------


def test_config_severity_override(with_error: Path) -> None:
    (with_error / "pyproject.toml").write_text('[tool.artifact-lint.severity]\nAL201 = "warning"\n')
    run = cli(with_error, "check", "--format", "json")
    assert run.code == 0, run.stderr
    assert [f["severity"] for f in run.findings if f["code"] == "AL201"] == ["warning"]
    assert run.json["summary"]["warnings"] >= 1 and run.json["summary"]["errors"] == 0


def test_per_file_ignores(mixed: Path) -> None:
    (mixed / "artifact-lint.toml").write_text('[per-file-ignores]\n"artifacts/gemma-*.yaml" = ["AL1", "AL2"]\n')
    run = cli(mixed, "check", "--format", "json")
    gemma = {f["code"] for f in run.findings if f["path"] == GEMMA}
    assert "AL004" in gemma
    assert not any(code.startswith(("AL1", "AL2")) for code in gemma)
    assert any(f["code"] == "AL101" for f in run.findings if f["path"] == MISTRAL)
    assert run.json["summary"]["suppressed"] >= 2


def test_per_file_ignores_in_table_summary(with_error: Path) -> None:
    (with_error / "artifact-lint.toml").write_text('[per-file-ignores]\n"artifacts/*.yaml" = ["AL201"]\n')
    run = cli(with_error, "check", "--format", "table")
    assert run.code == 0
    match = SUMMARY.search(run.stdout)
    assert match and int(match.group(5)) == 1


# --- policy ---------------------------------------------------------------------------

EXTRA_STATE = "  release-ready-archive: {shipped: true, public_weights: true}\n"


def _policy_with_extra_state(path: Path) -> Path:
    default = (Path(__file__).parents[1] / "src" / "artifact_lint" / "data" / "policy.yaml").read_text()
    path.write_text(default.replace("states:\n", "states:\n" + EXTRA_STATE, 1), encoding="utf-8")
    return path


def test_policy_option_with_extra_state(clean: Path) -> None:
    edit(clean, MISTRAL, "state: release-ready-metadata", "state: release-ready-archive")
    without = cli(clean, "check", "--format", "json")
    assert "AL101" in without.codes()
    policy = _policy_with_extra_state(clean / "policy.yaml")  # inside the root: a policy outside is refused
    run = cli(clean, "check", "--format", "json", "--policy", str(policy))
    assert run.code in (0, 1), run.stderr
    assert "AL101" not in run.codes()
    # the state's `public_weights: true` now applies to the private weights location
    assert any(f["code"] == "AL501" and f["path"] == MISTRAL for f in run.findings)


def test_policy_from_repository(clean: Path) -> None:
    edit(clean, MISTRAL, "state: release-ready-metadata", "state: release-ready-archive")
    (clean / "rules").mkdir()
    _policy_with_extra_state(clean / "rules" / "policy.yaml")
    run = cli(clean, "check", "--format", "json")
    assert "AL101" not in run.codes()


# --- rules, explain, version, schema ------------------------------------------------


def test_rules_json(clean: Path) -> None:
    run = cli(clean, "rules", "--format", "json")
    assert run.code == 0
    rows = json.loads(run.stdout)
    codes = [row["code"] for row in rows]
    assert codes == sorted(codes) and len(codes) == len(set(codes))
    assert {"AL001", "AL101", "AL201", "AL301"} <= set(codes)
    by_code = {row["code"]: row for row in rows}
    assert by_code["AL101"]["name"] == "invalid-state"
    assert by_code["AL101"]["severity"] in ("error", "warning", "info")
    assert all(row["summary"] for row in rows)


def test_rules_table(clean: Path) -> None:
    run = cli(clean, "rules")
    assert run.code == 0
    assert "AL101" in run.stdout and "invalid-state" in run.stdout


def test_explain(clean: Path) -> None:
    run = cli(clean, "explain", "AL101")
    assert run.code == 0
    assert "AL101" in run.stdout
    assert "Example" in run.stdout and "Use instead" in run.stdout
    assert run.stdout.index("Example") < run.stdout.index("Use instead")


def test_explain_by_name_and_lowercase(clean: Path) -> None:
    assert "AL101" in cli(clean, "explain", "invalid-state").stdout
    assert "AL101" in cli(clean, "explain", "al101").stdout


@pytest.mark.parametrize("code", ["AL999", "nonsense"])
def test_explain_unknown_code_exits_2(clean: Path, code: str) -> None:
    run = cli(clean, "explain", code)
    assert run.code == 2
    assert code in run.stderr


def test_version(clean: Path) -> None:
    run = cli(clean, "--version")
    assert run.code == 0
    assert __version__ in run.stdout


def test_version_real_process(clean: Path) -> None:
    run = process(clean, "--version")
    assert run.code == 0 and __version__ in run.stdout


def test_real_process_flushes_a_large_report_before_it_exits(clean: Path) -> None:
    # The entry point skips the interpreter's teardown (os._exit): the report must still
    # arrive whole, well past one pipe buffer, with the right exit code.
    for index in range(300):
        (clean / GEMMA).write_text((clean / GEMMA).read_text() + f"colour_{index}: blue\n")
    run = process(clean, "check", "--format", "json")
    assert run.code == 0  # AL004 (unknown field) is a warning
    assert len(run.stdout) > 65536 and run.stdout.endswith("]\n}\n")
    assert sum(f["code"] == "AL004" for f in run.findings) == 300


def test_under_main_the_check_ends_the_process_itself_once_the_report_is_out(
        clean: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from artifact_lint.commands import process as process_module
    from artifact_lint.commands.check import CheckOptions, run_check

    class Ended(BaseException):  # not an error `_guard` would turn into exit 2
        pass

    codes = []

    def exit_now(code: int) -> NoReturn:
        codes.append(code)
        raise Ended  # stands in for os._exit

    monkeypatch.setattr(process_module, "exit_now", exit_now)
    (clean / GEMMA).write_text((clean / GEMMA).read_text() + "colour: blue\n")
    monkeypatch.chdir(clean)
    assert run_check(CheckOptions(output_format="json", exit_zero=True)) == 0  # not under main: the code comes back
    assert codes == []
    capsys.readouterr()
    monkeypatch.setattr(process_module, "_fast_exit", True)  # what `main` sets (`process.start(fast_exit=True)`)
    with pytest.raises(Ended):
        run_check(CheckOptions(output_format="json", fail_on="warning"))
    assert codes == [1] and '"AL004"' in capsys.readouterr().out
    with pytest.raises(Ended):
        CliRunner().invoke(app, ["check", "--exit-zero"])
    assert codes == [1, 0]


def test_real_process_reader_closing_the_pipe_is_no_traceback(clean: Path) -> None:
    for index in range(300):
        (clean / GEMMA).write_text((clean / GEMMA).read_text() + f"colour_{index}: blue\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    proc = subprocess.Popen([sys.executable, "-m", "artifact_lint", "check", "--format", "json"], cwd=clean,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(10)
    proc.stdout.close()  # like `| head -c 10`
    error = proc.communicate(timeout=120)[1].decode()  # the rest of stderr, once the process ends
    assert proc.returncode == 2
    assert "Traceback" not in error and "Exception ignored" not in error


def test_schema(clean: Path) -> None:
    import jsonschema

    run = cli(clean, "schema")
    assert run.code == 0
    schema = json.loads(run.stdout)
    assert {"id", "type", "state"} <= set(schema["required"])
    validator_cls = jsonschema.validators.validator_for(schema)
    validator_cls.check_schema(schema)
    validator = validator_cls(schema)
    files = sorted((BASE / "artifacts").glob("*.yaml"))
    assert files
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        errors = [e.message for e in validator.iter_errors(data)]
        assert not errors, f"{path.name}: {errors}"


def test_schema_rejects_unknown_and_missing(clean: Path) -> None:
    import jsonschema

    schema = json.loads(cli(clean, "schema").stdout)
    validator = jsonschema.validators.validator_for(schema)(schema)
    data = yaml.safe_load((BASE / "artifacts" / "terminal-replay.yaml").read_text())
    del data["state"]
    assert not validator.is_valid(data)


def _in_fresh_interpreter(code: str, disable_plugins: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    if disable_plugins is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = disable_plugins
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_start_up_turns_pydantic_plugins_off_through_its_documented_variable_and_nothing_else() -> None:
    code = ("import os, sys; from artifact_lint.commands import process; process.start();"
            " import artifact_lint.model.formats; from pydantic import TypeAdapter;"
            " TypeAdapter(int).validate_python(1);"
            " print(os.environ['PYDANTIC_DISABLE_PLUGINS'],"
            " all(getattr(m, '__file__', None) for n, m in sys.modules.items() if n.startswith('pydantic')))")
    assert _in_fresh_interpreter(code, None) == "__all__ True"  # no stand-in module among pydantic's
    assert _in_fresh_interpreter(code, "some-plugin").startswith("some-plugin ")  # a user's setting stays


def test_the_cyclic_collector_is_off_during_start_up_and_on_for_the_command() -> None:
    code = ("import gc, sys; from artifact_lint.commands import cli, process; process.start(); print(gc.isenabled());"
            " import artifact_lint.reporters.catalogue as catalogue;"
            " catalogue.explain_rule = lambda *args: print(gc.isenabled());"
            " sys.argv = ['artifact-lint', 'explain', 'AL101'];"
            " cli.app(standalone_mode=False)")
    assert _in_fresh_interpreter(code, "__all__").split() == ["False", "True"]


# --- shell completion ---------------------------------------------------------------------


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_prints_a_script_for_each_shell(clean: Path, shell: str) -> None:
    run = cli(clean, "completion", shell)
    assert run.code == 0 and "_ARTIFACT_LINT_COMPLETE" in run.stdout


def test_completion_answers_the_shell(clean: Path) -> None:
    import os
    import subprocess
    import sys

    exe = Path(sys.executable).with_name("artifact-lint")
    env = {**os.environ, "COMP_WORDS": "artifact-lint check --fail-on ", "COMP_CWORD": "3",
           "_ARTIFACT_LINT_COMPLETE": "complete_bash"}
    out = subprocess.run([str(exe)], env=env, capture_output=True, text=True, timeout=60, cwd=clean)
    assert out.stdout.split() == ["error", "warning", "info"]


@pytest.mark.parametrize("command", ["check", "rules", "explain", "import", "schema", "site", "export", "policy",
                                     "completion"])
@pytest.mark.parametrize("width", ["80", "120"])
def test_help_is_plain_text_with_defaults_and_no_type_placeholders(clean: Path, command: str, width: str) -> None:
    run = cli(clean, command, "--help", env={"COLUMNS": width})
    assert run.code == 0
    lines = run.stdout.splitlines()
    assert all(len(line) <= int(width) for line in lines), max(lines, key=len)
    assert "<bool>" not in run.stdout and "╭" not in run.stdout  # no type placeholders, no rich panels
    if command == "check":
        words = " ".join(run.stdout.split())
        assert "[default: error]" in words and "--output FILE" in words


# --- several reports from one run ------------------------------------------------------------


def test_one_run_writes_github_annotations_sarif_and_the_markdown_summary(with_error: Path) -> None:
    summary = with_error.parent / "step-summary.md"  # GitHub keeps it outside the repository
    summary.write_text("", encoding="utf-8")
    run = cli(with_error, "check", "-f", "github", "-f", "sarif=report.sarif", "-f", f"markdown={summary}",
              env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert run.code == 1, run.stderr
    assert run.stdout.startswith("::error file=")  # the one report on standard output
    sarif = json.loads((with_error / "report.sarif").read_text(encoding="utf-8"))
    assert sarif["runs"][0]["results"][0]["ruleId"] == "AL201"
    text = summary.read_text(encoding="utf-8")
    assert text.count("AL201") >= 1 and text.count("## artifact-lint") <= 1  # written once, not twice


@pytest.mark.parametrize(("args", "message"), [
    (["-f", "concise", "-f", "json"], "both go to standard output"),
    (["-f", "nope"], "is not a format"),
    (["-f", "json="], "empty"),
    (["-f", "json", "-f", "sarif=x.sarif", "-o", "y.json"], "several"),
])
def test_bad_report_requests_exit_2(clean: Path, args: list[str], message: str) -> None:
    run = cli(clean, "check", *args)
    assert run.code == 2 and message in run.stderr


def test_format_and_output_still_work_together(with_error: Path) -> None:
    run = cli(with_error, "check", "-f", "json", "-o", "r.json")
    assert run.code == 1 and run.stdout == ""
    assert json.loads((with_error / "r.json").read_text())["summary"]["errors"] == 1


def test_output_is_the_option_name_everywhere_with_out_kept(clean: Path) -> None:
    assert cli(clean, "import", "docs/factory/public-artifacts.md", "--output", "imported").code in (0, 1)
    assert (clean / "imported").is_dir()
    assert cli(clean, "site", "-o", "site-a").code == 0 and (clean / "site-a" / "index.html").is_file()
    assert cli(clean, "site", "--out", "site-b").code == 0 and (clean / "site-b" / "index.html").is_file()


def test_rules_and_explain_take_color(clean: Path) -> None:
    plain = cli(clean, "explain", "AL101", "--color", "never")
    coloured = cli(clean, "explain", "AL101", "--color", "always")
    assert plain.code == coloured.code == 0
    assert "\x1b[" not in plain.stdout and plain.stdout.startswith("# AL101 invalid-state")
    assert "\x1b[" in coloured.stdout
    assert "\x1b[" not in cli(clean, "rules", "--color", "never").stdout
