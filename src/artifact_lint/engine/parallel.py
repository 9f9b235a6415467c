"""`--jobs N`: load artifact files and run the per-artifact rules in N processes.

Each file is loaded and checked by the artifact-scope rules at once. Its record then
keeps the top-level fields the selected repository rules declare they read (`READS`,
see `rule_set`; every field when one of them declares nothing), with the rules'
problems and the suppression directives: the same record in one process as in
several, so a rule sees the same whatever N is, while memory grows by a small record
per file rather than by a whole file (positions, text, model).

With N > 1 the parent, once packages and policy are loaded, starts a pool of N worker
processes (`concurrent.futures`, forked, so that they share what is loaded) and hands
them the files in batches, which each takes as it becomes free. Cross-file rules then
run once in the parent over the whole set, and findings are sorted, so the report is
the same whatever N is. Where there is no `fork` (Windows), one process does it all.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from artifact_lint.engine.rule_set import Rule
from artifact_lint.engine.suppression import find_directives
from artifact_lint.errors import ToolError
from artifact_lint.model.build import LoadMany
from artifact_lint.model.formats import Artifact
from artifact_lint.model.load import load_artifact
from artifact_lint.model.repository import ArtifactFile, Repository
from artifact_lint.sources.loader import Limits

if TYPE_CHECKING:
    from concurrent.futures import Future

# Below this many files, starting workers costs about what they save (2 cores, ~65-line
# files: even between 100 and 200 files).
AUTO_THRESHOLD = 200

# Batches per process: enough that no process waits long for the last one, few enough
# that handing them out costs little next to checking them.
BATCHES_PER_PROCESS = 16
MIN_BATCH = 8  # files


class _Crash(NamedTuple):
    """A rule raised while checking a file: reported by the parent as a crash (exit 2)."""

    rule: str  # "AL101 (invalid-state)"
    message: str
    error: BaseException | None = None  # kept in process for --debug; never pickled


class _Work(NamedTuple):
    """What every process checks with: the worker processes inherit it when forked."""

    repo: Repository  # packages, policy, targets; never the half-built list of artifacts
    rules: list[Rule]  # the artifact-scope rules
    limits: Limits
    keep: tuple[str, ...] | None  # the fields a record keeps (None: all)


def fields_read(rules: Iterable[Rule]) -> tuple[str, ...] | None:
    """The top-level artifact fields the repository rules among `rules` read, in the
    order of `Artifact`'s fields; None (every field) when one of them does not say."""
    wanted: set[str] = set()
    for rule in rules:
        if rule.scope == "repository":
            if rule.reads is None:
                return None
            wanted.update(rule.reads)
    return tuple(name for name in Artifact.model_fields if name in wanted)


def _load_share(work: _Work, paths: Iterable[Path]) -> list[ArtifactFile] | _Crash:
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


_work: _Work | None = None  # set in the parent before the pool forks the workers


def _check_batch(batch: list[Path]) -> list[ArtifactFile] | _Crash:
    """A worker's part: one batch (the exception itself stays in the worker)."""
    assert _work is not None
    result = _load_share(_work, batch)
    return result._replace(error=None) if isinstance(result, _Crash) else result


def worker_count(requested: int | None, files: int) -> int:
    """`--jobs`: a number, or (None) automatic: one per core above the threshold."""
    if requested is not None:
        return max(1, requested)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(cores, 8) if files >= AUTO_THRESHOLD else 1


def batches_of(paths: list[Path], processes: int) -> list[list[Path]]:
    """`paths` in about `BATCHES_PER_PROCESS` batches a process, of at least `MIN_BATCH`."""
    size = max(MIN_BATCH, -(-len(paths) // (processes * BATCHES_PER_PROCESS)))
    return [paths[start:start + size] for start in range(0, len(paths), size)]


Checked = Callable[[list[list[ArtifactFile] | _Crash]], list[ArtifactFile]]


def parallel_loader(rules: list[Rule], requested: int | None, on_crash: Callable[[str, str], Exception],
                    *, whole_records: bool = False) -> LoadMany:
    """A `load_many` for `build_repository` that checks each file as it loads it, in
    worker processes when that is worth it. `rules` are the selected rules;
    `whole_records`: keep every field of every record, whatever the rules read."""
    artifact_rules = [rule for rule in rules if rule.scope == "artifact"]
    keep = None if whole_records else fields_read(rules)

    def checked(results: list[list[ArtifactFile] | _Crash]) -> list[ArtifactFile]:
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
                            registry=repo.registry, base_policy=repo.base_policy)
        work = _Work(shared, artifact_rules, limits, keep)
        jobs = min(worker_count(requested, len(paths)), len(paths))
        if jobs <= 1 or not hasattr(os, "fork"):
            return lambda: checked([_load_share(work, paths)])
        return _in_pool(work, paths, jobs, checked)

    return load_many


def _in_pool(work: _Work, paths: list[Path], jobs: int, checked: Checked) -> Callable[[], list[ArtifactFile]]:
    """Start `jobs` workers on the batches; the function returned collects what they found."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    global _work
    _work = work
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"))
    try:
        futures: list[Future[list[ArtifactFile] | _Crash]] = [
            pool.submit(_check_batch, batch) for batch in batches_of(paths, jobs)]
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        _work = None
        raise

    def wait() -> list[ArtifactFile]:
        global _work
        try:
            return checked([future.result() for future in futures])
        except BrokenProcessPool:
            raise ToolError("a worker process failed; rerun with --jobs 1") from None
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            _work = None

    return wait
