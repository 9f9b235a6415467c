"""`--jobs N`: load artifact files and run the per-artifact rules in N processes.

Each file is loaded and checked by the artifact-scope rules at once. Its record then
keeps the top-level fields the selected repository rules declare they read (`READS`,
see `rule_set`; every field when one of them declares nothing), with the rules'
problems and the suppression directives: the same record in one process as in
several, so a rule sees the same whatever N is, while memory grows by a small record
per file rather than by a whole file (positions, text, model).

With N > 1 the parent, once packages and policy are loaded, forks N - 1 children,
which share what is loaded, and checks files itself; every process takes batches of
files from one queue until none is left, then a child sends its records to the
parent as one pickle through a pipe. Cross-file rules then run once in the parent
over the whole set, and findings are sorted, so the report is the same whatever N is.
Where there is no `fork` (Windows), one process does it all.

Plain `os.fork` and a pipe rather than `multiprocessing`: importing it and starting
a pool cost about 30 ms, a tenth of a check of 1,000 files (bench/README.md, "--jobs:
fork and a pipe, or a process pool").
"""

from __future__ import annotations

import os
import pickle
import signal
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from artifact_lint.engine.rule_set import Rule
from artifact_lint.engine.suppression import find_directives
from artifact_lint.errors import ToolError
from artifact_lint.model.build import LoadMany
from artifact_lint.model.formats import Artifact
from artifact_lint.model.load import load_artifact
from artifact_lint.model.repository import ArtifactFile, Repository
from artifact_lint.sources.loader import Limits

# Below this many files, forking costs about what it saves (2 cores, ~65-line files,
# one and two processes taking turns: even between 100 and 200 files; at 400 files two
# processes took 0.36 s and one 0.44 s).
AUTO_THRESHOLD = 200


class _Crash(NamedTuple):
    """A rule raised while checking a file: reported by the parent as a crash (exit 2)."""

    rule: str  # "AL101 (invalid-state)"
    message: str
    error: BaseException | None = None  # kept in process for --debug; never pickled


class _Work(NamedTuple):
    """What every process checks with: the children inherit it when forked."""

    repo: Repository  # packages, policy, targets; never the half-built list of artifacts
    rules: list[Rule]  # the artifact-scope rules
    limits: Limits
    keep: tuple[str, ...] | None  # the fields a record keeps (None: all)


def fields_read(rules: Iterable[Rule]) -> tuple[str, ...] | None:
    """The top-level artifact fields the repository rules among `rules` read, in the
    order of `Artifact`'s fields; None (every field) when one of them does not say.
    `id` is always kept: every finding on the record carries it (`ArtifactFile.problem`)."""
    wanted: set[str] = {"id"}
    for rule in rules:
        if rule.scope == "repository":
            if rule.reads is None:
                return None
            wanted.update(rule.reads)
    return tuple(name for name in Artifact.model_fields if name in wanted)


Share = list[ArtifactFile] | _Crash  # the records of a share of the files, or the first crash


def _load_share(work: _Work, paths: Iterable[Path]) -> Share:
    """Load the files, check the targets among them, and keep of each its record."""
    repo, rules, limits, keep = work
    loaded = []
    for path in paths:
        artifact = load_artifact(path, repo.root, limits)
        if artifact.path in repo.targets:
            artifact.precomputed = {}
            for rule in rules:
                try:
                    problems = list(rule.check(artifact, repo))
                except Exception as exc:  # noqa: BLE001 - reported by the parent as a crash
                    return _Crash(f"{rule.code} ({rule.name})", f"{type(exc).__name__}: {exc}", exc)
                if problems:  # most rules find nothing: only what they found is kept
                    artifact.precomputed[rule.code] = problems
            if artifact.document is not None:
                artifact.directives = find_directives(artifact.path, artifact.document.text)
        loaded.append(artifact if keep is None else artifact.slimmed(keep))
    return loaded


class _WorkQueue:
    """Files in batches that each process takes as it goes, so that one that starts late
    or runs on a slower core checks fewer.

    The batch numbers wait in a pipe, written in full before any fork: a read of two
    bytes from a pipe is atomic, so each batch goes to exactly one process, and the
    kernel does the locking. At most 4,096 bytes are written, which any pipe holds."""

    MAX_BATCHES = 2048  # two bytes each
    MIN_BATCH = 8  # files: a few milliseconds of work, against one `read` per batch

    def __init__(self, paths: list[Path]) -> None:
        size = max(self.MIN_BATCH, -(-len(paths) // self.MAX_BATCHES))
        self.all_batches = [paths[start:start + size] for start in range(0, len(paths), size)]
        self.read_end, write_end = os.pipe()
        try:
            os.write(write_end, b"".join(i.to_bytes(2, "little") for i in range(len(self.all_batches))))
        finally:
            os.close(write_end)  # once the pipe is empty, a read returns b"" in every process

    def batches(self) -> Iterator[list[Path]]:
        """Each batch this process takes, until none is left."""
        while number := os.read(self.read_end, 2):
            yield self.all_batches[int.from_bytes(number, "little")]

    def files(self) -> Iterator[Path]:
        """The files of each batch this process takes."""
        for batch in self.batches():
            yield from batch

    def close(self) -> None:
        os.close(self.read_end)


def _checked_share(work: _Work, queue: _WorkQueue) -> Share:
    """The records of every batch this process takes from `queue`, or the first crash."""
    loaded: list[ArtifactFile] = []
    for batch in queue.batches():
        result = _load_share(work, batch)
        if isinstance(result, _Crash):
            return result
        loaded.extend(result)
    return loaded


class _Child(NamedTuple):
    pid: int
    pipe: int  # the read end


def _fork(share: Callable[[], Share]) -> _Child:
    """A child process that sends the pickle of `share()` through a pipe, then exits."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child; `os._exit` skips the parent's cleanup and buffered output
        status = 1
        try:
            os.close(read_end)
            result = share()
            if isinstance(result, _Crash):
                result = result._replace(error=None)  # the exception itself is not sent
            with os.fdopen(write_end, "wb") as pipe:
                pickle.dump(result, pipe, protocol=pickle.HIGHEST_PROTOCOL)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    return _Child(pid, read_end)


def _receive(child: _Child) -> Share:
    """What `child` sent, once it has exited; a `ToolError` if it failed."""
    with os.fdopen(child.pipe, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(child.pid, 0)
    if status != 0:
        raise ToolError(f"a worker process failed (wait status {status}); rerun with --jobs 1")
    result: Share = pickle.loads(data)  # written by our own child
    return result


def _stop(child: _Child) -> None:
    """End a child whose result is no longer wanted (the parent failed meanwhile)."""
    try:
        os.kill(child.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.close(child.pipe)
    except OSError:
        pass
    try:
        os.waitpid(child.pid, 0)
    except ChildProcessError:
        pass


def worker_count(requested: int | None, files: int) -> int:
    """`--jobs`: a number, or (None) automatic: one per core above the threshold."""
    if requested is not None:
        return max(1, requested)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(cores, 8) if files >= AUTO_THRESHOLD else 1


Checked = Callable[[list[Share]], list[ArtifactFile]]


def parallel_loader(rules: list[Rule], requested: int | None, on_crash: Callable[[str, str], Exception],
                    *, whole_records: bool = False) -> LoadMany:
    """A `load_many` for `build_repository` that checks each file as it loads it, in
    worker processes when that is worth it. `rules` are the selected rules;
    `whole_records`: keep every field of every record, whatever the rules read."""
    artifact_rules = [rule for rule in rules if rule.scope == "artifact"]
    keep = None if whole_records else fields_read(rules)

    def checked(results: list[Share]) -> list[ArtifactFile]:
        loaded: list[ArtifactFile] = []
        for result in results:
            if isinstance(result, _Crash):
                raise on_crash(result.rule, result.message) from result.error
            loaded.extend(result)
        return loaded

    def load_many(repo: Repository, paths: list[Path], limits: Limits) -> Callable[[], list[ArtifactFile]]:
        # The per-artifact rules see the packages, policy and targets, never the
        # half-built list of artifacts (in a worker, it would be partial).
        shared = Repository(repo.root, repo.config, repo.policy, packages=repo.packages, targets=repo.targets,
                            registry=repo.registry, base_policy=repo.base_policy, cache_folder=repo.cache_folder)
        work = _Work(shared, artifact_rules, limits, keep)
        jobs = min(worker_count(requested, len(paths)), len(paths))
        if jobs <= 1 or not hasattr(os, "fork"):
            return lambda: checked([_load_share(work, paths)])
        return _in_processes(work, paths, jobs, checked)

    return load_many


def _in_processes(work: _Work, paths: list[Path], jobs: int,
                  checked: Checked) -> Callable[[], list[ArtifactFile]]:
    """Fork `jobs - 1` children on the queue of batches; the function returned checks
    the parent's part and collects the children's."""
    queue = _WorkQueue(paths)
    children: list[_Child] = []
    try:
        for _ in range(jobs - 1):
            children.append(_fork(lambda: _checked_share(work, queue)))
    except BaseException:
        for child in children:
            _stop(child)
        queue.close()
        raise

    def wait() -> list[ArtifactFile]:
        pending = list(children)
        try:
            results = [_checked_share(work, queue)]  # the parent's part
            while pending:
                results.append(_receive(pending[0]))
                pending.pop(0)
        finally:
            queue.close()
            for child in pending:
                _stop(child)
        return checked(results)  # in no particular order: `build_repository` sorts by path

    return wait
