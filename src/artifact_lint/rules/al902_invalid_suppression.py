"""A suppression names an unknown code or gives no reason.

## What it does
Checks every `# artifact-lint: disable=...` and `disable-file=...` directive
in the checked files: each must name rule codes (or prefixes) that exist and
give a `reason="..."`. An invalid directive suppresses nothing.

## Why it matters
A suppression is a decision to accept a break of the policy. Without a reason,
the next reader cannot tell whether it still holds; with a mistyped code, it
silently suppresses nothing.

## Example
```yaml
public_value: 0.91 on the hard gate.  # artifact-lint: disable=AL260
```

## Use instead
```yaml
public_value: 0.91 on the hard gate.  # artifact-lint: disable=AL206 reason="figure from the signed model card"
```
"""

from __future__ import annotations

from collections.abc import Iterator

from artifact_lint.engine.rule_set import rule_codes
from artifact_lint.engine.suppression import directive_problems
from artifact_lint.model.findings import Problem
from artifact_lint.model.repository import Repository

CODE = "AL902"
NAME = "invalid-suppression"
SEVERITY = "warning"
SCOPE = "repository"
READS = ()  # directives


def check(repo: Repository) -> Iterator[Problem]:
    known = rule_codes() + [rule.code for rule in repo.config.extra_rules]  # with the custom rules
    for directive in repo.directives():
        for message in directive_problems(directive, known):
            yield Problem(path=directive.path, position=directive.position,
                          value=",".join(directive.codes), message=f"this suppression {message}")
