"""One lint run from a root directory: config, policy, repository, rules, result.

The command line and the tests both enter here, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from artifact_lint.config import Config, load_config
from artifact_lint.engine import Result, lint
from artifact_lint.errors import ToolError
from artifact_lint.loader import Limits
from artifact_lint.models import Policy
from artifact_lint.policy import DEFAULT_POLICY_PATH, load_policy
from artifact_lint.repository import Repository, build_repository
from artifact_lint.rule import Rule, load_rules, rule_codes

if TYPE_CHECKING:
    from artifact_lint.prefetch import RegistryPrefetch


@dataclass
class Session:
    root: Path
    config: Config
    policy: Policy
    rules: list[Rule]
    # The configured registry document, already being read in another process.
    registry_prefetch: RegistryPrefetch | None = None

    def close(self) -> None:
        if self.registry_prefetch is not None:
            self.registry_prefetch.close()


def resolve_policy(root: Path, config: Config, explicit: Path | None = None) -> Policy:
    """`--policy`, else config `policy`, else `rules/policy.yaml` if present, else built in."""
    if explicit is not None:
        if not explicit.is_file():
            raise ToolError(f"policy file `{explicit}` does not exist")
        return load_policy(explicit, str(explicit))
    relative = config.policy or DEFAULT_POLICY_PATH
    path = root / relative
    if path.is_file():
        return load_policy(path, relative)
    if config.policy:
        raise ToolError(f"{config.source}: key `policy`: file `{config.policy}` does not exist")
    return load_policy(None)


def _prefetch_registry(root: Path, config: Config) -> RegistryPrefetch | None:
    """Start reading the configured registry document in a child process, where that works."""
    document = root / config.registry_doc
    if not document.is_file():
        return None
    from artifact_lint.prefetch import RegistryPrefetch, can_fork

    if not can_fork():
        return None
    return RegistryPrefetch(document, root, Limits(config.max_file_size, config.max_depth, config.max_nodes))


def open_session(root: Path, *, config_file: Path | None = None, policy_file: Path | None = None,
                 overrides: dict[str, object] | None = None, prefetch_registry: bool = False) -> Session:
    """Configuration, rules and policy for a run at `root`. With `prefetch_registry` the
    registry document starts loading in the background as soon as the configuration
    names it (the caller then closes the session)."""
    config = load_config(config_file, root, rule_codes())
    if overrides:
        config = config.with_overrides(**overrides)
    prefetch = _prefetch_registry(root, config) if prefetch_registry else None
    try:
        rules = load_rules()
        policy = resolve_policy(root, config, policy_file)
    except BaseException:
        if prefetch is not None:
            prefetch.close()
        raise
    return Session(root, config, policy, rules, prefetch)


def load_repository(session: Session, paths: list[str] | None = None) -> Repository:
    return build_repository(session.root, session.config, session.policy, paths)


def check(root: Path, paths: list[str] | None = None, **options: object) -> Result:
    """Lint `paths` (default: the configured ones) under `root`."""
    overrides = options.pop("overrides", None)
    session = open_session(root, overrides=overrides, **options)  # type: ignore[arg-type]
    return lint(load_repository(session, paths), session.rules)
