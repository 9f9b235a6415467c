"""`--jobs N`: load artifact files and run the per-artifact rules in N processes.

Each file is loaded and checked by the artifact-scope rules at once, and only a
slim record of it is kept (the top-level fields cross-file rules read, the
rules' problems, the suppression directives), so memory grows by a record per
file, not by a whole file. With N > 1 the parent, once packages and policy are
loaded, forks N - 1 children, which share them, and checks files itself; every
process takes batches of files from one queue until none is left. A child sends
each batch's records through a pipe as soon as it has them, and the parent reads
what has arrived between its own batches. Cross-file rules then run once in the
parent over the whole set, and findings are sorted, so the report is the same
whatever N is.

Plain `os.fork` and pipes rather than `multiprocessing`: importing it and
running an executor cost more than the work of a hundred files. Where there is
no `fork` (Windows), one process does it all.
"""

from __future__ import annotations

import os
import pickle
import signal
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import NamedTuple, NoReturn

from artifact_lint.engine.rule_set import Rule
from artifact_lint.engine.suppression import find_directives
from artifact_lint.errors import ToolError
from artifact_lint.model.build import LoadMany
from artifact_lint.model.load import load_artifact
from artifact_lint.model.repository import ArtifactFile, Repository
from artifact_lint.sources.loader import Limits

# The top-level fields the cross-file rules read (AL006, AL405, AL503, AL601);
# everything else stays in the process that loaded the file.
CROSS_FILE_FIELDS = ("id", "type", "state", "package", "surface", "weights")

# Below this many files, forking costs about what it saves (2 cores, ~65-line files,
# one and two processes taking turns: even between 100 and 200 files; at 400 files two
# processes took 0.36 s and one 0.44 s).
AUTO_THRESHOLD = 200


class _Crash(NamedTuple):
    """A rule raised while checking a file: reported by the parent as a crash (exit 2)."""

    rule: str  # "AL101 (invalid-state)"
    message: str
    error: BaseException | None = None  # kept in process for --debug; never pickled


def _load_share(repo: Repository, rules: list[Rule], paths: Iterable[Path],
                limits: Limits) -> list[ArtifactFile] | _Crash:
    """Load and check one share of the files, as slim records."""
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
                if problems:  # most rules find nothing: only what they found is kept and sent
                    artifact.precomputed[rule.code] = problems
            if artifact.document is not None:
                artifact.directives = find_directives(artifact.path, artifact.document.text)
        loaded.append(artifact.slimmed(CROSS_FILE_FIELDS))
    return loaded


class _WorkQueue:
    """Files in batches that each process takes as it goes, so that one that starts late
    (the parent reads the registry document first) or runs on a slower core checks fewer.

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


class _Child(NamedTuple):
    pid: int
    pipe: int  # the read end, non-blocking
    received: bytearray  # bytes read from the pipe, not yet whole frames


# A frame is the length of a pickle (four bytes, little-endian), then the pickle: of
# one batch's records, or of a `_Crash` after which the child sends nothing more.
_LENGTH = 4


def _fork(work: Callable[[int], None]) -> _Child:
    """Run `work(write_end)` in a child process that writes frames into a pipe."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        _serve(work, write_end)
    os.close(write_end)
    os.set_blocking(read_end, False)
    return _Child(pid, read_end, bytearray())


def _serve(work: Callable[[int], None], write_end: int) -> NoReturn:
    """Never returns: `os._exit` skips the parent's cleanup and buffered output."""
    status = 1
    try:
        work(write_end)
        os.close(write_end)
        status = 0
    finally:
        os._exit(status)


def _send_batches(repo: Repository, rules: list[Rule], queue: _WorkQueue, limits: Limits,
                  write_end: int) -> None:
    """A child's part: each batch is sent as soon as it is checked, so that the parent
    takes it in between its own batches rather than all at the end, while it waits.
    Frames the pipe cannot take yet (the parent reads the registry document first) wait
    here, so that the child keeps checking files rather than waiting for the parent."""
    unsent = bytearray()
    os.set_blocking(write_end, False)
    for batch in queue.batches():
        loaded = _load_share(repo, rules, batch, limits)
        if isinstance(loaded, _Crash):
            unsent += _frame(loaded._replace(error=None))
            break
        unsent += _frame(loaded)
        try:
            del unsent[:os.write(write_end, unsent)]
        except BlockingIOError:  # the pipe is full
            pass
    os.set_blocking(write_end, True)
    view = memoryview(unsent)
    while view:
        view = view[os.write(write_end, view):]


def _frame(result: list[ArtifactFile] | _Crash) -> bytes:
    data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    return len(data).to_bytes(_LENGTH, "little") + data


def _receive(child: _Child, *, to_the_end: bool) -> list[list[ArtifactFile] | _Crash]:
    """The batches `child` has sent so far (with `to_the_end`, every one it will send,
    then its exit is checked)."""
    if to_the_end:
        os.set_blocking(child.pipe, True)
    while True:
        try:
            chunk = os.read(child.pipe, 1 << 20)
        except BlockingIOError:  # nothing more for now
            break
        if not chunk:  # the child closed the pipe: it is done
            break
        child.received.extend(chunk)
    results = []
    received, start = child.received, 0
    while len(received) - start >= _LENGTH:
        end = start + _LENGTH + int.from_bytes(received[start:start + _LENGTH], "little")
        if end > len(received):
            break
        results.append(pickle.loads(received[start + _LENGTH:end]))  # written by our own child
        start = end
    del received[:start]
    if to_the_end:
        os.close(child.pipe)
        _, status = os.waitpid(child.pid, 0)
        if status != 0 or received:
            raise ToolError(f"a worker process failed (wait status {status}); rerun with --jobs 1")
    return results


def _stop(child: _Child) -> None:
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


def parallel_loader(rules: list[Rule], requested: int | None,
                    on_crash: Callable[[str, str], Exception]) -> LoadMany:
    """A `load_many` for `build_repository` that checks each file as it loads it, in
    worker processes when that is worth it. `rules` are the selected rules."""
    artifact_rules = [rule for rule in rules if rule.scope == "artifact"]

    def checked(results: list[list[ArtifactFile] | _Crash]) -> list[ArtifactFile]:
        loaded: list[ArtifactFile] = []
        for result in results:
            if isinstance(result, _Crash):
                raise on_crash(result.rule, result.message) from result.error
            loaded.extend(result)
        return loaded

    def load_many(repo: Repository, paths: list[Path], limits: Limits) -> Callable[[], list[ArtifactFile]]:
        # The per-artifact rules see the packages, policy and targets, never the
        # half-built list of artifacts (in a child, it would be partial).
        shared = Repository(repo.root, repo.config, repo.policy, packages=repo.packages, targets=repo.targets,
                            registry=repo.registry, base_policy=repo.base_policy)
        jobs = min(worker_count(requested, len(paths)), len(paths))
        if jobs <= 1 or not hasattr(os, "fork"):
            return lambda: checked([_load_share(shared, artifact_rules, paths, limits)])
        queue = _WorkQueue(paths)
        children: list[_Child] = []
        try:
            for _ in range(jobs - 1):
                children.append(_fork(lambda write_end: _send_batches(
                    shared, artifact_rules, queue, limits, write_end)))
        except BaseException:
            for child in children:
                _stop(child)
            queue.close()
            raise

        def wait() -> list[ArtifactFile]:
            results: list[list[ArtifactFile] | _Crash] = []
            pending = list(children)
            try:
                for batch in queue.batches():  # the parent's part
                    results.append(_load_share(shared, artifact_rules, batch, limits))
                    for child in pending:
                        results.extend(_receive(child, to_the_end=False))
                while pending:
                    results.extend(_receive(pending[0], to_the_end=True))
                    pending.pop(0)
            finally:
                queue.close()
                for child in pending:
                    _stop(child)
            return checked(results)  # in no particular order: `build_repository` sorts by path

        return wait

    return load_many
