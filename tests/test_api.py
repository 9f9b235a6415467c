"""The documented Python API, used only through the names `artifact_lint` exports."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import build_fixture_repo

import artifact_lint


def test_check_returns_findings_and_the_exit_code(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    assert artifact_lint.check(root=root).exit_code == 0
    path = root / "artifacts" / "gemma-2b-invoice-fields.yaml"
    path.write_text(path.read_text().replace("state: candidate-current-best", "state: reportonly"))

    result = artifact_lint.check(root=root)

    assert isinstance(result, artifact_lint.Result) and result.exit_code == 1 and not result.ok
    finding = next(f for f in result.findings if f.code == "AL101")
    assert isinstance(finding, artifact_lint.Finding)
    assert (finding.path, finding.line, finding.severity) == (
        "artifacts/gemma-2b-invoice-fields.yaml", 3, artifact_lint.Severity.ERROR)
    assert artifact_lint.check(root=root, ignore=["AL101", "AL601"]).exit_code == 0
    only = artifact_lint.check(root=root, paths=["artifacts/terminal-replay.yaml"])
    assert not [f for f in only.findings if f.code == "AL101"]  # gemma is not checked, only cross-checked


def test_a_relative_root_is_relative_to_the_working_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_fixture_repo(tmp_path / "repo")
    monkeypatch.chdir(root.parent)
    assert artifact_lint.check(root=root.name).findings == artifact_lint.check(root=root).findings


def test_a_bad_configuration_raises_tool_error(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    (root / "pyproject.toml").write_text("[tool.artifact-lint]\nfail-on = \"sometimes\"\n")
    with pytest.raises(artifact_lint.ToolError):
        artifact_lint.check(root=root)


def test_the_api_names_are_exported() -> None:
    assert set(artifact_lint.__all__) >= {"check", "Result", "Finding", "Severity", "ToolError"}
    with pytest.raises(AttributeError):
        artifact_lint.nothing_here  # noqa: B018
