"""Find the repository root and the config file, and read a config file's TOML.

A config file that cannot be used is a `ConfigError` naming it, never skipped: see
`find_config`. What the file may hold is `config.Config`'s business.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import Any

from artifact_lint.errors import ConfigError, ToolError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CONFIG_FILES = ("artifact-lint.toml", ".artifact-lint.toml")


def tool_table(data: dict[str, Any]) -> Any:
    """`[tool.artifact-lint]` of a pyproject.toml's data, or None. `tool = "x"` is not a table."""
    tool = data.get("tool")
    return tool.get("artifact-lint") if isinstance(tool, dict) else None


def find_config(start: Path) -> Path | None:
    """The nearest config file at or above `start`.

    A config file that cannot be used (not a regular file, a link that leaves its
    folder, unreadable, not UTF-8, not TOML) is an error naming it, never skipped:
    skipping it would lint with other settings than the ones the user wrote."""
    for folder in (start, *start.parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if os.path.lexists(candidate):
                check_file_path(candidate, folder, "config file", _shown(candidate, start))
                return candidate
        pyproject = folder / "pyproject.toml"
        if os.path.lexists(pyproject):
            check_file_path(pyproject, folder, "config file", _shown(pyproject, start))
            if tool_table(read_toml(pyproject, _shown(pyproject, start))) is not None:
                return pyproject
    return None


def _shown(path: Path, start: Path) -> str:
    """`path` as messages show it: relative to `start` when below it."""
    try:
        return path.relative_to(start).as_posix()
    except ValueError:
        return str(path)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a plain file"


def inside(path: Path, root: Path) -> bool:
    """Whether `path`, links followed, is inside `root` (a link loop is not)."""
    try:
        resolved = str(path.resolve())
        real_root = str(root.resolve())
    except (OSError, RuntimeError):  # a symlink loop
        return False
    return resolved == real_root or resolved.startswith(real_root.rstrip(os.sep) + os.sep)


def check_file_path(path: Path, root: Path, what: str, shown: str | None = None) -> Path:
    """`path` when it is a regular file inside `root` (links followed), else a
    `ToolError` naming it: it does not exist, it leaves the root, or it is a folder,
    a named pipe or a device. Nothing is opened, so nothing of it is ever shown."""
    shown = shown or str(path)
    error = ConfigError if what == "config file" else ToolError
    if not os.path.lexists(path):
        raise error(f"{what} `{shown}` does not exist")
    if not inside(path, root):
        try:
            path.resolve(strict=True)
            where = f"resolves outside the repository root `{root}`"
        except (OSError, RuntimeError):
            where = "is a link that loops or leads nowhere"
        raise error(f"{what} `{shown}` {where}; it was not read")
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise error(f"{what} `{shown}`: cannot read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(mode):
        raise error(f"{what} `{shown}` is not a regular file (it is {_kind(mode)})")
    return path


def find_root(start: Path) -> Path:
    """The nearest ancestor holding a config file, else `.git`, else `start`."""
    config = find_config(start)
    if config is not None:
        return config.parent
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def read_toml(path: Path, shown: str | None = None) -> dict[str, Any]:
    """The TOML at `path` (a regular file: the caller has checked). Unreadable, not
    UTF-8 or not TOML is a `ConfigError` naming the file; its text is never shown."""
    shown = shown or str(path)
    try:
        # O_NONBLOCK: should the file have become a named pipe since it was checked,
        # opening it does not wait for a writer; fstat then refuses it.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise ConfigError(f"config file `{shown}` is not a regular file")
            raw = handle.read()
    except OSError as exc:
        raise ConfigError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ConfigError(f"{shown}: not valid UTF-8 (byte 0x{raw[exc.start]:02x} on line {line});"
                          " TOML files are UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{shown}: invalid TOML: {exc}") from None
    except ValueError as exc:  # tomllib's own limits, such as an integer of more than 4300 digits
        raise ConfigError(f"{shown}: invalid TOML: {exc}") from None


def config_table(path: Path, shown: str) -> tuple[dict[str, Any], str]:
    """The settings table of the config file at `path` and how messages name it:
    `[tool.artifact-lint]` of a pyproject.toml, else the whole file."""
    data = read_toml(path, shown)
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        if not isinstance(tool, dict):
            raise ConfigError(f"{shown}: `tool` is not a table")
        table = tool.get("artifact-lint", {})
        shown += " [tool.artifact-lint]"
    else:
        table = data
    if not isinstance(table, dict):
        raise ConfigError(f"{shown}: expected a table")
    return table, shown
