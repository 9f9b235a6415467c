"""One lint run from a root directory: config, policy, repository, rules, result.

`lint_repository` is the one way to lint: `check` (its every output format, `--jobs`
in one process or several), the Python API, `site`/`export` and the tests' rule
fixtures all call it, so they load and check files through the same loader and see
the same records. (The language server keeps the records of unchanged files from one
edit to the next, then runs the same `lint`.)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from artifact_lint.engine.lint import Result, RuleCrashed, lint, selected_rules
from artifact_lint.engine.parallel import parallel_loader
from artifact_lint.engine.rule_set import Rule, load_rules
from artifact_lint.errors import ToolError
from artifact_lint.model.config import Config, check_file_path, load_config
from artifact_lint.model.formats import Policy
from artifact_lint.model.policy import DEFAULT_POLICY_PATH, load_policy
from artifact_lint.model.build import build_repository
from artifact_lint.model.repository import Repository

if TYPE_CHECKING:
    from artifact_lint.engine.baseline import Baseline


@dataclass
class Session:
    root: Path
    config: Config
    policy: Policy
    rules: list[Rule]


def resolve_policy(root: Path, config: Config, explicit: Path | None = None) -> Policy:
    """`--policy`, else config `policy`, else `rules/policy.yaml` if present, else built in."""
    # A policy file must be a regular file inside the root (links followed); a folder,
    # a pipe or a device is refused by name before anything opens it.
    if explicit is not None:
        return load_policy(check_file_path(explicit, root, "policy file", str(explicit)), str(explicit))
    relative = config.policy or DEFAULT_POLICY_PATH
    path = root / relative
    if os.path.lexists(path):
        what = f"{config.source}: key `policy`: file" if config.policy else "policy file"
        return load_policy(check_file_path(path, root, what, relative), relative)
    if config.policy:
        raise ToolError(f"{config.source}: key `policy`: file `{config.policy}` does not exist")
    return load_policy(None)


def open_session(root: Path, *, config_file: Path | None = None, policy_file: Path | None = None,
                 overrides: dict[str, object] | None = None) -> Session:
    from artifact_lint.custom.loading import RuleSet

    # The rule files and plugins are read while the configuration is: its code keys may
    # name their codes (see custom_rules.py).
    rule_set = RuleSet(root, load_rules(), policy_file)
    config, rules = rule_set.apply(load_config(config_file, root, rule_set.codes))
    if overrides:
        config = config.with_overrides(**overrides)
    policy = resolve_policy(root, config, policy_file)
    return Session(root, config, policy, rules)


def lint_repository(session: Session, paths: list[str] | None = None, *, stdin: tuple[str, bytes] | None = None,
                    jobs: int | None = 1, baseline: Baseline | None = None, registry_cache: Path | None = None,
                    whole_records: bool = False) -> tuple[Result, Repository]:
    """Load the repository (`paths`, default the configured ones; or `stdin`, a name and
    its bytes) and lint it: the findings, and the repository they came from. `jobs`: as
    `--jobs` (None: automatic). `whole_records`: every artifact keeps every field after
    the run, for a caller that reads them itself (`site`); otherwise a record may keep
    only what the repository rules declare they read (`READS`, see `rule_set`)."""
    load_many = parallel_loader(selected_rules(session.rules, session.config), jobs, RuleCrashed,
                                whole_records=whole_records)
    repo = build_repository(session.root, session.config, session.policy, paths, stdin, load_many=load_many,
                            registry_cache=registry_cache)
    return lint(repo, session.rules, baseline), repo


def check(root: Path, paths: list[str] | None = None, *, jobs: int | None = 1, **options: object) -> Result:
    """Lint `paths` (default: the configured ones) under `root`, as `artifact-lint check
    --jobs JOBS` does."""
    overrides = options.pop("overrides", None)
    session = open_session(root, overrides=overrides, **options)  # type: ignore[arg-type]
    return lint_repository(session, paths, jobs=jobs)[0]
