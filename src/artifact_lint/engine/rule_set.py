"""The rule registry: every module in `artifact_lint.rules` is one rule.

A rule module holds its documentation as its docstring (first line: the
one-line summary; then "What it does", "Why it matters", "Example" and
"Use instead" sections), the constants `CODE`, `NAME`, `SEVERITY`, `SCOPE`
and optionally `FIX` ("safe" or "unsafe") and `READS`, and one `check` function:

- `SCOPE = "artifact"`: `check(artifact, repo)` runs once per artifact file;
- `SCOPE = "repository"`: `check(repo)` runs once per run;
- `SCOPE = "suppression"`: `check(unused, stale, baseline_path)` runs after
  suppressions and the baseline are applied (AL901 only).

`check` yields `Problem`s and touches nothing: it is a pure function of the
loaded repository. Adding a rule is adding a module (and its fixtures).

`READS` (repository scope) names the top-level artifact fields the rule reads, e.g.
`READS = ("id", "package")`. When every selected repository rule declares them, each
artifact's record keeps only those fields once the artifact rules have run on it
(`engine/parallel.py`), in one process or several alike; a rule that declares nothing
(the default, and every plugin that does not say) gets the whole record.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Literal, NamedTuple

from artifact_lint.model.findings import Problem, Severity

Scope = Literal["artifact", "repository", "suppression"]
CODE_RE = re.compile(r"^AL[0-9]{3}$")
# A repository's own rules (rule files, plugins): one to four capital letters, not
# starting with AL (so that `AL` keeps selecting exactly the built-in rules), then three digits.
CUSTOM_CODE_RE = re.compile(r"^(?!AL)[A-Z]{1,4}[0-9]{3}$")
NAME_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class Rule(NamedTuple):
    code: str
    name: str
    severity: Severity
    scope: Scope
    summary: str
    doc: str
    fix: str | None
    check: Callable[..., Iterable[Problem]]
    source: str = "built-in"  # or the rule file (`rules/house.yaml`), or `plugin <entry point>`
    reads: tuple[str, ...] | None = None  # `READS`: the artifact fields a repository rule reads; None: all

    def sections(self) -> dict[str, str]:
        """The documentation's `## Heading` sections, by heading."""
        parts = re.split(r"^## +(.+)$", self.doc, flags=re.M)
        return {parts[i].strip(): parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}


def _from_module(module: Any, code_re: re.Pattern[str] = CODE_RE, source: str = "built-in") -> Rule:
    doc = inspect.cleandoc(module.__doc__ or "")
    summary, _, body = doc.partition("\n")
    rule = Rule(
        code=module.CODE,
        name=module.NAME,
        severity=Severity(module.SEVERITY),
        scope=module.SCOPE,
        summary=summary.strip(),
        doc=body.strip(),
        fix=getattr(module, "FIX", None),
        check=module.check,
        source=source,
        reads=_reads(module),
    )
    if not isinstance(rule.code, str) or not code_re.match(rule.code) or not isinstance(rule.name, str) \
            or not NAME_RE.match(rule.name):
        raise ValueError(f"rule module {module.__name__}: bad CODE or NAME")
    if rule.scope not in ("artifact", "repository", "suppression"):
        raise ValueError(f"rule module {module.__name__}: SCOPE must be artifact, repository or suppression")
    return rule


def _reads(module: Any) -> tuple[str, ...] | None:
    reads = getattr(module, "READS", None)
    if reads is None:
        return None
    if isinstance(reads, str) or not all(isinstance(name, str) for name in reads):
        raise ValueError(f"rule module {module.__name__}: READS must be a tuple of field names")
    return tuple(reads)


def _rule_module_names() -> list[str]:
    from artifact_lint import rules as package

    return [info.name for info in pkgutil.iter_modules(package.__path__) if not info.name.startswith("_")]


def rule_codes() -> list[str]:
    """Every rule's code, read off the module names (`al202_...` holds AL202) without
    importing the modules: enough to check the codes a configuration names."""
    return sorted(name.split("_", 1)[0].upper() for name in _rule_module_names())


def load_rules() -> list[Rule]:
    """Every rule, sorted by code."""
    found = []
    for name in _rule_module_names():
        module = importlib.import_module(f"artifact_lint.rules.{name}")
        rule = _from_module(module)
        if not name.startswith(rule.code.lower() + "_"):
            raise ValueError(f"rule module {module.__name__}: its name must start with `{rule.code.lower()}_`")
        found.append(rule)
    found.sort(key=lambda r: r.code)
    codes = [r.code for r in found]
    if len(codes) != len(set(codes)):
        raise ValueError("two rule modules share a code")
    return found


def by_code(rules: Iterable[Rule]) -> dict[str, Rule]:
    return {rule.code: rule for rule in rules}


def is_selected(code: str, select: Iterable[str], ignore: Iterable[str]) -> bool:
    """Ruff's rule: the most specific matching prefix decides; on a tie, ignore wins."""
    best_select = max((len(p) for p in select if code.startswith(p)), default=-1)
    best_ignore = max((len(p) for p in ignore if code.startswith(p)), default=-1)
    return best_select > best_ignore


def iter_selected(rules: Iterable[Rule], select: Iterable[str], ignore: Iterable[str]) -> Iterator[Rule]:
    select, ignore = list(select), list(ignore)
    return (rule for rule in rules if is_selected(rule.code, select, ignore))
