"""The vocabulary of rule files (`custom/checks.py`, `custom/value_checks.py`): paths, checks,
`when`, messages, positions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from artifact_lint.custom.checks import MISSING, SpecError, Template, parse_field, resolve, show
from artifact_lint.custom.value_checks import make_test
from artifact_lint.custom.rule_files import parse_rule_file
from artifact_lint.model.config import Config
from artifact_lint.model.findings import Problem
from artifact_lint.model.load import load_artifact_bytes
from artifact_lint.model.policy import load_policy
from artifact_lint.model.repository import Repository
from artifact_lint.sources.loader import Limits

POLICY = load_policy(None)


def rule(then: str, *, given_: str = "artifact", when: str = "", code: str = "QA001") -> Any:
    text = f"rules:\n  {code}:\n    name: test-rule\n    summary: A test.\n    given: {given_}\n"
    if when:
        text += f"    when: {when}\n"
    text += "    then:\n" + "".join(f"      - {line}\n" for line in then.strip().splitlines())
    [compiled] = parse_rule_file(text.encode(), "rules/test.yaml")
    return compiled


def problems(compiled: Any, artifact: str, path: str = "artifacts/demo.yaml") -> list[Problem]:
    loaded = load_artifact_bytes(path, artifact.encode(), Limits())
    repo = Repository(Path("."), Config(), POLICY)
    return list(compiled.check(loaded, repo))


def fails(then: str, artifact: str, **options: Any) -> list[str]:
    return [p.message for p in problems(rule(then, **options), artifact)]


# --- fields ----------------------------------------------------------------------------------


def test_field_paths() -> None:
    assert parse_field("weights.license") == ("weights", "license")
    assert parse_field("blockers.*.unblock") == ("blockers", "*", "unblock")
    assert parse_field("evidence.0.value") == ("evidence", 0, "value")
    for bad in ("", "a..b", ".a", "a.", "a b.", "a.*x", " a"):
        with pytest.raises(SpecError):
            parse_field(bad)


def test_resolve_fans_out_over_lists_and_says_where_a_path_goes_missing() -> None:
    data = {"blockers": [{"unblock": "Add"}, {}, "not a row"], "weights": {"location": "x"}}
    assert list(resolve(data, ("blockers", "*", "unblock"))) == [
        (("blockers", 0, "unblock"), "Add", None),
        (("blockers", 1, "unblock"), MISSING, ("blockers", 1, "unblock")),
        (("blockers", 2, "unblock"), MISSING, ("blockers", 2, "unblock")),
    ]
    assert list(resolve(data, ("package", "name"))) == [(("package", "name"), MISSING, ("package",))]
    assert list(resolve(data, ("evidence", "*", "value"))) == []
    assert list(resolve({"results": {"a": 1, "b": 2}}, ("results", "*"))) == [
        (("results", "a"), 1, None), (("results", "b"), 2, None)]


# --- each check --------------------------------------------------------------------------------


def test_required_fails_absent_null_and_blank_values() -> None:
    then = "{field: weights.license, check: required}"
    assert fails(then, "weights: {license: mit}") == []
    assert fails(then, "weights: {license: ' '}") == ["`weights.license` is empty; give it a value"]
    assert fails(then, "weights: {license: null}") == ["`weights.license` is null; give it a value"]
    assert fails(then, "weights: {location: x}") == ["`weights.license` is missing; add it"]
    assert fails(then, "id: x") == ["`weights.license` is missing; add it"]


def test_absent_points_at_the_key() -> None:
    [problem] = problems(rule("{field: package, check: absent}"), "id: x\npackage: specialists/x\n")
    assert problem.message == "`package` is present (`specialists/x`); remove it"
    assert (problem.position.line, problem.position.column) == (2, 1)
    assert fails("{field: package, check: absent}", "package: null") == []


def test_pattern_and_not_pattern() -> None:
    assert fails("{field: id, check: pattern, value: '^[a-z]+$'}", "id: demo") == []
    assert fails("{field: id, check: pattern, value: '^[a-z]+$'}", "id: Demo") == [
        "`id` `Demo` does not match `^[a-z]+$`; write a value that does"]
    assert fails("{field: summary, check: not-pattern, value: '(?i)sota'}", "summary: A SOTA model.") == [
        "`summary` says `SOTA` (matches `(?i)sota`); reword it"]
    # numbers are read as written; lists say nothing (they fail `pattern` only)
    assert fails("{field: n, check: pattern, value: '^1'}", "n: 120") == []
    assert fails("{field: notes, check: not-pattern, value: x}", "notes: [x]") == []
    assert fails("{field: notes, check: pattern, value: x}", "notes: [x]") == [
        "`notes` is a list, not text; point the rule at its items with `*`"]
    assert fails("{field: notes.*, check: not-pattern, value: x}", "notes: [a, x]") == [
        "`notes[1]` says `x` (matches `x`); reword it"]


def test_absent_and_null_values_pass_every_check_but_required_and_absent() -> None:
    for then in ("{field: x, check: pattern, value: y}", "{field: x, check: enum, value: [a]}",
                 "{field: x, check: min, value: 1}", "{field: x, check: max-length, value: 1}",
                 "{field: x, check: min-items, value: 1}", "{field: x, check: policy-state}"):
        assert fails(then, "id: a") == [] and fails(then, "x: null") == [], then


def test_enum_compares_by_kind_and_suggests() -> None:
    then = "{field: license, check: enum, value: [mit, apache-2.0, 1]}"
    assert fails(then, "license: mit") == [] and fails(then, "license: 1") == []
    assert fails(then, "license: true") == ["`license` is `true`; expected one of `mit`, `apache-2.0`, `1`"]
    assert fails(then, "license: Apache-2.0")[0].endswith("did you mean `apache-2.0`?")
    assert fails("{field: license, check: in, value: [mit]}", "license: gpl") != []


@pytest.mark.parametrize(("bound", "value", "ok"), [
    ("0.5", "0.58", True), ("0.5", '"58%"', True), ('"58%"', "0.58", True), ('"58%"', '"57.9%"', False),
    ("0.6", '"58%"', False), ("0.5", '"51-60%"', True), ("0.55", '"51-60%"', False), ("0.5", "n/a", False),
    ("0.5", "true", False), ("10", "12", True),
])
def test_min_reads_numbers_as_the_artifact_format_does(bound: str, value: str, ok: bool) -> None:
    result = fails(f"{{field: v, check: min, value: {bound}}}", f"v: {value}")
    assert (result == []) is ok, result


def test_max_and_its_messages() -> None:
    assert fails("{field: v, check: max, value: '90%'}", "v: 0.95") == [
        "`v` is `0.95`, above the maximum 90%"]
    assert fails("{field: v, check: max, value: 1}", "v: fast") == [
        "`v` is `fast`, not a number; write a number such as 0.58 or \"58%\""]


def test_lengths_and_items() -> None:
    assert fails("{field: t, check: max-length, value: 3}", "t: abcd") == [
        "`t` has 4 characters; at most 3 is expected"]
    assert fails("{field: t, check: min-length, value: 3}", "t: ab") != []
    assert fails("{field: t, check: max-length, value: 3}", "t: [a]") == ["`t` is a list, not text"]
    assert fails("{field: blockers, check: min-items, value: 1}", "blockers: []") == [
        "`blockers` has 0 item(s); at least 1 are expected"]
    assert fails("{field: blockers, check: max-items, value: 1}", "blockers: [a, b]") != []
    assert fails("{field: blockers, check: min-items, value: 1}", "blockers: x") == ["`blockers` is text, not a list"]


def test_one_of() -> None:
    then = "{field: weights, check: one-of, value: [location, url]}"
    assert fails(then, "weights: {location: x}") == []
    assert fails(then, "id: x") == []  # no mapping to choose in
    assert fails(then, "weights: {format: x}") == ["none of `location`, `url` is given in `weights`; give exactly one"]
    [problem] = problems(rule(then), "weights:\n  location: x\n  url: y\n")
    assert problem.message == "`location` and `url` are all given in `weights`; keep exactly one"
    assert (problem.position.line, problem.field) == (3, "weights.url")
    assert fails("{check: one-of, value: [package, website]}", "package: a\nwebsite: b") != []


def test_policy_state_and_label() -> None:
    assert fails("{field: state, check: policy-state}", "state: parked") == []
    assert fails("{field: state, check: policy-state}", "state: parkd") == [
        "`state` `parkd` is not a state of the policy; did you mean `parked`?"]
    assert fails("{field: label, check: policy-label}", "label: Direct", given_="competition") == []
    then = "{field: label, check: policy-label}"
    assert fails(then, "competition: [{label: direct}]", given_="competition") != []


# --- when ----------------------------------------------------------------------------------------


def test_when_conditions_must_all_hold_and_absent_fields_do_not_hold() -> None:
    then = "{field: weights.license, check: required}"
    when = "{state: {in: [release-ready-weights]}, package: required}"
    assert fails(then, "state: release-ready-weights\npackage: p", when=when) != []
    assert fails(then, "state: release-ready-weights", when=when) == []
    assert fails(then, "package: p", when=when) == []  # no state: `in` does not hold
    assert fails(then, "state: parked\npackage: p", when=when) == []
    assert fails(then, "id: x", when="{package: absent}") != []
    assert fails(then, "id: x", when="{state: policy-state}") == []
    assert fails(then, "state: parked", when="{state: policy-state}") != []
    assert fails(then, "v: 0.9", when="{v: {min: '80%'}}") != []


# --- rows ----------------------------------------------------------------------------------------


def test_given_rows_checks_each_mapping_row_under_its_when() -> None:
    artifact = ("competition:\n  - {system: A, label: Direct}\n  - {system: B, label: Directional}\n"
                "  - not a row\n")
    compiled = rule("{field: gate, check: required}", given_="competition", when="{label: {enum: [Direct]}}")
    [problem] = problems(compiled, artifact)
    assert problem.field == "competition[0].gate"
    assert (problem.position.line, problem.position.column) == (2, 5)  # the row that lacks it
    assert problem.artifact is None  # the artifact has no id


# --- messages --------------------------------------------------------------------------------------


def test_messages_fill_placeholders_and_keep_escaped_braces() -> None:
    then = "{field: license, check: required, message: '{id} {{needs}} `{field}` ({code}, was {value})'}"
    assert fails(then, "id: demo") == ["demo {needs} `license` (QA001, was absent)"]
    assert fails(then, "id: demo\nlicense: ''") == ["demo {needs} `license` (QA001, was )"]


@pytest.mark.parametrize("text", ["{value.__class__}", "{0}", "{name}", "a } b", "{value!r}", "{"])
def test_a_message_names_only_the_four_placeholders(text: str) -> None:
    with pytest.raises(SpecError):
        Template(text)


@given(st.text(alphabet="{}ab", max_size=20) | st.text(st.characters(blacklist_categories=("Co", "Cs")), max_size=20))
def test_a_template_is_its_text_with_the_placeholders_filled(text: str) -> None:
    try:
        template = Template(text)
    except SpecError:
        return
    expected = text.replace("{{", "\ue000").replace("}}", "\ue001")
    for name in ("id", "field", "value", "code"):
        expected = expected.replace("{" + name + "}", name.upper())
    assert "{" not in expected and "}" not in expected
    assert template.fill({"id": "ID", "field": "FIELD", "value": "VALUE", "code": "CODE"}) == (
        expected.replace("\ue000", "{").replace("\ue001", "}"))


def test_show_keeps_values_short_and_on_one_line() -> None:
    assert show("a\nb") == "a b"
    assert show("x" * 100).endswith("\u2026") and len(show("x" * 100)) == 60
    assert show({"a": [1]}) == '{"a": [1]}'
    assert show(MISSING) == "absent"


# --- building tests -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("check", "value", "error"), [
    ("required", "x", "takes no `value`"), ("pattern", None, "needs a `value`"), ("pattern", 3, "regular expression"),
    ("pattern", "(a+)+$", "repeat inside a repeat"), ("pattern", "[", "not a regular expression"),
    ("enum", [], "non-empty list"), ("enum", [[1]], "strings, numbers"), ("min", "fast", "needs a number"),
    ("min", True, "needs a number"), ("max-length", -1, "whole number"), ("max-items", 1.5, "whole number"),
    ("one-of", ["a", "b"], "not a check"),
])
def test_make_test_refuses_values_that_do_not_fit(check: str, value: object, error: str) -> None:
    with pytest.raises(SpecError, match=error.replace("(", r"\(").replace(")", r"\)")):
        make_test(check, value)
