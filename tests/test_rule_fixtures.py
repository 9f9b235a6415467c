"""Every rule has a failing and a passing fixture under tests/fixtures/rules/<CODE>/.

`fail/` and `pass/` are overlays on tests/fixtures/base/. `fail/expect.json` lists
`findings` patterns that must all be reported; `pass/` must produce no finding of
the rule's code (and `pass/expect.json` may list more `absent` patterns).

Each fixture runs through `session.check`, the path `artifact-lint check` takes
(`lint_repository`), in one process and with two worker processes (`--jobs 2`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, build_fixture_repo, load_expect, matches

from artifact_lint.engine.rule_set import load_rules
from artifact_lint.engine.session import check, lint_repository, open_session

RULES = load_rules()
CODES = [rule.code for rule in RULES]


JOBS = pytest.mark.parametrize("jobs", [1, 2])


def _findings(root: Path, jobs: int = 1) -> list[dict]:
    return [f.to_dict() for f in check(root, jobs=jobs).findings]


@JOBS
def test_base_fixture_is_clean(tmp_path: Path, jobs: int) -> None:
    findings = _findings(build_fixture_repo(tmp_path), jobs)
    assert findings == []


@pytest.mark.parametrize("code", CODES)
def test_rule_has_both_fixtures(code: str) -> None:
    folder = FIXTURES / "rules" / code
    assert (folder / "fail" / "expect.json").is_file(), f"{code} needs fail/expect.json"
    assert (folder / "pass").is_dir(), f"{code} needs a pass/ fixture"


@JOBS
@pytest.mark.parametrize("code", CODES)
def test_failing_fixture_reports(code: str, tmp_path: Path, jobs: int) -> None:
    overlay = FIXTURES / "rules" / code / "fail"
    if not overlay.is_dir():
        pytest.fail(f"{code} has no failing fixture")
    expect = load_expect(overlay)
    patterns = expect.get("findings", [])
    assert patterns, f"{code}: fail/expect.json lists no findings"
    findings = _findings(build_fixture_repo(tmp_path, overlay), jobs)
    for pattern in patterns:
        assert any(matches(f, pattern) for f in findings), (
            f"{code}: no finding matches {pattern}; got "
            + "; ".join(f"{f['code']} {f['path']}:{f['line']}:{f['column']} {f['field']}" for f in findings)
        )
    for pattern in expect.get("absent", []):
        bad = [f for f in findings if matches(f, pattern)]
        assert not bad, f"{code}: unexpected {bad[0]}"


@JOBS
@pytest.mark.parametrize("code", CODES)
def test_passing_fixture_is_silent(code: str, tmp_path: Path, jobs: int) -> None:
    overlay = FIXTURES / "rules" / code / "pass"
    if not overlay.is_dir():
        pytest.fail(f"{code} has no passing fixture")
    expect = load_expect(overlay)
    findings = _findings(build_fixture_repo(tmp_path, overlay), jobs)
    assert not [f for f in findings if f["code"] == code], [f for f in findings if f["code"] == code]
    for pattern in expect.get("absent", []):
        assert not [f for f in findings if matches(f, pattern)]


REPOSITORY_CODES = [rule.code for rule in RULES if rule.scope == "repository"]


@pytest.mark.parametrize("side", ["fail", "pass"])
@pytest.mark.parametrize("code", REPOSITORY_CODES)
def test_a_repository_rule_reads_only_the_fields_it_declares(code: str, side: str, tmp_path: Path) -> None:
    """`READS` is honest: the rule finds on records slimmed to the declared fields what it
    finds on whole records (a field read but not declared would be None in the first)."""
    root = build_fixture_repo(tmp_path, FIXTURES / "rules" / code / side)
    session = open_session(root, overrides={"select": (code,)})
    slim, _ = lint_repository(session, jobs=1)
    whole, _ = lint_repository(session, jobs=1, whole_records=True)
    assert [f.to_dict() for f in slim.findings] == [f.to_dict() for f in whole.findings]
