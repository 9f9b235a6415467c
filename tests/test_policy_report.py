"""The policy in force: the policy file or built-in default, extended by the registry
document's own tables in every mode, and `artifact-lint policy` printing it."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from conftest import build_fixture_repo
from test_cli import cli, edit

DOC = "docs/factory/public-artifacts.md"
GEMMA = "artifacts/gemma-2b-invoice-fields.yaml"
STATES_TABLE = """
## Artifact States

| State | Meaning |
|---|---|
| `candidate-current-best` | Best candidate so far. |
| `report-ready-archive` | Archived with a public report. |
"""


def _declare_state(root: Path, *, in_file: bool = True) -> None:
    """The document declares `report-ready-archive`, which no policy file has, and uses it."""
    text = (root / DOC).read_text(encoding="utf-8")
    (root / DOC).write_text(text.replace("## Current Public Artifact List", STATES_TABLE.strip()
                                         + "\n\n## Current Public Artifact List", 1), encoding="utf-8")
    edit(root, DOC, "`candidate-current-best` | Invoice", "`report-ready-archive` | Invoice")
    if in_file:
        edit(root, GEMMA, "state: candidate-current-best", "state: report-ready-archive")


def test_the_built_in_policy_has_release_ready_weights(tmp_path: Path) -> None:
    data = json.loads(cli(build_fixture_repo(tmp_path), "policy", "--format", "json").stdout)
    weights = data["states"]["release-ready-weights"]
    assert weights["shipped"] and weights["public_weights"] and weights["from"] == "built-in"
    assert data["source"] == "built-in"


def test_document_states_extend_the_policy_for_artifact_files(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    edit(root, GEMMA, "state: candidate-current-best", "state: report-ready-archive")
    before = cli(root, "check", "--format", "json")
    assert any(f["code"] == "AL101" and f["path"] == GEMMA for f in before.findings)

    _declare_state(root, in_file=False)
    after = cli(root, "check", "--format", "json")

    assert not [f for f in after.findings if f["code"] == "AL101"], after.findings
    drift = [f for f in after.findings if f["code"] == "AL602"]
    assert len(drift) == 1 and "report-ready-archive" in drift[0]["message"]
    # the same holds in several processes: the workers see the extended policy
    many = cli(root, "check", "--format", "json", "--jobs", "2")
    assert [f["code"] for f in many.findings] == [f["code"] for f in after.findings]


def test_policy_command_says_where_each_state_came_from(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    _declare_state(root)

    as_json = cli(root, "policy", "--format", "json")
    as_yaml = cli(root, "policy")

    assert as_json.code == 0 and as_yaml.code == 0
    data = json.loads(as_json.stdout)
    assert data["states"]["report-ready-archive"]["from"] == DOC
    assert data["states"]["report-ready-archive"]["shipped"] is False
    assert data["states"]["parked"]["from"] == "built-in"
    parsed = yaml.safe_load(as_yaml.stdout)
    assert parsed["states"]["report-ready-archive"]["meaning"] == "Archived with a public report."
    assert f"# from {DOC}" in as_yaml.stdout


def test_policy_command_reads_the_policy_file(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    (root / "rules").mkdir()
    (root / "rules" / "policy.yaml").write_text(
        "states:\n  shipped-now: {shipped: true}\nlabels:\n  Direct: {win_claims: true}\n", encoding="utf-8")
    data = json.loads(cli(root, "policy", "--format", "json").stdout)
    assert data["source"] == "rules/policy.yaml"
    assert list(data["states"]) == ["shipped-now"] and data["states"]["shipped-now"]["from"] == "rules/policy.yaml"


def test_policy_command_with_a_broken_policy_file_exits_2(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    (root / "rules").mkdir()
    (root / "rules" / "policy.yaml").write_text("states: [\n", encoding="utf-8")
    run = cli(root, "policy")
    assert run.code == 2 and "rules/policy.yaml" in run.stderr
