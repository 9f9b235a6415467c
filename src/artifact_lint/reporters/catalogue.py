"""`artifact-lint rules` and `artifact-lint explain CODE`."""

from __future__ import annotations

import json
import sys
from typing import Any

from artifact_lint.engine.rule_set import Rule, load_rules
from artifact_lint.errors import ToolError
from artifact_lint.suggest import did_you_mean


def rule_rows(rules: list[Rule]) -> list[dict[str, str | None]]:
    return [{"code": r.code, "name": r.name, "severity": r.severity.value, "summary": r.summary,
             "fix": r.fix, "source": r.source} for r in rules]


def _colour(color: str) -> dict[str, Any]:
    """rich's console settings for `--color auto|always|never` (NO_COLOR is rich's own)."""
    return {"force_terminal": True if color == "always" else None,
            "no_color": True if color == "never" else None}


def print_rules(fmt: str, rules: list[Rule] | None = None, color: str = "auto") -> int:
    """The catalogue of `rules` (default: the built-in rules); a `source` column names
    the rule file or plugin of each rule that is not built in."""
    rules = load_rules() if rules is None else rules
    if fmt == "json":
        json.dump(rule_rows(rules), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(show_lines=False)
    custom = any(r.source != "built-in" for r in rules)
    for column in ("code", "severity", "fix"):
        table.add_column(column, no_wrap=True)
    table.add_column("name", overflow="fold", ratio=2)
    if custom:  # a file path may be long: it wraps rather than squeeze the summary out
        table.add_column("source", overflow="fold", ratio=1)
    table.add_column("summary", overflow="fold", ratio=3)
    for r in rules:
        source = (escape(r.source),) if custom else ()
        table.add_row(r.code, r.severity.value, r.fix or "", r.name, *source, escape(r.summary))
    Console(highlight=False, **_colour(color)).print(table)
    return 0


def find_rule(code: str, rules: list[Rule]) -> Rule:
    wanted = code.strip()
    for rule in rules:
        if wanted.upper() == rule.code or wanted.lower() == rule.name:
            return rule
    choices = [r.code for r in rules] + [r.name for r in rules]
    raise ToolError(f"no rule `{code}`{did_you_mean(wanted, choices)} (see `artifact-lint rules`)")


def rule_markdown(rule: Rule) -> str:
    fix = f" · fix: {rule.fix}" if rule.fix else ""
    return (f"# {rule.code} {rule.name}\n\n"
            f"Default severity: **{rule.severity.value}**{fix}\n\n"
            f"{rule.summary}\n\n{rule.doc}\n")


def explain_rule(code: str, rules: list[Rule] | None = None, color: str = "auto") -> int:
    rule = find_rule(code, load_rules() if rules is None else rules)
    text = rule_markdown(rule)
    if color == "never" or (not sys.stdout.isatty() and color != "always"):
        sys.stdout.write(text)  # plain Markdown for pipes and files
        return 0
    from rich.console import Console
    from rich.markdown import Markdown

    Console(**_colour(color)).print(Markdown(text))
    return 0
