"""Load the release policy: `rules/policy.yaml`, else the built-in default."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from artifact_lint.errors import PolicyError
from artifact_lint.model.formats import BUILT_IN, LabelPolicy, Policy, StatePolicy
from artifact_lint.model.validation import validate
from artifact_lint.sources.loader import LoadError, load_text

DEFAULT_POLICY_PATH = "rules/policy.yaml"


def default_policy_text() -> bytes:
    from importlib import resources  # ~2 ms, for repositories without a policy file only

    return resources.files("artifact_lint").joinpath("data/policy.yaml").read_bytes()


def parse_policy(raw: bytes, shown_path: str) -> Policy:
    """Parse policy bytes; a malformed policy is a `PolicyError` naming file and line."""
    doc = load_text(raw, ".yaml")
    if isinstance(doc, LoadError):
        raise PolicyError(f"{shown_path}:{doc.position.line}:{doc.position.column}: "
                          f"invalid policy file: {doc.message}")
    result = validate(Policy, doc.data)
    if result.issues:
        issue = result.issues[0]
        pos = doc.positions.key(issue.path) if issue.kind != "invalid" else doc.positions.value(issue.path)
        hint = ("; rules live in rule files of their own (`rules/<name>.yaml`, see docs/writing-rules.md)"
                if issue.kind == "unknown" and issue.path == ("rules",) else "")
        raise PolicyError(f"{shown_path}:{pos.line}:{pos.column}: invalid policy file: {issue.message}{hint}")
    if result.model is None:
        raise PolicyError(f"{shown_path}:1:1: invalid policy file: expected `states` and `labels` mappings")
    return result.model


def load_policy(path: Path | None, shown_path: str | None = None) -> Policy:
    """The policy at `path`, or the built-in default when `path` is None."""
    if path is None:
        return parse_policy(default_policy_text(), "<built-in policy>").from_source(BUILT_IN)
    shown = shown_path or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PolicyError(f"{shown}: cannot read policy file: {exc.strerror or exc}") from None
    return parse_policy(raw, shown).from_source(shown)


def extend_policy(policy: Policy, states: Iterable[tuple[str, str]], labels: Iterable[tuple[str, str]],
                  source: str) -> Policy:
    """The policy plus the (name, meaning) states and labels of the registry document at
    `source`. A state the policy does not describe is shipped only if its name begins
    with `release-ready`; a label it does not describe allows no win claims."""
    merged = Policy(states=dict(policy.states), labels=dict(policy.labels)).from_source(policy.source)
    for name, meaning in states:
        if name not in merged.states:
            merged.states[name] = StatePolicy(meaning=meaning, shipped=name.startswith("release-ready"))
            merged.extended("state", name, source)
    for name, meaning in labels:
        if name not in merged.labels:
            merged.labels[name] = LabelPolicy(meaning=meaning, win_claims=False)
            merged.extended("label", name, source)
    return merged


def describe_policy(policy: Policy) -> dict[str, Any]:
    """The policy as plain data, each state and label with where it came from."""
    return {
        "source": policy.source,
        "states": {name: {**state.model_dump(), "from": policy.origin("state", name)}
                   for name, state in policy.states.items()},
        "labels": {name: {**label.model_dump(), "from": policy.origin("label", name)}
                   for name, label in policy.labels.items()},
    }
