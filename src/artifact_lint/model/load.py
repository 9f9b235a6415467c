"""Loading the repository's records: artifact files, specialist packages, the registry document.

`load_artifact` reads one metadata file (or `load_artifact_bytes` an editor's buffer) into
an `ArtifactFile` with its validated model; `load_package` lists a `specialists/<name>/`
folder and reads its `decision.json`; `load_registry` reads the Markdown registry
document (through the registry cache), and `documented_artifacts` turns its entries into
artifacts linted like files. Each refuses a link that leaves the root and reports why a
file could not be read as a `LoadError` on the record, never as an exception.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from artifact_lint.model.findings import Position
from artifact_lint.model.formats import Artifact, Decision
from artifact_lint.model.repository import ArtifactFile, DecisionFile, Package, RegistryFile
from artifact_lint.model.validation import validate
from artifact_lint.sources.files import (
    load_source,
    lstat_below,
    name_is_utf8,
    outside_root,
    read_limited,
    relative_posix,
    too_large,
)
from artifact_lint.sources.loader import Document, Limits, LoadError, load_text

REGISTRY_SIZE_FACTOR = 16  # the registry document may be 16 times `max-file-size`


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
    if not name_is_utf8(path):
        return ArtifactFile(relative, None, LoadError("the file name is not valid UTF-8; rename the file"))
    # One `lstat` per part says at once that no link leads out and what the file is.
    status = lstat_below(path, root)
    if status is None:
        if outside_root(path, root):
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
    if outside_root(folder, root):
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
    if outside_root(decision_path, root):
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


def load_registry(path: Path, root: Path, limits: Limits, cache: Path | None = None,
                  buffer: str | None = None) -> RegistryFile:
    """The registry document at `path`, or `buffer` (an editor's text of it); with a
    `cache` folder, an unchanged document is not parsed again (see `registry_cache`)."""
    relative = relative_posix(path, root)
    if outside_root(path, root):
        return RegistryFile(relative, None, LoadError("the document is a link that leaves the repository root"))
    # The human document lists every artifact, so it may be far larger than one metadata file.
    registry_limits = Limits(limits.max_file_size * REGISTRY_SIZE_FACTOR, limits.max_depth, limits.max_nodes)
    raw: bytes | LoadError
    if buffer is not None:
        raw = buffer.encode("utf-8", "surrogatepass")
        if len(raw) > registry_limits.max_file_size:
            raw = too_large(len(raw), registry_limits)
    else:
        raw = read_limited(path, registry_limits)
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


def _infer_package(document: Document) -> None:
    """A registry entry has no `package` field; its committed surface under one
    `specialists/<name>/` folder says which package it ships as."""
    data = document.data
    surface = data.get("surface") if isinstance(data, dict) else None
    if "package" in data or not isinstance(surface, list):
        return
    folders: dict[str, int] = {}
    for index, entry in enumerate(surface):
        parts = entry.strip().split("/") if isinstance(entry, str) else []
        if len(parts) >= 3 and parts[0] == "specialists":
            folders.setdefault("/".join(parts[:2]), index)
    if len(folders) == 1:
        (package, index), = folders.items()
        data["package"] = package
        where = document.positions.value(("surface", index))
        document.positions.set(("package",), where)
        document.positions.set(("package",), where, key=True)


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
