"""Building the repository a check reads: which files, in what order, with what policy.

`build_repository` plans the run (`discovery.plan`, through `collect`), loads the
specialist packages, reads the registry document before the artifact files (its states
and labels tables extend the policy every rule sees, `policy_with_document`), then hands
the artifact files to `load_many`: one after the other by default (`load_each`), or to
worker processes (`engine/parallel.py`). An editor's buffers and standard input stand in
for files on disk.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable
from pathlib import Path

from artifact_lint.errors import ToolError
from artifact_lint.model.config import Config
from artifact_lint.model.formats import Policy
from artifact_lint.model.load import (
    documented_artifacts,
    load_artifact,
    load_artifact_bytes,
    load_package,
    load_registry,
)
from artifact_lint.model.repository import ArtifactFile, RegistryFile, Repository
from artifact_lint.sources.discovery import Plan, plan
from artifact_lint.sources.files import outside_root, relative_posix
from artifact_lint.sources.loader import Limits


def collect(root: Path, paths: Iterable[str] | None, config: Config, *, stdin: bool = False,
            explain: bool = False) -> Plan:
    """The files a check reads (see `discovery.py`): the targets (`paths`, default the
    configured ones), the configured artifact set as context, and the registry document."""
    return plan(root, config, paths, stdin=stdin, explain=explain)


def policy_with_document(policy: Policy, registry: RegistryFile) -> Policy:
    """The policy extended by the registry document's own states and labels tables."""
    from artifact_lint.model.policy import extend_policy as extend

    document = registry.document
    if document is None:
        return policy
    return extend(policy, [(row.name, row.meaning) for row in document.states],
                  [(row.name, row.meaning) for row in document.labels], registry.path)


# Starts loading artifact files and returns a function that waits for them (in any
# order), so the caller can do other work (the registry document) meanwhile.
LoadMany = Callable[["Repository", list[Path], Limits], Callable[[], list[ArtifactFile]]]


def load_each(repo: Repository, paths: list[Path], limits: Limits) -> Callable[[], list[ArtifactFile]]:
    """Load artifact files one after the other, when asked (see `parallel.py` for the other way)."""
    return lambda: [load_artifact(path, repo.root, limits) for path in paths]


def _is_folder(path: Path, shown: str) -> bool:
    """Whether `path` is a folder (links followed); one that is missing is none. One that
    cannot be looked at (a name too long, a part that cannot be searched) is a `ToolError`
    naming it: `Path.is_dir` raised those as they are."""
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError, ValueError):  # ValueError: a NUL in the name
        return False
    except OSError as exc:
        shown = shown if len(shown) <= 80 else shown[:77] + "..."
        raise ToolError(f"cannot read the folder `{shown}`: {exc.strerror or exc}") from None


def build_repository(root: Path, config: Config, policy: Policy, paths: Iterable[str] | None = None,
                     stdin: tuple[str, bytes] | None = None, load_many: LoadMany = load_each,
                     registry_cache: Path | None = None, buffers: dict[str, str] | None = None) -> Repository:
    """Load the files under `paths` (default: the configured paths) as targets, plus
    every artifact under the configured paths as context for cross-file rules, the
    specialist packages, and the registry document. `stdin` is (root-relative name,
    content) of one artifact read from standard input, which is then the only target.
    Packages load first: `load_many` may hand the half-built repository to workers.
    `registry_cache` is the folder of read registry documents and Markdown copy (None: parse afresh).
    `buffers` (root-relative path -> text) are an editor's open files, read instead of
    the disk: artifact files, the registry document (never cached) and public copy."""
    limits = config.limits
    repo = Repository(root=root, config=config, policy=policy, buffers=dict(buffers or {}),
                      cache_folder=registry_cache)
    buffers = repo.buffers
    specialists = root / config.specialists
    if _is_folder(specialists, config.specialists) and repo.inside(config.specialists):
        try:
            folders = sorted(p for p in specialists.iterdir() if p.is_dir() and not p.name.startswith("."))
        except OSError as exc:
            raise ToolError(f"cannot list the folder `{config.specialists}`: {exc.strerror or exc};"
                            " make it readable") from None
        for folder in folders:
            repo.packages.append(load_package(folder, root, limits))
    files = collect(root, paths, config, stdin=stdin is not None)
    targets = files.targets.metadata
    repo.targets = {relative_posix(p, root) for p in targets.values()}
    if stdin is not None:
        repo.targets = {stdin[0]}
    to_load = [p for p in dict.fromkeys([*targets.values(), *files.context.metadata.values()])
               if stdin is None or relative_posix(p, root) != stdin[0]]
    buffered = []
    if buffers:
        buffered = [p for p in to_load if relative_posix(p, root) in buffers and not outside_root(p, root)]
        to_load = [p for p in to_load if p not in buffered]
    # The document's states and labels extend the policy every rule sees, so it is read
    # before the artifact files are handed to workers.
    if files.document is not None:
        buffer = buffers.get(relative_posix(files.document, root))
        repo.registry = load_registry(files.document, root, limits, registry_cache if buffer is None else None,
                                      buffer)
        repo.base_policy, repo.policy = policy, policy_with_document(policy, repo.registry)
        if files.document_target:
            repo.targets.add(repo.registry.path)
        # Each artifact is linted once: from its metadata file where there is one (the
        # document's entry is then only cross-checked, AL601), from the document only
        # when there is no metadata file at all (document mode).
        if files.document_target and files.document_mode:
            repo.documented = documented_artifacts(repo.registry)
    pending = load_many(repo, to_load, limits)
    repo.other_files = [relative_posix(p, root) for p in files.targets.others.values()]
    repo.artifacts = pending()
    for path in buffered:
        relative = relative_posix(path, root)
        repo.artifacts.append(load_artifact_bytes(relative, buffers[relative].encode("utf-8", "surrogatepass"),
                                                  limits))
    if stdin is not None:
        repo.artifacts.append(load_artifact_bytes(stdin[0], stdin[1], limits))
    repo.artifacts.sort(key=lambda a: a.path)
    return repo
