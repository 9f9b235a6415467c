"""The machine-readable reports: SARIF, GitHub workflow commands, JUnit XML, Markdown summary."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from conftest import build_fixture_repo, shared_dir

from artifact_lint.engine.lint import Result
from artifact_lint.engine.rule_set import load_rules
from artifact_lint.engine.session import check
from artifact_lint.model.findings import Finding, Fix, Severity, content_key
from artifact_lint.reporters import FORMATS, github_report, markdown_report, render, sarif_report

RULES = load_rules()
GEMMA = "artifacts/gemma-2b-invoice-fields.yaml"


def finding(**changes: object) -> Finding:
    base = dict(code="AL201", name="invalid-label", severity=Severity.ERROR, path=GEMMA, line=22,
                column=12, message="label `direct` is not a policy label; write `Direct`",
                field="competition[0].label", artifact="gemma-2b-invoice-fields", value="direct")
    base.update(changes)
    return Finding(**base)  # type: ignore[arg-type]


def output(fmt: str, result: Result, rules: list | None = None, **options: Any) -> str:
    stream = io.StringIO()
    render(fmt, result, RULES if rules is None else rules, stream, color="never", **options)
    return stream.getvalue()


def _repo_with_findings(tmp_path: Path) -> Path:
    """The base repository with two AL201 findings in the Gemma artifact."""
    root = build_fixture_repo(tmp_path)
    path = root / GEMMA
    text = path.read_text()
    assert "label: Direct\n" in text and "label: Directional\n" in text
    path.write_text(text.replace("label: Direct\n", "label: direct\n", 1)
                    .replace("label: Directional\n", "label: not-Directional\n", 1))
    return root


@pytest.fixture
def linted(tmp_path: Path) -> tuple[Path, Result]:
    root = _repo_with_findings(tmp_path)
    result = check(root)
    assert any(f.code == "AL201" for f in result.findings)
    return root, result


def _mixed_result() -> Result:
    """Constructed findings covering every severity, an end position, a fix and a suppression."""
    return Result(
        findings=[
            finding(end_line=22, end_column=18, fix=Fix("Direct", True, "write `Direct`")),
            finding(code="AL004", name="unknown-field", severity=Severity.WARNING, line=3, column=1,
                    message="unknown field `lable`", field="lable", value={"b": 1, "a": [1, 2]}),
            finding(code="AL506", name="missing-performance", severity=Severity.INFO, line=1, column=1,
                    message="no performance numbers", field=None, value=None),
        ],
        files=3,
        suppressed=[finding(code="AL405", name="orphan-package", severity=Severity.WARNING,
                            path="specialists/x/decision.json", line=1, column=1,
                            message="no artifact references the package", field=None, value=None)],
    )


# --------------------------------------------------------------------------- registration


def test_every_format_is_registered_and_renders(linted: tuple[Path, Result]) -> None:
    from artifact_lint.reporters import describe

    _, result = linted
    modules = Path(render.__code__.co_filename).parent.glob("*_report.py")
    assert set(FORMATS) == {module.name.removesuffix("_report.py") for module in modules}
    assert FORMATS[0] == "table"  # the default first
    for fmt in FORMATS:
        assert output(fmt, result).strip(), fmt
        assert describe(fmt).startswith(f"`--format {fmt}`"), fmt


# --------------------------------------------------------------------------- SARIF


def _sarif(result: Result, rules: list | None = None) -> dict:
    return json.loads(output("sarif", result, rules))


def test_sarif_shape(linted: tuple[Path, Result]) -> None:
    _, result = linted
    log = _sarif(result)
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-schema-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "artifact-lint" and driver["version"]
    assert [r["id"] for r in driver["rules"]] == [r.code for r in RULES]
    for descriptor, rule in zip(driver["rules"], RULES, strict=True):
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["fullDescription"]["text"]
        assert descriptor["help"]["text"] and rule.doc.splitlines()[0] in descriptor["help"]["markdown"]
        assert descriptor["defaultConfiguration"]["level"] == {
            "error": "error", "warning": "warning", "info": "note"}[rule.severity.value]
        assert descriptor["properties"]["tags"]
    assert "%SRCROOT%" in run["originalUriBaseIds"]
    assert len(run["results"]) == len(result.findings) + len(result.suppressed)
    for res, f in zip(run["results"][:len(result.findings)], result.findings, strict=True):
        assert res["ruleId"] == f.code
        assert driver["rules"][res["ruleIndex"]]["id"] == f.code
        assert res["level"] == "error" and res["message"]["text"] == f.message
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"] == {"uri": f.path, "uriBaseId": "%SRCROOT%"}
        assert not loc["artifactLocation"]["uri"].startswith("/") and "\\" not in loc["artifactLocation"]["uri"]
        assert loc["region"]["startLine"] == f.line and loc["region"]["startColumn"] == f.column
        assert res["partialFingerprints"]["artifactLint/v1"]
        assert "suppressions" not in res


def test_sarif_regions_levels_and_suppressions() -> None:
    result = _mixed_result()
    runs = _sarif(result)["runs"][0]
    results = runs["results"]
    assert [r["level"] for r in results] == ["error", "warning", "note", "warning"]
    assert results[0]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 22, "startColumn": 12, "endLine": 22, "endColumn": 18}
    assert "endLine" not in results[1]["locations"][0]["physicalLocation"]["region"]
    assert results[0]["properties"]["fix"]["safe"] is True
    assert results[3]["suppressions"][0]["kind"] == "external"
    assert "suppressions" not in results[0]


def test_sarif_uses_every_rule_even_without_rule_list() -> None:
    runs = _sarif(_mixed_result(), rules=[])["runs"][0]
    assert [r["id"] for r in runs["tool"]["driver"]["rules"]] == [r.code for r in RULES]


def _validator():  # type: ignore[no-untyped-def]
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((shared_dir() / "schemas" / "sarif-schema-2.1.0.json").read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def test_sarif_validates_against_the_schema(linted: tuple[Path, Result]) -> None:
    validator = _validator()
    _, result = linted
    for candidate in (result, _mixed_result(), Result()):
        errors = sorted(validator.iter_errors(_sarif(candidate)), key=lambda e: list(e.path))
        assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def _prints(result: Result) -> dict[tuple[str, str | None], str]:
    log = _sarif(result)
    return {(r["ruleId"], f.field): r["partialFingerprints"]["artifactLint/v1"]
            for r, f in zip(log["runs"][0]["results"][:len(result.findings)], result.findings, strict=True)}


def test_fingerprint_survives_a_moved_line(linted: tuple[Path, Result]) -> None:
    root, before = linted
    path = root / GEMMA
    path.write_text("# a comment\n# and another\n\n" + path.read_text())
    after = check(root)
    lines_before = {(f.code, f.field): f.line for f in before.findings}
    lines_after = {(f.code, f.field): f.line for f in after.findings}
    assert lines_after[("AL201", "competition[0].label")] == lines_before[("AL201", "competition[0].label")] + 3
    assert _prints(before) == _prints(after)
    assert len(set(_prints(after).values())) == len(after.findings)


def test_fingerprint_ignores_position_but_not_content() -> None:
    one = content_key(finding())
    assert content_key(finding(line=99, column=3, end_line=99, end_column=9)) == one
    assert content_key(finding(value="dIrect")) != one
    assert content_key(finding(field="competition[1].label")) != one
    assert content_key(finding(path="artifacts/other.yaml")) != one
    assert content_key(finding(code="AL202")) != one
    # mappings hash the same whatever their key order
    assert (content_key(finding(value={"a": 1, "b": 2}))
            == content_key(finding(value={"b": 2, "a": 1})))
    # identical keys in one run are told apart by an occurrence suffix
    twins = sarif_report.fingerprints([finding(line=1), finding(line=9)])
    assert twins[0].endswith(":1") and twins[1].endswith(":2") and twins[0][:-2] == twins[1][:-2]


# --------------------------------------------------------------------------- GitHub


def test_github_escapes_data_and_properties() -> None:
    assert github_report.escape_data("100% a\r\nb:c,d") == "100%25 a%0D%0Ab:c,d"
    assert github_report.escape_property("100% a\r\nb:c,d") == "100%25 a%0D%0Ab%3Ac%2Cd"
    # `%` first, so an input that already looks escaped is not decoded by GitHub
    assert github_report.escape_data("%0A") == "%250A"


def test_github_annotation_line() -> None:
    f = finding(path="artifacts/we:ird,name%.yaml", line=5, column=7,
                message="50% off\r\nsecond line: a, b")
    text = output("github", Result(findings=[f], files=1))
    assert text == ("::error file=artifacts/we%3Aird%2Cname%25.yaml,line=5,col=7,"
                    "title=artifact-lint AL201::50%25 off%0D%0Asecond line: a, b\n")
    assert text.count("\n") == 1
    levels = output("github", _mixed_result()).splitlines()
    assert [line.split(" ", 1)[0] for line in levels] == ["::error", "::warning", "::notice"]


# --------------------------------------------------------------------------- JUnit


def test_junit_is_read_by_junitparser() -> None:
    junitparser = pytest.importorskip("junitparser")
    result = _mixed_result()
    text = output("junit", result)
    xml = junitparser.JUnitXml.fromstring(text)
    suites = list(xml) if isinstance(xml, junitparser.JUnitXml) else [xml]
    (suite,) = suites
    assert suite.name == "artifact-lint"
    assert (suite.tests, suite.failures, suite.errors, suite.skipped) == (4, 3, 0, 1)
    cases = list(suite)
    assert [c.classname for c in cases] == [f.path for f in result.findings + result.suppressed]
    first = cases[0]
    assert first.name == "AL201 invalid-label (22:12)"
    (failure,) = first.result
    assert isinstance(failure, junitparser.Failure)
    assert failure.type == "AL201"
    assert GEMMA + ":22:12" in failure.message
    assert "field: competition[0].label" in failure.text and "label `direct`" in failure.text
    assert cases[3].is_skipped and all(c.is_failure for c in cases[:3])


def test_junit_escapes_markup_and_control_characters() -> None:
    nasty = 'a <b> & "c" \'d\' ]]> \x00\x07\x1b[31m\x0b \ud800 end'
    f = finding(message=nasty, path="artifacts/<x>&.yaml", field="k\x01")
    text = output("junit", Result(findings=[f], files=1))
    root = ET.fromstring(text.encode("utf-8"))  # well-formed XML 1.0
    case = root.find("testsuite/testcase")
    assert case is not None and case.get("classname") == "artifacts/<x>&.yaml"
    failure = case.find("failure")
    assert failure is not None
    message = failure.get("message") or ""
    assert 'a <b> & "c" \'d\' ]]>' in message
    assert "\\u0000" in message and "\\u001b" in message and "\\ud800" in message
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", message + (failure.text or ""))


def test_junit_without_findings_has_one_passing_case() -> None:
    text = output("junit", Result(files=3))
    root = ET.fromstring(text)
    suite = root.find("testsuite")
    assert suite is not None
    counts = (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped"))
    assert counts == ("1", "0", "0", "0")
    cases = suite.findall("testcase")
    assert len(cases) == 1 and list(cases[0]) == []


def test_junit_from_a_linted_repository(linted: tuple[Path, Result]) -> None:
    _, result = linted
    root = ET.fromstring(output("junit", result))
    suite = root.find("testsuite")
    assert suite is not None and suite.get("failures") == str(len(result.findings))
    assert {c.get("classname") for c in suite.iter("testcase")} >= {GEMMA}


# --------------------------------------------------------------------------- Markdown


def _unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def test_markdown_summary_and_table(linted: tuple[Path, Result]) -> None:
    _, result = linted
    text = output("markdown", result)
    assert text.startswith("## artifact-lint\n")
    assert f"{result.count(Severity.ERROR)} error" in text and "suppressed" in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and "AL201" in line]
    assert len(rows) == sum(1 for f in result.findings if f.code == "AL201")
    assert f"{GEMMA}:" in rows[0]


def test_markdown_escapes_cells() -> None:
    f = finding(message="a | b\nc\r\nd <script>alert(1)</script> *x* [l](u) & `co|de`")
    text = output("markdown", Result(findings=[f], files=1))
    (row,) = [line for line in text.splitlines() if "AL201" in line]
    assert _unescaped_pipes(row) == 5  # four cells
    assert "<script>" not in text and "&lt;script&gt;" in row
    assert "c<br>d" in row and "\\*x\\*" in row and "\\[l\\]" in row and "&amp;" in row
    assert "`co\\|de`" in row  # code spans stay code, with the pipe escaped for the table
    assert markdown_report.cell("x|y\nz") == "x\\|y<br>z"


def test_markdown_counts_and_no_findings() -> None:
    text = output("markdown", _mixed_result())
    assert "| 1 | 1 | 1 | 1 | 3 |" in text
    clean = output("markdown", Result(files=2))
    assert "No findings" in clean and "### Findings" not in clean


def test_markdown_is_capped_with_20000_findings() -> None:
    many = [finding(line=i, message=f"problem number {i} | with a pipe\nand a line break " + "x" * 80)
            for i in range(1, 20_001)]
    text = output("markdown", Result(findings=many, files=1))
    size = len(text.encode("utf-8"))
    assert size < 256 * 1024 < 1024 * 1024
    shown = sum(1 for line in text.splitlines() if line.startswith("| :x: error"))
    assert 0 < shown < 20_000
    match = re.search(r"(\d+) more findings not shown", text)
    assert match and int(match.group(1)) == 20_000 - shown


# --------------------------------------------------------------------------- table


def _table_result() -> Result:
    return Result(findings=[
        finding(path="artifacts/gemma.yaml"),
        finding(path="artifacts/gemma.yaml", code="AL004", name="unknown-field", severity=Severity.WARNING, line=3,
                column=1, message="unknown field", field=None),
        finding(path="artifacts/z.yaml", code="AL506", name="missing-performance", severity=Severity.INFO, line=1,
                column=1, message="no performance numbers", field=None),
    ], files=2)


def test_table_puts_each_location_first_and_wraps_the_message_under_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    text = output("table", _table_result())
    lines = text.splitlines()
    assert lines[0] == "artifacts/gemma.yaml:22:12: AL201 [error]"  # the field does not fit: it leads the message
    assert lines[1] == "    competition[0].label: label `direct` is not a policy"
    assert lines[2] == "    label; write `Direct`"
    assert lines[3] == "artifacts/gemma.yaml:3:1: AL004 [warning]"  # no field: nothing after the severity
    assert lines[5] == "artifacts/z.yaml:1:1: AL506 [info]"
    assert lines[-1] == "1 error, 1 warning, 1 info in 2 files (0 suppressed)"
    assert all(len(line) <= 60 for line in lines)


def test_table_keeps_the_field_on_the_location_line_when_it_fits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    lines = output("table", _table_result()).splitlines()
    assert lines[0] == "artifacts/gemma.yaml:22:12: AL201 [error] competition[0].label"
    assert lines[1] == "    label `direct` is not a policy label; write `Direct`"


def test_table_wraps_long_messages_at_narrow_widths(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    long = finding(message="word " * 40 + "x" * 70)
    lines = output("table", Result(findings=[long], files=1)).splitlines()
    body = [line for line in lines[1:-1]]
    assert len(body) > 3 and all(line.startswith("    ") and len(line) <= 40 for line in body)
    assert "".join(line.strip() for line in body).endswith("x" * 70)  # a long word is folded, not lost


def test_table_sums_up_by_file_when_many_files_have_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    many = [finding(path=f"artifacts/a{i:02}.yaml") for i in range(12)] + [finding(path="artifacts/a03.yaml")]
    text = output("table", Result(findings=sorted(many, key=lambda f: f.sort_key), files=12))
    assert "Findings by file:" in text
    summary = text.split("Findings by file:")[1].splitlines()
    assert summary[1] == "  artifacts/a03.yaml: 2 errors"  # most findings first
    few = output("table", _table_result())
    assert "Findings by file:" not in few


def test_table_shows_suppressed_findings_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    result = Result(findings=[], suppressed=[finding()], files=1)
    assert "AL201 [suppressed]" in output("table", result, show_suppressed=True)
    assert "AL201" not in output("table", result)


def test_table_colours_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    from artifact_lint.reporters import render

    monkeypatch.setenv("COLUMNS", "80")
    for color, coloured in (("always", True), ("never", False)):
        stream = io.StringIO()
        render("table", _table_result(), [], stream, color=color)
        assert ("\x1b[" in stream.getvalue()) is coloured
