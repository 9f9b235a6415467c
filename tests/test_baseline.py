"""Baselines, --new-from-rev, --statistics, --show-suppressed and standard input, through the CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import build_fixture_repo
from typer.testing import CliRunner

from artifact_lint.commands.cli import app

ARTIFACT = "artifacts/gemma-2b-invoice-fields.yaml"


def _run(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(root)
    return CliRunner().invoke(app, ["check", *args], input=stdin)


def _break(root: Path, old: str, new: str) -> None:
    path = root / ARTIFACT
    path.write_text(path.read_text().replace(old, new))


def _report(output: str) -> dict:
    return json.loads(output)


def test_baseline_survives_moved_lines_and_reports_new_findings(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_fixture_repo(tmp_path)
    _break(root, "label: Direct\n", "label: direct\n")
    written = _run(root, monkeypatch, "--write-baseline", "baseline.json")
    assert written.exit_code == 0
    entries = json.loads((root / "baseline.json").read_text())["entries"]
    assert [e["code"] for e in entries] == ["AL201"]
    assert "line" not in entries[0]  # keyed by content, not position

    path = root / ARTIFACT
    path.write_text("# a new header comment\n\n" + path.read_text())
    moved = _run(root, monkeypatch, "-f", "json", "--baseline", "baseline.json")
    assert moved.exit_code == 0, moved.output
    assert _report(moved.output)["summary"]["suppressed"] == 1

    _break(root, "label: Directional", "label: directional")
    fresh = _run(root, monkeypatch, "-f", "json", "--baseline", "baseline.json")
    assert fresh.exit_code == 1
    assert [f["field"] for f in _report(fresh.output)["findings"]] == ["competition[1].label"]


def test_stale_baseline_entries_are_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_fixture_repo(tmp_path)
    _break(root, "label: Direct\n", "label: direct\n")
    _run(root, monkeypatch, "--write-baseline", "baseline.json")
    _break(root, "label: direct\n", "label: Direct\n")
    result = _run(root, monkeypatch, "-f", "json", "--baseline", "baseline.json")
    (stale,) = _report(result.output)["findings"]
    assert stale["code"] == "AL901" and stale["path"] == "baseline.json" and stale["line"] == 2


def test_bad_baseline_file_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_fixture_repo(tmp_path)
    (root / "baseline.json").write_text("{not json")
    result = _run(root, monkeypatch, "--baseline", "baseline.json")
    assert result.exit_code == 2


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_new_from_rev_reports_only_what_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_fixture_repo(tmp_path)
    shutil.rmtree(root / ".git")
    _break(root, "label: Direct\n", "label: direct\n")  # already broken on main
    git = ["git", "-c", "user.email=ci@example.invalid", "-c", "user.name=ci"]
    subprocess.run([*git, "init", "-q"], cwd=root, check=True, timeout=60)
    subprocess.run([*git, "add", "-A"], cwd=root, check=True, timeout=60)
    subprocess.run([*git, "commit", "-qm", "main"], cwd=root, check=True, timeout=60)
    _break(root, "label: Not comparable", "label: not comparable")  # the pull request's change
    everything = _report(_run(root, monkeypatch, "-f", "json").output)["findings"]
    assert {f["field"] for f in everything if f["code"] == "AL201"} == {"competition[0].label", "competition[2].label"}
    new = _run(root, monkeypatch, "-f", "json", "--new-from-rev", "HEAD")
    assert [f["field"] for f in _report(new.output)["findings"]] == ["competition[2].label"]
    unknown = _run(root, monkeypatch, "--new-from-rev", "no-such-rev")
    assert unknown.exit_code == 2


def test_statistics_and_show_suppressed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_fixture_repo(tmp_path)
    _break(root, "label: Direct\n", "label: direct\n")
    _break(root, "label: Directional", "label: directional")
    stats = _run(root, monkeypatch, "--statistics", "-f", "json")
    assert _report(stats.output) == [{"code": "AL201", "name": "invalid-label", "count": 2, "fixable": 2}]
    (root / "pyproject.toml").write_text('[tool.artifact-lint]\n[tool.artifact-lint.per-file-ignores]\n'
                                         '"artifacts/gemma-*.yaml" = ["AL201"]\n')
    shown = _run(root, monkeypatch, "-f", "concise", "--show-suppressed")
    assert shown.exit_code == 0
    assert shown.output.count("AL201 [suppressed]") == 2


def test_standard_input_stands_for_the_named_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_fixture_repo(tmp_path)
    text = (root / ARTIFACT).read_text().replace("state: candidate-current-best", "state: parkd")
    result = _run(root, monkeypatch, "-", "--stdin-filename", ARTIFACT, "-f", "json", stdin=text)
    findings = _report(result.output)["findings"]
    assert [(f["code"], f["path"], f["line"]) for f in findings if f["code"] == "AL101"] == [("AL101", ARTIFACT, 3)]
    # the registry document now disagrees (AL601), but that is a finding about another file
    assert {f["path"] for f in findings} == {ARTIFACT}
    assert "state: candidate-current-best" in (root / ARTIFACT).read_text()  # the file itself is untouched
    missing_name = _run(root, monkeypatch, "-", stdin=text)
    assert missing_name.exit_code == 2
