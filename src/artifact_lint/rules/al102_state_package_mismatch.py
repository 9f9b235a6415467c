"""A shipped state without a `ship` package, or a package on a state that is not shipped.

## What it does
For a state the policy marks `shipped: true`, checks that the artifact names a
`package`. For any other state, checks that the artifact names no `package`.
Whether the named package may exist (its `decision.json` says `ship`) is the
package rules' finding (AL401, AL402, AL403), and a package that does not exist
is AL406's, so one defect gives one finding.

## Why it matters
The policy creates a specialist package only once its decision record says
`ship`. A "release-ready" artifact without one claims a release that has not
been decided; a candidate that already points at a package skips the decision.

## Example
```yaml
state: candidate-current-best
package: specialists/gemma-2b-invoice-fields
```

## Use instead
```yaml
state: candidate-current-best
# no package until specialists/<name>/decision.json says ship
```
"""

from __future__ import annotations

from collections.abc import Iterator

from artifact_lint.model.findings import Problem
from artifact_lint.model.repository import ArtifactFile, Repository
from artifact_lint.rules._shared import state_policy

CODE = "AL102"
NAME = "state-package-mismatch"
SEVERITY = "error"
SCOPE = "artifact"


def check(artifact: ArtifactFile, repo: Repository) -> Iterator[Problem]:
    policy = state_policy(artifact, repo)
    model = artifact.model
    if policy is None or model is None:
        return
    reference = (model.package or "").strip()
    if not policy.shipped:
        if reference:
            yield artifact.problem(
                ("package",),
                f"state `{model.state}` is not shipped, so the artifact must not name a package;"
                f" remove `package` or move to a shipped state once the decision says ship",
            )
        return
    if not reference:
        if model.package is None and artifact.value_at(("package",)) is not None:
            return  # AL003 reports a `package` of the wrong kind
        yield artifact.problem(
            ("state",),
            f"state `{model.state}` is shipped but the artifact names no `package`;"
            " add `package: specialists/<name>` whose decision.json says ship",
        )
        return
    # A named package that exists without a `ship` decision is reported by the package
    # rules (AL401 no decision.json, AL402 not ship, AL403 unreadable), one defect once.
