"""`--new-from-rev`: the revision's tree as committed (issue 15), and one clear line for
each way it cannot be read."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import build_fixture_repo
from typer.testing import CliRunner

from artifact_lint.commands.cli import app
from artifact_lint.engine.revision import checkout_tree
from artifact_lint.errors import ToolError

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

ARTIFACT = "artifacts/gemma-2b-invoice-fields.yaml"
GIT = ["git", "-c", "user.email=ci@example.invalid", "-c", "user.name=ci", "-c", "init.defaultBranch=main",
       "-c", "protocol.file.allow=always"]


def _git(root: Path, *args: str) -> str:
    return subprocess.run([*GIT, *args], cwd=root, check=True, capture_output=True, text=True, timeout=60).stdout


def _repository(tmp_path: Path, *, commit: bool = True) -> Path:
    """The fixture repository as a git repository (its one commit holding the broken label)."""
    root = build_fixture_repo(tmp_path)
    shutil.rmtree(root / ".git")
    _break(root, "label: Direct\n", "label: direct\n")  # a finding already there
    _git(root, "init", "-q")
    if commit:
        _git(root, "add", "-A")
        _git(root, "commit", "-qm", "main")
    return root


def _break(root: Path, old: str, new: str, relative: str = ARTIFACT) -> None:
    path = root / relative
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def _check(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(root)
    return CliRunner().invoke(app, ["check", "-f", "json", *args])


def _fields(result) -> list[tuple[str, str, str | None]]:  # type: ignore[no-untyped-def]
    assert result.exit_code in (0, 1), result.output
    return [(f["code"], f["path"], f.get("field")) for f in json.loads(result.stdout)["findings"]]


def _error(result) -> str:  # type: ignore[no-untyped-def]
    """The one line a failing run says."""
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def test_only_the_new_finding_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _repository(tmp_path)
    _break(root, "label: Not comparable", "label: not comparable")
    assert _fields(_check(root, monkeypatch, "--new-from-rev", "HEAD")) == [("AL201", ARTIFACT, "competition[2].label")]


def test_fix_lints_the_revision_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from artifact_lint.commands import check

    root = _repository(tmp_path)
    _break(root, "label: Not comparable", "label: not comparable")
    calls = []
    at_revision = check._known_at_revision
    monkeypatch.setattr(check, "_known_at_revision", lambda *args: calls.append(args) or at_revision(*args))
    result = _check(root, monkeypatch, "--fix", "--new-from-rev", "HEAD")
    assert _fields(result) == [] and "fixed 1 finding(s)" in result.stderr  # only the new one
    assert len(calls) == 1  # the lint after the fixes reuses what the revision held


def test_export_ignore_files_are_read_as_committed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`git archive` left out `export-ignore` paths, and their findings came back as new."""
    root = _repository(tmp_path, commit=False)
    (root / ".gitattributes").write_text("artifacts/gemma-*.yaml export-ignore\nspecialists/** export-ignore\n")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "main")
    assert _fields(_check(root, monkeypatch))  # the finding is there...
    assert _fields(_check(root, monkeypatch, "--new-from-rev", "HEAD")) == []  # ...and was there at HEAD


def test_export_subst_files_are_read_as_committed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _repository(tmp_path, commit=False)
    _break(root, "next_release_action: Publish", "next_release_action: $Format:%H$ Publish")
    (root / ".gitattributes").write_text("artifacts/*.yaml export-subst\n")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "main")
    assert _fields(_check(root, monkeypatch, "--new-from-rev", "HEAD")) == []


def test_committed_links_are_links_at_the_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A committed symbolic link came back as new: `git archive`'s links were skipped."""
    root = _repository(tmp_path, commit=False)
    (root / "shared").mkdir()
    (root / "shared" / "copy.yaml").write_text((root / ARTIFACT).read_text().replace(
        "id: gemma-2b-invoice-fields", "id: gemma-2b-invoice-fields-copy"))
    os.symlink("../shared/copy.yaml", root / "artifacts" / "linked.yaml")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "main")
    everything = _fields(_check(root, monkeypatch))
    assert ("AL201", "artifacts/linked.yaml", "competition[0].label") in everything
    assert _fields(_check(root, monkeypatch, "--new-from-rev", "HEAD")) == []

    target = tmp_path / "tree"
    target.mkdir()
    old_root = checkout_tree(root, "HEAD", target)
    link = old_root / "artifacts" / "linked.yaml"
    assert link.is_symlink() and os.readlink(link) == "../shared/copy.yaml"
    assert link.read_text() == (root / "shared" / "copy.yaml").read_text()


def test_committed_links_that_leave_the_root_stay_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("id: TOP-SECRET-VALUE\n")
    root = _repository(tmp_path, commit=False)
    os.symlink(str(secret), root / "artifacts" / "absolute.yaml")
    os.symlink("../../secret.yaml", root / "artifacts" / "relative.yaml")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "main")
    now = _check(root, monkeypatch)
    assert {("AL001", "artifacts/absolute.yaml", None), ("AL001", "artifacts/relative.yaml", None)} <= set(_fields(now))
    new = _check(root, monkeypatch, "--new-from-rev", "HEAD")
    assert _fields(new) == []  # refused at the revision the same way: nothing new
    assert "TOP-SECRET-VALUE" not in now.output + new.output

    # at the revision, in its own folder, the relative link points out of that folder's root
    target = tmp_path / "deep" / "tree"
    target.mkdir(parents=True)
    (tmp_path / "deep" / "secret.yaml").write_text("id: TOP-SECRET-VALUE\n")
    old_root = checkout_tree(root, "HEAD", target)
    assert os.readlink(old_root / "artifacts" / "relative.yaml") == "../../secret.yaml"


def test_odd_names_and_a_subfolder_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    top = tmp_path / "top"
    top.mkdir()
    _git(top, "init", "-q")
    root = build_fixture_repo(top / "sub")  # top/sub/repo
    shutil.rmtree(root / ".git")
    (root / "artifact-lint.toml").write_text('paths = ["artifacts"]\n')  # the root, below the repository's top
    names = ["new\nline.md", "per%20cent.md", "ünï cødé.md", "tab\tand space.md"]
    for name in names:
        (root / "specialists" / "mistral-7b-ticket-triage" / name).write_text(name)
    _break(root, "label: Direct\n", "label: direct\n")
    (top / "outside.txt").write_text("not below the root")
    _git(top, "add", "-A")
    _git(top, "commit", "-qm", "main")
    target = tmp_path / "tree"
    target.mkdir()
    old_root = checkout_tree(root, "HEAD", target)
    assert old_root == target / "sub" / "repo"
    for name in names:
        assert (old_root / "specialists" / "mistral-7b-ticket-triage" / name).read_text() == name
    assert not (target / "outside.txt").exists()  # only the root's part of the tree is written
    assert _fields(_check(root, monkeypatch, "--new-from-rev", "HEAD")) == []


def test_an_empty_revision_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _repository(tmp_path)
    for empty in ("", "  "):
        assert "--new-from-rev needs a revision" in _error(_check(root, monkeypatch, "--new-from-rev", empty))


def test_a_revision_that_looks_like_an_option_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _repository(tmp_path)
    line = _error(_check(root, monkeypatch, "--new-from-rev=--output=/tmp/x"))
    assert "is not a revision name" in line


def test_an_unknown_revision_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _repository(tmp_path)
    for name in ("no-such-rev", "HEAD~5", "0123456789abcdef0123456789abcdef01234567"):
        line = _error(_check(root, monkeypatch, "--new-from-rev", name))
        assert line == (f"artifact-lint: error: --new-from-rev: `{name}` is not a commit in this repository"
                        " (no branch, tag or commit of that name)")


def test_a_repository_without_commits_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _repository(tmp_path, commit=False)
    line = _error(_check(root, monkeypatch, "--new-from-rev", "HEAD"))
    assert "the repository has no commits yet, so there is no `HEAD` to compare with" in line


def test_a_shallow_clone_without_the_revision_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    origin = _repository(tmp_path / "origin")
    for step in range(2):
        (origin / f"note-{step}.md").write_text(f"{step}\n")
        _git(origin, "add", "-A")
        _git(origin, "commit", "-qm", f"step {step}")
    clone = tmp_path / "clone"
    _git(tmp_path, "clone", "-q", "--depth", "1", origin.as_uri(), str(clone))
    line = _error(_check(clone, monkeypatch, "--new-from-rev", "HEAD~2"))
    assert "`HEAD~2` is not in this shallow clone (not fetched, or no such name); fetch more history" in line
    assert _fields(_check(clone, monkeypatch, "--new-from-rev", "HEAD")) == []  # what it has, it reads


def test_outside_a_git_repository_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_fixture_repo(tmp_path)
    shutil.rmtree(root / ".git")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    line = _error(_check(root, monkeypatch, "--new-from-rev", "HEAD"))
    assert "is not in a git repository" in line


def test_checkout_tree_raises_tool_errors_only(tmp_path: Path) -> None:
    root = _repository(tmp_path)
    with pytest.raises(ToolError, match="not a commit"):
        checkout_tree(root, "nope", tmp_path / "t")


def test_odd_tree_entries_are_written_as_git_would_or_left_out(tmp_path: Path) -> None:
    """A link whose committed target holds NUL (no file system can make it) is left out;
    a submodule is its empty folder; an executable file stays executable."""
    root = _repository(tmp_path)
    head = _git(root, "rev-parse", "HEAD").strip()
    blob = subprocess.run([*GIT, "hash-object", "-w", "--stdin"], cwd=root, input=b"a\0b", check=True,
                          capture_output=True, timeout=60).stdout.decode().strip()
    _git(root, "update-index", "--add", "--cacheinfo", f"120000,{blob},artifacts/nul-link.yaml")
    _git(root, "update-index", "--add", "--cacheinfo", f"160000,{head},vendor/module")
    (root / "tool.sh").write_text("#!/bin/sh\n")
    (root / "tool.sh").chmod(0o755)
    _git(root, "add", "tool.sh")
    _git(root, "commit", "-qm", "odd entries")
    target = tmp_path / "tree"
    target.mkdir()
    old_root = checkout_tree(root, "HEAD", target)
    assert not os.path.lexists(old_root / "artifacts" / "nul-link.yaml")
    assert (old_root / "vendor" / "module").is_dir() and not any((old_root / "vendor" / "module").iterdir())
    assert os.access(old_root / "tool.sh", os.X_OK)
    assert (old_root / ARTIFACT).read_bytes() == _git(root, "show", f"HEAD:{ARTIFACT}").encode()
