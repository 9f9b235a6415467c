"""Matching root-relative paths against `exclude`, `.gitignore` files and `paths` globs.

`Patterns` holds `exclude` and `extend-exclude`, `GitIgnores` the repository's ignore
files (nested ones, those above the root up to the git work tree's top, and
`.git/info/exclude`), read once each as needed; each says why a path is left out, for
`check --show-files --verbose`. `path_matches` matches one `per-file-ignores` pattern the
way `exclude` does, and `glob_regex` turns a `paths` glob into a regular expression.
`discovery.Finder` applies them while it walks the folders.

Patterns are matched with pathspec, a gitignore-pattern library, imported only when a
pattern needs it (about 9 ms): the default excludes are plain names, matched by name,
and a repository without `.gitignore` patterns never imports it.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from artifact_lint.errors import ConfigError
from artifact_lint.model.config import Config

GITIGNORE_LIMIT = 1024 * 1024  # a larger .gitignore is read up to here
_NOT_PLAIN = re.compile(r"[*?\[\]\\!#]|^\s|\s$|/.")


def _compile(lines: Sequence[str], where: str | None) -> Any:
    """A pathspec `GitIgnoreSpec`. A pattern pathspec refuses is a `ConfigError` naming
    `where` (a config key); with `where` None (a .gitignore file) it is left out, as git does."""
    from pathspec import GitIgnoreSpec

    try:
        return GitIgnoreSpec.from_lines(lines)
    except (ValueError, re.error):
        kept = []
        for line in lines:
            try:
                GitIgnoreSpec.from_lines([line])
            except (ValueError, re.error):
                if where is not None:
                    raise ConfigError(f"{where}: `{line}` is not a valid gitignore-style pattern") from None
                continue
            kept.append(line)
        return GitIgnoreSpec.from_lines(kept)


@lru_cache(maxsize=256)
def _single(pattern: str) -> Any:
    return _compile([pattern], f"per-file-ignores: \"{pattern}\"")


def path_matches(pattern: str, path: str) -> bool:
    """Whether a root-relative POSIX `path` matches a gitignore-style `pattern`, as
    `exclude` matches it (`per-file-ignores` uses this): `artifacts/*.yaml` reaches
    `artifacts/x.yaml`, never `artifacts/sub/x.yaml`; `*.yaml` reaches both."""
    return bool(_single(pattern).match_file(path))


class Patterns:
    """`exclude` and `extend-exclude`: gitignore-style patterns relative to the root.

    Plain names (`.git`, `node_modules`, `build/`), the whole default list, match a
    path with a part of that name and are checked by name, without pathspec."""

    def __init__(self, config: Config) -> None:
        self.keys = {p: "exclude" for p in config.exclude}
        self.keys.update({p: "extend-exclude" for p in config.extend_exclude if p not in self.keys})
        self.lines = list(self.keys)
        self.plain = all(not _NOT_PLAIN.search(p) and p.strip("/") not in ("", ".", "..") for p in self.lines)
        self.names = {p for p in self.lines if not p.endswith("/")}
        self.folder_names = {p.rstrip("/") for p in self.lines if p.endswith("/")}
        self._spec: Any = None

    def _compiled(self) -> Any:
        if self._spec is None:
            self._spec = _compile(self.lines, "`exclude`/`extend-exclude`")
        return self._spec

    def _why(self, pattern: str) -> str:
        return f"excluded by `{self.keys.get(pattern, 'exclude')}` pattern `{pattern}`"

    def match_entry(self, relative: str, name: str, is_dir: bool) -> str | None:
        """Why an entry of a folder that is not itself excluded is excluded, or None."""
        if not self.lines:
            return None
        if self.plain:
            if name in self.names:
                return self._why(name)
            if is_dir and name in self.folder_names:
                return self._why(name + "/")
            return None
        result = self._compiled().check_file(relative + "/" if is_dir else relative)
        return self._why(self.lines[result.index]) if result.include else None

    def match_path(self, relative: str, is_dir: bool) -> str | None:
        """Why a root-relative path is excluded (its folders included), or None."""
        if not self.lines:
            return None
        parts = relative.split("/")
        for index in range(len(parts)):
            last = index == len(parts) - 1
            why = self.match_entry("/".join(parts[:index + 1]), parts[index], is_dir or not last)
            if why:
                return why
        return None


class GitIgnores:
    """The repository's ignore files, read once each, as needed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._specs: dict[str, Any] = {}  # folder (root-relative, "" for the root) -> spec or None
        self._chains: dict[str, list[tuple[str, Any]]] = {}
        self._above: list[tuple[str, Any, str]] | None = None

    def _read(self, path: Path) -> list[str]:
        """The patterns of an ignore file; a link, a folder, a pipe or an unreadable file
        counts as none (git does not follow a linked .gitignore either)."""
        try:
            status = os.lstat(path)
            if not stat.S_ISREG(status.st_mode):
                return []
            with open(path, "rb") as handle:
                raw = handle.read(GITIGNORE_LIMIT)
        except OSError:
            return []
        lines = raw.decode("utf-8", "replace").splitlines()
        return [line for line in lines if line.strip() and not line.startswith("#")]

    def _spec(self, folder: str) -> Any:
        if folder not in self._specs:
            lines = self._read(self.root / folder / ".gitignore" if folder else self.root / ".gitignore")
            self._specs[folder] = _compile(lines, None) if lines else None
        return self._specs[folder]

    def above(self) -> list[tuple[str, Any, str]]:
        """(prefix of root-relative paths, spec, file) for the ignore files of the git work
        tree above the root, deepest first, then `.git/info/exclude`."""
        if self._above is None:
            self._above = []
            top = None
            for folder in (self.root, *self.root.parents):
                if os.path.lexists(folder / ".git"):
                    top = folder
                    break
            if top is not None:
                for folder in (p for p in self.root.parents if p == top or top in p.parents):
                    lines = self._read(folder / ".gitignore")
                    if lines:
                        prefix = self.root.relative_to(folder).as_posix() + "/"
                        self._above.append((prefix, _compile(lines, None), str(folder / ".gitignore")))
                lines = self._read(top / ".git" / "info" / "exclude")
                if lines:
                    prefix = "" if top == self.root else self.root.relative_to(top).as_posix() + "/"
                    self._above.append((prefix, _compile(lines, None), ".git/info/exclude"))
        return self._above

    def chain(self, folder: str) -> list[tuple[str, Any]]:
        """(folder, spec) of the .gitignore files at or above `folder` inside the root, deepest first."""
        chain = self._chains.get(folder)
        if chain is None:
            parent = self.chain(folder.rpartition("/")[0]) if folder else []
            spec = self._spec(folder)
            chain = [(folder, spec), *parent] if spec is not None else parent
            self._chains[folder] = chain
        return chain

    def match_entry(self, folder: str, relative: str, is_dir: bool) -> str | None:
        """Why `relative`, an entry of `folder` (not itself ignored), is ignored, or None."""
        suffix = "/" if is_dir else ""
        for base, spec in self.chain(folder):
            result = spec.check_file((relative[len(base) + 1:] if base else relative) + suffix)
            if result.include is not None:
                return f"ignored by `{base + '/' if base else ''}.gitignore`" if result.include else None
        for prefix, spec, shown in self.above():
            result = spec.check_file(prefix + relative + suffix)
            if result.include is not None:
                return f"ignored by `{shown}`" if result.include else None
        return None

    def match_path(self, relative: str, is_dir: bool) -> str | None:
        parts = relative.split("/")
        for index in range(len(parts)):
            last = index == len(parts) - 1
            why = self.match_entry("/".join(parts[:index]), "/".join(parts[:index + 1]), is_dir or not last)
            if why:
                return why
        return None


def glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob over root-relative POSIX paths: `*` and `?` stay within a part, `**` spans parts."""
    out = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:[^/]+/)*")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", i + 2)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = pattern[i + 1:end]
                body = "^" + body[1:] if body.startswith("!") else body
                out.append(f"(?!/)[{body.replace(chr(92), chr(92) * 2)}]")
                i = end
        else:
            out.append(re.escape(char))
        i += 1
    return re.compile("".join(out) + r"\Z")
