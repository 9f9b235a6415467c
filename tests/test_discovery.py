"""Which files `check` reads (artifact-format §1.1; cli.md, "Which files `check` reads"):
artifact folders, excludes, .gitignore files, document mode, each artifact linted once.
Tests `sources/discovery.py` and the matching it uses, `sources/patterns.py`.

Every test runs the command line as a user would, in a fixture repository in tmp_path
(in process with typer's runner; a real process where start-up or a hang matters).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BASE, build_fixture_repo, shared_dir
from test_cli import GEMMA, MISTRAL, TERMINAL, Run, cli, edit, process

from artifact_lint.model.config import Config
from artifact_lint.sources.discovery import describe_files
from artifact_lint.sources.patterns import path_matches

DOC = "docs/factory/public-artifacts.md"
BAD_STATE = ("state: candidate-current-best", "state: candidate-currnet-best")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return build_fixture_repo(tmp_path)


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def git_init(root: Path) -> None:
    shutil.rmtree(root / ".git", ignore_errors=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True, capture_output=True, timeout=60)


def paths_of(run: Run, code: str | None = None) -> set[str]:
    """The paths with findings (with `code`: with that code's findings)."""
    return {f["path"] for f in run.findings if code is None or f["code"] == code}


def bad_artifact(artifact_id: str) -> str:
    """An artifact file with one error (AL101), besides having no registry-document row (AL601)."""
    text = (BASE / TERMINAL).read_text(encoding="utf-8")
    return text.replace("id: terminal-replay", f"id: {artifact_id}").replace("state: parked", "state: parkd")


def show_files(root: Path, *args: str) -> list[str]:
    run = cli(root, "check", "--show-files", *args)
    assert run.code == 0, run.stderr
    return run.stdout.splitlines()


# --- which files are artifact files ---------------------------------------------------------


def test_files_in_a_subfolder_of_the_artifacts_folder_are_not_artifacts(repo: Path) -> None:
    write(repo, "artifacts/design/design-review.json", '{"$schema": "x", "direction": {"a": 1}}\n')
    write(repo, "artifacts/design/screens/home.yaml", "not: [an artifact\n")
    run = cli(repo, "check", "-f", "json")
    assert run.code == 0, run.findings
    assert not [p for p in paths_of(run) if "design" in p]
    assert "artifacts/design/design-review.json" not in show_files(repo)
    explained = "\n".join(show_files(repo, "-v"))
    assert "artifacts/design/design-review.json  (skipped: in a subfolder" in explained
    assert "`artifacts/design` in `paths`" in explained


def test_paths_naming_the_subfolder_or_a_glob_reach_it(repo: Path) -> None:
    write(repo, "artifacts/sub/deep-one.yaml", bad_artifact("deep-one"))
    assert "artifacts/sub/deep-one.yaml" not in paths_of(cli(repo, "check", "-f", "json"))
    for paths in ('["artifacts", "artifacts/sub"]', '["artifacts/**/*.yaml"]', '["artifacts/*/*.yaml"]'):
        write(repo, "artifact-lint.toml", f"paths = {paths}\n")
        run = cli(repo, "check", "-f", "json")
        assert ("AL101", "artifacts/sub/deep-one.yaml") in {(f["code"], f["path"]) for f in run.findings}, paths
    write(repo, "artifact-lint.toml", 'paths = ["artifacts/*.yaml"]\n')
    assert "artifacts/sub/deep-one.yaml" not in show_files(repo)
    assert GEMMA in show_files(repo)


def test_a_subfolder_named_on_the_command_line_is_linted(repo: Path) -> None:
    write(repo, "artifacts/sub/deep-one.yaml", bad_artifact("deep-one"))
    run = cli(repo, "check", "-f", "json", "artifacts/sub")
    assert paths_of(run) == {"artifacts/sub/deep-one.yaml"}
    assert run.codes() == {"AL101", "AL601"}


def test_weights_files_anywhere_under_the_artifacts_folder_are_still_al504(repo: Path) -> None:
    write(repo, "artifacts/checkpoints/adapter.safetensors", "weights")
    write(repo, "artifacts/design/home.png", "x" * (1024 * 1024 + 1))  # over max-file-size, but not metadata
    run = cli(repo, "check", "-f", "json")
    assert {(f["code"], f["path"]) for f in run.findings} == {
        ("AL504", "artifacts/checkpoints/adapter.safetensors")}
    assert "artifacts/checkpoints/adapter.safetensors  (not an artifact file: checked for weights and size, AL504)" \
        in show_files(repo, "-v")


@pytest.mark.parametrize("path", [".", "specialists/", "specialists/mistral-7b-ticket-triage", "rules"])
def test_packages_policy_and_registry_are_never_artifact_files(repo: Path, path: str) -> None:
    write(repo, "rules/policy.yaml", (Path(__file__).parents[1] / "rules/policy.yaml").read_text())
    write(repo, "rules/house-rules.yaml", "rules: {}\n")
    write(repo, "specialists/registry.json", '{"packages": []}\n')
    write(repo, "mkdocs.yml", "site_name: x\n")
    run = cli(repo, "check", "-f", "json", path)
    assert run.code == 0, run.findings
    assert not [f for f in run.findings if f["code"] in ("AL002", "AL004", "AL005")], run.findings
    listed = show_files(repo, path)
    assert not [p for p in listed if p.startswith(("rules/", "specialists/", "docs/")) or p == "mkdocs.yml"]
    if path == ".":
        assert listed == [GEMMA, MISTRAL, TERMINAL]


def test_check_dot_lints_what_check_lints(repo: Path) -> None:
    edit(repo, GEMMA, *BAD_STATE)
    assert cli(repo, "check", "-f", "json", ".").findings == cli(repo, "check", "-f", "json").findings


# --- exclude, extend-exclude, .gitignore, force-exclude ----------------------------------


def test_extend_exclude_drops_the_file_as_target_and_as_context(repo: Path) -> None:
    # the copy has the same id: as context it would be a duplicate (AL006) of gemma's file
    write(repo, "artifacts/legacy-gemma.yaml", (repo / GEMMA).read_text())
    assert "AL006" in cli(repo, "check", "-f", "json").codes()
    write(repo, "artifact-lint.toml", 'extend-exclude = ["artifacts/legacy-*.yaml"]\n')
    run = cli(repo, "check", "-f", "json")
    assert run.code == 0, run.findings
    run = cli(repo, "check", "-f", "json", GEMMA)  # not read as context either
    assert run.code == 0, run.findings
    assert "artifacts/legacy-gemma.yaml  (skipped: excluded by `extend-exclude` pattern" \
           " `artifacts/legacy-*.yaml`)" in show_files(repo, "-v")


def test_exclude_on_the_command_line(repo: Path) -> None:
    edit(repo, GEMMA, *BAD_STATE)
    assert "AL101" in cli(repo, "check", "-f", "json").codes()
    for option, value in (("--extend-exclude", "gemma-*.yaml"), ("--exclude", "*.yaml,!terminal-replay.yaml")):
        run = cli(repo, "check", "-f", "json", option, value)
        # not read at all: the document's row for it has no metadata file now
        assert "AL101" not in run.codes() and "AL601" in run.codes(), run.findings
    assert show_files(repo, "--exclude", "*.yaml,!terminal-replay.yaml") == [TERMINAL]


def test_exclude_replaces_the_default_list(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    write(root, "artifact-lint.toml", 'paths = ["."]\n')
    write(root, "node_modules/pkg/thing.yaml", "not: [yaml\n")
    write(root, "node_modules/x.safetensors", "w")
    assert not [p for p in show_files(root, "-v") if p.startswith("node_modules") and "skipped" not in p]
    write(root, "artifact-lint.toml", 'paths = ["."]\nexclude = []\n')
    assert "node_modules/x.safetensors" in paths_of(cli(root, "check", "-f", "json"))


def test_gitignore_files_are_respected(repo: Path) -> None:
    git_init(repo)
    write(repo, "artifacts/scratch-one.yaml", bad_artifact("scratch-one"))
    write(repo, "artifacts/drafts/.keep", "")
    write(repo, "artifacts/tmp-two.yaml", bad_artifact("tmp-two"))
    write(repo, "artifacts/tmp-keep.yaml", bad_artifact("tmp-keep"))
    write(repo, ".gitignore", "/artifacts/tmp-*.yaml\n!/artifacts/tmp-keep.yaml\n")
    write(repo, "artifacts/.gitignore", "scratch-*.yaml\n")  # nested: relative to its folder
    run = cli(repo, "check", "-f", "json")
    assert paths_of(run, "AL101") == {"artifacts/tmp-keep.yaml"}
    explained = show_files(repo, "-v")
    assert "artifacts/scratch-one.yaml  (skipped: ignored by `artifacts/.gitignore`)" in explained
    assert "artifacts/tmp-two.yaml  (skipped: ignored by `.gitignore`)" in explained
    everything = {"artifacts/tmp-keep.yaml", "artifacts/tmp-two.yaml", "artifacts/scratch-one.yaml"}
    assert paths_of(cli(repo, "check", "-f", "json", "--no-respect-gitignore"), "AL101") == everything
    write(repo, "artifact-lint.toml", "respect-gitignore = false\n")
    assert paths_of(cli(repo, "check", "-f", "json"), "AL101") == everything
    assert paths_of(cli(repo, "check", "-f", "json", "--respect-gitignore"), "AL101") == {"artifacts/tmp-keep.yaml"}


def test_gitignore_above_the_root_and_git_info_exclude(tmp_path: Path) -> None:
    top = tmp_path / "mono"
    git_init(top)
    root = build_fixture_repo(top)  # top/repo, with its own artifact-lint config below
    shutil.rmtree(root / ".git")
    write(root, "artifact-lint.toml", "")
    write(root, "artifacts/up-ignored.yaml", bad_artifact("up-ignored"))
    write(root, "artifacts/info-ignored.yaml", bad_artifact("info-ignored"))
    write(top, ".gitignore", "repo/artifacts/up-*.yaml\n")
    write(top, ".git/info/exclude", "info-*.yaml\n")
    assert cli(root, "check", "-f", "json").code == 0
    assert paths_of(cli(root, "check", "-f", "json", "--no-respect-gitignore"), "AL101") == {
        "artifacts/up-ignored.yaml", "artifacts/info-ignored.yaml"}


def test_an_ignored_folder_hides_its_weights_files(repo: Path) -> None:
    git_init(repo)
    write(repo, "artifacts/cache/model.safetensors", "w")
    assert "AL504" in cli(repo, "check", "-f", "json").codes()
    write(repo, ".gitignore", "cache/\n")
    assert cli(repo, "check", "-f", "json").code == 0


def test_a_file_named_on_the_command_line_is_linted_even_when_excluded(repo: Path) -> None:
    write(repo, "artifacts/legacy-one.yaml", bad_artifact("legacy-one"))
    write(repo, "artifact-lint.toml", 'extend-exclude = ["legacy-*"]\n')
    assert cli(repo, "check", "-f", "json").code == 0
    run = cli(repo, "check", "-f", "json", "artifacts/legacy-one.yaml")
    assert paths_of(run) == {"artifacts/legacy-one.yaml"} and "AL101" in run.codes()
    run = cli(repo, "check", "-f", "json", "--force-exclude", "artifacts/legacy-one.yaml")
    assert run.code == 0 and run.findings == []
    assert show_files(repo, "--force-exclude", "artifacts/legacy-one.yaml") == []
    write(repo, "artifact-lint.toml", 'extend-exclude = ["legacy-*"]\nforce-exclude = true\n')
    assert cli(repo, "check", "-f", "json", "artifacts/legacy-one.yaml").findings == []


def test_per_file_ignores_use_the_same_matcher(repo: Path) -> None:
    write(repo, "artifacts/sub/deep-one.yaml", bad_artifact("deep-one"))
    write(repo, "artifacts/top-one.yaml", bad_artifact("top-one"))
    write(repo, "artifact-lint.toml", 'paths = ["artifacts", "artifacts/sub"]\n'
                                      '[per-file-ignores]\n"artifacts/*.yaml" = ["AL1"]\n')
    run = cli(repo, "check", "-f", "json")
    assert paths_of(run, "AL101") == {"artifacts/sub/deep-one.yaml"}
    assert run.json["summary"]["suppressed"] == 1


@pytest.mark.parametrize(("pattern", "path", "expected"), [
    ("artifacts/*.yaml", "artifacts/x.yaml", True),
    ("artifacts/*.yaml", "artifacts/sub/x.yaml", False),
    ("artifacts/**/*.yaml", "artifacts/sub/x.yaml", True),
    ("*.yaml", "artifacts/sub/x.yaml", True),
    ("artifacts/legacy-*.yaml", "artifacts/legacy-a.yaml", True),
    ("artifacts/", "artifacts/x.yaml", True),
    ("/x.yaml", "artifacts/x.yaml", False),
    ("specialists/", "specialists/pkg", True),
])
def test_path_matches(pattern: str, path: str, expected: bool) -> None:
    assert path_matches(pattern, path) is expected


def test_a_bad_exclude_pattern_is_a_config_error(repo: Path) -> None:
    write(repo, "artifact-lint.toml", 'extend-exclude = ["a\\\\"]\n')
    run = cli(repo, "check")
    assert run.code == 2
    assert "extend-exclude" in run.stderr and "a\\" in run.stderr


def test_pathspec_is_not_imported_without_patterns_to_match(repo: Path) -> None:
    """The default excludes are plain names and the fixture has no .gitignore: start-up
    stays as fast as before (pathspec costs about 9 ms to import)."""
    code = ("import sys\nfrom pathlib import Path\nfrom artifact_lint.engine.session import check\n"
            "check(Path(sys.argv[1]))\nprint('pathspec' in sys.modules)\n")
    run = subprocess.run([sys.executable, "-c", code, str(repo)], capture_output=True, text=True, check=True,
                         timeout=300)
    assert run.stdout.strip() == "False"
    write(repo, ".gitignore", "*.tmp\n")
    run = subprocess.run([sys.executable, "-c", code, str(repo)], capture_output=True, text=True, check=True,
                         timeout=300)
    assert run.stdout.strip() == "True"


def test_an_unreadable_artifacts_folder_is_exit_2_naming_it(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_scandir = os.scandir

    def scandir(path):  # type: ignore[no-untyped-def]
        if str(path).endswith("artifacts"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    run = cli(repo, "check", "-f", "json", monkeypatch=monkeypatch)
    assert run.code == 2
    assert "`artifacts`" in run.stderr and "Permission denied" in run.stderr


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any folder")
def test_chmod_000_artifacts_is_exit_2(repo: Path) -> None:
    (repo / "artifacts").chmod(0)
    try:
        run = process(repo, "check", "-f", "json")
    finally:
        (repo / "artifacts").chmod(0o755)
    assert run.code == 2
    assert "artifacts" in run.stderr


# --- --show-files, --show-settings -------------------------------------------------------


def test_show_files(repo: Path) -> None:
    assert show_files(repo) == [GEMMA, MISTRAL, TERMINAL]
    assert show_files(repo, GEMMA) == [GEMMA]
    explained = show_files(repo, "-v", GEMMA)
    assert f"{MISTRAL}  (context: read for cross-file checks, not linted)" in explained
    assert any(line.startswith(f"{DOC}  (the registry document: cross-checked") for line in explained)


def test_show_settings_names_where_each_value_came_from(repo: Path) -> None:
    write(repo, "pyproject.toml", '[tool.artifact-lint]\nfail-on = "warning"\nextend-exclude = ["x/"]\n')
    run = cli(repo, "check", "--show-settings", "--ignore", "AL5")
    assert run.code == 0, run.stderr
    lines = run.stdout.splitlines()
    setting = {line.split(" = ")[0]: line for line in lines if " = " in line and not line.startswith("#")}
    assert setting["fail-on"].startswith('fail-on = "warning"')
    assert setting["fail-on"].endswith("# pyproject.toml [tool.artifact-lint]")
    assert setting["extend-exclude"].endswith("# pyproject.toml [tool.artifact-lint]")
    assert setting["ignore"].startswith('ignore = ["AL5"]') and setting["ignore"].endswith("# command line")
    assert setting["paths"].endswith("# default")
    assert setting["policy"].startswith('policy = "(built in)"')
    assert "# config file: pyproject.toml [tool.artifact-lint]" in lines


def test_describe_files_without_the_command_line(repo: Path) -> None:
    assert describe_files(repo, Config()) == [GEMMA, MISTRAL, TERMINAL]


# --- document mode and each artifact once -------------------------------------------------


@pytest.fixture
def document_only(repo: Path) -> Path:
    shutil.rmtree(repo / "artifacts")
    return repo


def test_document_mode_lints_the_registry_document(document_only: Path) -> None:
    edit(document_only, DOC, "| `terminal-replay` | Demo artifact | `parked` |", "| `terminal-replay` |"
         " Demo artifact | `parkd` |")
    run = cli(document_only, "check", "-f", "json")
    assert run.code == 1, run.stderr
    assert ("AL101", DOC, "terminal-replay") in {(f["code"], f["path"], f["artifact"]) for f in run.findings}
    assert "AL601" not in run.codes()  # nothing to drift from
    assert show_files(document_only) == [DOC]
    named = cli(document_only, "check", "-f", "json", DOC)
    assert named.findings == run.findings


def test_document_mode_with_an_empty_artifacts_folder(document_only: Path) -> None:
    (document_only / "artifacts" / "design").mkdir(parents=True)
    write(document_only, "artifacts/design/design-review.json", '{"direction": {}}\n')
    run = cli(document_only, "check", "-f", "json")
    assert run.code in (0, 1), run.stderr
    assert not [p for p in paths_of(run) if "design" in p]
    assert show_files(document_only) == [DOC]


def test_no_artifacts_and_no_document_is_still_exit_2(document_only: Path) -> None:
    (document_only / DOC).unlink()
    run = cli(document_only, "check")
    assert run.code == 2
    assert "path `artifacts` does not exist" in run.stderr


def test_each_defect_is_reported_once_when_folder_and_document_are_named(repo: Path) -> None:
    edit(repo, GEMMA, *BAD_STATE)
    run = cli(repo, "check", "-f", "json", "artifacts/", DOC)
    found = [(f["code"], f["path"], f.get("field")) for f in run.findings]
    assert sorted(found) == sorted({*found})  # nothing twice
    assert ("AL101", GEMMA, "state") in found
    assert not [f for f in run.findings if f["path"] == DOC and f["code"] != "AL601"]
    assert [f["artifact"] for f in run.findings if f["code"] == "AL601"] == ["gemma-2b-invoice-fields"]
    assert run.findings == cli(repo, "check", "-f", "json", DOC, "artifacts").findings


def test_an_id_only_the_document_has_is_drift_when_there_are_metadata_files(repo: Path) -> None:
    (repo / TERMINAL).unlink()
    run = cli(repo, "check", "-f", "json", DOC)
    assert {(f["code"], f["artifact"]) for f in run.findings} == {("AL601", "terminal-replay")}


def test_a_registry_document_that_leaves_the_root_is_refused(repo: Path, tmp_path: Path) -> None:
    secret = write(tmp_path, "outside.md", "# TOPSECRET-doc\n| `x` | y |\n")
    (repo / DOC).unlink()
    (repo / DOC).symlink_to(secret)
    run = cli(repo, "check", "-f", "json")
    assert run.code == 2
    assert DOC in run.stderr and "outside the repository root" in run.stderr
    assert "TOPSECRET" not in run.stdout + run.stderr


@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_a_registry_document_that_is_not_a_file_is_exit_2(repo: Path, kind: str) -> None:
    (repo / DOC).unlink()
    if kind == "folder":
        (repo / DOC).mkdir()
    else:
        if not hasattr(os, "mkfifo"):
            pytest.skip("no named pipes here")
        os.mkfifo(repo / DOC)
    run = process(repo, "check", "-f", "json")  # a real process: a hang fails on the timeout
    assert run.code == 2
    assert DOC in run.stderr and "not a regular file" in run.stderr


# --- the real upstream tree -----------------------------------------------------------------


@pytest.fixture
def upstream(tmp_path: Path) -> Path:
    trees = sorted((shared_dir() / "corpus").glob("upstream-tree@*"))
    if not trees:
        pytest.skip("no upstream tree in ../shared/corpus")
    root = tmp_path / "upstream"
    shutil.copytree(trees[-1], root)
    for folder, _, files in os.walk(root):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)
    subprocess.run(["git", "init", "-q", str(root)], check=True, capture_output=True, timeout=60)
    return root


def test_upstream_tree_checks_in_document_mode(upstream: Path) -> None:
    run = process(upstream, "check", "-f", "json")
    assert run.code == 1, run.stderr
    assert not [f for f in run.findings if f["path"].startswith("artifacts/")]
    assert "AL601" not in run.codes()
    entries = [f for f in run.findings if f["path"] == DOC and f.get("artifact")]
    assert len({f["artifact"] for f in entries}) >= 5
    # package files are never linted as artifacts: what is said of them is public copy (AL2)
    # or package rules (AL4), never a metadata rule
    assert not [f for f in run.findings if f["path"].startswith("specialists/") and f["code"] < "AL2"]
    assert not [f for f in run.findings if f["path"].startswith("specialists/") and "AL3" <= f["code"] < "AL4"]
    dot = process(upstream, "check", "-f", "json", ".")
    assert dot.findings == run.findings
    named = process(upstream, "check", "-f", "json", DOC)
    assert named.findings == run.findings


def test_standard_input_for_an_excluded_file_with_force_exclude(repo: Path) -> None:
    text = bad_artifact("legacy-one")
    write(repo, "artifact-lint.toml", 'extend-exclude = ["legacy-*"]\n')
    args = ("check", "-f", "json", "--stdin-filename", "artifacts/legacy-one.yaml", "-")
    runner_input = {"input": text}
    from test_cli import ENV
    from typer.testing import CliRunner

    from artifact_lint.commands.cli import app

    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(repo)
        linted = CliRunner().invoke(app, list(args), env=ENV, **runner_input)
        skipped = CliRunner().invoke(app, [*args[:-1], "--force-exclude", "-"], env=ENV, **runner_input)
    assert linted.exit_code == 1 and '"AL101"' in linted.stdout
    assert skipped.exit_code == 0 and '"findings": []' in skipped.stdout


def test_a_configured_registry_document_outside_the_root_is_refused(repo: Path, tmp_path: Path) -> None:
    write(tmp_path, "outside.md", "# TOPSECRET-doc\n")
    write(repo, "artifact-lint.toml", 'registry-doc = "../outside.md"\n')
    run = cli(repo, "check")
    assert run.code == 2
    assert "`../outside.md`" in run.stderr and "outside the repository root" in run.stderr
    assert "TOPSECRET" not in run.stdout + run.stderr


def test_an_unreadable_specialists_folder_is_exit_2_naming_it(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_iterdir = Path.iterdir

    def iterdir(self: Path):  # type: ignore[no-untyped-def]
        if self.name == "specialists":
            raise PermissionError(13, "Permission denied")
        return real_iterdir(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    run = cli(repo, "check", "-f", "json", monkeypatch=monkeypatch)
    assert run.code == 2
    assert "`specialists`" in run.stderr and "Permission denied" in run.stderr
