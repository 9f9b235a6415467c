"""Which files `check` reads (artifact-format.md §1.1; cli.md, "Which files `check` reads").

- The artifact files are the `.yaml`, `.yml` and `.json` files directly inside each
  configured artifacts folder (`paths`: folders, files or globs). A subfolder's files are
  not artifacts; the subfolders are only searched for weights files (AL504).
- `specialists/`, `rules/`, the policy, the registry document and the config files are
  never artifact files, whatever the paths.
- `exclude` (default `config.DEFAULT_EXCLUDE`) and `extend-exclude` hold gitignore-style
  patterns relative to the root; with `respect-gitignore` (the default) the repository's
  `.gitignore` files (nested ones, those above the root up to the git work tree's top,
  and `.git/info/exclude`) are honoured too. An excluded file is neither linted nor read
  as context. A file named on the command line is linted even when excluded, unless
  `force-exclude`.
- Document mode: with no artifact file at all, the registry document is the registry
  and its entries are linted; otherwise the document is only cross-checked (AL601).

Whether a path is excluded or ignored, and what a `paths` glob reaches, is decided in
`patterns.py`; the `Finder` here walks the folders and applies it.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterable
from pathlib import Path

from artifact_lint.errors import ToolError
from artifact_lint.model.config import CONFIG_FILES, Config, check_file_path
from artifact_lint.sources.input_formats import SUFFIXES, suffix_list
from artifact_lint.sources.patterns import GitIgnores, Patterns, glob_regex

METADATA_SUFFIXES = SUFFIXES  # the artifact files' suffixes, one row a format in input_formats
DOCUMENT_SUFFIXES = (".md", ".markdown")
CONFIG_NAMES = ("pyproject.toml", *CONFIG_FILES)
DEFAULT_POLICY = "rules/policy.yaml"
RULES_FOLDER = "rules"  # the policy and a repository's own rules: never artifact files
_MAGIC = re.compile(r"[*?\[]")


# --- finding the files ------------------------------------------------------------------


def _is_dir(entry: os.DirEntry[str]) -> bool:
    """Whether the entry is a folder, links followed; a link that loops is not."""
    try:
        return entry.is_dir()
    except OSError:
        return False


class Selection:
    """Files found under some paths, by kind, each once, in a stable order. (A plain
    class: a dataclass costs about 0.4 ms of start-up to create.)"""

    __slots__ = ("metadata", "documents", "others", "covers_document", "skipped")

    def __init__(self) -> None:
        self.metadata: dict[str, Path] = {}  # root-relative POSIX -> path
        self.documents: dict[str, Path] = {}  # Markdown named: registry documents
        self.others: dict[str, Path] = {}  # not metadata, for AL504
        self.covers_document = False  # a folder named on the command line holds the registry document
        self.skipped: list[tuple[str, str]] = []  # (path, why), when explaining


def normalise(path: str) -> str:
    """A configured or given root-relative path as POSIX without `./` or a trailing slash
    ("" for the root)."""
    text = posixpath.normpath(path.replace(os.sep, "/")) if path else "."
    return "" if text == "." else text


class Finder:
    """Applies `paths`, the excludes, the .gitignore files and the folders that never
    hold artifact files. With `explain`, records why each skipped candidate is skipped."""

    def __init__(self, root: Path, config: Config, *, explain: bool = False) -> None:
        self.root = root
        self.config = config
        self.explain = explain
        self.patterns = Patterns(config)
        self.gitignore = GitIgnores(root) if config.respect_gitignore else None
        self.specialists = normalise(config.specialists)
        self.policy = normalise(config.policy or DEFAULT_POLICY)
        self.registry_doc = normalise(config.registry_doc)
        self._reserved_names = frozenset(
            n for n in (self.specialists, RULES_FOLDER, self.policy, self.registry_doc, *CONFIG_NAMES) if n)
        self._reserved_prefixes = tuple(f"{n}/" for n in (self.specialists, RULES_FOLDER) if n)
        self._weights: tuple[str, ...] | None = None
        self._real_root: str | None = None

    # -- what is never an artifact file, what is excluded

    def reserved(self, relative: str) -> str | None:
        """Why `relative` is never an artifact file, or None."""
        if relative not in self._reserved_names and not relative.startswith(self._reserved_prefixes):
            return None
        for folder, why in ((self.specialists, "specialist packages are checked as packages"),
                            (RULES_FOLDER, "the policy folder holds the policy and custom rules")):
            if folder and (relative == folder or relative.startswith(folder + "/")):
                return f"{why}, never as artifact files"
        if relative == self.policy:
            return "the policy file"
        if relative == self.registry_doc:
            return "the registry document (read as the registry)"
        if relative in CONFIG_NAMES:
            return "a configuration file"
        return None

    def excluded_entry(self, folder: str, relative: str, name: str, is_dir: bool) -> str | None:
        """Why an entry of `folder` (a folder not itself excluded) is excluded, or None."""
        why = self.patterns.match_entry(relative, name, is_dir)
        if why is None and self._ignores(folder):
            why = self.gitignore.match_entry(folder, relative, is_dir)  # type: ignore[union-attr]
        return why

    def _ignores(self, folder: str) -> bool:
        """Whether any ignore file applies inside `folder` (most repositories: none, so
        the entries are not matched one by one)."""
        return self.gitignore is not None and bool(self.gitignore.chain(folder) or self.gitignore.above())

    def excluded(self, relative: str, is_dir: bool) -> str | None:
        """Why a root-relative path is excluded (through its folders too), or None."""
        if not relative:
            return None
        why = self.patterns.match_path(relative, is_dir)
        if why is None and self.gitignore is not None:
            why = self.gitignore.match_path(relative, is_dir)
        return why

    def _skip(self, found: Selection, relative: str, why: str) -> None:
        if self.explain:
            found.skipped.append((relative, why))

    @property
    def weight_suffixes(self) -> tuple[str, ...]:
        if self._weights is None:
            from artifact_lint.rules.al504_large_file_in_metadata import WEIGHT_SUFFIXES

            self._weights = tuple(WEIGHT_SUFFIXES)
        return self._weights

    def _inside(self, full: Path) -> bool:
        if self._real_root is None:
            self._real_root = str(self.root.resolve())
        try:
            resolved = str(full.resolve())
        except (OSError, RuntimeError):
            return False
        return resolved == self._real_root or resolved.startswith(self._real_root.rstrip(os.sep) + os.sep)

    # -- walking

    def _entries(self, folder: str) -> list[os.DirEntry[str]]:
        path = self.root / folder if folder else self.root
        try:
            with os.scandir(path) as scan:
                entries = list(scan)
        except OSError as exc:
            shown = folder or "."
            raise ToolError(f"cannot list the folder `{shown}`: {exc.strerror or exc}; make it readable, or"
                            f" leave it out with `extend-exclude = [\"{shown}/\"]`") from None
        entries.sort(key=lambda e: e.name)
        return entries

    def artifacts_folder(self, folder: str, found: Selection, *, named: bool = False) -> None:
        """The artifact files directly inside `folder`, its other files, and weights files
        anywhere below it."""
        why = self.reserved(folder) if folder else None
        if why is None and (not named or self.config.force_exclude):
            why = self.excluded(folder, True)
        if why is not None:
            self._skip(found, folder, why)
            return
        prefix = folder + "/" if folder else ""
        base = self.root / folder if folder else self.root
        patterns = self.patterns
        ignores = self._ignores(folder)
        for entry in self._entries(folder):
            name = entry.name
            relative = prefix + name
            if name.startswith("."):
                self._skip(found, relative, "hidden")
                continue
            is_dir = _is_dir(entry)
            lower = name.lower()
            if is_dir and not lower.endswith(METADATA_SUFFIXES):
                self._subfolder(folder, entry, relative, found)
                continue
            # a file, or a folder named like one (AL001 reports it)
            why = self.reserved(relative) or patterns.match_entry(relative, name, False)
            if why is None and ignores:
                why = self.gitignore.match_entry(folder, relative, False)  # type: ignore[union-attr]
            if why is not None:
                self._skip(found, relative, why)
            elif relative not in found.metadata and relative not in found.others:
                path = base / name  # parses the name only, not the whole path again
                if lower.endswith(METADATA_SUFFIXES):
                    found.metadata[relative] = path
                else:
                    found.others[relative] = path

    def _subfolder(self, folder: str, entry: os.DirEntry[str], relative: str, found: Selection) -> None:
        """A subfolder of an artifacts folder: searched for weights files only."""
        why = self.reserved(relative) or self.excluded_entry(folder, relative, entry.name, True)
        if why is None and entry.is_symlink():
            why = "a link to a folder (not followed)"
        if why is not None:
            self._skip(found, relative, why)
            return
        for child in self._entries(relative):
            name = child.name
            child_relative = f"{relative}/{name}"
            if name.startswith("."):
                self._skip(found, child_relative, "hidden")
            elif _is_dir(child) and not child.is_symlink():
                self._subfolder(relative, child, child_relative, found)
            elif name.lower().endswith(self.weight_suffixes):
                why = self.reserved(child_relative) or self.excluded_entry(relative, child_relative, name, False)
                if why is not None:
                    self._skip(found, child_relative, why)
                else:
                    found.others[child_relative] = Path(self.root, child_relative)
            elif self.explain:
                what = "an artifact file" if name.lower().endswith(METADATA_SUFFIXES) else "metadata"
                self._skip(found, child_relative, f"in a subfolder of an artifacts folder, so not {what}"
                                                  f" (name `{relative}` in `paths` to lint it)")

    def glob(self, pattern: str, found: Selection) -> None:
        """The metadata files a `paths` glob reaches (`artifacts/**/*.yaml`)."""
        parts = pattern.split("/")
        fixed = 0
        while fixed < len(parts) - 1 and not _MAGIC.search(parts[fixed]):
            fixed += 1
        base = "/".join(parts[:fixed])
        if base and (self.reserved(base) or not (self.root / base).is_dir()):
            return
        why = self.excluded(base, True) if base else None
        if why is not None:
            self._skip(found, base, why)
            return
        regex = glob_regex(pattern)
        depth = None if "**" in pattern else len(parts) - fixed - 1
        self._glob_walk(base, regex, depth, found)

    def _glob_walk(self, folder: str, regex: re.Pattern[str], depth: int | None, found: Selection) -> None:
        prefix = folder + "/" if folder else ""
        for entry in self._entries(folder):
            name = entry.name
            relative = prefix + name
            if name.startswith("."):
                continue
            is_dir = _is_dir(entry) and not name.lower().endswith(METADATA_SUFFIXES)
            if is_dir:
                if (depth is None or depth > 0) and not entry.is_symlink() and not self.reserved(relative) \
                        and not self.excluded_entry(folder, relative, name, True):
                    self._glob_walk(relative, regex, None if depth is None else depth - 1, found)
                continue
            if not regex.match(relative):
                continue
            why = self.reserved(relative) or self.excluded_entry(folder, relative, name, False)
            if why is None and not name.lower().endswith(METADATA_SUFFIXES):
                why = f"not a {suffix_list()} file"
            if why is not None:
                self._skip(found, relative, why)
            else:
                found.metadata.setdefault(relative, Path(self.root, relative))

    def file(self, relative: str, found: Selection, *, named: bool) -> None:
        """One file: named on the command line (linted even when excluded, unless
        `force-exclude`), or a `paths` entry."""
        if relative.startswith(f"{self.specialists}/") or relative.startswith(RULES_FOLDER + "/") \
                or relative in (self.policy, *CONFIG_NAMES):
            self._skip(found, relative, self.reserved(relative) or "checked by every run")
            return
        if not named or self.config.force_exclude:
            why = self.excluded(relative, False)
            if why is not None:
                self._skip(found, relative, why)
                return
        path = Path(self.root, relative)
        if relative.lower().endswith(DOCUMENT_SUFFIXES):
            found.documents.setdefault(relative, path)
        elif relative == self.registry_doc:
            self._skip(found, relative, "the registry document (read as the registry)")
        else:
            found.metadata.setdefault(relative, path)

    # -- the two sets

    def configured(self) -> Selection:
        """The configured artifact set (`paths`): what `check` lints without path
        arguments, and the context of every run. Entries that do not exist add nothing."""
        found = Selection()
        for entry in self.config.paths:
            relative = normalise(entry)
            if _MAGIC.search(relative):
                self.glob(relative, found)
                continue
            full = self.root / relative if relative else self.root
            if not os.path.lexists(full):
                continue
            if not self._inside(full):
                raise ToolError(f"{self.config.source or 'default'}: path `{entry}` is outside the repository"
                                f" root {self.root}")
            if full.is_dir():
                self.artifacts_folder(relative, found)
            else:
                self.file(relative, found, named=False)
        return found

    def bases(self) -> list[str]:
        """The folder of each `paths` entry (a glob's fixed part)."""
        result = []
        for entry in self.config.paths:
            relative = normalise(entry)
            if _MAGIC.search(relative):
                parts = relative.split("/")
                fixed = next((i for i, part in enumerate(parts) if _MAGIC.search(part)), len(parts))
                relative = "/".join(parts[:fixed])
            result.append(relative)
        return result

    def named(self, paths: Iterable[str], context: Selection) -> Selection:
        """The files `check PATH...` lints. A folder that holds configured artifacts
        folders (`.`) gives their artifact files; another folder is read as an
        artifacts folder itself; a file is linted as named."""
        found = Selection()
        bases = self.bases()
        for given in paths:
            relative = normalise(given)
            full = self.root / relative if relative else self.root
            if not os.path.lexists(full):
                raise ToolError(f"path `{given}` does not exist")
            if not self._inside(full):
                raise ToolError(f"path `{given}` is outside the repository root {self.root}")
            if not full.is_dir():
                self.file(relative, found, named=True)
                continue
            prefix = relative + "/" if relative else ""
            if not relative or self.registry_doc.startswith(prefix):
                found.covers_document = True
            if any(base == relative or base.startswith(prefix) for base in bases):
                for kind in ("metadata", "others"):
                    mine, theirs = getattr(found, kind), getattr(context, kind)
                    for key, path in theirs.items():
                        if key.startswith(prefix):
                            mine.setdefault(key, path)
                found.documents.update((k, p) for k, p in context.documents.items() if k.startswith(prefix))
            else:
                self.artifacts_folder(relative, found, named=True)
        return found


class Plan:
    """What a check reads: targets, context, and the registry document's part."""

    __slots__ = ("targets", "context", "document", "document_target", "document_mode")

    def __init__(self, targets: Selection, context: Selection) -> None:
        self.targets = targets
        self.context = context
        self.document: Path | None = None  # the registry document to read (a regular file inside the root)
        self.document_target = False  # reported on as a checked file
        self.document_mode = False  # no artifact file at all: the document's entries are linted


def plan(root: Path, config: Config, paths: Iterable[str] | None = None, *, stdin: bool = False,
         explain: bool = False) -> Plan:
    """The files a check of `paths` (None: the configured ones) reads. `stdin`: one
    artifact comes from standard input and is the only target."""
    finder = Finder(root, config, explain=explain)
    context = finder.configured()
    if stdin:
        targets = Selection()
    elif paths is None:
        targets = context
    else:
        targets = finder.named(paths, context)
    result = Plan(targets, context)
    if targets.documents:
        relative, document = next(iter(targets.documents.items()))
        check_file_path(document, root, "registry document", relative)
        named = True
    else:
        relative = normalise(config.registry_doc)
        document = root / relative
        named = paths is None or targets.covers_document
        if not os.path.lexists(document):
            return result
        check_file_path(document, root, "registry document", relative)
        why = finder.excluded(relative, False)
        if why is not None:
            finder._skip(targets, relative, why)
            return result
    result.document = document
    result.document_mode = not stdin and not context.metadata and not targets.metadata
    result.document_target = bool(targets.documents) or (named and result.document_mode)
    return result


def describe_files(root: Path, config: Config, paths: Iterable[str] | None = None, stdin: str | None = None,
                   *, verbose: bool = False) -> list[str]:
    """`check --show-files`: the files a check would lint, one a line, sorted; with
    `verbose`, every other candidate too, with why it is not linted."""
    files = plan(root, config, paths, stdin=stdin is not None, explain=verbose)
    lines: dict[str, str] = {key: "" for key in files.targets.metadata}
    if stdin is not None:
        lines[stdin] = "  (from standard input)" if verbose else ""
    if files.document is not None:
        relative = files.document.relative_to(root).as_posix()
        if files.document_target and files.document_mode:
            lines[relative] = "  (the registry document: no artifact file, so its entries are linted)" \
                if verbose else ""
        elif verbose:
            lines[relative] = ("  (the registry document: cross-checked with the artifact files (AL601),"
                               " its entries not linted)" if not files.document_mode
                               else "  (the registry document: not among the paths given)")
    if verbose:
        for key in files.context.metadata:
            lines.setdefault(key, "  (context: read for cross-file checks, not linted)")
        for key in files.targets.others:
            lines.setdefault(key, "  (not an artifact file: checked for weights and size, AL504)")
        for key, why in files.targets.skipped + files.context.skipped:
            lines.setdefault(key, f"  (skipped: {why})")
    return [key + note for key, note in sorted(lines.items())]
