"""A weights file or another large file sits in the artifacts folder.

## What it does
Reports files under the checked artifact folders that are not metadata: any
weights file (`.safetensors`, `.bin`, `.gguf`, `.pt`, `.ckpt`, `.npz`, `.lora`)
and any other file larger than `max-file-size` (default 1 MiB). The finding
points at the file.

## Why it matters
The artifacts folder holds small, reviewable metadata. Weights and run outputs
belong on a durable host, named in `weights.location`; committed to git they
bloat every clone and slip past review.

## Example
```text
artifacts/
  mistral-7b-ticket-triage.yaml
  mistral-7b-ticket-triage.safetensors
```

## Use instead
```yaml
# artifacts/mistral-7b-ticket-triage.yaml
weights:
  location: hf://factory/mistral-7b-ticket-triage
```
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from artifact_lint.model.findings import Position, Problem
from artifact_lint.model.repository import Repository

CODE = "AL504"
NAME = "large-file-in-metadata"
SEVERITY = "error"
SCOPE = "repository"
READS = ()  # files on disk

WEIGHT_SUFFIXES = (".safetensors", ".bin", ".gguf", ".pt", ".ckpt", ".npz", ".lora")


def check(repo: Repository) -> Iterator[Problem]:
    limit = repo.config.max_file_size
    for relative in repo.other_files:
        path = repo.inside(relative)
        if path is None:
            continue
        if relative.lower().endswith(WEIGHT_SUFFIXES):
            yield Problem(path=relative, position=Position(1, 1),
                          message=f"`{relative}` is a weights file in the metadata folder; host it"
                                  " elsewhere and name the location in `weights.location`")
            continue
        try:
            size = os.stat(path).st_size
        except OSError:
            continue
        if size > limit:
            yield Problem(path=relative, position=Position(1, 1),
                          message=f"`{relative}` is {size} bytes, over `max-file-size` ({limit});"
                                  " keep large files out of the metadata folder")
