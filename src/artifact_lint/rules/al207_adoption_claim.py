"""Public copy turns download or request counters into adoption.

## What it does
Finds adoption claims in public copy (the artifact's prose fields and every file
that speaks for it, artifact-format §7): a count of downloads, installs, users or
customers ("10k downloads"), "used by 3,000 developers",
"most-downloaded" or "most popular", "downloaded 5,000 times", "monthly active
users". (A count of developers or teams alone describes the work, not its
reach: "sessions from 3 developers" is no claim.) Unless an evidence row measures it (a `gate` about downloads, users,
installs or adoption), each is a warning at its sentence.

## Why it matters
A hub's public request counter is not an adoption metric: it is not deduplicated
into people and does not show that anyone loaded or used the weights. Copy that
turns it into users or downloads claims an adoption nobody measured.

## Example
```yaml
public_value: The adapter is already used by 3,000 developers, with 10k downloads.
```

## Use instead
```yaml
public_value: The adapter is public on the Hub; its request counter is not an adoption figure.
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from artifact_lint.analysis.sentences import split_sentences
from artifact_lint.model.findings import Problem
from artifact_lint.model.repository import ArtifactFile, Repository
from artifact_lint.rules._shared import copy_fields_of, public_copy_of
from artifact_lint.sources.copy_text import has_adoption_words

CODE = "AL207"
NAME = "adoption-claim"
SEVERITY = "warning"
SCOPE = "artifact"

_COUNT = r"(?:\d[\d,.]*\s?[km]?\+?|thousands|hundreds|millions|tens\s+of\s+thousands)"
_ADOPTION = re.compile(
    rf"(?<![\w.-]){_COUNT}\s+(?:of\s+)?(?:downloads?|installs?|(?:active\s+)?users?|customers?)\b"
    rf"|\b(?:used|trusted|adopted|relied\s+on|loved)\s+by\s+(?:over\s+|more\s+than\s+|nearly\s+|about\s+)?{_COUNT}"
    r"|\bmost[- ](?:downloaded|popular|used)\b"
    rf"|\bdownloaded\s+(?:over\s+|more\s+than\s+)?{_COUNT}\s+times\b"
    r"|\b(?:monthly|weekly|daily)\s+(?:active\s+)?(?:users|downloads)\b",
    re.IGNORECASE,
)
_MEASURED = re.compile(r"download|install|users?\b|adoption|requests?\b", re.IGNORECASE)


def _measured(artifact: ArtifactFile) -> bool:
    """An evidence row measures adoption: then copy may state it."""
    model = artifact.model
    return model is not None and any(row.gate and _MEASURED.search(row.gate) for row in model.evidence or [])


def check(artifact: ArtifactFile, repo: Repository) -> Iterator[Problem]:
    model = artifact.model
    if model is None or _measured(artifact):
        return
    for field in copy_fields_of(artifact):
        for match in _claims(field.text):
            yield artifact.problem(field.path, _message(match))
    for text in public_copy_of(artifact, repo).texts:
        for sentence in split_sentences(text.text) if _worth_reading(text.text) else []:
            for match in _claims(sentence.text):
                yield Problem(path=text.path, position=text.position_of(sentence.start), message=_message(match),
                              artifact=artifact.id, value=sentence.text)


def _worth_reading(text: str) -> bool:
    """A cheap test before the patterns: every adoption claim holds one of these words."""
    return has_adoption_words(text)


def _claims(text: str) -> list[str]:
    return [m.group(0) for m in _ADOPTION.finditer(text)] if _worth_reading(text) else []


def _message(words: str) -> str:
    return (f"`{' '.join(words.split())}` claims adoption, but no evidence row measures it: a hub's request"
            " counter is not users or downloads; remove the figure, or add an evidence row that measures it")
