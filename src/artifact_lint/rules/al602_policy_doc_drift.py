"""The registry document's states or labels table disagrees with the policy.

## What it does
Compares the names in the document's "Artifact States" table (`State |
Meaning`) and its labels table (`Label | Meaning`) with the states and labels
of the policy in force (`rules/policy.yaml`, else the built-in default). A name
the document has but the policy lacks is reported at its row; a name the
repository's own policy file has but the document lacks, at the table (the
built-in default follows the newest upstream policy, which an older document
may predate, so it asks for no row). Meanings are prose and are not compared.
The document's states and labels still extend the policy in force either way.

## Why it matters
The document is where people learn the policy. A state it lists that the policy
does not know, or one it leaves out, teaches a rule the tools do not enforce.

## Example
```markdown
| State | Meaning |
|---|---|
| `release-ready-weights` | Weights are public too. |
```
with no `release-ready-weights` in `rules/policy.yaml`.

## Use instead
```yaml
# rules/policy.yaml
states:
  release-ready-weights: {meaning: "Weights are public too.", shipped: true, public_weights: true}
```
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from artifact_lint.model.findings import Position, Problem
from artifact_lint.model.repository import Repository

CODE = "AL602"
NAME = "policy-doc-drift"
SEVERITY = "warning"
SCOPE = "repository"
READS = ()  # the registry document and the policy


def _compare(path: str, kind: str, rows: list, known: Iterable[str],  # type: ignore[type-arg]
             ask_rows: bool) -> Iterator[Problem]:
    if not rows:
        return
    known = list(known)
    documented = {row.name for row in rows}
    for row in rows:
        if row.name not in known:
            yield Problem(path=path, position=Position(row.line, 1), value=row.name,
                          message=f"the document's {kind} `{row.name}` is not in the policy;"
                                  f" add it to `rules/policy.yaml` or remove the row")
    if not ask_rows:
        return
    first = Position(min(row.line for row in rows), 1)
    for name in known:
        if name not in documented:
            yield Problem(path=path, position=first, value=name,
                          message=f"the policy's {kind} `{name}` is missing from the document's {kind}s"
                                  " table; add a row for it")


def check(repo: Repository) -> Iterator[Problem]:
    registry = repo.registry
    if registry is None or registry.document is None:
        return
    policy = repo.base_policy or repo.policy  # before the document's own tables extended it
    own_file = not policy.built_in
    yield from _compare(registry.path, "state", registry.document.states, policy.states, own_file)
    yield from _compare(registry.path, "label", registry.document.labels, policy.labels, own_file)
