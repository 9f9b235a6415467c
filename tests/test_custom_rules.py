"""A repository's own rules (`custom_rules.py`): rule files end to end through the command
line, as custom-rules.md describes them. The vocabulary is tested in test_custom_checks.py,
rule-file errors in test_rule_files.py, patterns in test_safe_regex.py and plugins in
test_plugins.py."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import build_fixture_repo
from test_cli import MISTRAL, cli, edit, findings_schema, process

from artifact_lint.custom.loading import names_known_field, rule_file_paths
from artifact_lint.engine.session import open_session
from artifact_lint.model.config import Config

ROOT = Path(__file__).resolve().parents[1]

# custom-rules.md's example, as written there.
HX001 = """\
# rules/house.yaml
rules:
  HX001:
    name: weights-need-license          # kebab-case, unique
    severity: error                     # error | warning | info
    summary: A release with public weights names its license.
    why: Users cannot reuse weights whose terms they do not know.   # optional, shown by explain
    given: artifact                     # what one check looks at (below)
    when:                               # optional; every condition must hold
      state: {in: [release-ready-weights]}
    then:                               # every item is checked; each failure is one finding
      - field: weights.license
        check: required
    examples:                           # optional; `artifact-lint rules --verify` runs them
      fail: |
        id: demo
        state: release-ready-weights
        weights: {location: "hf://factory/demo"}
      pass: |
        id: demo
        state: release-ready-weights
        weights: {location: "hf://factory/demo", license: apache-2.0}
"""

BLOCKERS = """\
rules:
  QA001:
    name: blocker-owner
    severity: warning
    summary: Every blocker names its owner.
    given: blockers
    then:
      - field: owner
        check: required
        message: "{id}: `{field}` names nobody ({code}); add `owner:`"
"""


def weights_release(root: Path) -> None:
    """Mistral as a release with public weights and no license: one HX001 finding."""
    edit(root, MISTRAL, "state: release-ready-metadata", "state: release-ready-weights")
    edit(root, MISTRAL, "location: ~/.cache/factory/models/triage7b_fused", "location: hf://factory/triage7b")
    edit(root, "docs/factory/public-artifacts.md", "| `release-ready-metadata` | Triage",
         "| `release-ready-weights` | Triage")


def line_of(root: Path, relative: str, text: str) -> int:
    lines = (root / relative).read_text().splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.startswith(text))


@pytest.fixture
def house(tmp_path: Path) -> Path:
    root = build_fixture_repo(tmp_path)
    (root / "rules").mkdir()
    (root / "rules" / "house.yaml").write_text(HX001)
    weights_release(root)
    return root


# --- the example of the spec, end to end ----------------------------------------------------


def test_the_spec_example_reports_at_the_key_of_the_mapping_lacking_the_field(house: Path) -> None:
    run = cli(house, "check", "-f", "json")
    assert run.code == 1, run.stderr
    [finding] = run.findings
    assert finding["code"] == "HX001" and finding["name"] == "weights-need-license"
    assert finding["severity"] == "error"
    assert (finding["path"], finding["field"], finding["artifact"]) == (
        MISTRAL, "weights.license", "mistral-7b-ticket-triage")
    assert (finding["line"], finding["column"]) == (line_of(house, MISTRAL, "weights:"), 1)
    assert "`weights.license` is missing" in finding["message"]


def test_a_licensed_release_passes(house: Path) -> None:
    edit(house, MISTRAL, "  format: safetensors", "  format: safetensors\n  license: apache-2.0")
    run = cli(house, "check", "-f", "json")
    assert run.code == 0, run.findings
    assert run.findings == []  # and `weights.license` is no AL004: a custom rule names it


def test_findings_validate_against_the_shared_findings_schema(house: Path) -> None:
    schema = findings_schema()
    if schema is None:
        pytest.skip("the shared spec folder is not present")
    import jsonschema

    jsonschema.Draft202012Validator(schema).validate(cli(house, "check", "-f", "json").json)


def test_explain_renders_summary_why_and_the_examples(house: Path) -> None:
    run = cli(house, "explain", "HX001")
    assert run.code == 0, run.stderr
    text = run.stdout
    for part in ("# HX001 weights-need-license", "A release with public weights names its license.",
                 "Users cannot reuse weights whose terms they do not know.", "`weights.license` is required",
                 "weights: {location: \"hf://factory/demo\"}", "license: apache-2.0", "rules/house.yaml"):
        assert part in text, part
    assert text.index("## Example") < text.index("## Use instead")
    assert cli(house, "explain", "weights-need-license").stdout == text


def test_rules_lists_custom_rules_with_their_source(house: Path) -> None:
    rows = json.loads(cli(house, "rules", "-f", "json").stdout)
    by_code = {row["code"]: row for row in rows}
    assert by_code["HX001"]["source"] == "rules/house.yaml"
    assert by_code["AL101"]["source"] == "built-in"
    assert [row["code"] for row in rows] == sorted(row["code"] for row in rows)
    table = cli(house, "rules", env={"COLUMNS": "200"}).stdout
    assert "HX001" in table and "weights-need-license" in table and "rules/house.yaml" in table


def test_verify_agrees_with_the_examples(house: Path) -> None:
    run = cli(house, "rules", "--verify")
    assert run.code == 0, run.stdout + run.stderr
    assert "HX001 weights-need-license (rules/house.yaml): ok" in run.stdout


def test_verify_names_the_rules_whose_examples_disagree(house: Path) -> None:
    text = HX001.replace("weights: {location: \"hf://factory/demo\", license: apache-2.0}",
                         "weights: {location: \"hf://factory/demo\"}")
    (house / "rules" / "house.yaml").write_text(text + BLOCKERS.replace("rules:\n", "") + """\
    examples:
      fail: |
        blockers: [{blocker: a, why: b, unblock: c, owner: d}]
      pass: |
        blockers: [{blocker: a, why: b, unblock: c}]
""")
    run = cli(house, "rules", "--verify")
    assert run.code == 1
    assert "HX001 weights-need-license (rules/house.yaml): the pass example gives 1 HX001 finding(s)" in run.stdout
    assert "QA001 blocker-owner (rules/house.yaml): the fail example gives no QA001 finding;" \
           " the pass example gives 1 QA001 finding(s)" in run.stdout
    assert run.stdout.strip().endswith("2 of 2 rule(s) disagree with their examples: HX001, QA001")


def test_verify_reports_an_example_that_cannot_be_read(house: Path) -> None:
    (house / "rules" / "house.yaml").write_text(HX001.replace("        id: demo\n        state: release-ready-weights\n"
                                                              "        weights: {location: \"hf://factory/demo\"}\n",
                                                              "        [unclosed\n", 1))
    run = cli(house, "rules", "--verify")
    assert run.code == 1
    assert "the fail example cannot be read: line 2: YAML syntax error" in run.stdout


def test_inline_suppression_of_a_custom_code(house: Path) -> None:
    edit(house, MISTRAL, "weights:\n", 'weights:  # artifact-lint: disable=HX001 reason="license under legal review"\n')
    run = cli(house, "check", "-f", "json")
    assert run.code == 0 and run.findings == []
    assert run.json["summary"]["suppressed"] == 1


def test_a_suppression_naming_an_unknown_custom_code_is_al902(house: Path) -> None:
    edit(house, MISTRAL, "weights:\n", 'weights:  # artifact-lint: disable=HX009 reason="typo"\n')
    codes = sorted(f["code"] for f in cli(house, "check", "-f", "json").findings)
    assert codes == ["AL902", "HX001"]


def test_baseline_records_and_accepts_custom_findings(house: Path) -> None:
    assert cli(house, "check", "--write-baseline", "baseline.json").code == 0
    entries = json.loads((house / "baseline.json").read_text())
    assert "HX001" in json.dumps(entries)
    run = cli(house, "check", "-f", "json", "--baseline", "baseline.json")
    assert run.code == 0 and run.findings == []
    assert run.json["summary"]["suppressed"] == 1


def test_sarif_describes_custom_rules(house: Path) -> None:
    log = cli(house, "check", "-f", "sarif").json
    driver = log["runs"][0]["tool"]["driver"]
    descriptor = next(rule for rule in driver["rules"] if rule["id"] == "HX001")
    assert descriptor["name"] == "weights-need-license"
    assert descriptor["shortDescription"]["text"] == "A release with public weights names its license."
    assert "custom" in descriptor["properties"]["tags"]
    assert "Users cannot reuse weights" in descriptor["help"]["markdown"]
    [result] = log["runs"][0]["results"]
    assert result["ruleId"] == "HX001" and driver["rules"][result["ruleIndex"]]["id"] == "HX001"


@pytest.mark.parametrize("fmt", ["table", "concise", "github", "junit", "markdown"])
def test_every_format_shows_the_custom_finding(house: Path, fmt: str) -> None:
    run = cli(house, "check", "-f", fmt)
    assert run.code == 1
    assert "HX001" in run.stdout


def test_statistics_count_custom_findings(house: Path) -> None:
    assert "HX001" in cli(house, "check", "--statistics").stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_new_from_rev_drops_custom_findings_already_there(house: Path) -> None:
    git = ["git", "-c", "user.email=ci@example.invalid", "-c", "user.name=ci", "-c", "init.defaultBranch=main"]
    shutil.rmtree(house / ".git")
    subprocess.run([*git, "init", "-q"], cwd=house, check=True, timeout=60)
    subprocess.run([*git, "add", "-A"], cwd=house, check=True, timeout=60)
    subprocess.run([*git, "commit", "-qm", "main"], cwd=house, check=True, timeout=60)
    edit(house, "artifacts/gemma-2b-invoice-fields.yaml", "state: candidate-current-best",
         "state: release-ready-weights")
    run = cli(house, "check", "-f", "json", "--new-from-rev", "HEAD")
    assert {(f["code"], f["path"]) for f in run.findings if f["code"] == "HX001"} == {
        ("HX001", "artifacts/gemma-2b-invoice-fields.yaml")}


def test_a_real_process_run_with_worker_processes_reports_the_same(house: Path) -> None:
    one = process(house, "check", "-f", "json", "--jobs", "1")
    two = process(house, "check", "-f", "json", "--jobs", "2")
    assert one.code == two.code == 1
    assert one.json["findings"] == two.json["findings"]
    assert [f["code"] for f in one.json["findings"]] == ["HX001"]


# --- document mode --------------------------------------------------------------------------


def test_document_mode_entries_are_checked(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    shutil.rmtree(root / "artifacts")
    (root / "rules").mkdir()
    (root / "rules" / "house.yaml").write_text("""\
rules:
  DOC001:
    name: type-is-short
    summary: An artifact's type is at most 26 characters.
    then:
      - {field: type, check: max-length, value: 26}
""")
    run = cli(root, "check", "-f", "json", "--select", "DOC")
    assert run.code == 1, run.stderr
    [finding] = run.findings
    assert finding["path"] == "docs/factory/public-artifacts.md"
    assert finding["artifact"] == "mistral-7b-ticket-triage" and finding["field"] == "type"
    document = (root / "docs/factory/public-artifacts.md").read_text().splitlines()
    assert "Specialist package metadata" in document[finding["line"] - 1]


# --- selection, configuration, severity --------------------------------------------------------


def test_custom_rules_are_selected_by_default_and_by_prefix(house: Path) -> None:
    assert cli(house, "check", "-f", "json", "--select", "HX").codes() == {"HX001"}
    assert cli(house, "check", "-f", "json", "--select", "AL").codes() == set()
    assert cli(house, "check", "-f", "json", "--ignore", "HX001").codes() == set()
    assert cli(house, "check", "-f", "json", "--select", "HX", "--ignore", "HX0").codes() == set()


def test_a_configured_selection_of_built_in_codes_leaves_custom_rules_out(house: Path) -> None:
    (house / "artifact-lint.toml").write_text('select = ["AL"]\n')
    assert cli(house, "check", "-f", "json").codes() == set()
    (house / "artifact-lint.toml").write_text('select = ["ALL"]\n')
    assert cli(house, "check", "-f", "json").codes() == {"HX001"}


def test_configuration_names_custom_codes(house: Path) -> None:
    (house / "artifact-lint.toml").write_text(
        'ignore = ["AL506"]\nextend-select = ["HX"]\n[severity]\nHX001 = "warning"\n'
        '[per-file-ignores]\n"artifacts/gemma-*.yaml" = ["HX001"]\n')
    run = cli(house, "check", "-f", "json")
    assert run.code == 0, run.stderr
    [finding] = run.findings
    assert finding["code"] == "HX001" and finding["severity"] == "warning"


@pytest.mark.parametrize("table", ['select = ["HX002"]', 'ignore = ["QX"]', '[severity]\nHX999 = "info"',
                                   '[per-file-ignores]\n"a.yaml" = ["ZZ001"]'])
def test_configuration_naming_a_code_no_rule_has_is_exit_2(house: Path, table: str) -> None:
    (house / "artifact-lint.toml").write_text(table + "\n")
    run = cli(house, "check")
    assert run.code == 2
    assert "is not a rule code or prefix" in run.stderr and "artifact-lint.toml" in run.stderr


def test_the_rules_key_changes_the_glob(house: Path) -> None:
    (house / "policy-rules").mkdir()
    shutil.move(house / "rules" / "house.yaml", house / "policy-rules" / "house.yaml")
    assert cli(house, "check", "-f", "json").codes() == set()
    (house / "artifact-lint.toml").write_text('rules = ["policy-rules/*.yaml"]\n')
    assert cli(house, "check", "-f", "json").codes() == {"HX001"}
    assert 'rules = ["policy-rules/*.yaml"]' in cli(house, "check", "--show-settings").stdout
    (house / "artifact-lint.toml").write_text("rules = []\n")  # no rule files at all
    assert cli(house, "check", "-f", "json").codes() == set()


@pytest.mark.parametrize("value", ['"/etc/*.yaml"', '"../x/*.yaml"', '[""]', "3"])
def test_a_bad_rules_key_is_exit_2(house: Path, value: str) -> None:
    (house / "artifact-lint.toml").write_text(f"rules = {value}\n")
    run = cli(house, "check")
    assert run.code == 2 and "key `rules`" in run.stderr


def test_the_policy_file_is_never_a_rule_file(house: Path) -> None:
    shutil.copy(ROOT / "rules" / "policy.yaml", house / "rules" / "policy.yaml")
    shutil.copy(ROOT / "rules" / "policy.yaml", house / "rules" / "strict.yaml")
    (house / "artifact-lint.toml").write_text('policy = "rules/strict.yaml"\n')
    paths = [name for _, name in rule_file_paths(house, open_session(house).config)]
    assert paths == ["rules/house.yaml"]
    assert cli(house, "check", "-f", "json").codes() == {"HX001"}


def test_rules_in_the_policy_file_are_still_not_a_policy_field(house: Path) -> None:
    (house / "rules" / "policy.yaml").write_text((ROOT / "rules" / "policy.yaml").read_text() + "rules: {}\n")
    run = cli(house, "check")
    assert run.code == 2
    assert "`rules` is not a known field" in run.stderr and "rule files of their own" in run.stderr


def test_a_broken_rule_file_stops_every_command_that_reads_rules(house: Path) -> None:
    (house / "rules" / "house.yaml").write_text(HX001.replace("check: required", "check: requird"))
    line = HX001.splitlines().index("        check: required") + 1
    for command in (["check"], ["rules"], ["explain", "AL101"], ["rules", "--verify"]):
        run = cli(house, *command)
        assert run.code == 2, command
        assert run.stderr.startswith(f"artifact-lint: error: rules/house.yaml:{line}:16: invalid rule file:")
        assert "did you mean `required`?" in run.stderr


def test_two_files_defining_one_code_is_exit_2(house: Path) -> None:
    (house / "rules" / "more.yaml").write_text(HX001.replace("weights-need-license", "other-name"))
    run = cli(house, "check")
    assert run.code == 2
    assert "rules/more.yaml: the rule code HX001 is also defined in rules/house.yaml" in run.stderr


def test_a_custom_name_equal_to_a_built_in_name_is_exit_2(house: Path) -> None:
    (house / "rules" / "house.yaml").write_text(HX001.replace("weights-need-license", "invalid-state"))
    run = cli(house, "check")
    assert run.code == 2 and "also the name of AL101" in run.stderr


# --- rows, decisions, AL004 -----------------------------------------------------------------------


def test_row_rules_check_each_row_with_its_own_message(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    (root / "rules").mkdir()
    (root / "rules" / "team.yaml").write_text(BLOCKERS)
    run = cli(root, "check", "-f", "json")
    rows = [f for f in run.findings if f["code"] == "QA001"]
    assert rows, run.findings
    first = rows[0]
    assert first["field"].startswith("blockers[") and first["field"].endswith("].owner")
    assert first["message"] == f"{first['artifact']}: `{first['field']}` names nobody (QA001); add `owner:`"
    assert first["severity"] == "warning"
    # the position is the row's `blocker` key (the mapping that lacks `owner`)
    text = (root / first["path"]).read_text().splitlines()
    assert text[first["line"] - 1][first["column"] - 1:].startswith("blocker")


def test_a_field_named_by_a_custom_rule_is_not_al004(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    (root / "rules").mkdir()
    (root / "rules" / "team.yaml").write_text(BLOCKERS)
    gemma = "artifacts/gemma-2b-invoice-fields.yaml"
    text = (root / gemma).read_text()
    (root / gemma).write_text(text.replace("    unblock:", "    owner: {name: Ana}\n    unblock:", 1)
                              + "colour: blue\n")
    run = cli(root, "check", "-f", "json")
    unknown = [f["field"] for f in run.findings if f["code"] == "AL004"]
    assert unknown == ["colour"]


def test_names_known_field_matches_stars_and_fields_inside() -> None:
    class Check:
        @staticmethod
        def fields() -> list[tuple[object, ...]]:
            return [("blockers", "*", "owner", "name"), ("weights", "license")]

    from artifact_lint.engine.rule_set import Rule
    from artifact_lint.model.findings import Severity

    rule = Rule("QA001", "x", Severity.ERROR, "artifact", "", "", None, Check())  # type: ignore[arg-type]
    config = Config(extra_rules=(rule,))
    assert names_known_field(config, ("blockers", 3, "owner"))
    assert names_known_field(config, ("blockers", 0, "owner", "name"))
    assert names_known_field(config, ("weights", "license"))
    assert not names_known_field(config, ("weights", "licence"))
    assert not names_known_field(config, ("blockers", 0, "owner", "name", "first"))
    assert not names_known_field(Config(), ("weights", "license"))


def test_decision_rules_check_each_decision_record(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    (root / "rules").mkdir()
    (root / "rules" / "decisions.yaml").write_text("""\
rules:
  DEC001:
    name: ship-names-a-reviewer
    summary: A ship decision names its reviewer.
    given: decision
    when: {decision: {in: [ship]}}
    then:
      - {field: reviewer, check: required, message: "{id} ships without `{field}`"}
    examples:
      fail: '{"decision": "ship"}'
      pass: '{"decision": "ship", "reviewer": "ana"}'
""")
    run = cli(root, "check", "-f", "json", "--select", "DEC")
    [finding] = run.findings
    assert finding["path"] == "specialists/mistral-7b-ticket-triage/decision.json"
    assert finding["message"] == "specialists/mistral-7b-ticket-triage ships without `reviewer`"
    assert (finding["line"], finding["column"]) == (1, 1)
    assert cli(root, "rules", "--verify").code == 0


# --- our own repository ----------------------------------------------------------------------------


def test_our_rules_verify_and_our_artifacts_pass_them(monkeypatch: pytest.MonkeyPatch) -> None:
    run = cli(ROOT, "rules", "--verify", monkeypatch=monkeypatch)
    assert run.code == 0, run.stdout
    assert {"HX001", "HX002", "HX003"} <= {line.split()[0] for line in run.stdout.splitlines()[:-1]}
    check = cli(ROOT, "check", "-f", "json", "artifacts/", monkeypatch=monkeypatch)
    assert not [f for f in check.findings if f["code"].startswith("HX")]


def test_our_house_rules_fire_on_what_they_forbid(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    shutil.copytree(ROOT / "rules", root / "rules")
    edit(root, "artifacts/gemma-2b-invoice-fields.yaml", "  A routed invoice-field adapter", "  A SOTA adapter")
    text = (root / "artifacts/gemma-2b-invoice-fields.yaml").read_text()
    (root / "artifacts/gemma-2b-invoice-fields.yaml").write_text(
        text.replace("    unblock: ", "    unblock: Waiting until ", 1))
    codes = sorted(f["code"] for f in cli(root, "check", "-f", "json", "--select", "HX").findings)
    assert codes == ["HX002", "HX003"]


def test_the_committed_rules_schema_is_current() -> None:
    from artifact_lint.custom.rule_files import rules_schema

    assert json.loads((ROOT / "schema" / "rules.schema.json").read_text()) == rules_schema(), (
        "run: artifact-lint schema --rules > schema/rules.schema.json")


# --- one pass for many rules -----------------------------------------------------------------------


def test_the_one_pass_finds_what_each_rule_finds_on_its_own(tmp_path: Path) -> None:
    """`custom_evaluate.Batch` (generated code) against each rule's own check, on the
    benchmark's 100 generated rules over a corpus, and over values of every kind."""
    import sys

    from artifact_lint.custom.evaluate import Member
    from artifact_lint.model.build import build_repository
    from artifact_lint.model.load import load_artifact_bytes
    from artifact_lint.sources.loader import Limits

    sys.path.insert(0, str(ROOT / "bench"))
    from custom_rules import write_rules  # type: ignore[import-not-found]
    from make_corpus import make_corpus  # type: ignore[import-not-found]

    root = tmp_path / "corpus"
    make_corpus(root, 60)
    write_rules(root, 100)
    (root / "rules" / "odd.yaml").write_text("""\
rules:
  ODD001:
    name: odd-values
    summary: Values of every kind.
    then:
      - {field: evidence.*.value, check: max, value: 1}
      - {field: evidence.*, check: required}
      - {field: notes.*, check: max-length, value: 5}
      - {field: weights.size, check: min, value: 2}
      - {field: surface.0, check: pattern, value: '^specialists/'}
      - {field: datasets.*.license, check: enum, value: [mit, 1, true]}
      - {field: blockers, check: max-items, value: 1}
      - {field: website, check: absent}
      - {check: one-of, value: [package, website]}
""")
    session = open_session(root)
    members = [rule.check for rule in session.rules if isinstance(rule.check, Member)]
    assert len(members) == 96  # the decision rules run on their own
    odd = ["id: a\nevidence: [{value: .nan}, {value: '58%'}, {value: 2}, null, 3]\nnotes: [abcdef, 1, [x], {}]\n"
           "weights: {size: '1.5'}\nsurface: [7]\ndatasets: [{license: mit}, {license: 1.0}, {license: True}, x]\n"
           "blockers: [a, b]\nwebsite: null\n", "id: b\nevidence: {a: 1}\nnotes: x\nweights: [1]\n", "{}\n"]
    artifacts = [load_artifact_bytes(f"artifacts/odd{i}.yaml", text.encode(), Limits()) for i, text in enumerate(odd)]
    repo = build_repository(session.root, session.config, session.policy)
    for artifact in [*repo.artifacts, *artifacts]:
        for member in members:
            assert member(artifact, repo) == member.custom.check_artifact(artifact, repo), (member.code, artifact.path)
