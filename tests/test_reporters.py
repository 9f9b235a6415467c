"""The machine-readable reports: SARIF, GitHub workflow commands, JUnit XML, Markdown summary."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from artifact_lint.engine import Result
from artifact_lint.findings import Finding, Fix, Severity, content_key
from artifact_lint.reporters import FORMATS, render
from artifact_lint.reporters import github_report, markdown_report, sarif_report
from artifact_lint.rule import load_rules
from artifact_lint.session import check
from conftest import build_fixture_repo, shared_dir

RULES = load_rules()
GEMMA = "artifacts/gemma-2b-invoice-fields.yaml"


def finding(**changes: object) -> Finding:
    base = dict(code="AL201", name="invalid-label", severity=Severity.ERROR, path=GEMMA, line=22,
                column=12, message="label `direct` is not a policy label; write `Direct`",
                field="competition[0].label", artifact="gemma-2b-invoice-fields", value="direct")
    base.update(changes)
    return Finding(**base)  # type: ignore[arg-type]


def output(fmt: str, result: Result, rules: list | None = None) -> str:
    stream = io.StringIO()
    render(fmt, result, RULES if rules is None else rules, stream, color="never")
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
    from artifact_lint.cli import OutputFormat

    _, result = linted
    assert {f.value for f in OutputFormat} == set(FORMATS)
    for fmt in FORMATS:
        assert output(fmt, result).strip(), fmt


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


def test_table_shows_what_it_showed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The layout rich's Table gave before the table was drawn directly (issue 15), to the character."""
    monkeypatch.setenv("COLUMNS", "80")
    expected = "\n".join([
        "artifacts/gemma.yaml".ljust(80),
        "┏━━━━━━━━━━┳━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━┓",
        "┃ severity ┃ code  ┃ line:col ┃ field                ┃ message                 ┃",
        "┡━━━━━━━━━━╇━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━┩",
        "│ error    │ AL201 │    22:12 │ competition[0].label │ label `direct` is not a │",
        "│          │       │          │                      │ policy label; write     │",
        "│          │       │          │                      │ `Direct`                │",
        "│ warning  │ AL004 │      3:1 │                      │ unknown field           │",
        "└──────────┴───────┴──────────┴──────────────────────┴─────────────────────────┘",
        "artifacts/z.yaml".ljust(64),
        "┏━━━━━━━━━━┳━━━━━━━┳━━━━━━━━━━┳━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┓",
        "┃ severity ┃ code  ┃ line:col ┃ field ┃ message                ┃",
        "┡━━━━━━━━━━╇━━━━━━━╇━━━━━━━━━━╇━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━┩",
        "│ info     │ AL506 │      1:1 │       │ no performance numbers │",
        "└──────────┴───────┴──────────┴───────┴────────────────────────┘",
        "1 error, 1 warning, 1 info in 2 files (0 suppressed)",
        "",
    ])
    assert output("table", _table_result()) == expected


_WORDS = ["a", "bb", "ccc", "word", "policy", "`direct`", "competition[0].label", "x" * 25, "y" * 61, "é", "café",
          "漢字", "😀", "ab\u00a0cd", "日本語のテキスト", "", ":x:", "[bold]"]


def _random_text(rng) -> str:  # type: ignore[no-untyped-def]
    text = rng.choice([" ", " ", " ", "  ", "   "]).join(rng.choice(_WORDS) for _ in range(rng.randint(0, 14)))
    return ("  " if rng.random() < 0.1 else "") + text + ("   " if rng.random() < 0.1 else "")


def _random_table(rng) -> tuple[str, list[list[str]]]:  # type: ignore[no-untyped-def]
    n = rng.randint(1, 6)
    columns = [[rng.choice(["error", "warning", "info"]) for _ in range(n)],
               [rng.choice(["AL201", "AL1", "AL20199", "ALé"]) for _ in range(n)],
               [f"{rng.randint(1, 10 ** rng.randint(1, 6))}:{rng.randint(1, 300)}" for _ in range(n)],
               [rng.choice(["", "state", "competition[0].label", _random_text(rng)]) for _ in range(n)],
               [_random_text(rng) for _ in range(n)]]
    title = rng.choice(["artifacts/gemma.yaml", "a" * 130, "artifacts/" + _random_text(rng), "café/漢字.yaml"])
    return title, columns


@pytest.mark.parametrize("color", ["never", "always"])
@pytest.mark.parametrize("encoding", ["utf-8", "ascii"])
def test_table_is_laid_out_as_rich_lays_it_out(monkeypatch: pytest.MonkeyPatch, color: str, encoding: str) -> None:
    """The directly drawn table against rich's Table on the same cells: random words (wide
    characters, long words that fold, runs of spaces), widths from narrow to wide, with and
    without colour, on a UTF-8 and an ASCII stream (ASCII box, escaped characters)."""
    import random

    from artifact_lint.reporters import table_report

    class Stream(io.StringIO):
        pass

    Stream.encoding = encoding  # type: ignore[assignment]
    monkeypatch.delenv("NO_COLOR", raising=False)
    drawn = 0
    for seed in range(60):
        rng = random.Random(seed)
        title, columns = _random_table(rng)
        findings = [finding(path=title, severity=Severity(sev), code=code, line=int(where.split(":")[0]),
                            column=int(where.split(":")[1]), field=field or None, message=message)
                    for sev, code, where, field, message in zip(*columns, strict=True)]
        for width in (12, 40, 50, 53, 57, 63, 80, 120, 200):
            monkeypatch.setenv("COLUMNS", str(width))
            out = table_report.console(Stream(), color)
            layout = table_report._Layout.for_console(out)
            assert layout is not None
            cells = table_report._Cells(findings, layout)
            text = layout.table(cells, 0, len(findings))
            if text is None:
                assert width < 57  # too narrow for the headings: rich draws it
                continue
            drawn += 1
            with out.capture() as capture:
                out.print(table_report._rich_table(cells.titles[0], cells.columns))
            assert text == capture.get(), (seed, width, title, columns)
    assert drawn >= 60 * 5


@given(st.text(alphabet="ab .`", max_size=60), st.integers(min_value=1, max_value=24))
@settings(max_examples=3000, deadline=None)
def test_wrap_is_rich_wrap(text: str, width: int) -> None:
    from rich.console import Console
    from rich.text import Text

    from artifact_lint.reporters.table_report import _wrap

    expected = [line.plain for line in Text(text).wrap(Console(width=200), width, justify="left", overflow="fold")]
    assert [line.ljust(width) for line in _wrap(text, width)] == expected


def test_narrow_table_is_drawn_by_rich(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    text = output("table", _table_result())
    assert "AL201" in text and "AL506" in text and "┃ severity ┃" in text and "1 error, 1 warning," in text
    assert max(map(len, text.splitlines())) <= 40


def test_table_shows_markup_and_emoji_codes_as_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cells are text, never console markup: `[bold]` and `:x:` from a file stay as written,
    drawn directly and by rich."""
    from artifact_lint.reporters import table_report

    monkeypatch.setenv("COLUMNS", "200")
    text = output("table", Result(findings=[finding(path="a[b]/:x:.yaml", message="[bold]x[/] :x: y")], files=1))
    assert "a[b]/:x:.yaml" in text and "[bold]x[/] :x: y" in text and "❌" not in text
    out = table_report.console(io.StringIO(), "never")
    with out.capture() as capture:
        columns = [["error"], ["AL201"], ["22:12"], ["competition[0].label"], ["[bold]x[/] :x: y"]]
        out.print(table_report._rich_table("a[b]/:x:.yaml", columns))
    assert capture.get().replace(" ", "") == text.split("1 error")[0].replace(" ", "")
