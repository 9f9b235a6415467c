"""A suppression comment or baseline entry that suppressed nothing.

## What it does
After suppressions and the baseline are applied, reports every
`# artifact-lint: disable=CODE` directive whose code matched no finding (only
for rules that ran), and every baseline entry that no longer matches a finding.

## Why it matters
Stale suppressions hide the next real finding on that line, and a baseline that
only grows never gets paid down. Removing what is no longer needed keeps both
honest.

## Example
```yaml
public_value: A routed adapter.  # artifact-lint: disable=AL206 reason="figure from the model card"
```
(there is no number left for AL206 to report)

## Use instead
```yaml
public_value: A routed adapter.
```
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from artifact_lint.engine.suppression import Directive
from artifact_lint.model.findings import Problem

if TYPE_CHECKING:  # a baseline is read only when one is given
    from artifact_lint.engine.baseline import Entry

CODE = "AL901"
NAME = "unused-suppression"
SEVERITY = "warning"
SCOPE = "suppression"


def check(unused: Iterable[tuple[Directive, str]], stale: Iterable[Entry], baseline_path: str | None
          ) -> Iterator[Problem]:
    for directive, code in unused:
        yield Problem(path=directive.path, position=directive.position, value=code,
                      message=f"the suppression of {code} suppressed nothing; remove it")
    for entry in stale:
        yield Problem(path=baseline_path or "baseline", position=entry.position, value=entry.key,
                      field=None,
                      message=f"baseline entry {entry.code} for `{entry.path}`"
                              f"{' at `' + entry.field + '`' if entry.field else ''} matches no finding"
                              " any more; rewrite the baseline with --write-baseline")
