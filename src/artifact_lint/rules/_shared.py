"""Small helpers several rule modules share."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator

from artifact_lint.analysis.claims import (ClaimContext, CopyField, WinClaim, find_copy_claims, find_win_claims,
                                           public_copy)
from artifact_lint.analysis.rows import RowMatcher
from artifact_lint.model.findings import Position, Problem, Severity
from artifact_lint.model.formats import StatePolicy
from artifact_lint.model.repository import ArtifactFile, Repository
from artifact_lint.sources.package_index import IndexClaim
from artifact_lint.sources.public_copy import PublicCopy, copy_of

PUBLIC_URL = re.compile(r"^(https://|hf://)\S+$")
ANY_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)


def state_policy(artifact: ArtifactFile, repo: Repository) -> StatePolicy | None:
    """The policy entry of the artifact's state, or None when the state is unknown."""
    model = artifact.model
    if model is None or not model.state:
        return None
    return repo.policy_for(artifact).states.get(model.state)


def named_packages(references: Iterable[object], repo: Repository) -> Iterator[str]:
    """The package folders (`specialists/<name>`, as loaded) that any of `references`
    names: a `package` value, a surface path or a weights location under the folder."""
    prefix = repo.config.specialists.strip("/") + "/"
    for reference in references:
        if not isinstance(reference, str):
            continue
        text = reference.strip().removeprefix("./")
        if text.startswith(prefix):
            package = repo.package_for(prefix + text[len(prefix):].split("/", 1)[0])
            if package is not None:
                yield package.path


def artifact_references(data: object) -> list[object]:
    """What an artifact's raw data names: its `package`, surface items, weights location."""
    if not isinstance(data, dict):
        return []
    surface = data.get("surface")
    weights = data.get("weights")
    return [data.get("package"), *(surface if isinstance(surface, list) else []),
            weights.get("location") if isinstance(weights, dict) else None]


def is_absolute(path: str) -> bool:
    """`/x`, `\\x`, `C:/x` and `~/x` (a home folder) are absolute, even where joining them
    to the root would land inside it."""
    return path.startswith(("/", "\\", "~")) or (len(path) > 1 and path[1] == ":")


def evidence_source_escapes(repo: Repository, package_path: str, source: str) -> bool:
    """Whether a decision's evidence source leaves the root: the package-relative
    file if it exists, else the root-relative one if it exists, else the path as
    written from either place."""
    if is_absolute(source):
        return True
    for candidate in (f"{package_path}/{source}", source):
        if os.path.lexists(repo.root / candidate):
            return repo.inside(candidate) is None
    return repo.inside(f"{package_path}/{source}") is None and repo.inside(source) is None


def all_win_claims(artifact: ArtifactFile, repo: Repository) -> list[WinClaim]:
    """The win claims of the artifact's own prose fields, then of its public copy in
    other files (artifact-format §7): model cards, Hub cards, the registry document's
    prose, the package index's strings. Computed once per artifact."""
    context = artifact.derived("claim_context", ClaimContext)  # rows matched once for both
    own = artifact.derived("win_claims", lambda model: find_win_claims(model, context, copy_fields_of(artifact)))
    beyond = artifact.derived("copy_claims",
                              lambda model: find_copy_claims(model, public_copy_of(artifact, repo).texts, context))
    return own + beyond


def row_matcher_of(artifact: ArtifactFile) -> RowMatcher:
    """The matcher of the artifact's competition rows, built once (on first use) for the
    claims of its copy and the package index's headlines alike."""
    return artifact.derived("claim_context", ClaimContext).matcher


def copy_fields_of(artifact: ArtifactFile) -> list[CopyField]:
    """The artifact's own prose fields (`claims.public_copy`), read once."""
    return artifact.derived("copy_fields", public_copy)


def public_copy_of(artifact: ArtifactFile, repo: Repository) -> PublicCopy:
    """The artifact's public copy beyond its fields (`public_copy.copy_of`), read once."""
    return artifact.derived("public_copy", lambda model: copy_of(artifact, repo))


def index_claims_of(artifact: ArtifactFile, repo: Repository) -> list[IndexClaim]:
    """The package index's `vs_*` headline claims about the artifact."""
    return public_copy_of(artifact, repo).claims


def claim_problem(artifact: ArtifactFile, claim: WinClaim, message: str,
                  severity: Severity | None = None) -> Problem:
    """A problem at the claim's sentence: a field of the artifact, or the file and line
    of public copy elsewhere."""
    position = claim.position
    if position is None:
        return artifact.problem(claim.path, message, severity=severity)
    return Problem(path=claim.field, position=position, message=message, artifact=artifact.id,
                   severity=severity, value=claim.sentence)


def index_problem(artifact: ArtifactFile, claim: IndexClaim, message: str,
                  severity: Severity | None = None) -> Problem:
    """A problem at a package index's headline key."""
    return Problem(path=claim.path, position=Position(claim.line, claim.column), message=message,
                   field=claim.field, artifact=artifact.id, severity=severity, value=claim.value)
