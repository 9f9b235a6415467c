"""`state` is not one of the policy's states.

## What it does
Checks that an artifact's `state` names a state of the release policy in force
(`rules/policy.yaml`, or the built-in default: `release-ready-metadata`,
`candidate-current-best`, `report-only`, `blocked`, `parked`), and names the
closest state when it does not. A state that differs from a policy state only
in case or in its separators (`Report-Only`, `report_only`) has a safe fix to
the policy's spelling.

## Why it matters
Every other release check hangs off the state: whether a package may exist,
whether blockers and evidence are required, whether weights must be public. An
undeclared state silently switches those checks off; one real registry carried
one for eleven revisions.

## Example
```yaml
state: reportonly
```

## Use instead
```yaml
state: report-only
```

New states are added to `rules/policy.yaml`, not invented per artifact.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from artifact_lint.model.findings import Fix, Problem
from artifact_lint.model.repository import ArtifactFile, Repository
from artifact_lint.suggest import did_you_mean, quoted_list

CODE = "AL101"
NAME = "invalid-state"
SEVERITY = "error"
SCOPE = "artifact"
FIX = "safe"


def _spelling_key(name: str) -> str:
    """Case and the choice of separator do not matter; missing separators do."""
    return re.sub(r"[\s_-]+", "-", name.strip().casefold())


def check(artifact: ArtifactFile, repo: Repository) -> Iterator[Problem]:
    model = artifact.model
    if model is None or not model.state or not model.state.strip():
        return
    states = list(repo.policy_for(artifact).states)
    if model.state in states:
        return
    same_spelling = next((s for s in states if _spelling_key(s) == _spelling_key(model.state)), None)
    if same_spelling is not None:
        yield artifact.problem(("state",), f"state `{model.state}` is not a policy state; write `{same_spelling}`",
                               fix=Fix(replacement=same_spelling, safe=True, description=f"write `{same_spelling}`"))
        return
    hint = did_you_mean(model.state, states) or f"; the policy's states are {quoted_list(states)}"
    yield artifact.problem(("state",), f"state `{model.state}` is not a policy state{hint}")
