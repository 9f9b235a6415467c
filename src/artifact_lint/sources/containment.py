"""Containment: every file artifact-lint writes or removes goes through here.

A write names the folder it must stay in (`within`): the repository root for `--fix`,
`check -o`, `--write-baseline` and `export -o`; the output folder for `site` and
`import`; the folder holding it for `$GITHUB_STEP_SUMMARY`. Before anything is touched
the path is resolved, links included, and the write is refused with a `ToolError`
(exit 2, one line naming the path) when

- it resolves outside `within`: a link leading out is never followed;
- what is there is not a regular file (a folder, a named pipe, a device, a socket) or
  is a link that loops;
- a folder on the way is something else, or a name is longer than the file system takes.

`Target.read_only` says whether the file's mode has no write bit (root could write it
anyway, so the bits are read, not the permission) or this user may not write it;
`write_text` refuses such a file with `ReadOnlyFile`, and `--fix` turns that into a
message about the file instead of rewriting it.

A file is replaced atomically: the text goes to a temporary file created in the
target's own folder (links resolved), which takes the target's mode and, where the
process may set them, its owner and group, and is then renamed over the target. A
link to a file inside `within` therefore stays a link, and its target is what
changes. An OS error (no space left, permission denied, a read-only file system...)
becomes one `ToolError` naming the path; the temporary file is removed and the target
is as it was. Removal never goes through a link: a link is removed itself.

Reads are checked by `config.check_file_path` (a regular file inside the root, links
followed); this module is its counterpart for writes.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from artifact_lint.errors import ToolError
from artifact_lint.model.config_files import _kind

ROOT = "the repository root"
OUTPUT_FOLDER = "the output folder"
_NAME_MAX = 255  # when the file system does not say
_REASONS = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "the disk quota is used up",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EROFS: "the file system is read-only",
    errno.EISDIR: "it is a folder",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.ENAMETOOLONG: "the name is too long for the file system",
    errno.ELOOP: "a link on the way loops",
    errno.EEXIST: "something else was created there meanwhile",
    errno.ENOENT: "a folder on the way no longer exists",
    errno.EIO: "input/output error",
    errno.EFBIG: "the file would be too large",
}


class ReadOnlyFile(ToolError):
    """The target exists and is read-only: it is not rewritten."""


def _reason(exc: OSError) -> str:
    return _REASONS.get(exc.errno or 0) or exc.strerror or str(exc)


def os_error(exc: OSError, what: str, shown: str, action: str = "write") -> ToolError:
    """`exc`, met while writing `shown`, as the one line the user sees."""
    return ToolError(f"cannot {action} {what} `{shown}`: {_reason(exc)}")


def _inside(real: str, folder: str) -> bool:
    return real == folder or real.startswith(folder.rstrip(os.sep) + os.sep)


def _name_max(folder: str) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        return _NAME_MAX


def kind_of_mode(mode: int) -> str:
    """What a file of this mode is, for messages ("a folder", "a named pipe"...)."""
    return "a file" if stat.S_ISREG(mode) else _kind(mode)


def _mode_text(mode: int) -> str:
    return f"{stat.S_IMODE(mode):04o}"


@dataclass(frozen=True)
class Target:
    """A place that may be written: `real` is the path with every link resolved, inside `within`."""

    path: Path
    real: Path
    within: Path
    what: str
    shown: str
    existing: os.stat_result | None  # of `real`; None when nothing is there yet

    @property
    def read_only(self) -> bool:
        """No write bit in the mode (even for root, who could write it), or not writable by this user."""
        if self.existing is None:
            return False
        return not self.existing.st_mode & 0o222 or not os.access(self.real, os.W_OK)

    @property
    def read_only_reason(self) -> str:
        """Why it is read-only: "mode 0444", or "this user may not write it"."""
        if self.existing is not None and not self.existing.st_mode & 0o222:
            return f"mode {_mode_text(self.existing.st_mode)}"
        return "this user may not write it"

    def refuse_read_only(self) -> None:
        if self.existing is not None and self.read_only:
            raise ReadOnlyFile(f"{self.what} `{self.shown}` is read-only ({self.read_only_reason}); it was not"
                               " rewritten")


def check(path: Path, within: Path, what: str, shown: str | None = None, place: str = ROOT,
          within_shown: str | None = None) -> Target:
    """Where writing `path` would write, refused (`ToolError`) unless it stays in `within`.

    `place` names `within` in messages ("the repository root", "the output folder"), and
    `within_shown` is how it is shown (default: the path). Nothing is created, opened or changed."""
    shown = shown or str(path)
    within_shown = within_shown or str(within)
    folder = os.path.realpath(within)
    full = os.path.abspath(path)
    real = os.path.realpath(full)
    if not _inside(real, folder):
        if _inside(full, os.path.abspath(within)) or _inside(full, folder):
            raise ToolError(f"{what} `{shown}` leads outside {place} `{within_shown}` through a link; nothing"
                            " was written there")
        raise ToolError(f"{what} `{shown}` is outside {place} `{within_shown}`; write it inside")
    try:
        existing: os.stat_result | None = os.lstat(real)
    except (FileNotFoundError, NotADirectoryError):  # a folder on the way is missing or a file: below
        existing = None
    except OSError as exc:
        raise os_error(exc, what, shown) from None
    if existing is not None:
        if stat.S_ISLNK(existing.st_mode):
            raise ToolError(f"{what} `{shown}` is a link that loops; nothing was written")
        if not stat.S_ISREG(existing.st_mode):
            raise ToolError(f"{what} `{shown}` is not a regular file (it is {kind_of_mode(existing.st_mode)});"
                            " nothing was written")
    _check_folders(Path(real), folder, what, shown)
    return Target(Path(path), Path(real), Path(folder), what, shown, existing)


def _check_folders(real: Path, folder: str, what: str, shown: str) -> None:
    """The folders from `folder` down to `real` are folders or absent, and every name to
    create fits the file system."""
    missing = [real.name]
    current = real.parent
    while not os.path.lexists(current) and str(current) != folder and current != current.parent:
        missing.append(current.name)
        current = current.parent
    try:
        mode = os.stat(current).st_mode
    except OSError as exc:
        raise os_error(exc, what, shown) from None
    if not stat.S_ISDIR(mode):
        where = os.path.relpath(current, folder) if _inside(str(current), folder) else str(current)
        raise ToolError(f"{what} `{shown}`: `{where}` is not a folder (it is {kind_of_mode(mode)});"
                        " nothing was written")
    longest = _name_max(str(current))
    for name in missing:
        size = len(os.fsencode(name))
        if size > longest:
            raise ToolError(f"{what} `{shown}`: the name `{name[:40]}...` is {size} bytes long, more than the"
                            f" {longest} a file name may have here; nothing was written")


def make_folder(folder: Path, what: str, shown: str | None = None) -> Path:
    """Create the folder a command was told to write to (`site --out`, `import --out`) and
    give it with links resolved. It must be a folder, or absent."""
    shown = shown or str(folder)
    if os.path.lexists(folder) and not os.path.isdir(folder):
        kind = "a link that loops or leads nowhere" if not os.path.exists(folder) \
            else kind_of_mode(os.stat(folder).st_mode)
        raise ToolError(f"{what} `{shown}` exists and is not a folder (it is {kind}); name a folder")
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        raise ToolError(f"cannot create {what} `{shown}`: {_reason(exc)}") from None
    return Path(os.path.realpath(folder))


def _make_parents(target: Target) -> None:
    """The folders between `target.within` and the target, created one by one, each
    checked to be a real folder inside `within` (no link is followed out)."""
    missing = []
    current = target.real.parent
    while not os.path.lexists(current) and current != target.within and current != current.parent:
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder)
        except FileExistsError:
            pass
        except OSError as exc:
            raise os_error(exc, target.what, target.shown) from None
        if not _inside(os.path.realpath(folder), str(target.within)) or not os.path.isdir(folder):
            raise ToolError(f"{target.what} `{target.shown}`: the folder `{folder}` changed while it was"
                            " being written; nothing was written")


def _keep_owner(handle: int, existing: os.stat_result) -> None:
    """The new file gets the old one's owner and group where this process may give them."""
    now = os.fstat(handle)
    if (now.st_uid, now.st_gid) == (existing.st_uid, existing.st_gid):
        return
    for uid in (existing.st_uid, -1):  # only root may give a file away; a group we belong to is fine
        try:
            os.fchown(handle, uid, existing.st_gid)
            return
        except OSError:
            continue


def _temporary(folder: Path, name: str) -> tuple[int, Path]:
    """A new file in `folder` (mode 0666 less the umask), never a link followed."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        temporary = folder / f".{name[:64]}.{secrets.token_hex(4)}.tmp"
        try:
            return os.open(temporary, flags, 0o666), temporary
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(folder))


@contextmanager
def replacing(target: Target, *, newline: str | None = None) -> Iterator[TextIO]:
    """A UTF-8 text stream whose content replaces `target` atomically when the block ends
    without an exception (the target is untouched otherwise). Read-only targets are refused."""
    target.refuse_read_only()
    _make_parents(target)
    try:
        handle, temporary = _temporary(target.real.parent, target.real.name)
    except OSError as exc:
        where = " (no new file may be created in its folder)" if exc.errno in (errno.EACCES, errno.EPERM) else ""
        raise ToolError(f"cannot write {target.what} `{target.shown}`: {_reason(exc)}{where}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline=newline) as stream:
            yield stream
            stream.flush()
            if target.existing is not None:
                _keep_owner(handle, target.existing)
                os.fchmod(handle, stat.S_IMODE(target.existing.st_mode))
        os.replace(temporary, target.real)
    except BaseException as exc:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise os_error(exc, target.what, target.shown) from None
        raise


def write_text(path: Path, text: str, within: Path, what: str, shown: str | None = None, *,
               place: str = ROOT, within_shown: str | None = None, newline: str | None = None) -> Target:
    """Replace `path` (checked with `check`) with `text` in UTF-8; `newline=""` writes the
    line ends exactly as they are in `text`."""
    target = check(path, within, what, shown, place, within_shown)
    with replacing(target, newline=newline) as stream:
        stream.write(text)
    return target


def append_text(path: Path, text: str, what: str, shown: str | None = None) -> None:
    """Append `text` to `path` (created if absent), which must be a regular file once links
    in its folder's path are resolved: the job summary GitHub names in `$GITHUB_STEP_SUMMARY`."""
    full = Path(os.path.abspath(path))
    target = check(full, full.parent, what, shown, "its folder")
    target.refuse_read_only()
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0)
    try:
        handle = os.open(target.real, flags, 0o666)
    except OSError as exc:
        raise os_error(exc, what, target.shown) from None
    try:
        mode = os.fstat(handle).st_mode
        if not stat.S_ISREG(mode):  # it changed since it was checked
            raise ToolError(f"{what} `{target.shown}` is not a regular file (it is {kind_of_mode(mode)})")
        data = text.encode("utf-8", "backslashreplace")
        while data:
            data = data[os.write(handle, data):]
    except OSError as exc:
        raise os_error(exc, what, target.shown) from None
    finally:
        os.close(handle)


def _parent_inside(path: Path, within: Path, what: str, shown: str, place: str) -> None:
    if not _inside(os.path.realpath(path.parent), os.path.realpath(within)):
        raise ToolError(f"{what} `{shown}` leads outside {place} `{within}` through a link; nothing was removed")


def remove_file(path: Path, within: Path, what: str, shown: str | None = None, *, place: str = OUTPUT_FOLDER) -> bool:
    """Remove the file or link `path` (a link itself, never what it points at); a folder is
    left alone. Its folder must resolve inside `within`. Whether something was removed."""
    shown = shown or str(path)
    _parent_inside(path, within, what, shown, place)
    try:
        if stat.S_ISDIR(os.lstat(path).st_mode):
            return False
        os.unlink(path)
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise os_error(exc, what, shown, "remove") from None
    return True


def remove_empty_folder(path: Path, within: Path, what: str, shown: str | None = None, *,
                        place: str = OUTPUT_FOLDER) -> bool:
    """Remove `path` if it is an empty folder, or the link itself if it is a link. Whether
    something was removed."""
    shown = shown or str(path)
    _parent_inside(path, within, what, shown, place)
    try:
        if stat.S_ISLNK(os.lstat(path).st_mode):
            os.unlink(path)
        else:
            os.rmdir(path)
    except FileNotFoundError:
        return False
    except OSError as exc:
        if exc.errno in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR):
            return False  # it holds other files: not ours to remove
        raise os_error(exc, what, shown, "remove") from None
    return True


__all__ = ["OUTPUT_FOLDER", "ROOT", "ReadOnlyFile", "Target", "append_text", "check", "make_folder", "os_error",
           "remove_empty_folder", "remove_file", "replacing", "write_text"]
