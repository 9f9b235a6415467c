"""`--new-from-rev REV`: the findings already present at a git revision.

REV's tree is read from git's objects: `git ls-tree -r -z` lists it and one
`git cat-file --batch` process hands over each blob as committed. That is the
tree itself, not an export of it (`git archive` leaves out `export-ignore`
paths and rewrites `export-subst` ones, which then came back as new findings),
and nothing in the work tree, the index or the worktree list changes. Regular
files get their bytes; symbolic links are made again as links with their
committed target, so the loader's containment treats them as it treats the work
tree's (a link that leaves the root is refused); a submodule is an empty
folder. The tree is linted with the same configuration, policy and rules, and
the content keys of its findings are what the current run leaves out.

What can go wrong is said in one line, exit 2: no revision given, a name git
does not know, a repository without commits, a shallow clone without the
revision, or no git at all.
"""

from __future__ import annotations

import os
import stat
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from artifact_lint.errors import ToolError
from artifact_lint.model.findings import Finding, content_key

_CHUNK = 1 << 20  # a blob is copied in pieces of this size, never held whole
_SYMLINK, _GITLINK = b"120000", b"160000"
# Git must never ask, page, or fetch a missing object from a promisor remote.
_ENVIRONMENT = {"GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "GIT_NO_LAZY_FETCH": "1", "LC_ALL": "C"}


def _shown(text: str) -> str:
    """`text` on one line: control characters as escapes, at most 80 characters."""
    shown = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)
    return shown if len(shown) <= 80 else shown[:79] + "…"


def check_revision_argument(revision: str) -> None:
    """Refuse what cannot name a revision before git is asked about it."""
    if not revision.strip():
        raise ToolError("--new-from-rev needs a revision: a commit, branch or tag such as `origin/main`")
    if revision.startswith("-") or any(c in revision for c in "\0\n\r"):
        raise ToolError(f"--new-from-rev: `{_shown(revision)}` is not a revision name;"
                        " give a commit, branch or tag such as `origin/main`")


def _run(folder: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, check=False,
                              stdin=subprocess.DEVNULL, env={**os.environ, **_ENVIRONMENT})
    except OSError as exc:
        raise ToolError(f"--new-from-rev needs git: {exc.strerror or exc}") from None


def _git_said(done: subprocess.CompletedProcess[bytes]) -> str:
    """Git's own reason, on one line: its first `fatal:` or `error:` line, else its last."""
    lines = [line.strip() for line in done.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    chosen = next((line for line in lines if line.startswith(("fatal:", "error:"))), lines[-1] if lines else "")
    return _shown(chosen.removeprefix("fatal: ").removeprefix("error: ")) or f"exit status {done.returncode}"


def _succeeds(folder: Path, *args: str) -> bool:
    return _run(folder, *args).returncode == 0


def _top(root: Path) -> Path:
    done = _run(root, "rev-parse", "--show-toplevel")
    if done.returncode != 0:
        said = _git_said(done)
        if "not a git repository" in said:
            raise ToolError(f"--new-from-rev: `{_shown(str(root))}` is not in a git repository")
        raise ToolError(f"--new-from-rev: git cannot read the repository at `{_shown(str(root))}`: {said}")
    return Path(os.fsdecode(done.stdout.rstrip(b"\n")))


def resolve(root: Path, revision: str) -> tuple[Path, str]:
    """The repository's top folder and REV's commit id; a `ToolError` saying why not."""
    check_revision_argument(revision)
    top = _top(root)
    done = _run(top, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    if done.returncode == 0:
        return top, done.stdout.decode("ascii", "replace").strip()
    shown = _shown(revision)
    if not _succeeds(top, "rev-parse", "--verify", "--quiet", "HEAD") \
            and not _run(top, "for-each-ref", "--count=1", "--format=x").stdout.strip():
        raise ToolError(f"--new-from-rev: the repository has no commits yet, so there is no `{shown}` to compare"
                        " with; commit first, or leave out --new-from-rev")
    if _run(top, "rev-parse", "--is-shallow-repository").stdout.strip() == b"true":
        raise ToolError(f"--new-from-rev: `{shown}` is not in this shallow clone (not fetched, or no such name);"
                        " fetch more history (`git fetch --unshallow`, or `fetch-depth: 0` for actions/checkout)")
    raise ToolError(f"--new-from-rev: `{shown}` is not a commit in this repository (no branch, tag or commit"
                    " of that name)")


def _entries(top: Path, commit: str) -> list[tuple[bytes, bytes, bytes]]:
    """(mode, object id, path) of every file of the commit's tree, paths relative to the top."""
    done = _run(top, "ls-tree", "-r", "-z", "--full-tree", commit)
    if done.returncode != 0:
        raise ToolError(f"--new-from-rev: cannot list the tree of `{commit[:12]}`: {_git_said(done)}")
    entries = []
    for record in done.stdout.split(b"\0"):
        if not record:
            continue
        meta, _, path = record.partition(b"\t")
        mode, _kind, oid = meta.split(b" ")
        entries.append((mode, oid, path))
    return entries


def _safe_parts(path: bytes) -> list[bytes] | None:
    """The path's parts when each is a plain name (no `..`, `.`, empty or `.git` part)."""
    parts = path.split(b"/")
    if any(part in (b"", b".", b"..") or part.lower() == b".git" for part in parts):
        return None
    return parts


def _folder(base: bytes, parts: list[bytes]) -> bytes:
    """`base/parts...` as real folders (made as needed); never through a link."""
    current = base
    for part in parts:
        current = current + b"/" + part
        try:
            os.mkdir(current)
        except FileExistsError:
            if not stat.S_ISDIR(os.lstat(current).st_mode):
                raise
    return current


class _Blobs:
    """One `git cat-file --batch` process: each blob is asked for, then copied in pieces."""

    def __init__(self, top: Path) -> None:
        try:
            self.process = subprocess.Popen(["git", "-C", str(top), "cat-file", "--batch"], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                            env={**os.environ, **_ENVIRONMENT})
        except OSError as exc:
            raise ToolError(f"--new-from-rev needs git: {exc.strerror or exc}") from None

    def _size(self, oid: bytes) -> int:
        """Ask for a blob; its size, with its bytes to be read next."""
        process = self.process
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(oid + b"\n")
        process.stdin.flush()
        header = process.stdout.readline().split()
        if len(header) != 3 or header[1] != b"blob" or not header[2].isdigit():
            raise ToolError(f"--new-from-rev: the object {oid.decode('ascii', 'replace')[:12]} is not in this"
                            " clone (a partial or damaged clone?); fetch it, or leave out --new-from-rev")
        return int(header[2])

    def _pieces(self, size: int) -> Iterator[bytes]:
        stdout = self.process.stdout
        assert stdout is not None
        left = size
        while left > 0:
            piece = stdout.read(min(left, _CHUNK))
            if not piece:
                raise ToolError("--new-from-rev: git stopped in the middle of a file")
            yield piece
            left -= len(piece)
        stdout.read(1)  # the newline after the content

    def copy(self, oid: bytes, handle: int) -> None:
        for piece in self._pieces(self._size(oid)):
            view = memoryview(piece)
            while view:
                view = view[os.write(handle, view):]

    def read(self, oid: bytes) -> bytes:
        """A small blob's bytes (a link's target)."""
        return b"".join(self._pieces(self._size(oid)))

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process.wait()


def _write(target: bytes, entries: list[tuple[bytes, bytes, bytes]], blobs: _Blobs) -> None:
    """Every entry below `target`: folders and files first, links last, so that nothing is
    ever written through a link the tree holds."""
    links = []
    for mode, oid, path in entries:
        parts = _safe_parts(path)
        if parts is None:
            continue
        if mode == _SYMLINK:
            links.append((oid, path, parts))
            continue
        try:
            if mode == _GITLINK:  # a submodule: its folder, empty
                _folder(target, parts)
                continue
            folder = _folder(target, parts[:-1])
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
            handle = os.open(folder + b"/" + parts[-1], flags, 0o755 if mode == b"100755" else 0o644)
        except OSError as exc:
            raise _unwritable(path, exc) from None
        try:
            blobs.copy(oid, handle)
        except OSError as exc:
            raise _unwritable(path, exc) from None
        finally:
            os.close(handle)
    for oid, path, parts in links:
        link = blobs.read(oid)
        if not link or b"\0" in link:  # no link can hold that; git would not make it either
            continue
        try:
            os.symlink(link, _folder(target, parts[:-1]) + b"/" + parts[-1])
        except FileExistsError:  # two entries for one name: the first stands
            continue
        except OSError as exc:
            raise _unwritable(path, exc) from None


def _unwritable(path: bytes, exc: OSError) -> ToolError:
    return ToolError(f"--new-from-rev: cannot write `{_shown(os.fsdecode(path))}` of the revision into a"
                     f" temporary folder: {exc.strerror or exc}")


def checkout_tree(root: Path, revision: str, target: Path) -> Path:
    """Write REV's tree into `target`; returns the folder that corresponds to `root`."""
    top, commit = resolve(root, revision)
    try:
        prefix = root.resolve().relative_to(top.resolve())
    except ValueError:
        prefix = Path()
    below = os.fsencode(prefix.as_posix()) + b"/" if prefix.parts else b""
    entries = [(mode, oid, path[len(below):]) for mode, oid, path in _entries(top, commit)
               if path.startswith(below)]
    old_root = target / prefix
    old_root.mkdir(parents=True, exist_ok=True)  # a root the revision did not have yet: nothing was there
    blobs = _Blobs(top)
    try:
        _write(os.fsencode(old_root), entries, blobs)
    except OSError as exc:  # git's pipes
        raise ToolError(f"--new-from-rev: cannot read the revision from git: {exc.strerror or exc}") from None
    finally:
        blobs.close()
    return old_root


def drop_known(findings: list[Finding], known: Counter[str]) -> list[Finding]:
    """The findings not already present at the revision (a multiset difference)."""
    remaining = Counter(known)
    kept = []
    for finding in findings:
        key = content_key(finding)
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            kept.append(finding)
    return kept


def temporary_tree() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="artifact-lint-rev-")
