"""Reading one file below the repository root, safely.

Every metadata file, package file and the registry document is read through here:
`relative_posix` names a path as findings show it, `outside_root` and `lstat_below`
tell whether a path leaves the root through a symbolic link (one `lstat` per part
rather than resolving the whole path), `read_limited` reads a regular file's bytes no
further than `max-file-size`, and `load_source` turns them into a `Document` with
positions. Nothing here knows about artifacts or packages; the model's loaders build on it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from artifact_lint.sources.loader import Document, Limits, LoadError, load_text


def suffix_of(name: str) -> str:
    """`PurePath(name).suffix`, by string: pathlib's property costs microseconds a file."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


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


def name_is_utf8(path: Path) -> bool:
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def too_large(size: int, limits: Limits) -> LoadError:
    return LoadError(f"the file is {size} bytes, over `max-file-size` ({limits.max_file_size} bytes);"
                     " it was not read")


def read_limited(path: Path, limits: Limits, status: os.stat_result | None = None) -> bytes | LoadError:
    """The file's bytes, at most `max-file-size` of them. `status` is its `stat`, when the
    caller already has it."""
    try:
        if status is None:
            status = os.stat(path)
        if not stat.S_ISREG(status.st_mode):  # a named pipe would block the read forever
            return LoadError("this is not a regular file (a named pipe, socket or device); it was not read")
        size = status.st_size
        if size > limits.max_file_size:
            return too_large(size, limits)
        with open(path, "rb") as handle:
            # Asking for the whole limit would allocate it (1 MiB) for every file; a file
            # that grew since `stat` is read on, up to the limit.
            data = handle.read(size + 1)
            if len(data) > size:
                data += handle.read(limits.max_file_size + 1 - len(data))
                if len(data) > limits.max_file_size:
                    return too_large(len(data), limits)
            return data
    except OSError as exc:
        return LoadError(f"cannot read the file: {exc.strerror or exc}")


def load_source(path: Path, root: Path, limits: Limits,
                status: os.stat_result | None = None) -> tuple[Document | None, LoadError | None]:
    raw = read_limited(path, limits, status)
    if isinstance(raw, LoadError):
        return None, raw
    loaded = load_text(raw, suffix_of(path.name).lower(), limits)
    if isinstance(loaded, LoadError):
        return None, loaded
    return loaded, None


def outside_root(path: Path, root: Path, real_root: Path | None = None) -> bool:
    """Whether `path`, links followed, leaves the repository root (a link loop counts).
    `real_root`: `root.resolve()`, when the caller keeps it.

    Only a symbolic link can lead out, so a path with no link among its parts
    below the root is inside; that takes one `lstat` per part, where resolving
    takes one per part of the whole absolute path, twice."""
    if no_link_below(path, root):
        return False
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return True
    real_root = real_root or root.resolve()
    return resolved != real_root and real_root not in resolved.parents


def no_link_below(path: Path, root: Path) -> bool:
    return lstat_below(path, root) is not None


def _below(path: Path, root: Path) -> str | None:
    """`path` relative to `root` in the system's separators, by string: pathlib's
    `relative_to` costs more than a whole `lstat`. None when it is not below the root."""
    text, prefix = str(path), str(root)
    if not prefix.endswith(os.sep):
        prefix += os.sep
    return text[len(prefix):] if text.startswith(prefix) else None


def lstat_below(path: Path, root: Path) -> os.stat_result | None:
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
