"""The registry document read in a child process gives exactly what reading it here gives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from artifact_lint import prefetch
from artifact_lint.cli import app
from artifact_lint.loader import Limits
from artifact_lint.prefetch import RegistryPrefetch, can_fork
from artifact_lint.repository import load_registry
from conftest import build_fixture_repo

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT = ROOT / "docs" / "factory" / "public-artifacts.md"
UPSTREAM = ROOT.parent / "shared" / "corpus" / "upstream"

needs_fork = pytest.mark.skipif(not can_fork(), reason="the document is read in process here")


def _documents() -> list[Path]:
    found = [DOCUMENT]
    if UPSTREAM.is_dir():
        found += sorted(UPSTREAM.rglob("*.md"))
    return found


@needs_fork
@pytest.mark.parametrize("document", _documents(), ids=lambda p: p.name)
def test_the_child_reads_what_this_process_reads(document: Path) -> None:
    root = document.parents[2] if document == DOCUMENT else document.parent
    limits = Limits()
    background = RegistryPrefetch(document, root, limits)
    assert background.running(document, root, limits)
    assert background(document, root, limits) == load_registry(document, root, limits)
    assert not background.running(document, root, limits)  # the result is collected once


@needs_fork
def test_a_failing_child_falls_back_to_reading_here(monkeypatch: pytest.MonkeyPatch) -> None:
    parent = os.getpid()
    real = prefetch.load_registry

    def fails_in_the_child(*args):  # type: ignore[no-untyped-def]
        if os.getpid() != parent:
            raise RuntimeError("child failure")
        return real(*args)

    monkeypatch.setattr(prefetch, "load_registry", fails_in_the_child)
    root, limits = DOCUMENT.parents[2], Limits()
    background = RegistryPrefetch(DOCUMENT, root, limits)
    assert background(DOCUMENT, root, limits) == real(DOCUMENT, root, limits)


@needs_fork
def test_another_document_is_read_here_and_close_reaps_the_child() -> None:
    root, limits = DOCUMENT.parents[2], Limits()
    background = RegistryPrefetch(DOCUMENT, root, limits)
    other = ROOT / "README.md"
    assert not background.running(other, root, limits)
    assert background(other, root, limits) == load_registry(other, root, limits)
    child = background._pid
    background.close()
    assert not background.running(DOCUMENT, root, limits)
    with pytest.raises(ChildProcessError):
        os.waitpid(child, os.WNOHANG)  # already reaped: no zombie left behind


def test_without_fork_the_document_is_read_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prefetch, "can_fork", lambda: False)
    root, limits = DOCUMENT.parents[2], Limits()
    background = RegistryPrefetch(DOCUMENT, root, limits)
    assert not background.running(DOCUMENT, root, limits)
    assert background(DOCUMENT, root, limits) == load_registry(DOCUMENT, root, limits)
    background.close()


@needs_fork
def test_check_reports_the_same_with_and_without_the_child(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_fixture_repo(tmp_path)
    document = root / "docs" / "factory" / "public-artifacts.md"
    document.write_text(document.read_text(encoding="utf-8").replace("`parked`", "`parkd`"), encoding="utf-8")
    monkeypatch.chdir(root)
    with_child = CliRunner().invoke(app, ["check", "-f", "json"])
    monkeypatch.setattr(prefetch, "can_fork", lambda: False)
    in_process = CliRunner().invoke(app, ["check", "-f", "json"])
    assert with_child.exit_code == in_process.exit_code == 1
    assert '"AL60' in with_child.stdout  # the document's findings come through the child
    assert with_child.stdout == in_process.stdout
