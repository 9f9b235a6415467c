"""A model artifact reports no runtime performance.

## What it does
For a model artifact (one with `package` or `weights`), checks that
`performance` reports latency, RAM, tokens per second and evaluation time. A
figure written as `null` counts as reported when `performance.note` says why it
was not recorded.

## Why it matters
Whether a specialist is usable depends on its cost as much as its score.
Readers compare latency and memory before they try a model.

## Example
```yaml
package: specialists/mistral-7b-ticket-triage
# no performance block
```

## Use instead
```yaml
package: specialists/mistral-7b-ticket-triage
performance:
  latency_ms: 240
  ram_gb: 5.1
  tokens_per_s: 38
  eval_time_s: null
  note: Eval time was not recorded for the fused build.
```
"""

from __future__ import annotations

from collections.abc import Iterator

from artifact_lint.model.findings import Problem
from artifact_lint.model.repository import ArtifactFile, Repository

CODE = "AL506"
NAME = "missing-performance"
SEVERITY = "info"
SCOPE = "artifact"

FIGURES = ("latency_ms", "ram_gb", "tokens_per_s", "eval_time_s")


def check(artifact: ArtifactFile, repo: Repository) -> Iterator[Problem]:
    model = artifact.model
    if model is None or not (model.package or model.weights):
        return
    performance = model.performance
    if performance is None and artifact.value_at(("performance",)) is not None:
        return  # AL003 reports a value of the wrong kind
    if performance is None:
        yield artifact.problem(("performance",), "model artifact reports no `performance`; add"
                               " latency_ms, ram_gb, tokens_per_s and eval_time_s (null with a `note` if not recorded)",
                               at=artifact.value_or_absent_position(("performance",)))
        return
    explained = bool(performance.note and performance.note.strip())
    for name in FIGURES:
        if getattr(performance, name) is not None:
            continue
        if artifact.value_at(("performance", name)) is not None:
            continue  # AL003 reports a value of the wrong kind
        written_null = artifact.has(("performance", name))
        if written_null and explained:
            continue
        reason = "is null without a `note` saying why" if written_null else "is not reported"
        yield artifact.problem(("performance", name), f"`performance.{name}` {reason};"
                               " give the figure, or null with a `note`",
                               at=artifact.value_or_absent_position(("performance", name)))
