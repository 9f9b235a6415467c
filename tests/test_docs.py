"""The README and the packaged policy stay in agreement with the code."""

from __future__ import annotations

import re
from pathlib import Path

from artifact_lint.engine.rule_set import load_rules
from artifact_lint.model.policy import default_policy_text

ROOT = Path(__file__).resolve().parents[1]


def _readme_rule_rows() -> list[tuple[str, ...]]:
    rows = []
    for line in (ROOT / "README.md").read_text().splitlines():
        if re.match(r"^\| AL\d{3} \|", line):
            rows.append(tuple(cell.strip() for cell in line.strip().strip("|").split("|")))
    return rows


def test_readme_rule_table_matches_the_registry() -> None:
    expected = [(r.code, r.name, r.severity.value, r.fix or "", r.summary) for r in load_rules()]
    assert _readme_rule_rows() == expected


def test_builtin_policy_equals_rules_policy_yaml() -> None:
    assert default_policy_text() == (ROOT / "rules" / "policy.yaml").read_bytes()


def test_quick_start_has_exactly_two_commands() -> None:
    text = (ROOT / "README.md").read_text()
    match = re.search(r"^## Quick start\n.*?^```[a-z]*\n(.*?)^```", text, re.S | re.M)
    assert match, "README needs a Quick start code block"
    commands = [line for line in match.group(1).splitlines() if line.strip() and not line.startswith("#")]
    assert len(commands) == 2
    assert "artifact-lint check artifacts/" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_commands() -> None:
    text = (ROOT / "README.md").read_text()
    block = re.search(r"^## Quick start\n.*?^```[a-z]*\n(.*?)^```", text, re.S | re.M)
    assert block
    ci = (ROOT / ".ci" / "run").read_text()
    for command in block.group(1).strip().splitlines():
        assert command in ci


def test_every_rule_documents_examples() -> None:
    for rule in load_rules():
        sections = rule.sections()
        for heading in ("What it does", "Why it matters", "Example", "Use instead"):
            assert sections.get(heading), f"{rule.code} lacks a '{heading}' section"


def test_our_ci_lints_our_artifacts_with_our_action() -> None:
    import yaml

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    job = workflow["jobs"]["self-check"]
    steps = job["steps"]
    ours = [s for s in steps if s.get("uses") == "./"]
    assert ours and ours[0]["with"]["paths"] == "artifacts/"
    assert any(str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@") for s in steps)
    assert job["permissions"]["security-events"] == "write"
