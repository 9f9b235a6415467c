"""`--jobs`: worker processes give exactly the single-process report, and records keep
what the repository rules declare they read (`READS`), in one process as in several.

Whatever waits here has a deadline (`deadline`): a worker that hangs or dies fails the
test rather than hanging the suite."""

from __future__ import annotations

import gc
import importlib.util
import json
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import build_fixture_repo
from typer.testing import CliRunner

from artifact_lint.commands.cli import app
from artifact_lint.engine.parallel import AUTO_THRESHOLD, _WorkQueue, fields_read, worker_count
from artifact_lint.engine.rule_set import load_rules

ROOT = Path(__file__).resolve().parents[1]
# What the built-in repository rules read (their `READS`, together).
BUILT_IN_READS = ("id", "type", "state", "surface", "weights", "package")


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Raise TimeoutError in the test if the block takes longer (a hung worker)."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"still waiting after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _make_corpus(folder: Path, count: int) -> Path:
    spec = importlib.util.spec_from_file_location("make_corpus", ROOT / "bench" / "make_corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_corpus"] = module
    spec.loader.exec_module(module)
    module.main([str(folder), "-n", str(count)])
    return folder


def _report(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    monkeypatch.chdir(root)
    with deadline(120):
        result = CliRunner().invoke(app, ["check", "-f", "json", *args])
    return result.exit_code, result.stdout


def test_worker_count() -> None:
    assert worker_count(3, 10) == 3
    assert worker_count(None, AUTO_THRESHOLD - 1) == 1
    assert worker_count(None, AUTO_THRESHOLD) >= 1


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the work queue is shared across a fork")
@pytest.mark.parametrize("count", [1, 7, 8, 9, 1000, 40_000])
def test_work_queue_hands_out_every_file_exactly_once_across_processes(count: int) -> None:
    files = [Path(f"artifacts/{index:05}.yaml") for index in range(count)]
    queue = _WorkQueue(files)
    assert len(queue.all_batches) <= _WorkQueue.MAX_BATCHES
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child takes what it can and sends back the names
        try:
            os.close(read_end)
            with os.fdopen(write_end, "w") as out:
                out.write("\n".join(str(path) for path in queue.files()))
        finally:
            os._exit(0)
    os.close(write_end)
    with deadline(60):
        mine = [str(path) for path in queue.files()]
        with os.fdopen(read_end) as source:
            theirs = [line for line in source.read().split("\n") if line]
        os.waitpid(pid, 0)
    queue.close()
    assert sorted(mine + theirs) == [str(path) for path in files]


def test_the_built_in_repository_rules_declare_what_they_read() -> None:
    rules = load_rules()
    assert all(rule.reads is not None for rule in rules if rule.scope == "repository")
    assert fields_read(rules) == BUILT_IN_READS
    assert fields_read([rule._replace(reads=None) if rule.code == "AL006" else rule for rule in rules]) is None
    assert fields_read([rule for rule in rules if rule.scope == "artifact"]) == ("id",)  # findings carry it


def test_two_jobs_report_exactly_what_one_job_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _make_corpus(tmp_path / "corpus", 120)
    # a suppression and a safe fix must survive the trip through the workers too
    first = sorted((root / "artifacts").glob("*.yaml"))[0]
    first.write_text(first.read_text().replace("label: Direct\n", "label: direct\n", 1))
    one = _report(root, monkeypatch, "--jobs", "1")
    two = _report(root, monkeypatch, "--jobs", "2")
    three = _report(root, monkeypatch, "--jobs", "3")
    assert one == two == three
    code, text = one
    assert code == 1 and json.loads(text)["findings"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="worker processes need fork")
def test_the_parent_and_the_child_each_check_a_part_and_every_file_once(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import artifact_lint.engine.parallel as parallel

    root = _make_corpus(tmp_path / "corpus", 300)
    real = parallel._load_share
    log = tmp_path / "checked"

    def logged(work, paths):  # type: ignore[no-untyped-def]
        paths = list(paths)
        with log.open("a") as out:  # one write per batch: whole lines, whichever process writes
            out.write("".join(f"{os.getpid()} {path.name}\n" for path in paths))
        return real(work, paths)

    monkeypatch.setattr(parallel, "_load_share", logged)  # forked workers inherit the patch
    code, text = _report(root, monkeypatch, "--jobs", "2")
    assert code == 1, text
    lines = [line.split() for line in log.read_text().splitlines()]
    names = sorted(name for _, name in lines)
    assert names == sorted(path.name for path in (root / "artifacts").glob("*.yaml"))
    assert {pid for pid, _ in lines} >= {str(os.getpid())} and len({pid for pid, _ in lines}) == 2


def test_a_rule_crashing_in_a_worker_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_fixture_repo(tmp_path)
    import artifact_lint.rules.al101_invalid_state as al101

    def broken(artifact, repo):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")
        yield

    monkeypatch.setattr(al101, "check", broken)  # forked workers inherit the patch
    monkeypatch.chdir(root)
    with deadline(120):
        result = CliRunner().invoke(app, ["check", "--jobs", "2"])
    assert result.exit_code == 2
    assert "AL101" in result.output and "boom" in result.output


def test_a_slim_record_keeps_every_position_under_the_kept_fields_and_no_other(tmp_path: Path) -> None:
    from artifact_lint.model.load import load_artifact
    from artifact_lint.sources.loader import Limits

    path = tmp_path / "artifacts" / "x.yaml"
    path.parent.mkdir()
    path.write_text(
        "id: x\n"
        "type: adapter\n"
        "surface:\n  - specialists/x/README.md\n  - {odd: [1, 2]}\n"
        "package: &p specialists/x\n"
        "notes:\n  - *p\n"
        "evidence:\n  - gate: g\n    value: 1\n"
    )
    artifact = load_artifact(path, tmp_path, Limits())
    assert artifact.document is not None
    slim = artifact.slimmed(BUILT_IN_READS)
    assert slim.document is not None
    full = artifact.document.positions
    wanted = set(BUILT_IN_READS)
    assert dict(slim.document.positions.items()) == {p: v for p, v in full.items() if not p or p[0] in wanted}
    assert dict(slim.document.positions.items(key=True)) == {p: v for p, v in full.items(key=True) if p[0] in wanted}
    assert slim.document.positions.has(("surface", 1, "odd", 1))
    assert slim.document.data == {k: artifact.document.data[k] for k in ("id", "type", "surface", "package")}
    assert slim.model is not None and slim.model.package == "specialists/x" and slim.model.evidence is None



@pytest.mark.skipif(not hasattr(os, "fork"), reason="worker processes need fork")
def test_a_worker_that_dies_midway_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import artifact_lint.engine.parallel as parallel

    root = _make_corpus(tmp_path / "corpus", 60)
    parent = os.getpid()
    real = parallel._load_share

    def dying(*args, **kwargs):  # type: ignore[no-untyped-def]
        if os.getpid() != parent:
            os._exit(3)  # e.g. killed by the out-of-memory killer
        return real(*args, **kwargs)

    monkeypatch.setattr(parallel, "_load_share", dying)
    monkeypatch.chdir(root)
    with deadline(120):
        result = CliRunner().invoke(app, ["check", "--jobs", "2"])
    assert result.exit_code == 2
    assert "a worker process failed (wait status 768); rerun with --jobs 1" in result.output


def test_checking_files_leaves_no_reference_cycle(tmp_path: Path) -> None:
    """A check holds every file with the cyclic collector off (`process.holding_files`),
    so a cycle made per file would stay in memory until the process ends."""
    from artifact_lint.engine.session import lint_repository, open_session

    session = open_session(_make_corpus(tmp_path, 12))
    lint_repository(session, jobs=1)  # the first run fills the module-level caches
    gc.collect()
    gc.disable()
    try:
        lint_repository(session, jobs=1)
        assert gc.collect() == 0
    finally:
        gc.enable()
