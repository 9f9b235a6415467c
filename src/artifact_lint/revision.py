"""`--new-from-rev REV`: the findings already present at a git revision.

REV's tree is read from git (`git archive`), unpacked into a temporary folder
and linted with the same configuration, policy and rules; the content keys of
its findings are what the current run leaves out.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from collections import Counter
from pathlib import Path, PurePosixPath

from artifact_lint.errors import ToolError
from artifact_lint.findings import Finding, content_key


def _git(root: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)
    except OSError as exc:
        raise ToolError(f"--new-from-rev needs git: {exc.strerror or exc}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ToolError(f"--new-from-rev: git {args[0]} failed: {message[-1] if message else 'unknown error'}")
    return done.stdout


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    """Regular files and folders with relative paths that stay inside; no links."""
    members = []
    for member in archive.getmembers():
        path = PurePosixPath(member.name)
        if path.is_absolute() or ".." in path.parts or not (member.isfile() or member.isdir()):
            continue
        members.append(member)
    return members


def checkout_tree(root: Path, revision: str, target: Path) -> Path:
    """Unpack REV's tree into `target`; returns the folder that corresponds to `root`."""
    top = Path(_git(root, "rev-parse", "--show-toplevel").decode().strip())
    commit = _git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").decode().strip()
    data = _git(root, "archive", "--format=tar", commit)
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        for member in _safe_members(archive):
            destination = target / member.name
            if member.isdir():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            source = archive.extractfile(member)
            if source is not None:
                destination.write_bytes(source.read())
    try:
        return target / root.resolve().relative_to(top.resolve())
    except ValueError:
        return target


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
