"""The loaded repository: artifacts, specialist packages and policy, ready for rules."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from artifact_lint.errors import ToolError
from artifact_lint.model.config import Config
from artifact_lint.model.findings import Fix, Position, Problem, Severity
from artifact_lint.model.formats import Artifact, Decision, Policy
from artifact_lint.model.validation import Validated, validate
from artifact_lint.sources.discovery import Plan, plan
from artifact_lint.sources.loader import Document, Limits, LoadError, PathKey, field_path, load_text

if TYPE_CHECKING:
    from artifact_lint.engine.suppression import Directive
    from artifact_lint.sources.registry.results import RegistryDocument

T = TypeVar("T")

REGISTRY_SIZE_FACTOR = 16  # the registry document may be 16 times `max-file-size`


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

    def absent_position(self, path: PathKey) -> Position:
        """Where to report a key that is absent: the key of the mapping that lacks it
        (line 1, column 1 for the top level; the item itself inside a list)."""
        parent = path[:-1]
        if not parent:  # a file's top level is line 1; a registry entry's is its row or heading
            return Position(1, 1) if self.origin == "file" else self.position(())
        return self.position(parent, key=isinstance(parent[-1], str))

    def value_or_absent_position(self, path: PathKey) -> Position:
        return self.position(path) if self.has(path) else self.absent_position(path)


@dataclass
class ArtifactFile(SourceFile):
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
        if _no_link_below(candidate, self.root):
            return candidate
        try:
            resolved = candidate.resolve()
        except (OSError, RuntimeError):  # a symlink loop
            return None
        root = self.real_root
        if resolved != root and root not in resolved.parents:
            return None
        return candidate

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


def relative_posix(path: Path, root: Path) -> str:
    """The root-relative POSIX path, printable: bytes of a name that is not UTF-8 are
    shown as `\\xff` escapes."""
    relative = _below(path, root)
    if relative is None:
        relative = path.relative_to(root).as_posix()  # raises ValueError, as before
    elif os.sep != "/":
        relative = relative.replace(os.sep, "/")
    try:
        relative.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(relative).decode("utf-8", "backslashreplace")
    return relative


def _name_is_utf8(path: Path) -> bool:
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _too_large(size: int, limits: Limits) -> LoadError:
    return LoadError(f"the file is {size} bytes, over `max-file-size` ({limits.max_file_size} bytes);"
                     " it was not read")


def _read_limited(path: Path, limits: Limits, status: os.stat_result | None = None) -> bytes | LoadError:
    """The file's bytes, at most `max-file-size` of them. `status` is its `stat`, when the
    caller already has it."""
    try:
        if status is None:
            status = os.stat(path)
        if not stat.S_ISREG(status.st_mode):  # a named pipe would block the read forever
            return LoadError("this is not a regular file (a named pipe, socket or device); it was not read")
        size = status.st_size
        if size > limits.max_file_size:
            return _too_large(size, limits)
        with open(path, "rb") as handle:
            # Asking for the whole limit would allocate it (1 MiB) for every file; a file
            # that grew since `stat` is read on, up to the limit.
            data = handle.read(size + 1)
            if len(data) > size:
                data += handle.read(limits.max_file_size + 1 - len(data))
                if len(data) > limits.max_file_size:
                    return _too_large(len(data), limits)
            return data
    except OSError as exc:
        return LoadError(f"cannot read the file: {exc.strerror or exc}")


def load_source(path: Path, root: Path, limits: Limits,
                status: os.stat_result | None = None) -> tuple[Document | None, LoadError | None]:
    raw = _read_limited(path, limits, status)
    if isinstance(raw, LoadError):
        return None, raw
    loaded = load_text(raw, suffix_of(path.name).lower(), limits)
    if isinstance(loaded, LoadError):
        return None, loaded
    return loaded, None


def _outside_root(path: Path, root: Path) -> bool:
    """Whether `path`, links followed, leaves the repository root (a link loop counts).

    Only a symbolic link can lead out, so a path with no link among its parts
    below the root is inside; that takes one `lstat` per part, where resolving
    takes one per part of the whole absolute path, twice."""
    if _no_link_below(path, root):
        return False
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return True
    real_root = root.resolve()
    return resolved != real_root and real_root not in resolved.parents


def _no_link_below(path: Path, root: Path) -> bool:
    return _lstat_below(path, root) is not None


def _below(path: Path, root: Path) -> str | None:
    """`path` relative to `root` in the system's separators, by string: pathlib's
    `relative_to` costs more than a whole `lstat`. None when it is not below the root."""
    text, prefix = str(path), str(root)
    if not prefix.endswith(os.sep):
        prefix += os.sep
    return text[len(prefix):] if text.startswith(prefix) else None


def _lstat_below(path: Path, root: Path) -> os.stat_result | None:
    """The `lstat` of `path` when no part of it below `root` is a symbolic link (the root's
    own for the root); None when one is, or a part is missing or unreadable: resolving
    decides then."""
    if str(path) == str(root):
        try:
            return os.lstat(root)
        except OSError:
            return None
    relative = _below(path, root)
    if relative is None:
        return None
    parts = relative.split(os.sep)
    if ".." in parts:
        return None
    current = str(root)
    status = None
    for part in parts:
        current = os.path.join(current, part)
        try:
            status = os.lstat(current)
        except OSError:
            return None
        if stat.S_ISLNK(status.st_mode):
            return None
    return status


def load_artifact_bytes(relative: str, raw: bytes, limits: Limits) -> ArtifactFile:
    """An artifact from bytes that are not (yet) on disk, e.g. an editor's buffer on stdin."""
    if len(raw) > limits.max_file_size:
        return ArtifactFile(relative, None, LoadError(
            f"the input is {len(raw)} bytes, over `max-file-size` ({limits.max_file_size} bytes); it was not read"))
    loaded = load_text(raw, Path(relative).suffix.lower(), limits)
    if isinstance(loaded, LoadError):
        return ArtifactFile(relative, None, loaded)
    return ArtifactFile(relative, loaded, None, validate(Artifact, loaded.data))


def load_artifact(path: Path, root: Path, limits: Limits) -> ArtifactFile:
    relative = relative_posix(path, root)
    if not _name_is_utf8(path):
        return ArtifactFile(relative, None, LoadError("the file name is not valid UTF-8; rename the file"))
    # One `lstat` per part says at once that no link leads out and what the file is.
    status = _lstat_below(path, root)
    if status is None:
        if _outside_root(path, root):
            return ArtifactFile(relative, None, LoadError(
                "the file is a link that leaves the repository root (or loops); it was not read"))
        try:
            status = os.stat(path)
        except OSError as exc:
            return ArtifactFile(relative, None, LoadError(f"cannot read the file: {exc.strerror or exc}"))
    if stat.S_ISDIR(status.st_mode):
        return ArtifactFile(relative, None, LoadError(
            "this is a folder named like an artifact file; artifact files are plain files"))
    document, error = load_source(path, root, limits, status)
    artifact = ArtifactFile(relative, document, error)
    if document is not None:
        artifact.validated = validate(Artifact, document.data)
    return artifact


def _package_files(folder: Path, root: Path) -> tuple[list[str], str | None]:
    """The files below a package folder, root-relative (what `rglob` gives: links to files
    count, links to folders are not entered), and what could not be listed, if anything.
    `rglob` passed over a folder it could not list as if it were empty."""
    files: list[str] = []
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as listing:
                entries = list(listing)
        except OSError as exc:
            return files, f"`{relative_posix(current, root)}` cannot be listed ({exc.strerror or exc})"
        for entry in entries:
            path = current / entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(path)
                elif entry.is_file():
                    files.append(relative_posix(path, root))
            except OSError as exc:
                return files, f"`{relative_posix(path, root)}` cannot be read ({exc.strerror or exc})"
    return files, None


def load_package(folder: Path, root: Path, limits: Limits) -> Package:
    relative = relative_posix(folder, root)
    if _outside_root(folder, root):
        return Package(folder.name, relative, None, outside_root=True)
    files, unreadable = _package_files(folder, root)
    if unreadable is not None:
        # A package that cannot be read whole is not judged by the part that could be:
        # its decision record carries the reason, which AL403 reports (a finding naming
        # the folder, never a traceback or a silent pass).
        return Package(folder.name, relative, DecisionFile(relative, None, LoadError(
            f"the package folder {unreadable}; make it readable (nothing in the package was checked)")),
            tuple(sorted(files)))
    decision_path = folder / "decision.json"
    decision = None
    if _outside_root(decision_path, root):
        decision = DecisionFile(relative_posix(decision_path, root), None, LoadError(
            "decision.json is a link that leaves the repository root; it was not read"))
    elif os.path.lexists(decision_path):
        status = None
        try:
            status = os.stat(decision_path)
        except OSError as exc:
            if not isinstance(exc, FileNotFoundError):  # a dangling link is no decision record
                decision = DecisionFile(relative_posix(decision_path, root), None,
                                        LoadError(f"cannot read the file: {exc.strerror or exc}"))
        if status is not None and stat.S_ISDIR(status.st_mode):
            decision = DecisionFile(relative_posix(decision_path, root), None, LoadError(
                "this is a folder named decision.json; the decision record is a plain file"))
        elif status is not None:
            document, error = load_source(decision_path, root, limits, status)
            decision = DecisionFile(relative_posix(decision_path, root), document, error)
            if document is not None:
                decision.validated = validate(Decision, document.data)
    return Package(folder.name, relative, decision, tuple(sorted(files)))


def suffix_of(name: str) -> str:
    """`PurePath(name).suffix`, by string: pathlib's property costs microseconds a file."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def collect(root: Path, paths: Iterable[str] | None, config: Config, *, stdin: bool = False,
            explain: bool = False) -> Plan:
    """The files a check reads (see `discovery.py`): the targets (`paths`, default the
    configured ones), the configured artifact set as context, and the registry document."""
    return plan(root, config, paths, stdin=stdin, explain=explain)


def load_registry(path: Path, root: Path, limits: Limits, cache: Path | None = None,
                  buffer: str | None = None) -> RegistryFile:
    """The registry document at `path`, or `buffer` (an editor's text of it); with a
    `cache` folder, an unchanged document is not parsed again (see `registry_cache`)."""
    relative = relative_posix(path, root)
    if _outside_root(path, root):
        return RegistryFile(relative, None, LoadError("the document is a link that leaves the repository root"))
    # The human document lists every artifact, so it may be far larger than one metadata file.
    registry_limits = Limits(limits.max_file_size * REGISTRY_SIZE_FACTOR, limits.max_depth, limits.max_nodes)
    raw: bytes | LoadError
    if buffer is not None:
        raw = buffer.encode("utf-8", "surrogatepass")
        if len(raw) > registry_limits.max_file_size:
            raw = _too_large(len(raw), registry_limits)
    else:
        raw = _read_limited(path, registry_limits)
    if isinstance(raw, LoadError):
        return RegistryFile(relative, None, raw)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return RegistryFile(relative, None, LoadError(
            f"byte 0x{raw[exc.start]:02x} is not valid UTF-8; save the document as UTF-8", Position(line, 1)))
    from artifact_lint.sources.registry.cache import read_registry_cached

    return RegistryFile(relative, read_registry_cached(text, cache), text=text)


def policy_with_document(policy: Policy, registry: RegistryFile) -> Policy:
    """The policy extended by the registry document's own states and labels tables."""
    from artifact_lint.model.policy import extend_policy as extend

    document = registry.document
    if document is None:
        return policy
    return extend(policy, [(row.name, row.meaning) for row in document.states],
                  [(row.name, row.meaning) for row in document.labels], registry.path)


def _infer_package(document: Document) -> None:
    """A registry entry has no `package` field; its committed surface under one
    `specialists/<name>/` folder says which package it ships as."""
    data = document.data
    surface = data.get("surface") if isinstance(data, dict) else None
    if "package" in data or not isinstance(surface, list):
        return
    folders = {}
    for index, entry in enumerate(surface):
        parts = entry.strip().split("/") if isinstance(entry, str) else []
        if len(parts) >= 3 and parts[0] == "specialists":
            folders.setdefault("/".join(parts[:2]), index)
    if len(folders) == 1:
        (package, index), = folders.items()
        data["package"] = package
        where = document.positions.value(("surface", index))
        document.positions.values[("package",)] = where
        document.positions.keys[("package",)] = where


def documented_artifacts(registry: RegistryFile) -> list[ArtifactFile]:
    if registry.document is None:
        return []
    entries = []
    for entry in registry.document.artifacts:
        _infer_package(entry.document)
        artifact = ArtifactFile(registry.path, entry.document, origin="registry-doc", doc_id=entry.id)
        artifact.validated = validate(Artifact, entry.document.data)
        entries.append(artifact)
    return entries


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
    `registry_cache` is the folder of read registry documents (None: parse afresh).
    `buffers` (root-relative path -> text) are an editor's open files, read instead of
    the disk: artifact files, the registry document (never cached) and public copy."""
    limits = Limits(config.max_file_size, config.max_depth, config.max_nodes)
    repo = Repository(root=root, config=config, policy=policy, buffers=dict(buffers or {}))
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
        buffered = [p for p in to_load if relative_posix(p, root) in buffers and not _outside_root(p, root)]
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
