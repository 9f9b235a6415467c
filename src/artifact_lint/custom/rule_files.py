"""Rule files (`rules/*.yaml`): read, validated and compiled into rules.

A rule file is YAML read with the same safe loader as artifacts (`loader.load_text`),
validated by the pydantic models below (whose JSON Schema `artifact-lint schema
--rules` prints), then compiled: fields parsed, checks built (`custom_checks`),
patterns checked (`safe_regex`), messages parsed. Anything wrong is a `RuleFileError`
(exit 2) naming the file, line, column and key: the first problem found, so that the
message is one line.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any, Literal, Union

from pydantic import ConfigDict

from artifact_lint.custom.checks import CHECKS, GIVEN, NEEDS_VALUE, STAR, SpecError, Template, parse_field
from artifact_lint.custom.value_checks import make_test
from artifact_lint.custom.evaluate import Condition, CustomCheck, Item
from artifact_lint.engine.rule_set import CUSTOM_CODE_RE, NAME_RE, Rule
from artifact_lint.errors import ConfigError
from artifact_lint.model.findings import Position, Severity
from artifact_lint.model.formats import _Strict, optional, required
from artifact_lint.model.validation import validate
from artifact_lint.sources.loader import Document, Limits, LoadError, PathKey, field_path, load_text

SCHEMA_ID = "artifact-lint/rules.schema.json"

CheckName = Literal["required", "absent", "pattern", "not-pattern", "enum", "in", "min", "max", "min-length",
                    "max-length", "min-items", "max-items", "one-of", "policy-state", "policy-label"]
GivenName = Literal["artifact", "evidence", "competition", "blockers", "claims", "datasets", "decision"]
assert set(CheckName.__args__) == set(CHECKS) and set(GivenName.__args__) == set(GIVEN)  # type: ignore[attr-defined]


class RuleFileError(ConfigError):
    """A rule file that cannot be used (exit 2)."""


class Examples(_Strict):
    fail: str | None = optional("An artifact (for `given: decision`, a decision record) the rule must report;"
                                " `artifact-lint rules --verify` checks it and `explain` shows it.")
    pass_: str | None = optional("The same, corrected: the rule must report nothing.", alias="pass")


class ThenItem(_Strict):
    field: str | None = optional("A dotted path relative to `given` (`weights.license`); `*` stands for every"
                                 " item of a list (`blockers.*.unblock`). For `one-of`, the mapping holding the"
                                 " fields (default: `given` itself).")
    check: CheckName | None = required(
        "required | absent | pattern | not-pattern | enum (or in) | min | max | min-length | max-length |"
        " min-items | max-items | one-of | policy-state | policy-label.")
    value: Any = optional("What the check compares with: a regular expression (pattern, not-pattern), a list"
                          " (enum; for one-of, the fields of which exactly one is given), a number (min and max"
                          " read \"58%\" as 0.58), a whole number (lengths, items); none for the others.")
    message: str | None = optional("The finding's message; placeholders {id}, {field}, {value}, {code}.")


WhenCheck = Union[CheckName, dict[str, Any]]


class RuleSpec(_Strict):
    name: str | None = required("The rule's name: kebab-case, unique (`weights-need-license`).")
    severity: Literal["error", "warning", "info"] | None = optional("error (the default), warning or info.")
    summary: str | None = required("One sentence: what a finding means.")
    why: str | None = optional("Why it matters; `artifact-lint explain CODE` shows it.")
    given: GivenName | None = optional(
        "What one check looks at: `artifact` (the default), each row of `evidence`, `competition`,"
        " `blockers`, `claims` or `datasets`, or each package's `decision` record.")
    when: dict[str, WhenCheck] | None = optional(
        "Conditions, all of which must hold, keyed by field: `{state: {in: [release-ready-weights]}}`,"
        " `{package: required}`.")
    then: list[ThenItem] | None = required("The checks; each failure is one finding.")
    examples: Examples | None = optional("A failing and a passing example (YAML text).")


class RuleFile(_Strict):
    """A rule file: `rules/<name>.yaml`."""

    model_config = ConfigDict(title="artifact-lint rule file")

    rules: dict[str, RuleSpec] | None = required(
        "The rules, by code: one to four capital letters other than AL, then three digits (`HX001`).")


def rules_schema() -> dict[str, Any]:
    """The JSON Schema of a rule file (for editors: `artifact-lint schema --rules`)."""
    from artifact_lint.model.schema import _tighten

    schema = RuleFile.model_json_schema(by_alias=True)
    _tighten(schema)
    rules = schema["properties"]["rules"]
    rules["propertyNames"] = {"pattern": CUSTOM_CODE_RE.pattern}
    schema["$defs"]["RuleSpec"]["properties"]["name"]["pattern"] = NAME_RE.pattern
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


# --- reading ----------------------------------------------------------------------------


class _File:
    """A rule file being compiled: where each key and value stands, for messages."""

    def __init__(self, shown: str, document: Document) -> None:
        self.shown = shown
        self.document = document

    def error(self, path: PathKey, message: str, *, key: bool = False, named: bool = False) -> RuleFileError:
        """An error at the key (`key`) or value at `path`; the message starts with the key's
        path unless it names it already (`named`)."""
        positions = self.document.positions
        at = positions.key(path) if key and path and isinstance(path[-1], str) else positions.value(path)
        where = f"`{field_path(path)}`: " if path and not named else ""
        return RuleFileError(f"{self.shown}:{at.line}:{at.column}: invalid rule file: {where}{message}")

    def has(self, path: PathKey) -> bool:
        return self.document.positions.has(path)

    def line(self, path: PathKey) -> int:
        return self.document.positions.key(path).line


def read_bytes(path: Path, shown: str, limits: Limits) -> bytes:
    try:
        status = os.stat(path)
        if not stat.S_ISREG(status.st_mode):
            raise RuleFileError(f"{shown}: a rule file must be a regular file")
        if status.st_size > limits.max_file_size:
            raise RuleFileError(f"{shown}: the rule file is {status.st_size} bytes, over `max-file-size`"
                                f" ({limits.max_file_size} bytes)")
        return path.read_bytes()
    except OSError as exc:
        raise RuleFileError(f"{shown}: cannot read the rule file: {exc.strerror or exc}") from None


def parse_rule_file(raw: bytes, shown: str, limits: Limits = Limits()) -> list[Rule]:
    """The rules of one rule file's bytes; a `RuleFileError` at the first problem."""
    document = load_text(raw, ".yaml", limits)
    if isinstance(document, LoadError):
        at = document.position
        raise RuleFileError(f"{shown}:{at.line}:{at.column}: invalid rule file: {document.message}")
    file = _File(shown, document)
    validated = validate(RuleFile, document.data)
    if validated.issues:
        issue = validated.issues[0]
        if issue.kind == "missing":
            parent = issue.path[:-1]
            at = document.positions.key(parent) if parent else Position(1, 1)
            raise RuleFileError(f"{shown}:{at.line}:{at.column}: invalid rule file: {issue.message}")
        raise file.error(issue.path, issue.message, key=issue.kind == "unknown", named=True)
    model = validated.model
    assert model is not None and model.rules is not None
    if not model.rules:
        return []
    names: dict[str, str] = {}
    compiled = []
    for code, spec in model.rules.items():
        rule = _compile(file, code, spec, document.data["rules"][code])
        if rule.name in names:
            raise file.error(("rules", code, "name"), f"the name `{rule.name}` is already the name of"
                             f" {names[rule.name]}; names are unique")
        names[rule.name] = code
        compiled.append(rule)
    return compiled


def _compile(file: _File, code: str, spec: RuleSpec, raw: dict[str, Any]) -> Rule:
    where: PathKey = ("rules", code)
    if not CUSTOM_CODE_RE.match(code):
        hint = " (AL codes are artifact-lint's own)" if code.upper().startswith("AL") else ""
        raise file.error(where, f"`{code}` is not a rule code: one to four capital letters other than AL,"
                         f" then three digits, as in `HX001`{hint}", key=True)
    for key in ("name", "summary", "then"):  # (validation does not look inside the `rules` mapping)
        value = getattr(spec, key)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise file.error(where, f"required field `{key}` is missing or empty; add `{field_path((*where, key))}`",
                             key=True, named=True)
    assert spec.name is not None and spec.summary is not None and spec.then is not None
    if not NAME_RE.match(spec.name):
        raise file.error((*where, "name"), f"`{spec.name}` is not a kebab-case name (`weights-need-license`)")
    if not spec.then:
        raise file.error((*where, "then"), "list at least one check")
    given = spec.given or "artifact"
    conditions = [_condition(file, (*where, "when", key), key, value, given)
                  for key, value in (spec.when or {}).items()]
    items = [_item(file, (*where, "then", index), item, raw["then"][index])
             for index, item in enumerate(spec.then)]
    check = CustomCheck(code, given, conditions, items)
    if spec.examples is not None:
        check.examples = (spec.examples.fail, spec.examples.pass_)
    return Rule(code=code, name=spec.name, severity=Severity(spec.severity or "error"), scope=check.scope,
                summary=" ".join(spec.summary.split()), doc=_doc(file, code, spec, check), fix=None,
                check=check, source=file.shown,
                reads=() if check.scope == "repository" else None)  # decision rules read no artifact


def _condition(file: _File, where: PathKey, key: str, value: Any, given: str) -> Condition:
    try:
        parts = parse_field(key)
    except SpecError as exc:
        raise file.error(where, str(exc), key=True) from None
    if STAR in parts:
        raise file.error(where, "a `when` field cannot hold `*`; to check rows, use `given:` with the row list",
                         key=True)
    if isinstance(value, str):
        checks = {value: None}
    elif isinstance(value, dict) and value:
        checks = value
    else:
        raise file.error(where, "write a check (`required`) or a mapping of one check to its value"
                         " (`{in: [blocked, parked]}`)")
    if len(checks) != 1:
        raise file.error(where, "one check per field; list the field once more under another spelling,"
                         " or split the rule")
    (check, argument), = checks.items()
    location = (*where, check) if isinstance(value, dict) else where
    if check not in CHECKS or check == "one-of":
        from artifact_lint.suggest import did_you_mean

        choices = [c for c in CHECKS if c != "one-of"]
        raise file.error(location, f"`{check}` is not a check{did_you_mean(str(check), choices)}",
                         key=isinstance(value, dict))
    try:
        test = make_test(check, argument)
    except SpecError as exc:
        raise file.error(location, str(exc)) from None
    return Condition(parts, test)


def _item(file: _File, where: PathKey, item: ThenItem, raw: dict[str, Any]) -> Item:
    check = item.check
    assert check is not None
    if check in NEEDS_VALUE and "value" not in raw:
        raise file.error(where, f"`{check}` needs a `value`", key=False)
    value_at = (*where, "value") if "value" in raw else where
    template = None
    if item.message is not None:
        try:
            template = Template(item.message)
        except SpecError as exc:
            raise file.error((*where, "message"), str(exc)) from None
    parts: tuple[Any, ...] = ()
    if item.field is not None:
        try:
            parts = parse_field(item.field)
        except SpecError as exc:
            raise file.error((*where, "field"), str(exc)) from None
    if check == "one-of":
        value = raw.get("value")
        if not isinstance(value, list) or len(value) < 2 or not all(isinstance(v, str) for v in value):
            raise file.error(value_at, "`one-of` needs a list of at least two fields")
        if STAR in parts:
            raise file.error((*where, "field"), "the mapping of a `one-of` cannot hold `*`; use `given:` rows")
        fields = []
        for index, text in enumerate(value):
            try:
                field = parse_field(text)
            except SpecError as exc:
                raise file.error((*value_at, index), str(exc)) from None
            if STAR in field:
                raise file.error((*value_at, index), "a `one-of` field cannot hold `*`")
            fields.append(field)
        return Item(parts, None, template, tuple(fields), item.field or "")
    if item.field is None:
        raise file.error(where, f"`{check}` needs a `field`: the value it checks")
    try:
        test = make_test(check, raw.get("value"))
    except SpecError as exc:
        raise file.error(value_at, str(exc)) from None
    return Item(parts, test, template, (), item.field)


# --- documentation ------------------------------------------------------------------------

_GIVEN_WORDS = {
    "artifact": "each artifact",
    "decision": "each package's decision record (`decision.json`)",
}


def _doc(file: _File, code: str, spec: RuleSpec, check: CustomCheck) -> str:
    """Markdown in the built-in rules' shape, for `explain` and SARIF's help."""
    given = spec.given or "artifact"
    subject = _GIVEN_WORDS.get(given, f"each row of `{given}`")
    conditions = ""
    if spec.when:
        parts = []
        for key, value in spec.when.items():
            if isinstance(value, str):
                parts.append(f"`{key}` is {value}")
            else:
                (name, argument), = value.items()
                parts.append(f"`{key}` {name} {_inline(argument)}")
        conditions = " where " + " and ".join(parts)
    lines = ["## What it does", f"For {subject}{conditions}:", ""]
    lines += [f"- {text}" for text in check.describe()]
    lines += ["", f"Defined in `{file.shown}` (line {file.line(('rules', code))})."]
    lines += ["", "## Why it matters", " ".join((spec.why or spec.summary or "").split())]
    examples = spec.examples
    if examples is not None and examples.fail:
        lines += ["", "## Example", *_fenced(examples.fail)]
    if examples is not None and examples.pass_:
        lines += ["", "## Use instead", *_fenced(examples.pass_)]
    return "\n".join(lines)


def _fenced(text: str) -> list[str]:
    """A YAML code block whose fence is longer than any run of backticks in `text`."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + "yaml", text.rstrip("\n"), fence]


def _inline(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return f"`{value}`"
