"""Run the selected rules over a repository and turn problems into findings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from artifact_lint.engine.rule_set import Rule, is_selected, iter_selected
from artifact_lint.engine.suppression import Directive, is_valid
from artifact_lint.errors import ToolError
from artifact_lint.model.config import Config
from artifact_lint.model.findings import Finding, Problem, Severity
from artifact_lint.model.repository import ArtifactFile, Repository
from artifact_lint.sources.patterns import path_matches

if TYPE_CHECKING:
    from artifact_lint.engine.baseline import Baseline, Entry


class RuleCrashed(ToolError):
    """A rule raised: that is a bug in artifact-lint, never a pass."""

    def __init__(self, code: str, cause: str) -> None:
        super().__init__(f"internal error in rule {code}: {cause};"
                         " rerun with --debug for the trace, and please report it")
        self.code = code


@dataclass
class Result:
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    suppressed: list[Finding] = field(default_factory=list)
    baselined: list[Finding] = field(default_factory=list)  # the part of `suppressed` the baseline accepted

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    def fails(self, threshold: Severity) -> bool:
        return any(f.severity.rank >= threshold.rank for f in self.findings)


def one_line(text: str) -> str:
    """Messages quote values, and values may hold line breaks; a finding is one line."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


def _configured_severity(code: str, config: Config) -> Severity | None:
    """The `severity` override of the most specific matching code or prefix."""
    matching = [prefix for prefix in config.severity if code.startswith(prefix)]
    return config.severity[max(matching, key=len)] if matching else None


def _finding(rule: Rule, problem: Problem, config: Config) -> Finding:
    severity = _configured_severity(rule.code, config) or problem.severity or rule.severity
    end = problem.end
    return Finding(
        code=rule.code,
        name=rule.name,
        severity=severity,
        path=problem.path,
        line=problem.position.line,
        column=problem.position.column,
        message=one_line(problem.message),
        field=problem.field,
        artifact=problem.artifact,
        end_line=end.line if end else None,
        end_column=end.column if end else None,
        fix=problem.fix,
        value=problem.value,
    )


def _ignored_by_path(finding: Finding, config: Config) -> bool:
    for pattern, codes in config.per_file_ignores.items():
        if path_matches(pattern, finding.path) and is_selected(finding.code, codes, ()):
            return True
    return False


class _Targets:
    """The target artifacts, split once: the problems the loader already found, by rule
    code (parallel.py checks each file as it loads it), and the artifacts still to check
    (registry-document entries, standard input). The order of problems may differ from
    one artifact at a time; `lint` sorts the findings."""

    def __init__(self, repo: Repository) -> None:
        self.precomputed: dict[str, list[Problem]] = {}
        self.unchecked: list[ArtifactFile] = []
        for artifact in repo.target_artifacts:
            if artifact.precomputed is None:
                self.unchecked.append(artifact)
            else:
                for code, problems in artifact.precomputed.items():
                    self.precomputed.setdefault(code, []).extend(problems)


def _run(rule: Rule, repo: Repository, context_only: set[str], targets: _Targets) -> Iterable[Problem]:
    """The rule's problems; a repository rule's problems in context-only files are dropped."""
    if rule.scope == "repository":
        yield from (p for p in rule.check(repo) if p.path not in context_only)
    else:
        yield from targets.precomputed.get(rule.code, ())
        for artifact in targets.unchecked:
            yield from rule.check(artifact, repo)


def _run_rules(repo: Repository, rules: list[Rule], result: Result) -> None:
    config = repo.config
    context_only = {a.path for a in repo.artifacts} - repo.targets
    targets = _Targets(repo)
    for rule in rules:
        if rule.scope == "suppression":
            continue
        try:
            problems = list(_run(rule, repo, context_only, targets))
        except ToolError:
            raise
        except Exception as exc:  # noqa: BLE001 - a crash must surface as exit 2
            raise RuleCrashed(f"{rule.code} ({rule.name})", f"{type(exc).__name__}: {exc}") from exc
        for problem in problems:
            finding = _finding(rule, problem, config)
            (result.suppressed if _ignored_by_path(finding, config) else result.findings).append(finding)


def _apply_directives(repo: Repository, rules: list[Rule], result: Result) -> list[tuple[Directive, str]]:
    """Drop findings covered by valid inline directives; return (directive, code) pairs that covered nothing."""
    known = [rule.code for rule in rules]
    found = repo.directives() + repo.copy_directives({f.path for f in result.findings})
    directives = [d for d in found if is_valid(d, known)]
    if not directives:
        return []
    kept = []
    for finding in result.findings:
        covering = next(((d, code) for d in directives if (code := d.covers(finding))), None)
        if covering is None or finding.code == "AL902":
            kept.append(finding)
        else:
            covering[0].used.add(covering[1])
            result.suppressed.append(finding)
    result.findings = kept
    ran = {rule.code for rule in rules}
    return [(d, code) for d in directives for code in d.codes
            if code not in d.used and any(r.startswith(code) for r in ran)]


def selected_rules(rules: Iterable[Rule], config: Config) -> list[Rule]:
    """The rules `config` selects: `select` and `extend-select`, less `ignore` (ruff's way)."""
    return list(iter_selected(rules, config.select + config.extend_select, config.ignore))


def lint(repo: Repository, rules: Iterable[Rule], baseline: Baseline | None = None) -> Result:
    """Run the selected rules, then per-file ignores, inline suppressions and the baseline."""
    config = repo.config
    result = Result(files=len(repo.targets) + sum(1 for p in repo.packages if p.decision))
    all_rules = list(rules)
    selected = selected_rules(all_rules, config)
    _run_rules(repo, selected, result)
    unused = _apply_directives(repo, selected, result)
    stale: list[Entry] = []
    if baseline is not None:
        from artifact_lint.engine.baseline import apply_baseline

        result.findings, matched, stale = apply_baseline(result.findings, baseline)
        result.suppressed.extend(matched)
        result.baselined = sorted(matched, key=lambda f: f.sort_key)
    for rule in selected:
        if rule.scope == "suppression":
            for problem in rule.check(unused, stale, baseline.path if baseline else None):
                result.findings.append(_finding(rule, problem, config))
    result.findings.sort(key=lambda f: f.sort_key)
    result.suppressed.sort(key=lambda f: f.sort_key)
    return result
