"""Linting the three real versions of the upstream registry document.

What a careful reviewer lists for each version (read from the documents in
../shared/corpus/upstream/): which entries lack blockers or evidence, the
undeclared state `report-ready-candidate`, the version whose own states table
admits `release-ready-weights`; and what must not be reported on the parts that
are clean.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import shared_dir

from artifact_lint.engine.session import check

VERSIONS = ["00a7e3f", "b1d8637", "174cd32"]


def _lint(version: str, tmp_path: Path) -> list[dict]:
    source = shared_dir() / "corpus" / "upstream" / f"public-artifacts@{version}.md"
    root = tmp_path / "repo"
    (root / "docs" / "factory").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "docs" / "factory" / "public-artifacts.md").write_text(source.read_text())
    return [f.to_dict() for f in check(root, ["docs/factory/public-artifacts.md"]).findings]


def _artifacts(findings: list[dict], code: str) -> set[str]:
    return {f["artifact"] for f in findings if f["code"] == code}


@pytest.mark.parametrize("version", VERSIONS)
def test_every_version_reads_without_parse_errors(version: str, tmp_path: Path) -> None:
    findings = _lint(version, tmp_path)
    assert not [f for f in findings if f["code"] == "AL001"]
    assert all(f["path"] == "docs/factory/public-artifacts.md" for f in findings)


@pytest.mark.parametrize("version", VERSIONS)
def test_no_false_errors_on_the_clean_parts(version: str, tmp_path: Path) -> None:
    findings = _lint(version, tmp_path)
    codes = {f["code"] for f in findings}
    # labels are all policy labels, wins are claimed only over Direct rows,
    # and the one signed delta (+4.7 points over the T5 row) is not a mismatch
    assert not codes & {"AL201", "AL202", "AL203", "AL204", "AL003", "AL004", "AL006"}
    # the shipped file-ops specialist lists its blockers; the SQL report lists five
    assert "qwen3-4b-file-ops-distilled" not in _artifacts(findings, "AL301")
    assert "qwen06-sql-routed-v1" not in _artifacts(findings, "AL301")
    assert "qwen3-4b-file-ops-distilled" not in _artifacts(findings, "AL101")


@pytest.mark.parametrize("version", VERSIONS)
def test_entries_without_blockers(version: str, tmp_path: Path) -> None:
    expected = {"factory-run-schema-v1", "browser-playground"}
    if version == "174cd32":
        expected |= {"qwen3-4b-multibackend-distilled"}
    assert _artifacts(_lint(version, tmp_path), "AL301") == expected


def test_first_version_declares_every_state_it_uses(tmp_path: Path) -> None:
    findings = _lint("00a7e3f", tmp_path)
    assert not _artifacts(findings, "AL101")
    assert not [f for f in findings if f["code"] == "AL602"]


@pytest.mark.parametrize("version", ["b1d8637", "174cd32"])
def test_undeclared_state_is_reported_with_its_line(version: str, tmp_path: Path) -> None:
    findings = _lint(version, tmp_path)
    invalid = [f for f in findings if f["code"] == "AL101"]
    assert [f["artifact"] for f in invalid] == ["qwen06-sql-routed-v1"]
    text = (shared_dir() / "corpus" / "upstream" / f"public-artifacts@{version}.md").read_text()
    line = text.splitlines()[invalid[0]["line"] - 1]
    assert line.startswith("Status:") and "report-ready-candidate" in line


def test_latest_version_admits_release_ready_weights(tmp_path: Path) -> None:
    findings = _lint("174cd32", tmp_path)
    # the document's own states table extends the policy: no AL101 for the three entries using it
    weights_entries = {"pace-intent-router-v8", "qwen3-4b-file-ops-distilled", "qwen3-4b-rest-fused"}
    assert not _artifacts(findings, "AL101") & weights_entries
    # ... and the built-in policy follows the current upstream one, which has that state
    assert not [f for f in findings if f["code"] == "AL602"]


@pytest.mark.parametrize("version", VERSIONS)
def test_the_direct_rows_are_anchored(version: str, tmp_path: Path) -> None:
    """The SQL entry's own row ("Current local candidate.") is the artifact itself and needs
    no gate; the T5 row's metric names the public exact gate, where +4.7 points holds."""
    findings = _lint(version, tmp_path)
    assert not [f for f in findings if f["code"] in ("AL204", "AL205")]
