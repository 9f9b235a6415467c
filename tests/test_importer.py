"""`artifact-lint import`: registry document -> artifact files."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from artifact_lint.importer import import_document
from artifact_lint.session import check
from conftest import shared_dir

# Findings that only concern the Markdown document, or its own policy tables.
MARKDOWN_ONLY = {"AL601", "AL602"}

DOC = ("""# Registry

## Artifact States

| State | Meaning |
|---|---|
| `candidate-current-best` | Best so far. |
| `parked` | Not active. |

## Current Public Artifact List

| Artifact | Type | State | Public value | Next release action |
|---|---|---|---|---|
| `gemma-2b-invoice-fields` | Routed extraction adapter | `candidate-current-best` |"""
       """ Invoice adapter: 0.734 exact. | Publish as a report. |
| `terminal-replay` | Demo artifact | `parked` | Demo. | Leave parked. |

### `gemma-2b-invoice-fields`

Status: `candidate-current-best`

Measured evidence:

| Gate | Stock | Adapter |
|---|---:|---:|
| Invoice field exact, 120 rows | 0.690 | 0.734 |

Release blockers:

| Blocker | Why it matters | Unblock action |
|---|---|---|
| Posting gate missing | Exact match alone is not enough. | Add a posting gate. |
""")


def _repo(tmp_path: Path, text: str = DOC) -> Path:
    root = tmp_path / "repo"
    (root / "docs" / "factory").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "docs" / "factory" / "public-artifacts.md").write_text(text)
    return root


def _doc(root: Path) -> Path:
    return root / "docs" / "factory" / "public-artifacts.md"


def _by_code_and_artifact(findings) -> Counter:  # type: ignore[no-untyped-def]
    return Counter((f.code, f.artifact) for f in findings if f.code not in MARKDOWN_ONLY)


def test_writes_one_file_per_entry_in_field_order(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    written = import_document(_doc(root), root / "artifacts", root)
    assert sorted(w.path.name for w in written) == ["gemma-2b-invoice-fields.yaml", "terminal-replay.yaml"]
    assert {w.status for w in written} == {"created"}
    text = (root / "artifacts" / "gemma-2b-invoice-fields.yaml").read_text()
    data = yaml.safe_load(text)
    assert list(data)[:4] == ["id", "type", "state", "public_value"]
    assert data["evidence"] == [{"gate": "Invoice field exact, 120 rows", "value": 0.734,
                                 "baseline": 0.69, "baseline_name": "Stock"}]
    # what the document does not give is named in the header comment, not invented
    assert "publishable_now" not in data and "provenance" not in data
    header = text.split("\nid:")[0]
    assert "publishable_now" in header and "provenance" in header and "competition" in header


def test_import_is_idempotent_and_refuses_to_overwrite(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    out = root / "artifacts"
    import_document(_doc(root), out, root)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    again = import_document(_doc(root), out, root)
    assert {w.status for w in again} == {"unchanged"}
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before

    edited = out / "terminal-replay.yaml"
    edited.write_text(edited.read_text() + "publishable_now: The recording.\n")
    kept = import_document(_doc(root), out, root)
    assert {w.path.name: w.status for w in kept}["terminal-replay.yaml"] == "skipped"
    assert "publishable_now: The recording." in edited.read_text()
    forced = import_document(_doc(root), out, root, force=True)
    assert {w.path.name: w.status for w in forced}["terminal-replay.yaml"] == "updated"
    assert edited.read_bytes() == before["terminal-replay.yaml"]


def test_imported_files_lint_like_the_document(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    from_document = check(root, ["docs/factory/public-artifacts.md"]).findings
    import_document(_doc(root), root / "artifacts", root)
    from_files = check(root, ["artifacts"]).findings
    assert _by_code_and_artifact(from_files) == _by_code_and_artifact(from_document)
    assert not [f for f in check(root).findings if f.code == "AL601"]  # document and files agree


@pytest.mark.parametrize("version", ["00a7e3f", "b1d8637", "174cd32"])
def test_upstream_documents_import_with_the_same_findings(version: str, tmp_path: Path) -> None:
    source = shared_dir() / "corpus" / "upstream" / f"public-artifacts@{version}.md"
    root = _repo(tmp_path, source.read_text())
    from artifact_lint.registry_doc import read_registry

    states = [row.name for row in read_registry(source.read_text()).states]
    extra = [s for s in states if s not in ("release-ready-metadata", "release-ready-weights",
                                            "candidate-current-best",
                                            "report-only", "blocked", "parked")]
    if extra:  # the document's own states table extends the policy; the files need it in rules/policy.yaml
        builtin = (Path(__file__).resolve().parents[1] / "rules" / "policy.yaml").read_text()
        lines = [f"  {s}: {{meaning: \"From the document.\", shipped: {str(s.startswith('release-ready')).lower()}}}"
                 for s in extra]
        (root / "rules").mkdir()
        policy = builtin.replace("states:\n", "states:\n" + "\n".join(lines) + "\n", 1)
        (root / "rules" / "policy.yaml").write_text(policy)
    from_document = check(root, ["docs/factory/public-artifacts.md"]).findings
    assert not [f for f in from_document if f.code == "AL001"]
    written = import_document(_doc(root), root / "artifacts", root)
    assert len(written) == len({f.artifact for f in from_document if f.artifact} | {w.path.stem for w in written})
    from_files = check(root, ["artifacts"]).findings
    assert _by_code_and_artifact(from_files) == _by_code_and_artifact(from_document)


def test_cli_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from artifact_lint.cli import app

    root = _repo(tmp_path)
    monkeypatch.chdir(root)
    runner = CliRunner()
    first = runner.invoke(app, ["import", "docs/factory/public-artifacts.md", "--out", "artifacts"])
    assert first.exit_code == 0, first.output
    assert "created" in first.output
    second = runner.invoke(app, ["import", "docs/factory/public-artifacts.md", "--out", "artifacts"])
    assert second.exit_code == 0 and "unchanged" in second.output
    missing = runner.invoke(app, ["import", "docs/nope.md"])
    assert missing.exit_code == 2
    shutil.rmtree(root / "artifacts")
