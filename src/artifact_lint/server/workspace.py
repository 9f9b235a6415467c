"""The warm workspace: one repository root, loaded once, with the editor's open buffers
laid over the disk, linted through the same `session` and `engine` as `check`.

Nothing here knows the protocol. The language server tells a `Workspace` what the
editor did (`open`, `change`, `close`, `disk_changed`, `settings_changed`) and asks
`lint(path)` for the findings of one file: exactly the findings `check` would report
at that path if the buffers were saved.

What is kept warm, and what each edit re-reads:

- an artifact file: only that file is loaded again (from the buffer) and replaces its
  record; the artifact-scope rules run on it alone and the repository-scope (cross-file)
  rules over the whole set, as `check --stdin-filename` does;
- the registry document: only the document is read again (the policy it extends and,
  in document mode, its entries with it); every artifact is linted, since its tables
  extend the policy of all of them and its prose is public copy of each;
- public copy (a model card, `docs/hf-cards/*.md`, the package index): the cached copy
  of that file is dropped and only the artifacts whose copy it is are linted;
- the configuration, the policy file or `rules/*.yaml` (saved or changed on disk): the
  session is opened again and the repository rebuilt; other files changed on disk
  (created, deleted, a package) rebuild the repository, reusing every artifact record
  whose file has not changed since it was read.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from artifact_lint.engine.lint import Result, lint
from artifact_lint.engine.rule_set import Rule
from artifact_lint.engine.session import Session, open_session
from artifact_lint.errors import ToolError
from artifact_lint.model.build import build_repository, policy_with_document
from artifact_lint.model.config import Config
from artifact_lint.model.findings import Finding
from artifact_lint.model.load import documented_artifacts, load_artifact, load_artifact_bytes, load_registry
from artifact_lint.model.policy import DEFAULT_POLICY_PATH
from artifact_lint.model.repository import ArtifactFile, Repository
from artifact_lint.sources.discovery import CONFIG_NAMES, METADATA_SUFFIXES, RULES_FOLDER, Finder, normalise
from artifact_lint.sources.files import outside_root, relative_posix
from artifact_lint.sources.loader import Limits
from artifact_lint.sources.patterns import glob_regex

# A stat that says a file on disk is the one read before: kind, size, mtime, inode.
_StatKey = tuple[int, int, int, int]


def _stat_key(path: Path) -> _StatKey | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (status.st_mode, status.st_size, status.st_mtime_ns, status.st_ino)


@dataclass
class _WarmRepository(Repository):
    """The repository one lint sees: the warm one, with the answers of `inside` (whether a
    path stays inside the root, links resolved: a few `lstat` calls each, most of what the
    cross-file rules cost) kept from one lint to the next. They change only when links
    change on disk; every change the editor reports drops them."""

    known_inside: dict[str, Path | None] = field(default_factory=dict, repr=False)

    def inside(self, relative: str) -> Path | None:
        known = self.known_inside
        if relative not in known:
            known[relative] = Repository.inside(self, relative)
        return known[relative]


_REPOSITORY_FIELDS = tuple(f.name for f in dataclasses.fields(Repository))


def _forget_derived(artifacts: Iterable[ArtifactFile]) -> None:
    """Drop what rules derived from each artifact and the files around it (its public
    copy, its claims): recomputed when a rule next asks."""
    for artifact in artifacts:
        artifact._derived.clear()


class Workspace:
    """One repository root as the editor sees it."""

    def __init__(self, root: Path, *, registry_cache: Path | None = None) -> None:
        self.root = root
        self.registry_cache = registry_cache
        # Root-relative POSIX path -> the text of the open buffer (shared with the repository).
        self.buffers: dict[str, str] = {}
        self.session: Session | None = None
        self.repo: Repository | None = None
        self.error: str | None = None  # why the configuration or the files cannot be read
        self.builds = 0  # how many times the repository was built (for tests and benchmarks)
        self._all_targets: set[str] = set()  # what `check` without paths lints
        self._disk: dict[str, tuple[_StatKey, Limits, ArtifactFile]] = {}  # artifact records read from disk
        self._copy_of: dict[str, list[str]] | None = None  # artifact path -> its public-copy files
        self._owners: dict[str, set[str]] | None = None  # public-copy file -> artifact paths
        self._inside: dict[str, Path | None] = {}  # see `_WarmRepository`

    # ------------------------------------------------------------------ settings

    @property
    def config(self) -> Config | None:
        return self.session.config if self.session is not None else None

    @property
    def rules(self) -> list[Rule]:
        return self.session.rules if self.session is not None else []

    @property
    def limits(self) -> Limits:
        config = self.config or Config()
        return config.limits

    def is_settings(self, relative: str) -> bool:
        """Whether `relative` is read when the session opens: the configuration, the
        policy file, or a repository's own rules (`rules/*.yaml`)."""
        if relative in CONFIG_NAMES:
            return True
        config = self.config
        policy = normalise(config.policy) if config is not None and config.policy else DEFAULT_POLICY_PATH
        if relative == policy:
            return True
        folder, _, name = relative.rpartition("/")
        return folder == RULES_FOLDER and name.lower().endswith((".yaml", ".yml"))

    # ------------------------------------------------------------------ loading

    def ensure(self) -> Repository | None:
        """The repository, built on first use; None when the configuration cannot be read."""
        if self.repo is None and self.error is None:
            self.reload(settings=self.session is None)
        return self.repo

    def reload(self, *, settings: bool = True) -> None:
        """Build the repository again; with `settings`, open the session again first."""
        self.error = None
        try:
            if settings or self.session is None:
                self.session = open_session(self.root)
            self._build()
        except ToolError as exc:
            self.repo = None
            self.error = str(exc)

    def _build(self) -> None:
        assert self.session is not None
        session = self.session
        repo = build_repository(self.root, session.config, session.policy, buffers=self.buffers,
                                load_many=self._load_many, registry_cache=self.registry_cache)
        repo.buffers = self.buffers  # one dict: the workspace's edits are the repository's
        self._all_targets = set(repo.targets)
        loaded = {artifact.path for artifact in repo.artifacts}
        self._disk = {path: entry for path, entry in self._disk.items() if path in loaded}
        self.repo = repo
        for relative in self.buffers:  # open artifact files not (yet) on disk
            if relative not in loaded and self._new_artifact_path(relative):
                self._put(load_artifact_bytes(relative, self._bytes(relative), self.limits))
                self._all_targets.add(relative)
        self._copy_of = self._owners = None
        self._inside = {}
        self.builds += 1

    def _load_many(self, repo: Repository, paths: list[Path],
                   limits: Limits) -> Callable[[], list[ArtifactFile]]:
        """`build.LoadMany` that reuses the record of every file unchanged on disk."""

        def wait() -> list[ArtifactFile]:
            loaded = []
            for path in paths:
                relative = relative_posix(path, repo.root)
                key = _stat_key(path)
                known = self._disk.get(relative)
                if known is not None and key is not None and known[0] == key and known[1] == limits:
                    artifact = known[2]
                    _forget_derived([artifact])
                else:
                    artifact = load_artifact(path, repo.root, limits)
                    if key is not None:
                        self._disk[relative] = (key, limits, artifact)
                loaded.append(artifact)
            return loaded

        return wait

    def _bytes(self, relative: str) -> bytes:
        return self.buffers[relative].encode("utf-8", "surrogatepass")

    def _put(self, artifact: ArtifactFile) -> None:
        """Replace (or add) the record of one artifact file, keeping the order by path."""
        repo = self.repo
        assert repo is not None
        artifacts = repo.artifacts
        for index, known in enumerate(artifacts):
            if known.path == artifact.path:
                artifacts[index] = artifact
                break
        else:
            artifacts.append(artifact)
            artifacts.sort(key=lambda a: a.path)
        if self._copy_of is not None:
            from artifact_lint.sources.public_copy import copy_files

            self._copy_of[artifact.path] = copy_files(artifact, repo)
            self._owners = None

    def _drop(self, relative: str) -> None:
        repo = self.repo
        assert repo is not None
        repo.artifacts = [a for a in repo.artifacts if a.path != relative]
        self._all_targets.discard(relative)
        if self._copy_of is not None:
            self._copy_of.pop(relative, None)
            self._owners = None

    # ------------------------------------------------------------------ what a file is

    def kind(self, relative: str) -> str | None:
        """"artifact", "registry", "copy", or None for a file `check` reports nothing on."""
        repo = self.ensure()
        if repo is None:
            return None
        if any(artifact.path == relative for artifact in repo.artifacts):
            return "artifact"
        if repo.registry is not None and relative == repo.registry.path:
            return "registry"
        if relative in self.owners() or relative in self._copy_paths():
            return "copy"
        if relative in self.buffers and self._new_artifact_path(relative):
            return "artifact"
        return None

    def _new_artifact_path(self, relative: str) -> bool:
        """Whether a file that is not on disk would be one of the configured artifact files."""
        config = self.config
        if config is None:
            return False
        folder, _, name = relative.rpartition("/")
        if name.startswith(".") or not name.lower().endswith(METADATA_SUFFIXES):
            return False
        finder = Finder(self.root, config)
        if finder.reserved(relative) or finder.excluded(relative, False):
            return False
        for entry in config.paths:
            configured = normalise(entry)
            if any(c in configured for c in "*?["):
                if glob_regex(configured).match(relative):
                    return True
            elif configured in (folder, relative):
                return True
        return False

    def owners(self) -> dict[str, set[str]]:
        """Public-copy file -> the paths of the artifact files whose copy it is."""
        repo = self.repo
        if repo is None:
            return {}
        if self._copy_of is None:
            from artifact_lint.sources.public_copy import copy_files

            self._copy_of = {artifact.path: copy_files(artifact, repo) for artifact in repo.artifacts}
            self._owners = None
        if self._owners is None:
            owners: dict[str, set[str]] = {}
            for path, files in self._copy_of.items():
                for relative in files:
                    owners.setdefault(relative, set()).add(path)
            self._owners = owners
        return self._owners

    def _copy_paths(self) -> set[str]:
        """Copy that no artifact file claims but findings may stand in: the package index,
        the `public-copy` matches (AL208 names those of no artifact), the copy of the
        registry document's entries (document mode)."""
        repo = self.repo
        if repo is None:
            return set()
        from artifact_lint.sources.public_copy import configured_copy, copy_files

        paths = {repo.config.package_index}
        for files in configured_copy(repo).values():
            paths.update(files)
        for entry in repo.documented:
            paths.update(copy_files(entry, repo))
        return paths

    # ------------------------------------------------------------------ the editor's edits

    def open(self, relative: str, text: str) -> None:
        self.change(relative, text)

    def change(self, relative: str, text: str) -> None:
        """The buffer of `relative` now holds `text`."""
        self.buffers[relative] = text
        self._refresh(relative)

    def close(self, relative: str) -> None:
        """The buffer is closed: the file on disk stands for it again."""
        if self.buffers.pop(relative, None) is not None:
            self._refresh(relative)

    def _refresh(self, relative: str) -> None:
        repo = self.repo
        if repo is None:
            return  # built with the buffers when first asked
        kind = self.kind(relative)
        if kind == "artifact":
            self._reload_artifact(relative)
        elif kind == "registry":
            self._reload_registry()
        elif kind == "copy":
            self._copy_changed(relative)

    def _reload_artifact(self, relative: str) -> None:
        path = self.root / relative
        if relative in self.buffers and not outside_root(path, self.root):  # as build_repository reads it
            self._put(load_artifact_bytes(relative, self._bytes(relative), self.limits))
            self._all_targets.add(relative)
            return
        if not os.path.lexists(path):
            self._drop(relative)
            return
        artifact = load_artifact(path, self.root, self.limits)
        key = _stat_key(path)
        if key is not None:
            self._disk[relative] = (key, self.limits, artifact)
        self._put(artifact)

    def _reload_registry(self) -> None:
        """Read the registry document again (the buffer, else the disk), and what it
        extends: the policy in force and, in document mode, the entries linted."""
        repo = self.repo
        assert repo is not None and repo.registry is not None
        relative = repo.registry.path
        document_mode = relative in self._all_targets and not repo.artifacts
        buffer = self.buffers.get(relative)
        repo.registry = load_registry(self.root / relative, self.root, self.limits,
                                      self.registry_cache if buffer is None else None, buffer)
        base = repo.base_policy or repo.policy
        repo.base_policy, repo.policy = base, policy_with_document(base, repo.registry)
        if document_mode:
            repo.documented = documented_artifacts(repo.registry)
        repo.copy_cache.pop("\x00document", None)
        _forget_derived(repo.artifacts)

    def _copy_changed(self, relative: str) -> None:
        repo = self.repo
        assert repo is not None
        repo.copy_cache.pop(relative, None)
        if relative == repo.config.package_index:
            repo.index_copy = None
            _forget_derived(repo.artifacts)
            return
        owners = self.owners().get(relative, set())
        _forget_derived(a for a in repo.artifacts if a.path in owners)
        _forget_derived(repo.documented)

    # ------------------------------------------------------------------ the disk

    def settings_changed(self) -> None:
        """The configuration, the policy or a custom rule changed on disk: start afresh."""
        self.reload(settings=True)

    def disk_changed(self, paths: Iterable[str]) -> None:
        """Files changed on disk (created, changed or deleted), root-relative."""
        paths = list(paths)
        self._inside.clear()
        if any(self.is_settings(p) for p in paths):
            self.settings_changed()
            return
        repo = self.repo
        if repo is None:
            if self.error is not None:
                self.reload(settings=True)  # perhaps what was wrong is fixed
            return
        rebuild = False
        for relative in paths:
            if relative in self.buffers:
                continue  # the buffer stands for the file
            kind = self.kind(relative)
            exists = os.path.lexists(self.root / relative)
            if kind == "artifact" and exists:
                self._reload_artifact(relative)
            elif kind == "registry" and exists:
                self._reload_registry()
            elif kind == "copy" and exists and not relative.startswith(repo.config.specialists + "/"):
                self._copy_changed(relative)
            else:  # created, deleted, a package, .gitignore: what is read may change
                rebuild = True
        if rebuild:
            self.reload(settings=False)

    # ------------------------------------------------------------------ linting

    def lint(self, relative: str) -> list[Finding] | None:
        """The findings `check` would report at `relative` with the buffers saved; None when
        `check` reports nothing on such a file (or the configuration cannot be read)."""
        result = self.lint_result(relative)
        return None if result is None else [f for f in result.findings if f.path == relative]

    def lint_result(self, relative: str) -> Result | None:
        repo = self.ensure()
        kind = self.kind(relative) if repo is not None else None
        if repo is None or kind is None or self.session is None:
            return None
        if kind == "artifact":
            targets = {relative}
        elif kind == "registry":
            targets = set(self._all_targets)
        else:
            owners = self.owners().get(relative, set())
            targets = {path for path in owners if path in self._all_targets}
        view = _WarmRepository(**{name: getattr(repo, name) for name in _REPOSITORY_FIELDS},
                               known_inside=self._inside)
        view.targets = targets
        result = lint(view, self.session.rules)
        # What the view computed once for the whole repository stays for the next run.
        repo.configured_copy = view.configured_copy
        repo.index_copy = view.index_copy
        return result
