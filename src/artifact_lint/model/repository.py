"""The loaded repository: artifacts, specialist packages and policy, ready for rules.

The records every rule reads: `ArtifactFile` (a metadata file or a registry document
entry, with its validated model and the positions of its values), `DecisionFile` and
`Package` (a `specialists/<name>/` folder), `RegistryFile` (the Markdown registry
document), and `Repository`, which holds them with the configuration and the policy in
force and answers the questions several rules ask (which artifacts are targets, which
package a reference names, whether a path stays inside the root). `model/load.py` reads
the records from disk and `model/build.py` puts a repository together.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from artifact_lint.model.config import Config
from artifact_lint.model.findings import Fix, Position, Problem, Severity
from artifact_lint.model.formats import Artifact, Decision, Policy
from artifact_lint.model.validation import Validated
from artifact_lint.sources.files import outside_root as leaves_root
from artifact_lint.sources.files import suffix_of
from artifact_lint.sources.loader import Document, LoadError, PathKey, field_path

if TYPE_CHECKING:
    from artifact_lint.engine.suppression import Directive
    from artifact_lint.sources.registry.results import RegistryDocument

T = TypeVar("T")


@dataclass
class SourceFile:
    """A metadata file as loaded: its document, or why it could not be read."""

    path: str  # POSIX, relative to the root
    document: Document | None = None
    load_error: LoadError | None = None

    def value_at(self, path: PathKey) -> Any:
        node: Any = self.document.data if self.document else None
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return None
        return node

    def position(self, path: PathKey, *, key: bool = False) -> Position:
        if self.document is None:
            return Position()
        positions = self.document.positions
        return positions.key(path) if key else positions.value(path)

    def has(self, path: PathKey) -> bool:
        return self.document is not None and self.document.positions.has(path)


@dataclass
class ArtifactFile(SourceFile):
    """An artifact: a metadata file, or an entry of the registry document, with its model."""

    validated: Validated[Artifact] | None = None
    # "file" for artifacts/<id>.yaml; "registry-doc" for an entry read from the Markdown document.
    origin: str = "file"
    doc_id: str | None = None  # the id a registry-doc entry is filed under
    # Values several rules derive from this artifact (e.g. its win claims), computed once.
    _derived: dict[str, Any] = field(default_factory=dict, repr=False)
    # Problems of the artifact-scope rules, by code, when a worker process already ran them.
    precomputed: dict[str, list[Problem]] | None = field(default=None, repr=False)
    # Suppression directives, when a worker process already read them from the text.
    directives: list[Directive] | None = field(default=None, repr=False)

    def slimmed(self, keep: tuple[str, ...]) -> ArtifactFile:
        """A copy holding only the top-level fields in `keep` (values, positions, model):
        what cross-file rules read, and cheap to send between processes. The caller
        has already run the per-artifact rules and read the directives."""
        if self.document is None:
            return ArtifactFile(self.path, None, self.load_error, None, self.origin, self.doc_id,
                                precomputed=self.precomputed, directives=self.directives)
        data = self.document.data
        document = Document({k: data[k] for k in keep if k in data}, self.document.positions.under(keep), "")
        model = self.model
        validated = None
        if model is not None:
            # A shallow copy with the other fields emptied: a quarter of what
            # `model_construct` costs, which fills in every default again.
            validated = Validated(model.model_copy(update=_emptied_fields(keep)))
        return ArtifactFile(self.path, document, None, validated, self.origin, self.doc_id,
                            precomputed=self.precomputed, directives=self.directives)

    def absent_position(self, path: PathKey) -> Position:
        """Where to report a key that is absent: the key of the mapping that lacks it
        (line 1, column 1 for the top level; the item itself inside a list)."""
        parent = path[:-1]
        if not parent:  # a file's top level is line 1; a registry entry's is its row or heading
            return Position(1, 1) if self.origin == "file" else self.position(())
        return self.position(parent, key=isinstance(parent[-1], str))

    def value_or_absent_position(self, path: PathKey) -> Position:
        return self.position(path) if self.has(path) else self.absent_position(path)

    def derived(self, name: str, compute: Callable[[Artifact], T]) -> T:
        """`compute(model)`, computed once per artifact and shared by the rules that need it."""
        if name not in self._derived:
            assert self.model is not None
            self._derived[name] = compute(self.model)
        return self._derived[name]  # type: ignore[no-any-return]

    @property
    def model(self) -> Artifact | None:
        return self.validated.model if self.validated else None

    def reported_invalid(self, path: PathKey) -> bool:
        """Whether validation found the value at `path` of the wrong kind (AL003 reports it)."""
        return self.validated is not None and any(i.path == path for i in self.validated.of_kind("invalid"))

    @property
    def id(self) -> str | None:
        value = self.value_at(("id",))
        return value if isinstance(value, str) else self.doc_id

    @property
    def stem(self) -> str:
        """The file name without its suffix, as `PurePath.stem` gives it."""
        name = self.path.rsplit("/", 1)[-1]
        return name[:len(name) - len(suffix_of(name))]

    def problem(self, path: PathKey, message: str, *, key: bool = False, fix: Fix | None = None,
                severity: Severity | None = None, at: Position | None = None) -> Problem:
        """A problem about the value (or with `key=True`, the key) at `path`.

        `at` overrides the position, e.g. with `absent_position` for a missing key.
        """
        return Problem(
            path=self.path,
            position=at or self.position(path, key=key),
            message=message,
            field=field_path(path) or None,
            artifact=self.id,
            fix=fix,
            severity=severity,
            value=self.value_at(path),
        )


@dataclass
class DecisionFile(SourceFile):
    """A specialist package's `decision.json`, with its model."""

    validated: Validated[Decision] | None = None

    def problem(self, path: PathKey, message: str, *, at: Position | None = None) -> Problem:
        """A problem about the value at `path` of this decision record."""
        return Problem(path=self.path, position=at or self.position(path), message=message,
                       field=field_path(path) or None, value=self.value_at(path))

    @property
    def model(self) -> Decision | None:
        return self.validated.model if self.validated else None


@dataclass
class Package:
    """`specialists/<name>/`: a specialist package and its decision record."""

    name: str
    path: str  # specialists/<name>
    decision: DecisionFile | None  # None when decision.json is absent
    files: tuple[str, ...] = ()
    outside_root: bool = False  # the folder is a link that leaves the root: nothing in it was read


@dataclass
class RegistryFile:
    """The Markdown registry document as read, or why it could not be read."""

    path: str
    document: RegistryDocument | None = None
    load_error: LoadError | None = None
    text: str = ""  # the document as read (public copy reads its prose, artifact-format §7)


@dataclass
class Repository:
    """Everything one run reads, and the questions several rules ask of it."""

    root: Path
    config: Config
    policy: Policy
    artifacts: list[ArtifactFile] = field(default_factory=list)
    packages: list[Package] = field(default_factory=list)
    # Paths of the artifact files the user asked about; the others are loaded only
    # so that cross-file rules (duplicate ids, orphan packages) see the whole set.
    targets: set[str] = field(default_factory=set)
    # Files under the artifact folders that are not metadata (AL504).
    other_files: list[str] = field(default_factory=list)
    # The Markdown registry document (config `registry-doc`, or one given on the command line).
    registry: RegistryFile | None = None
    # Entries of the registry document, linted as artifacts when the document is a target.
    documented: list[ArtifactFile] = field(default_factory=list)
    # The policy file (or built-in default) before the registry document's own states
    # and labels tables extended it into `policy`, the policy in force.
    base_policy: Policy | None = None
    # Public copy read so far (`public_copy.py`), per process: file -> its texts, the
    # `public-copy` table resolved, and the package index split by entry.
    copy_cache: dict[str, Any] = field(default_factory=dict, repr=False)
    configured_copy: dict[str, list[str]] | None = field(default=None, repr=False)
    index_copy: Any = field(default=None, repr=False)
    # Root-relative path -> the text of an editor's buffer that stands for the file
    # (the language server): read instead of the disk, for public copy too.
    buffers: dict[str, str] = field(default_factory=dict, repr=False)
    # The folder of kept parses (the registry document, Markdown public copy); None: parse afresh.
    cache_folder: Path | None = field(default=None, repr=False)

    @property
    def target_artifacts(self) -> list[ArtifactFile]:
        return [a for a in self.artifacts if a.path in self.targets] + self.documented

    def directives(self) -> list[Directive]:
        """Suppression directives in the checked files (YAML comments, Markdown comments)."""
        from artifact_lint.engine.suppression import find_directives

        found: list[Directive] = []
        for artifact in self.target_artifacts:
            if artifact.directives is not None:  # found by a worker process
                found.extend(artifact.directives)
            elif artifact.origin == "file" and artifact.document is not None:
                found.extend(find_directives(artifact.path, artifact.document.text))
        if self.documented and self.documented[0].document is not None:
            found.extend(find_directives(self.documented[0].path, self.documented[0].document.text))
        return found

    def copy_directives(self, paths: set[str]) -> list[Directive]:
        """Suppression directives (`<!-- artifact-lint: disable=... -->`) in the public-copy
        files among `paths` that are not artifact files or the document already read."""
        from artifact_lint.engine.suppression import find_directives
        from artifact_lint.sources.public_copy import read_text

        read = {artifact.path for artifact in self.target_artifacts}
        found: list[Directive] = []
        for path in sorted(paths - read):
            if path.lower().endswith((".md", ".markdown", ".txt")):
                text = self.registry.text if self.registry is not None and path == self.registry.path else None
                text = text if text is not None else read_text(self, path)
                if text:
                    found.extend(find_directives(path, text))
        return found

    def policy_for(self, artifact: ArtifactFile) -> Policy:
        """The policy in force for an artifact: the policy file (or built-in default)
        extended by the registry document's tables, whether the artifact comes from a
        file or from the document."""
        return self.policy

    def artifact_ids(self) -> set[str]:
        """Every artifact id the repository knows: its files' and the registry document's."""
        ids = {artifact.id for artifact in [*self.artifacts, *self.documented] if artifact.id}
        if self.registry is not None and self.registry.document is not None:
            ids.update(entry.id for entry in self.registry.document.artifacts)
        return ids

    @cached_property
    def packages_by_path(self) -> dict[str, Package]:
        return {package.path: package for package in self.packages}

    def decisions(self) -> Iterator[tuple[Package, DecisionFile, Decision]]:
        """Each package whose decision record loaded, with the record and its model."""
        for package in self.packages:
            record = package.decision
            if record is not None and record.model is not None:
                yield package, record, record.model

    def package_for(self, reference: str) -> Package | None:
        """The package an artifact's `package` value names (`specialists/<name>`)."""
        return self.packages_by_path.get(reference.strip().rstrip("/").removeprefix("./"))

    def inside(self, relative: str) -> Path | None:
        """The path under the root, or None when it is absolute or leaves the root."""
        if not relative or relative.startswith(("/", "\\", "~")) or (len(relative) > 1 and relative[1] == ":"):
            return None
        candidate = self.root / relative
        if "\0" in relative:  # no file system holds such a name, so no link is followed: decided by the text
            climbs = os.path.normpath(relative).split(os.sep)[0] == ".."
            return None if climbs else candidate
        return None if leaves_root(candidate, self.root, self.real_root) else candidate

    @cached_property
    def real_root(self) -> Path:
        return self.root.resolve()

    def exists(self, relative: str) -> bool:
        path = self.inside(relative)
        return path is not None and os.path.lexists(path) and path.exists()


@cache
def _emptied_fields(keep: tuple[str, ...]) -> dict[str, None]:
    """Every field of `Artifact` but those in `keep`, set to None (see `ArtifactFile.slimmed`)."""
    return {name: None for name in Artifact.model_fields if name not in keep}
