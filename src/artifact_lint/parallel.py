"""`--jobs N`: load artifact files and run the per-artifact rules in worker processes.

The parent loads the packages and policy, forks N workers that share them, and
hands each a slice of the artifact files. A worker returns each loaded file
together with the problems of the artifact-scope rules; cross-file rules then
run once in the parent over the whole set. Findings are sorted afterwards, so
the report is identical to a single-process run.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from artifact_lint.loader import Limits
from artifact_lint.repository import ArtifactFile, LoadMany, Repository, load_artifact, load_each, relative_posix
from artifact_lint.rule import Rule, load_rules
from artifact_lint.suppression import find_directives

# The top-level fields the cross-file rules read (AL006, AL405, AL503, AL601);
# everything else stays in the worker.
CROSS_FILE_FIELDS = ("id", "type", "state", "package", "surface")

# Below this many files, starting workers costs more than it saves (measured with
# bench/run.py on 2 cores: break-even near 300 files of ~65 lines).
AUTO_THRESHOLD = 400


class _Task(NamedTuple):
    repo: Repository
    limits: Limits
    codes: tuple[str, ...]


_TASK: _Task | None = None  # set once in each worker process by `_start`


def _start(task: _Task) -> None:
    global _TASK
    _TASK = task


def _artifact_rules(codes: tuple[str, ...]) -> list[Rule]:
    return [rule for rule in load_rules() if rule.code in codes and rule.scope == "artifact"]


def _load_slice(paths: list[Path]) -> list[ArtifactFile] | tuple[str, str]:
    """Load and check one slice; a crashing rule comes back as (code, message)."""
    assert _TASK is not None
    repo, rules = _TASK.repo, _artifact_rules(_TASK.codes)
    loaded = []
    for path in paths:
        artifact = load_artifact(path, repo.root, _TASK.limits)
        if artifact.path in repo.targets:
            artifact.precomputed = {}
            for rule in rules:
                try:
                    artifact.precomputed[rule.code] = list(rule.check(artifact, repo))
                except Exception as exc:  # noqa: BLE001 - reported by the parent as a crash
                    return rule.code, f"{type(exc).__name__}: {exc}"
        if artifact.path in repo.targets and artifact.document is not None:
            artifact.directives = find_directives(artifact.path, artifact.document.text)
        loaded.append(artifact.slimmed(CROSS_FILE_FIELDS))
    return loaded


def worker_count(requested: int | None, files: int) -> int:
    """`--jobs`: a number, or (None) automatic: one per core above the threshold."""
    if requested is not None:
        return max(1, requested)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(cores, 8) if files >= AUTO_THRESHOLD else 1


def parallel_loader(rules: list[Rule], requested: int | None,
                    on_crash: Callable[[str, str], Exception]) -> LoadMany:
    """A `load_many` for `build_repository` that uses worker processes when worth it."""
    codes = tuple(rule.code for rule in rules)

    def load_many(repo: Repository, paths: list[Path], limits: Limits) -> Callable[[], list[ArtifactFile]]:
        jobs = worker_count(requested, len(paths))
        if jobs <= 1 or len(paths) < 2:
            return load_each(repo, paths, limits)
        import multiprocessing  # imported only when workers pay off: it costs start-up time
        from concurrent.futures import ProcessPoolExecutor

        slices = [paths[i::jobs * 4] for i in range(jobs * 4)]
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        task = _Task(Repository(repo.root, repo.config, repo.policy, packages=repo.packages, targets=repo.targets),
                     limits, codes)
        pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(method),
                                   initializer=_start, initargs=(task,))
        futures = [pool.submit(_load_slice, chunk) for chunk in slices]

        def wait() -> list[ArtifactFile]:
            try:
                results = [future.result() for future in futures]
            finally:
                pool.shutdown(cancel_futures=True)
            loaded: list[ArtifactFile] = []
            for result in results:
                if isinstance(result, tuple):
                    raise on_crash(*result)
                loaded.extend(result)
            order = {relative_posix(path, repo.root): index for index, path in enumerate(paths)}
            loaded.sort(key=lambda artifact: order.get(artifact.path, len(order)))
            return loaded

        return wait

    return load_many
