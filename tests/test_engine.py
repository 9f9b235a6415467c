"""The engine: selection, severity overrides, and crashes that never pass silently."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import build_fixture_repo
from typer.testing import CliRunner

from artifact_lint.commands.cli import app
from artifact_lint.engine import lint as engine
from artifact_lint.engine.rule_set import is_selected, load_rules


@pytest.mark.parametrize(("code", "select", "ignore", "expected"), [
    ("AL201", ["AL"], [], True),
    ("AL201", ["AL"], ["AL2"], False),
    ("AL201", ["AL201"], ["AL2"], True),   # the more specific prefix wins
    ("AL201", ["AL2"], ["AL2"], False),    # a tie goes to ignore
    ("AL201", ["AL1"], [], False),
])
def test_selection_by_most_specific_prefix(code: str, select: list[str], ignore: list[str], expected: bool) -> None:
    assert is_selected(code, select, ignore) is expected


def test_a_crashing_rule_exits_2_naming_the_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_fixture_repo(tmp_path)

    def broken(artifact, repo):  # type: ignore[no-untyped-def]
        raise ZeroDivisionError("boom")
        yield

    rules = [r._replace(check=broken) if r.code == "AL101" else r for r in load_rules()]
    monkeypatch.setattr("artifact_lint.engine.session.load_rules", lambda: rules)
    monkeypatch.chdir(root)
    result = CliRunner().invoke(app, ["check"])
    assert result.exit_code == 2
    assert "AL101" in result.output and "--debug" in result.output
    assert "Traceback" not in result.output
    with pytest.raises(engine.RuleCrashed):
        from artifact_lint.engine.session import check

        check(root)


def test_findings_are_sorted_by_path_line_column_code(tmp_path: Path) -> None:
    from artifact_lint.engine.session import check

    root = build_fixture_repo(tmp_path)
    path = root / "artifacts" / "gemma-2b-invoice-fields.yaml"
    path.write_text(path.read_text().replace("label: Direct\n", "label: direct\n")
                    .replace("state: candidate-current-best", "state: reportonly") + "owner: me\n")
    findings = check(root).findings
    assert findings == sorted(findings, key=lambda f: (f.path, f.line, f.column, f.code, f.field or ""))
    assert len({f.path for f in findings}) >= 2
