"""A state that publishes weights points at a private location.

## What it does
For states whose policy entry says `public_weights: true` (for example
`release-ready-weights`), checks that `weights.location` is a public URL
(`https://...` or `hf://...`) and not a local or private path: `~/`,
`/Users/`, `/home/`, `.cache/`, `runs/`, `file:` or any absolute path.

## Why it matters
A release that promises public weights must say where the public gets them. A
path on one machine is a promise nobody else can use.

## Example
```yaml
state: release-ready-weights
weights:
  location: ~/.cache/factory/models/triage7b_fused
```

## Use instead
```yaml
state: release-ready-weights
weights:
  location: hf://factory/mistral-7b-ticket-triage
```
"""

from __future__ import annotations

from collections.abc import Iterator

from artifact_lint.model.findings import Problem
from artifact_lint.model.repository import ArtifactFile, Repository
from artifact_lint.rules._shared import PUBLIC_URL, state_policy

CODE = "AL501"
NAME = "private-weights-location"
SEVERITY = "error"
SCOPE = "artifact"

PRIVATE_MARKERS = ("~", "/Users/", "/home/", ".cache/", "runs/", "file:")


def check(artifact: ArtifactFile, repo: Repository) -> Iterator[Problem]:
    policy = state_policy(artifact, repo)
    model = artifact.model
    if policy is None or model is None or not policy.public_weights:
        return
    location = (model.weights.location or "").strip() if model.weights else ""
    if not location:
        if artifact.value_at(("weights", "location")) is None:
            yield artifact.problem(
                ("weights", "location"),
                f"state `{model.state}` publishes weights, but `weights.location` is not given;"
                " add the public URL (https:// or hf://)",
                at=artifact.value_or_absent_position(("weights", "location")),
            )
        return
    if PUBLIC_URL.match(location) and not any(marker in location for marker in ("file:",)):
        return
    private = next((m for m in PRIVATE_MARKERS if m in location), None)
    why = f"`{private}` marks a private path" if private else "it is not an https:// or hf:// URL"
    if location.startswith("/") and not private:
        why = "it is an absolute local path"
    yield artifact.problem(
        ("weights", "location"),
        f"state `{model.state}` publishes weights, but `weights.location` `{location}` is not public"
        f" ({why}); give an https:// or hf:// URL",
    )
