"""`--fix` / `--diff`: only the fixed values change, byte for byte."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from artifact_lint.cli import app
from artifact_lint.fixer import parse_field, plan_fixes, render_scalar
from artifact_lint.session import check
from conftest import BASE, build_fixture_repo

ARTIFACT = "artifacts/gemma-2b-invoice-fields.yaml"
LABELS = {"Direct": ["direct", "DIRECT", "dIrect"], "Directional": ["directional", "DIRECTIONAL"],
          "Not comparable": ["not-comparable", "Not Comparable", "not_comparable", "NOT COMPARABLE"]}


def _fix(root: Path) -> list:  # type: ignore[type-arg]
    plans = plan_fixes(root, check(root).findings)
    for plan in plans:
        (root / plan.path).write_text(plan.after, encoding="utf-8", newline="")
    return plans


def test_parse_field() -> None:
    assert parse_field("competition[2].label") == ("competition", 2, "label")
    assert parse_field("state") == ("state",)


@pytest.mark.parametrize(("value", "original", "json_file", "expected"), [
    ("Direct", "direct", False, "Direct"),
    ("Not comparable", "not-comparable", False, "Not comparable"),
    ("Direct", "'direct'", False, "'Direct'"),
    ("Direct", '"direct"', False, '"Direct"'),
    ("Direct", '"direct"', True, '"Direct"'),
    ("true", "x", False, '"true"'),  # would resolve to a boolean if plain
])
def test_render_scalar_keeps_the_style(value: str, original: str, json_file: bool, expected: str) -> None:
    assert render_scalar(value, original, json_file) == expected


def test_fix_keeps_comments_quotes_crlf_and_bom(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    path = root / ARTIFACT
    text = path.read_text()
    text = text.replace("label: Direct\n", "label: 'direct'   # the same gate\n")
    text = text.replace("label: Directional", 'label: "directional"')
    text = text.replace("state: candidate-current-best", "state: Candidate_Current_Best")
    raw = ("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8")
    path.write_bytes(raw)
    os.chmod(path, 0o640)
    monkey_root = root
    plans = plan_fixes(monkey_root, check(root).findings)
    (plan,) = plans
    assert len(plan.fixed) == 3
    from artifact_lint.fixer import write_atomically

    write_atomically(path, plan.after)
    after = path.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf") and b"\r\n" in after and after.count(b"\n") == raw.count(b"\n")
    assert b"label: 'Direct'   # the same gate\r\n" in after
    assert b'label: "Directional"' in after
    assert b"state: candidate-current-best\r\n" in after
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert not [f for f in check(root).findings if f.fix is not None]
    assert plan_fixes(root, check(root).findings) == []  # idempotent


def test_json_artifact_is_fixed_in_place(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    import yaml

    data = yaml.safe_load((root / ARTIFACT).read_text())
    data["competition"][0]["label"] = "direct"
    (root / ARTIFACT).unlink()
    json_path = root / "artifacts" / "gemma-2b-invoice-fields.json"
    text = json.dumps(data, indent=4) + "\n"
    json_path.write_text(text)
    _fix(root)
    assert json_path.read_text() == text.replace('"label": "direct"', '"label": "Direct"')


def test_cli_diff_writes_nothing_and_fix_reports_what_remains(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_fixture_repo(tmp_path)
    path = root / ARTIFACT
    path.write_text(path.read_text().replace("label: Direct\n", "label: direct\n")
                    .replace("state: candidate-current-best", "state: reportonly"))
    before = path.read_bytes()
    monkeypatch.chdir(root)
    runner = CliRunner()
    diff = runner.invoke(app, ["check", "--diff"])
    assert diff.exit_code == 1
    assert "-    label: direct" in diff.output and "+    label: Direct" in diff.output
    assert path.read_bytes() == before
    fixed = runner.invoke(app, ["check", "--fix", "-f", "json"])
    assert fixed.exit_code == 1  # AL101 `reportonly` has no safe fix and remains
    remaining = json.loads(fixed.stdout)["findings"]
    assert {f["code"] for f in remaining} >= {"AL101"} and "AL201" not in {f["code"] for f in remaining}
    assert "label: Direct\n" in path.read_text()


def _changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    return [(b, a) for b, a in zip(before.splitlines(), after.splitlines(), strict=True) if b != a]


VARIANT = st.sampled_from([(good, bad) for good, bads in LABELS.items() for bad in bads])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.integers(0, 2), VARIANT), max_size=3), blank=st.booleans())
def test_fix_changes_only_the_fixed_values(tmp_path_factory: pytest.TempPathFactory, rows: list, blank: bool) -> None:  # type: ignore[type-arg]
    root = build_fixture_repo(tmp_path_factory.mktemp("fix"))
    path = root / ARTIFACT
    lines = path.read_text().splitlines(keepends=True)
    label_lines = [i for i, line in enumerate(lines) if line.lstrip().startswith("label:")]
    broken = {}
    for row, (_good, bad) in rows:
        index = label_lines[row]
        current = lines[index].split("label:", 1)[1].strip()
        lines[index] = lines[index].replace(f"label: {current}", f"label: {bad}")
        broken[index] = (bad, current)
    if blank:
        lines.insert(0, "# comment kept as is\n\n")
    before = "".join(lines)
    path.write_text(before)
    _fix(root)
    after = path.read_text()
    if not broken:
        assert after == before  # nothing fixable: byte-identical
        return
    assert len(after.splitlines()) == len(before.splitlines())
    changed = _changed_lines(before, after)
    assert len(changed) == len(broken)
    for old, new in changed:
        prefix = old.split("label:")[0]
        assert new.startswith(prefix + "label: ") and new.split("label: ")[1] in LABELS


def test_base_fixture_has_nothing_to_fix() -> None:
    assert plan_fixes(BASE, check(BASE).findings) == []
