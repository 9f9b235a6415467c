"""`--jobs`: worker processes give exactly the single-process report."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

import pytest
from conftest import build_fixture_repo
from typer.testing import CliRunner

from artifact_lint.commands.cli import app
from artifact_lint.engine.parallel import AUTO_THRESHOLD, _WorkQueue, worker_count

ROOT = Path(__file__).resolve().parents[1]


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
    mine = [str(path) for path in queue.files()]
    with os.fdopen(read_end) as source:
        theirs = [line for line in source.read().split("\n") if line]
    os.waitpid(pid, 0)
    queue.close()
    assert sorted(mine + theirs) == [str(path) for path in files]


def test_two_jobs_report_exactly_what_one_job_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _make_corpus(tmp_path / "corpus", 120)
    # a suppression and a safe fix must survive the trip through the workers too
    first = sorted((root / "artifacts").glob("*.yaml"))[0]
    first.write_text(first.read_text().replace("label: Direct\n", "label: direct\n", 1))
    one = _report(root, monkeypatch, "--jobs", "1")
    two = _report(root, monkeypatch, "--jobs", "2")
    assert one == two
    code, text = one
    assert code == 1 and json.loads(text)["findings"]


def test_a_rule_crashing_in_a_worker_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_fixture_repo(tmp_path)
    import artifact_lint.rules.al101_invalid_state as al101

    def broken(artifact, repo):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")
        yield

    monkeypatch.setattr(al101, "check", broken)  # forked workers inherit the patch
    monkeypatch.chdir(root)
    result = CliRunner().invoke(app, ["check", "--jobs", "2"])
    assert result.exit_code == 2
    assert "AL101" in result.output and "boom" in result.output


def test_a_slim_record_keeps_every_position_under_the_kept_fields_and_no_other(tmp_path: Path) -> None:
    from artifact_lint.engine.parallel import CROSS_FILE_FIELDS
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
    slim = artifact.slimmed(CROSS_FILE_FIELDS)
    assert slim.document is not None
    full = artifact.document.positions
    wanted = set(CROSS_FILE_FIELDS)
    assert dict(slim.document.positions.items()) == {p: v for p, v in full.items() if not p or p[0] in wanted}
    assert dict(slim.document.positions.items(key=True)) == {p: v for p, v in full.items(key=True) if p[0] in wanted}
    assert slim.document.positions.has(("surface", 1, "odd", 1))
    assert slim.document.data == {k: artifact.document.data[k] for k in ("id", "type", "surface", "package")}
    assert slim.model is not None and slim.model.package == "specialists/x" and slim.model.evidence is None


@pytest.mark.skipif(not hasattr(os, "fork"), reason="worker processes need fork")
def test_a_child_keeps_checking_while_the_parent_reads_nothing(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    import artifact_lint.engine.parallel as parallel
    from artifact_lint.sources.loader import Limits

    files = [Path(f"artifacts/{index:05}.yaml") for index in range(400)]  # 50 batches of 8
    progress = tmp_path / "batches"

    def checked(repo, rules, batch, limits):  # type: ignore[no-untyped-def]
        with progress.open("a") as out:
            out.write("x")
        return [str(path) * 1000 for path in batch]  # ~150 kB a batch: more than a pipe holds

    monkeypatch.setattr(parallel, "_load_share", checked)
    queue = parallel._WorkQueue(files)
    child = parallel._fork(lambda write_end: parallel._send_batches(None, [], queue, Limits(), write_end))
    queue.close()
    deadline = time.monotonic() + 20
    while (not progress.exists() or len(progress.read_text()) < 50) and time.monotonic() < deadline:
        time.sleep(0.01)  # the parent reads nothing until the child has taken every batch
    try:
        assert len(progress.read_text()) == 50
    except AssertionError:
        parallel._stop(child)  # stuck on a full pipe: leave no process behind
        raise
    received = parallel._receive(child, to_the_end=True)
    assert sorted(item for batch in received for item in batch) == [str(path) * 1000 for path in files]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="worker processes need fork")
def test_frames_arrive_whole_and_in_order_however_the_pipe_splits_them() -> None:
    from artifact_lint.engine.parallel import _Crash, _fork, _frame, _receive

    big = ["x" * 1000] * 300  # ~300 kB pickled: more than a pipe holds at once
    frames = _frame(big) + _frame([]) + _frame(_Crash("AL101 (invalid-state)", "RuntimeError: boom"))

    def work(write_end: int) -> None:
        for start in range(0, len(frames), 7_000):  # pieces that cut frames and lengths apart
            os.write(write_end, frames[start:start + 7_000])

    child = _fork(work)
    received = []
    while len(received) < 1:  # whatever has arrived, without waiting for the rest
        received += _receive(child, to_the_end=False)
    received += _receive(child, to_the_end=True)
    assert received == [big, [], _Crash("AL101 (invalid-state)", "RuntimeError: boom")]


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
    result = CliRunner().invoke(app, ["check", "--jobs", "2"])
    assert result.exit_code == 2
    assert "a worker process failed (wait status 768); rerun with --jobs 1" in result.output
