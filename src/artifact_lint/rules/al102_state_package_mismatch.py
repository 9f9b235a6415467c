"""A shipped state without a `ship` package, or a package on a state that is not shipped.

## What it does
For a state the policy marks `shipped: true`, checks that the artifact names a
`package` whose `decision.json` says `ship`. For any other state, checks that
the artifact names no `package`.

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

from artifact_lint.findings import Problem
from artifact_lint.repository import ArtifactFile, Repository
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
    package = repo.package_for(reference)
    if package is None:
        return  # AL406 reports a package that does not exist
    decision = package.decision.model if package.decision else None
    if decision is None or decision.decision != "ship":
        said = f"says `{decision.decision}`" if decision and decision.decision else "does not say ship"
        yield artifact.problem(
            ("package",),
            f"state `{model.state}` is shipped but `{package.path}/decision.json` {said};"
            " ship the package first or use a state that is not shipped",
        )
