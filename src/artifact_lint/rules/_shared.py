"""Small helpers several rule modules share."""

from __future__ import annotations

import re

from artifact_lint.models import StatePolicy
from artifact_lint.repository import ArtifactFile, Repository

PUBLIC_URL = re.compile(r"^(https://|hf://)\S+$")
ANY_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)


def state_policy(artifact: ArtifactFile, repo: Repository) -> StatePolicy | None:
    """The policy entry of the artifact's state, or None when the state is unknown."""
    model = artifact.model
    if model is None or not model.state:
        return None
    return repo.policy_for(artifact).states.get(model.state)
