"""Reading rule files (`rule_files.py`): every problem is one line naming file, line, column
and key (exit 2); the schema `artifact-lint schema --rules` prints validates them."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import build_fixture_repo
from test_cli import cli

from artifact_lint.custom.rule_files import RuleFileError, parse_rule_file, rules_schema

ROOT = Path(__file__).resolve().parents[1]

GOOD = """\
rules:
  HX001:
    name: weights-need-license
    summary: A release with public weights names its license.
    when:
      state: {in: [release-ready-weights]}
    then:
      - field: weights.license
        check: required
"""


def error(text: str) -> str:
    with pytest.raises(RuleFileError) as info:
        parse_rule_file(text.encode(), "rules/house.yaml")
    message = str(info.value)
    assert "\n" not in message
    return message


def test_a_good_file_compiles() -> None:
    [rule] = parse_rule_file(GOOD.encode(), "rules/house.yaml")
    assert (rule.code, rule.name, rule.severity.value, rule.scope, rule.source) == (
        "HX001", "weights-need-license", "error", "artifact", "rules/house.yaml")
    assert rule.sections()["What it does"].startswith("For each artifact where `state` in [release-ready-weights]:")


def test_an_empty_rules_mapping_has_no_rules() -> None:
    assert parse_rule_file(b"rules: {}\n", "rules/x.yaml") == []


@pytest.mark.parametrize(("text", "expected"), [
    # malformed YAML, at its line
    (GOOD.replace("    then:\n", "    then: [\n"), "rules/house.yaml:8:"),
    ("rules:\n  HX001: {name: a}\n  HX001: {name: b}\n", "rules/house.yaml:3:3: invalid rule file: duplicate key"),
    ("", "rules/house.yaml:1:1: invalid rule file: the file is empty"),
    # unknown keys, with the nearest known one
    (GOOD.replace("    summary:", "    sumary:"),
     "rules/house.yaml:4:5: invalid rule file: `rules.HX001.sumary` is not a known field; did you mean `summary`?"),
    ("rule:\n  HX001: {}\n",
     "rules/house.yaml:1:1: invalid rule file: `rule` is not a known field; did you mean `rules`?"),
    (GOOD.replace("        check: required", "        check: required\n        flags: i"),
     "rules/house.yaml:10:9: invalid rule file: `rules.HX001.then[0].flags` is not a known field"),
    # values of the wrong kind
    (GOOD.replace("        check: required", "        check: requird"),
     "rules/house.yaml:9:16: invalid rule file: `rules.HX001.then[0].check` is the string `requird`; expected one"),
    (GOOD.replace("    name: weights-need-license\n", "    name: weights-need-license\n    severity: fatal\n"),
     "rules/house.yaml:4:15: invalid rule file: `rules.HX001.severity` is the string `fatal`"),
    (GOOD.replace("    summary:", "    given: rows\n    summary:"),
     "rules/house.yaml:4:12: invalid rule file: `rules.HX001.given` is the string `rows`"),
    ("rules: [HX001]\n", "rules/house.yaml:1:8: invalid rule file: `rules` should be a mapping"),
    # required keys
    (GOOD.replace("    summary: A release with public weights names its license.\n", ""),
     "rules/house.yaml:2:3: invalid rule file: required field `summary` is missing or empty; add"
     " `rules.HX001.summary`"),
    ("rules:\n  HX001: {name: a}\n", "rules/house.yaml:2:3: invalid rule file: required field `summary`"),
    ("rules:\n  HX001:\n    name: x\n    summary: y\n    then: []\n",
     "rules/house.yaml:5:11: invalid rule file: `rules.HX001.then`: list at least one check"),
    # codes and names
    (GOOD.replace("HX001", "AL001"), "rules/house.yaml:2:3: invalid rule file: `rules.AL001`: `AL001` is not a rule"
                                     " code: one to four capital letters other than AL, then three digits, as in"
                                     " `HX001` (AL codes are artifact-lint's own)"),
    (GOOD.replace("HX001", "hx001"),
     "rules/house.yaml:2:3: invalid rule file: `rules.hx001`: `hx001` is not a rule code"),
    (GOOD.replace("HX001", "ABCDE001"), "`ABCDE001` is not a rule code"),
    (GOOD.replace("HX001", "HX01"), "`HX01` is not a rule code"),
    (GOOD.replace("HX001", "ALX001"), "(AL codes are artifact-lint's own)"),
    (GOOD.replace("weights-need-license", "Weights License"),
     "rules/house.yaml:3:11: invalid rule file: `rules.HX001.name`: `Weights License` is not a kebab-case name"),
    (GOOD + GOOD.replace("rules:\n", "").replace("HX001", "HX002"),
     "rules/house.yaml:11:11: invalid rule file: `rules.HX002.name`: the name `weights-need-license` is already"
     " the name of HX001"),
    # patterns
    (GOOD.replace("        check: required", "        check: pattern\n        value: '(unclosed'"),
     "rules/house.yaml:10:16: invalid rule file: `rules.HX001.then[0].value`: `(unclosed`: not a regular"
     " expression: missing ), unterminated subpattern at position 0"),
    (GOOD.replace("        check: required", "        check: not-pattern\n        value: '(a+)+$'"),
     "rules/house.yaml:10:16: invalid rule file: `rules.HX001.then[0].value`: `(a+)+$`: a repeat inside a repeat"),
    (GOOD.replace("        check: required", "        check: pattern"),
     "rules/house.yaml:8:9: invalid rule file: `rules.HX001.then[0]`: `pattern` needs a `value`"),
    (GOOD.replace("        check: required", "        check: required\n        value: x"),
     "rules/house.yaml:10:16: invalid rule file: `rules.HX001.then[0].value`: `required` takes no `value`"),
    # fields and messages
    (GOOD.replace("      - field: weights.license\n", "      - "),
     "rules/house.yaml:8:17: invalid rule file: `rules.HX001.then[0]`: `required` needs a `field`"),
    (GOOD.replace("field: weights.license", "field: weights..license"),
     "rules/house.yaml:8:16: invalid rule file: `rules.HX001.then[0].field`: `weights..license` is not a field path"),
    (GOOD.replace("        check: required", "        check: required\n        message: '{valeu}'"),
     "rules/house.yaml:10:18: invalid rule file: `rules.HX001.then[0].message`: `{valeu}` is not a placeholder"),
    # when
    (GOOD.replace("      state: {in: [release-ready-weights]}", "      blockers.*.owner: required"),
     "rules/house.yaml:6:7: invalid rule file: `rules.HX001.when.blockers.*.owner`: a `when` field cannot"
     " hold `*`"),
    (GOOD.replace("{in: [release-ready-weights]}", "{inn: [release-ready-weights]}"),
     "rules/house.yaml:6:15: invalid rule file: `rules.HX001.when.state.inn`: `inn` is not a check;"
     " did you mean `in`?"),
    (GOOD.replace("{in: [release-ready-weights]}", "{in: [a], enum: [b]}"),
     "rules/house.yaml:6:14: invalid rule file: `rules.HX001.when.state`: one check per field"),
    (GOOD.replace("{in: [release-ready-weights]}", "{in: release-ready-weights}"),
     "rules/house.yaml:6:19: invalid rule file: `rules.HX001.when.state.in`: `in` needs a non-empty list"),
    (GOOD.replace("{in: [release-ready-weights]}", "one-of"),
     "rules/house.yaml:6:14: invalid rule file: `rules.HX001.when.state`: `one-of` is not a check"),
    # one-of
    (GOOD.replace("        check: required", "        check: one-of\n        value: [a]"),
     "rules/house.yaml:10:16: invalid rule file: `rules.HX001.then[0].value`: `one-of` needs a list of at least two"),
    (GOOD.replace("        check: required", "        check: one-of\n        value: [a, 'b.*']"),
     "rules/house.yaml:10:20: invalid rule file: `rules.HX001.then[0].value[1]`: a `one-of` field cannot hold `*`"),
])
def test_every_problem_names_file_line_column_and_key(text: str, expected: str) -> None:
    assert expected in error(text)


def test_a_bad_rule_file_is_exit_2_naming_it(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    (root / "rules").mkdir()
    (root / "rules" / "house.yaml").write_text(GOOD.replace("check: required", "check: pattern\n        value: '['"))
    run = cli(root, "check")
    assert run.code == 2
    assert run.stderr == ("artifact-lint: error: rules/house.yaml:10:16: invalid rule file:"
                          " `rules.HX001.then[0].value`: `[`: not a regular expression: unterminated character"
                          " set at position 0\n")


def test_a_rule_file_that_is_a_folder_or_leaves_the_root_is_exit_2(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    (root / "rules").mkdir()
    outside = tmp_path / "outside.yaml"
    outside.write_text(GOOD)
    (root / "rules" / "house.yaml").symlink_to(outside)
    run = cli(root, "check")
    assert run.code == 2 and "rule file `rules/house.yaml` resolves outside the repository root" in run.stderr


# --- the schema ------------------------------------------------------------------------------------


def test_schema_rules_prints_the_rule_file_schema(tmp_path: Path) -> None:
    run = cli(tmp_path, "schema", "--rules")
    assert run.code == 0
    assert json.loads(run.stdout) == rules_schema()


def test_our_rule_files_validate_against_the_schema() -> None:
    validator = jsonschema.Draft202012Validator(rules_schema())
    for path in sorted((ROOT / "rules").glob("*.yaml")):
        if path.name != "policy.yaml":
            validator.validate(yaml.safe_load(path.read_text()))


@pytest.mark.parametrize("text", [
    GOOD.replace("HX001", "AL001"), GOOD.replace("    summary: A release with public weights names its license.\n", ""),
    GOOD.replace("weights-need-license", "Weights"), GOOD.replace("check: required", "check: requird"),
    GOOD.replace("    name:", "    nam:"), "rules: []\n",
])
def test_the_schema_rejects_what_the_reader_rejects(text: str) -> None:
    with pytest.raises(RuleFileError):
        parse_rule_file(text.encode(), "rules/house.yaml")
    assert list(jsonschema.Draft202012Validator(rules_schema()).iter_errors(yaml.safe_load(text)))
