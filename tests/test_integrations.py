"""The pre-commit hook (`.pre-commit-hooks.yaml`), the GitHub Action (`action.yml`)
and the project's workflows: their structure, their schemas, and real runs."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import build_fixture_repo

PROJECT = Path(__file__).resolve().parents[1]
HOOKS = PROJECT / ".pre-commit-hooks.yaml"
ACTION = PROJECT / "action.yml"
WORKFLOWS = sorted((PROJECT / ".github" / "workflows").glob("*.y*ml"))


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def hook() -> dict[str, Any]:
    hooks = load_yaml(HOOKS)
    assert isinstance(hooks, list)
    (found,) = [h for h in hooks if h.get("id") == "artifact-lint"]
    return found


def action_step(step_id: str) -> dict[str, Any]:
    (step,) = [s for s in load_yaml(ACTION)["runs"]["steps"] if s.get("id") == step_id]
    return step


def git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.name=artifact-lint tests", "-c", "user.email=tests@example.invalid",
         "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=cwd, check=True, capture_output=True, text=True, timeout=60)


# --- pre-commit hook -----------------------------------------------------------------


def test_hook_structure() -> None:
    found = hook()
    assert found["name"] == "artifact-lint"
    assert found["language"] == "python"
    assert found["entry"] == "artifact-lint check"
    # The hook lints the configured paths as one run: see the comment in the file.
    assert found["pass_filenames"] is False
    assert found["require_serial"] is True


@pytest.mark.parametrize("path", [
    "artifacts/terminal-replay.yaml", "artifacts/x.yml", "artifacts/sub/x.json",
    "docs/factory/public-artifacts.md", "specialists/mistral-7b-ticket-triage/decision.json",
    "specialists/new-package/README.md", "rules/policy.yaml", "rules/house.yaml",
    "pyproject.toml", "artifact-lint.toml", ".artifact-lint.toml",
])
def test_hook_runs_for_what_the_lint_reads(path: str) -> None:
    assert re.search(hook()["files"], path)


@pytest.mark.parametrize("path", [
    "README.md", "docs/architecture.md", "src/artifact_lint/cli.py", "artifacts/notes.txt",
    "tests/fixtures/base/artifacts/terminal-replay.yaml", "rules/sub/notes.md", "sub/pyproject.toml",
])
def test_hook_skips_unrelated_files(path: str) -> None:
    assert not re.search(hook()["files"], path)


def test_hook_manifest_is_valid_for_pre_commit() -> None:
    pytest.importorskip("pre_commit")
    run = subprocess.run([sys.executable, "-m", "pre_commit", "validate-manifest", str(HOOKS)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr


# --- GitHub Action -------------------------------------------------------------------


def test_action_structure() -> None:
    action = load_yaml(ACTION)
    assert action["name"] and action["description"]
    assert set(action["inputs"]) == {"paths", "args", "sarif-file", "python-version", "version"}
    assert all(spec.get("required") is False for spec in action["inputs"].values())
    assert "exit-code" in action["outputs"]
    runs = action["runs"]
    assert runs["using"] == "composite"
    uses = [s["uses"] for s in runs["steps"] if "uses" in s]
    assert any(u.startswith("actions/setup-python@") for u in uses)
    install = action_step("install")["run"]
    assert "AL_SOURCE" in install and action_step("install")["env"]["AL_SOURCE"] == "${{ github.action_path }}"
    check = action_step("check")["run"]
    for needle in ("--format github", '--format "sarif=$AL_SARIF"', "GITHUB_STEP_SUMMARY",
                   'exit "$rc"', "set -uo pipefail"):
        assert needle in check
    calls = [line for line in check.splitlines() if line.strip().startswith("lint ")]
    assert len(calls) == 1, "the action lints once"


def test_action_scripts_take_inputs_from_the_environment() -> None:
    """No `${{ ... }}` inside a script: inputs arrive as environment variables, so a
    value cannot inject shell code; every run step names its shell."""
    for step in load_yaml(ACTION)["runs"]["steps"]:
        if "run" in step:
            assert step["shell"] == "bash"
            assert "${{" not in step["run"], step.get("id")


# --- schemas -------------------------------------------------------------------------


def check_jsonschema(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    pytest.importorskip("check_jsonschema", reason="check-jsonschema is not installed")
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_matches_github_schema(path: Path) -> None:
    run = check_jsonschema("vendor.github-workflows", path)
    assert run.returncode == 0, run.stdout + run.stderr


def test_workflows_exist() -> None:
    assert any(p.name == "ci.yml" for p in WORKFLOWS)


def test_action_matches_github_schema() -> None:
    run = check_jsonschema("vendor.github-actions", ACTION)
    assert run.returncode == 0, run.stdout + run.stderr


def test_action_schema_check_is_not_vacuous(tmp_path: Path) -> None:
    broken = tmp_path / "action.yml"
    broken.write_text(ACTION.read_text(encoding="utf-8").replace("using: composite", "using: composed"),
                      encoding="utf-8")
    assert check_jsonschema("vendor.github-actions", broken).returncode == 1


# --- the action's check step, run locally --------------------------------------------


def run_check_step(root: Path, tmp: Path, *, paths: str = "", args: str = "",
                   sarif: str = "") -> tuple[subprocess.CompletedProcess[str], dict[str, str], str]:
    """Run the `check` step's script as the runner would: inputs in the environment,
    GITHUB_OUTPUT and GITHUB_STEP_SUMMARY as files."""
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not available")
    output, summary, temp = tmp / "output", tmp / "summary.md", tmp / "runner-temp"
    output.write_text("")
    summary.write_text("")
    temp.mkdir(exist_ok=True)
    env = {**os.environ, "GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": str(output),
           "GITHUB_STEP_SUMMARY": str(summary), "RUNNER_TEMP": str(temp),
           "AL_PYTHON": sys.executable, "AL_PATHS": paths, "AL_ARGS": args, "AL_SARIF": sarif}
    step = action_step("check")
    assert set(step["env"]) == {"AL_PYTHON", "AL_PATHS", "AL_ARGS", "AL_SARIF"}
    run = subprocess.run([bash, "-c", step["run"]], cwd=root, env=env, capture_output=True, text=True, timeout=300)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
    assert list(temp.iterdir()) == []  # the step cleans up after itself
    return run, outputs, summary.read_text()


def test_action_check_step_clean(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    run, outputs, summary = run_check_step(root, tmp_path, sarif="reports/artifact-lint.sarif")
    assert run.returncode == 0, run.stdout + run.stderr
    assert outputs["exit-code"] == "0"
    assert summary.startswith("## artifact-lint")
    sarif = json.loads((root / "reports" / "artifact-lint.sarif").read_text())
    assert sarif["version"] == "2.1.0"


def test_action_check_step_findings(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    artifact = root / "artifacts" / "terminal-replay.yaml"
    artifact.write_text(artifact.read_text().replace("state: parked", "state: shelved"))
    run, outputs, summary = run_check_step(root, tmp_path, paths="artifacts", args="--select AL1",
                                           sarif="out dir/report.sarif")
    assert run.returncode == 1
    assert outputs["exit-code"] == "1"
    assert "::error file=artifacts/terminal-replay.yaml,line=3" in run.stdout
    assert "AL101" in summary
    assert summary.count("## artifact-lint") == 1  # written once, by the github format
    results = json.loads((root / "out dir" / "report.sarif").read_text())["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"AL101"}


def test_action_check_step_tool_error(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    run, outputs, summary = run_check_step(root, tmp_path, paths="'no such folder'", sarif="r.sarif")
    assert run.returncode == 2
    assert outputs["exit-code"] == "2"
    assert "`no such folder` does not exist" in run.stderr
    assert "could not run" in summary
    assert not (root / "r.sarif").exists()
    run, outputs, _ = run_check_step(root, tmp_path, args="--select 'AL1")  # unbalanced quote
    assert run.returncode == 2 and outputs["exit-code"] == "2"
    assert "::error" in run.stdout


# --- pre-commit try-repo -------------------------------------------------------------

# What `pip install` of the project needs, plus the hook manifest.
HOOK_REPO_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "src")
NETWORK_TROUBLE = ("NewConnectionError", "Temporary failure in name resolution", "Network is unreachable",
                   "No matching distribution found")


def snapshot_hook_repo(tmp: Path) -> Path:
    """A fresh git repository holding this checkout's working tree (what a clone of
    the pushed commit holds), so the test does not depend on what is committed yet
    and never touches the checkout's own git state."""
    repo = tmp / "hook-repo"
    repo.mkdir()
    for name in HOOK_REPO_FILES:
        source = PROJECT / name
        if source.is_dir():
            shutil.copytree(source, repo / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build"))
        else:
            shutil.copy2(source, repo / name)
    git("init", "-q", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "snapshot", cwd=repo)
    return repo


def test_pre_commit_try_repo(tmp_path: Path) -> None:
    """`pre-commit try-repo` installs the hook from a fresh repository and runs it.

    Each try-repo call installs the hook environment anew (its store is a temporary
    folder), about 15 s, so only the two outcomes that matter are run here.
    """
    pytest.importorskip("pre_commit", reason="pre-commit is not installed")
    if shutil.which("git") is None:
        pytest.skip("git is not available")
    hook_repo = snapshot_hook_repo(tmp_path)
    project = build_fixture_repo(tmp_path)
    (project / ".git").rmdir()  # the fixture's marker folder; make it a real repository
    git("init", "-q", cwd=project)
    git("add", "-A", cwd=project)
    git("commit", "-q", "-m", "clean factory", cwd=project)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "PRE_COMMIT_COLOR": "never"}
    env.pop("GITHUB_ACTIONS", None)

    def try_repo(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "artifact-lint", *args],
            cwd=project, env=env, capture_output=True, text=True, timeout=600)

    clean = try_repo("--all-files")
    log = clean.stdout + clean.stderr
    if clean.returncode != 0 and any(s in log for s in NETWORK_TROUBLE):
        pytest.skip("pre-commit could not install the hook environment (no package index)")
    assert clean.returncode == 0, log
    assert re.search(r"artifact-lint\.+Passed", clean.stdout), log

    # An invalid state fails the commit.
    artifact = project / "artifacts" / "terminal-replay.yaml"
    artifact.write_text(artifact.read_text().replace("state: parked", "state: shelved"))
    git("add", "artifacts/terminal-replay.yaml", cwd=project)
    broken = try_repo("--all-files")
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert re.search(r"artifact-lint\.+Failed", broken.stdout)
    assert "AL101" in broken.stdout and "shelved" in broken.stdout


def test_hook_command_lints_everything_when_only_the_policy_changes(tmp_path: Path) -> None:
    """What the hook runs (`entry`, no file names since pass_filenames is false) for a
    commit that only edits the policy: dropping the `parked` state breaks
    terminal-replay, a file the commit does not touch."""
    root = build_fixture_repo(tmp_path)
    policy = (PROJECT / "src" / "artifact_lint" / "data" / "policy.yaml").read_text()
    (root / "rules").mkdir()
    (root / "rules" / "policy.yaml").write_text(
        "".join(line for line in policy.splitlines(keepends=True) if not line.lstrip().startswith("parked:")))
    assert re.search(hook()["files"], "rules/policy.yaml")
    entry = hook()["entry"].split()
    assert entry[0] == "artifact-lint"
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    run = subprocess.run([sys.executable, "-m", "artifact_lint", *entry[1:], "-f", "concise"],
                         cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "artifacts/terminal-replay.yaml:3:8: AL101" in run.stdout
