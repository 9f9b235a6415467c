"""`artifact-lint policy`: the policy in force, and where each state and label came from.

The policy in force is the policy file (or the built-in default) extended by the
registry document's own states and labels tables: the same merge `check` makes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO

from artifact_lint.engine.session import Session, open_session
from artifact_lint.model.formats import Policy
from artifact_lint.model.policy import describe_policy
from artifact_lint.model.build import policy_with_document
from artifact_lint.model.load import load_registry


def policy_in_force(session: Session) -> Policy:
    """The session's policy, extended by the registry document's tables when it exists."""
    config = session.config
    document = session.root / config.registry_doc
    if not document.is_file():
        return session.policy
    limits = config.limits
    return policy_with_document(session.policy, load_registry(document, session.root, limits))


def write_policy(policy: Policy, output_format: str, stream: TextIO) -> None:
    data = describe_policy(policy)
    if output_format == "json":
        stream.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return
    stream.write(f"# The policy in force. Base: {data['source']}\n")
    for kind in ("states", "labels"):
        stream.write(f"{kind}:\n")
        for name, entry in data[kind].items():
            origin = entry.pop("from")
            stream.write(f"  {_yaml_key(name)}: {_flow(entry)}  # from {origin}\n")


def run_policy(root: Path, config: Path | None, policy: Path | None, output_format: str) -> int:
    write_policy(policy_in_force(open_session(root, config_file=config, policy_file=policy)),
                 output_format, sys.stdout)
    return 0


def _yaml_key(name: str) -> str:
    return name if name.replace("-", "").replace(" ", "").isalnum() and name.strip() == name else json.dumps(name)


def _flow(entry: dict[str, Any]) -> str:
    """A one-line YAML flow mapping; JSON strings and booleans are valid YAML."""
    return "{" + ", ".join(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in entry.items()) + "}"
