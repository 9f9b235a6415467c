"""A repository's own rules: rule files (`rules/*.yaml`) and plugins, next to the built-in ones.

`session.open_session` calls `RuleSet.codes` while the configuration is read (so that
`select`, `ignore`, `severity` and `per-file-ignores` may name the custom codes), then
keeps the rules in the session and in `Config.extra_rules`, where the rules that need to
know them look: AL004 (a field a custom rule names is a known field) and AL902 (a
suppression may name a custom code). By default every loaded rule is selected.

This module stays light: the rule-file models (`rule_files`) are imported only when a
rule file exists, and plugin discovery reads `importlib.metadata` only when a package
declares the entry-point group (`plugins`).
"""

from __future__ import annotations

import functools
import glob
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from artifact_lint.engine.rule_set import Rule
from artifact_lint.errors import ConfigError
from artifact_lint.model.config import Config, check_file_path
from artifact_lint.model.policy import DEFAULT_POLICY_PATH

if TYPE_CHECKING:
    from artifact_lint.engine.session import Session


def rule_file_paths(root: Path, config: Config, policy_file: Path | None = None) -> list[tuple[Path, str]]:
    """The rule files (path, root-relative name): the files the `rules` globs match, in
    name order, but the policy file in force and `rules/policy.yaml`."""
    excluded = {os.path.normcase(os.path.abspath(root / DEFAULT_POLICY_PATH))}
    if config.policy:
        excluded.add(os.path.normcase(os.path.abspath(root / config.policy)))
    if policy_file is not None:
        excluded.add(os.path.normcase(os.path.abspath(policy_file)))
    found: dict[str, Path] = {}
    for pattern in config.rules:
        for name in glob.glob(pattern, root_dir=root, recursive=True):
            path = root / name
            if os.path.normcase(os.path.abspath(path)) in excluded or os.path.isdir(path):
                continue
            found.setdefault(Path(name).as_posix(), path)
    from artifact_lint.reporters._safe import visible

    # Shown escaped: a file name may hold a line break, and a message is one line.
    return [(found[name], visible(name)) for name in sorted(found)]


class RuleSet:
    """The rules beyond the built-in ones, loaded once per session."""

    def __init__(self, root: Path, builtin: list[Rule], policy_file: Path | None = None) -> None:
        self.root = root
        self.builtin = builtin
        self.policy_file = policy_file
        self.extra: tuple[Rule, ...] | None = None

    def codes(self, config: Config) -> list[str]:
        """Every rule code, the custom ones of `config`'s rule files included (for
        `config.parse_config`, which calls it once the `rules` and `policy` keys are read)."""
        self.load(config)
        assert self.extra is not None
        return [r.code for r in self.builtin] + [r.code for r in self.extra]

    def load(self, config: Config) -> tuple[Rule, ...]:
        if self.extra is None:
            self.extra = load_extra_rules(self.root, config, self.builtin, self.policy_file)
        return self.extra

    def apply(self, config: Config) -> tuple[Config, list[Rule]]:
        """The configuration knowing the extra rules (selected by default), and every rule."""
        extra = self.load(config)
        if not extra:
            return config, self.builtin
        changes: dict[str, Any] = {"extra_rules": extra}
        if config.origin("select") == "default":
            changes["select"] = tuple(dict.fromkeys([*config.select, *prefixes(extra)]))
        return config.model_copy(update=changes), sorted([*self.builtin, *extra], key=lambda r: r.code)


def prefixes(rules: Iterable[Rule]) -> list[str]:
    """The letters of the rules' codes (`HX` of `HX001`), in order."""
    return list(dict.fromkeys(re.sub(r"[0-9]+$", "", r.code) for r in rules))


def load_extra_rules(root: Path, config: Config, builtin: list[Rule],
                     policy_file: Path | None = None) -> tuple[Rule, ...]:
    """The rules of the rule files and of the installed plugins, sorted by code; a
    `ConfigError` (exit 2) for anything unusable, or a code or name used twice."""
    from artifact_lint.custom.plugins import plugin_rules

    rules: list[Rule] = []
    paths = rule_file_paths(root, config, policy_file)
    if paths:
        from artifact_lint.custom.rule_files import parse_rule_file, read_bytes

        limits = config.limits
        for path, shown in paths:
            check_file_path(path, root, "rule file", shown)
            rules.extend(parse_rule_file(read_bytes(path, shown, limits), shown, limits))
        rules = batched(rules)
    rules.extend(plugin_rules())
    by_code: dict[str, Rule] = {}
    by_name = {rule.name: rule for rule in builtin}
    for rule in rules:
        if rule.code in by_code:
            raise ConfigError(f"{rule.source}: the rule code {rule.code} is also defined in"
                              f" {by_code[rule.code].source}; each code is defined once")
        if rule.name in by_name:
            raise ConfigError(f"{rule.source}: {rule.code}'s name `{rule.name}` is also the name of"
                              f" {by_name[rule.name].code} ({by_name[rule.name].source}); names are unique")
        by_code[rule.code] = by_name[rule.name] = rule
    return tuple(sorted(rules, key=lambda r: r.code))


def batched(rules: list[Rule]) -> list[Rule]:
    """The rule-file rules with their artifact checks run in one pass (`custom_evaluate.Batch`)."""
    from artifact_lint.custom.evaluate import Batch, CustomCheck, Member

    checks = [rule.check for rule in rules if isinstance(rule.check, CustomCheck) and rule.scope == "artifact"]
    if not checks:
        return rules
    batch = Batch(checks)
    return [rule._replace(check=Member(batch, rule.check)) if rule.check in checks else rule for rule in rules]


# --- what other rules need to know ----------------------------------------------------


@functools.lru_cache(maxsize=8)
def _known_fields(extra: tuple[Rule, ...]) -> tuple[tuple[Any, ...], ...]:
    found: list[tuple[Any, ...]] = []
    for rule in extra:
        fields = getattr(rule.check, "fields", None)
        if callable(fields):
            found.extend(fields())
    return tuple(dict.fromkeys(found))


def names_known_field(config: Config, path: tuple[Any, ...]) -> bool:
    """Whether a custom rule names the field at `path` (or a field inside it): then it is
    a known field, not AL004. `*` in a rule's path stands for any key or index."""
    if not config.extra_rules:
        return False
    for known in _known_fields(config.extra_rules):
        if len(known) >= len(path) and all(k == "*" or k == p for k, p in zip(known, path, strict=False)):
            return True
    return False


# --- `artifact-lint rules` and `explain` ------------------------------------------------


def rules_in_force(root: Path | None = None, config_file: Path | None = None) -> list[Rule]:
    """Every rule a check at `root` (default: found from the current folder) would load."""
    from artifact_lint.commands.check import CheckOptions, resolve_root
    from artifact_lint.engine.rule_set import load_rules
    from artifact_lint.model.config import load_config

    where = resolve_root(CheckOptions(config=config_file, root=root), Path.cwd())
    rule_set = RuleSet(where, load_rules())
    config = load_config(config_file, where, rule_set.codes)
    return rule_set.apply(config)[1]


# --- `artifact-lint rules --verify` -------------------------------------------------------


def verify_examples(session: Session) -> list[tuple[Rule, str | None]]:
    """Each rule-file rule with its examples' verdict: None when they agree with the
    rule (the fail example gives at least one finding of it, the pass example none),
    else what disagrees. Rules without examples are left out."""
    results: list[tuple[Rule, str | None]] = []
    for rule in session.rules:
        examples = getattr(rule.check, "examples", None)
        if not examples or examples == (None, None):
            continue
        fail, passing = examples
        problems = []
        for kind, text in (("fail", fail), ("pass", passing)):
            if text is None:
                continue
            count, error = _run_example(rule, text, session)
            if error is not None:
                problems.append(f"the {kind} example {error}")
            elif kind == "fail" and count == 0:
                problems.append(f"the fail example gives no {rule.code} finding")
            elif kind == "pass" and count:
                problems.append(f"the pass example gives {count} {rule.code} finding(s)")
        results.append((rule, "; ".join(problems) or None))
    return results


def _run_example(rule: Rule, text: str, session: Session) -> tuple[int, str | None]:
    from artifact_lint.model.formats import Artifact, Decision
    from artifact_lint.model.repository import ArtifactFile, DecisionFile, Package, Repository
    from artifact_lint.model.validation import validate
    from artifact_lint.sources.loader import LoadError, load_text

    config = session.config
    limits = config.limits
    document = load_text(text.encode("utf-8"), ".yaml", limits)
    if isinstance(document, LoadError):
        return 0, f"cannot be read: line {document.position.line}: {document.message}"
    repo = Repository(session.root, config, session.policy)
    name = f"{rule.source} ({rule.code} example)"
    try:
        if rule.scope == "repository":
            record = DecisionFile(name, document, None, validate(Decision, document.data))
            repo.packages = [Package("example", "specialists/example", record)]
            problems = list(rule.check(repo))
        else:
            artifact = ArtifactFile(name, document, None, validate(Artifact, document.data))
            repo.artifacts = [artifact]
            repo.targets = {name}
            problems = list(rule.check(artifact, repo))
    except Exception as exc:  # noqa: BLE001 - the rule's own failure, reported per rule
        return 0, f"makes the rule fail: {type(exc).__name__}: {exc}"
    return len(problems), None


def print_verification(session: Session) -> int:
    """`rules --verify`: one line per rule with examples; exit 1 when any disagrees."""
    results = verify_examples(session)
    out = sys.stdout
    if not results:
        out.write("no rule file rule has examples to verify\n")
        return 0
    failed = [rule for rule, problem in results if problem is not None]
    for rule, problem in results:
        out.write(f"{rule.code} {rule.name} ({rule.source}): {'ok' if problem is None else problem}\n")
    if failed:
        out.write(f"{len(failed)} of {len(results)} rule(s) disagree with their examples: "
                  f"{', '.join(r.code for r in failed)}\n")
        return 1
    out.write(f"all {len(results)} rule(s) agree with their examples\n")
    return 0
