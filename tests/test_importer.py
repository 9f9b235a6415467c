"""`artifact-lint import`: registry document -> artifact files."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml
from conftest import shared_dir

from artifact_lint.commands.importer import import_document
from artifact_lint.engine.session import check

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
    assert "    baseline: 0.690\n" in text  # the number as the document wrote it, unquoted
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


def _keys(findings) -> Counter:  # type: ignore[no-untyped-def]
    """(code, artifact, field) of each finding, document-only rules aside.

    One difference belongs to the rules, not to the reader: AL002 reports the unlabelled
    competitor rows of a document entry (the other columns of its evidence table) once per
    entry, and the same rows in an imported file once per missing `label` and `readout`. Both
    say the same thing; they count here as one `competition[].label` finding per artifact.
    """
    keys: Counter = Counter()
    unlabelled = set()
    for f in findings:
        if f.code in MARKDOWN_ONLY:
            continue
        field = f.field or ""
        if f.code == "AL002" and field.startswith("competition[") and field.endswith((".label", ".readout")):
            unlabelled.add(f.artifact)
            continue
        keys[(f.code, f.artifact, field)] += 1
    keys.update((("AL002", artifact, "competition[].label") for artifact in unlabelled))
    return keys


READ_AS_A_REVIEWER = ("""# Registry

## Current Public Artifact List

| Artifact | Type | State | Public value | Next release action |
|---|---|---|---|---|
| `toy-router-v2` | Routed adapter | `candidate-current-best` | Toy exact 0.860 at 3.8ms. | Publish the report. |
| `toy-mlx` | Conversion | `report-only` | A converted toy model. | Keep as is. |

### `toy-router-v2`

Status: `candidate-current-best`

Committed surface:

- `docs/toy.md`
- HF repo: `https://huggingface.co/org/toy-router-v2`
- Staging command: `python3 scripts/stage.py --repo-id org/toy-router-v2`

Measured evidence:

| Gate | Toy v2 | Rival 7B | Rival API |
|---|---:|---:|---:|
| Toy exact, 50 rows | 0.860 | 0.800 | not run |
| Mean latency | 3.8ms | 40ms | 900ms |

The adapter was distilled from a larger teacher and evaluated on the frozen toy slice. It is not
ready to package until the breadth gate runs.

Competitive context:

| System | Metric | Score | Comparable? | Readout |
|---|---|---:|---|---|
| Toy router v2 | toy exact | 0.860 | Direct | Current candidate. |

Release blockers:

| Blocker | Why it matters | Unblock action |
|---|---|---|
| Breadth gate missing | Narrow wins may hide regressions. | Run the breadth gate. |

### `toy-mlx`

Status: `report-only`

HF repo: `https://huggingface.co/org/toy-mlx`

This is a conversion of an upstream toy model. A local sanity screen scored 39/40 on a small slice.
The run did not preserve latency or RAM.

Release blockers:

| Blocker | Why it matters | Unblock action |
|---|---|---|
| Parity not recorded | A 40-row screen is no parity proof. | Run paired checks. |
""")


def test_import_keeps_what_the_reader_reads(tmp_path: Path) -> None:
    root = _repo(tmp_path, READ_AS_A_REVIEWER)
    from_document = check(root, ["docs/factory/public-artifacts.md"]).findings
    import_document(_doc(root), root / "artifacts", root)
    text = (root / "artifacts" / "toy-router-v2.yaml").read_text()
    router = yaml.safe_load(text)
    assert "    value: 0.860\n" in text and "    score: 0.800\n" in text
    assert router["weights"] == {"location": "https://huggingface.co/org/toy-router-v2"}
    assert router["surface"] == ["docs/toy.md"]
    assert router["notes"] == ["Staging command: python3 scripts/stage.py --repo-id org/toy-router-v2"]
    assert [(r["system"], r.get("label"), r.get("self")) for r in router["competition"]] == [
        ("Rival 7B", None, None), ("Rival 7B", None, None), ("Rival API", None, None),
        ("Toy router v2", "Direct", True)]
    assert router["performance"]["latency_ms"] == 3.8
    assert router["provenance"]["readiness"].startswith("It is not")
    mlx = yaml.safe_load((root / "artifacts" / "toy-mlx.yaml").read_text())
    assert mlx["evidence"] == [{"gate": "Local sanity screen", "value": "39/40", "note": (
        "Stated in prose, not in an evidence table: A local sanity screen scored 39/40 on a small slice.")}]
    assert mlx["performance"]["note"] == "The run did not preserve latency or RAM."
    assert mlx["performance"]["latency_ms"] is None and "  latency_ms: null\n" in (
        root / "artifacts" / "toy-mlx.yaml").read_text()
    _doc(root).unlink()
    from_files = check(root).findings
    assert not [f for f in from_files if f.code in ("AL001", "AL003", "AL004")]
    assert _keys(from_files) == _keys(from_document)


@pytest.mark.parametrize("version", ["00a7e3f", "b1d8637", "174cd32"])
def test_upstream_documents_import_with_the_same_findings(version: str, tmp_path: Path) -> None:
    source = shared_dir() / "corpus" / "upstream" / f"public-artifacts@{version}.md"
    root = _repo(tmp_path, source.read_text())
    from_document = check(root, ["docs/factory/public-artifacts.md"]).findings
    assert not [f for f in from_document if f.code == "AL001"]
    written = import_document(_doc(root), root / "artifacts", root)
    assert len(written) == len({f.artifact for f in from_document if f.artifact} | {w.path.stem for w in written})
    from_files = check(root, ["artifacts"]).findings
    assert not [f for f in from_files if f.code in ("AL001", "AL003", "AL004")]  # the files are well formed
    assert _keys(from_files) == _keys(from_document)
    # ... and the same with the files alone, the document gone
    _doc(root).unlink()
    assert _keys(check(root).findings) == _keys(from_document)


def test_upstream_import_keeps_what_the_document_says(tmp_path: Path) -> None:
    source = shared_dir() / "corpus" / "upstream" / "public-artifacts@174cd32.md"
    root = _repo(tmp_path, source.read_text())
    import_document(_doc(root), root / "artifacts", root)
    sql_text = (root / "artifacts" / "qwen06-sql-routed-v1.yaml").read_text()
    assert "    value: 0.860\n" in sql_text and "    value: 0.531\n" in sql_text  # as written, unquoted
    sql = yaml.safe_load(sql_text)
    own, t5 = sql["competition"][:2]
    assert own["self"] is True and t5["gate"] == "Public b-mc2 exact, 64 rows"
    assert sql["weights"]["location"].startswith("runs/")
    assert "surface" not in sql and any(note.startswith("Router:") for note in sql["notes"])
    assert sql["performance"]["note"].startswith("Release blocker: Performance numbers missing")
    pace = yaml.safe_load((root / "artifacts" / "pace-intent-router-v8.yaml").read_text())
    assert pace["weights"] == {"location": "https://huggingface.co/posttrainllm/pace-intent-router-v8"}
    assert {row["system"] for row in pace["competition"]} == {"Qwen3 4B", "Apple FM", "Frontier"}
    assert all("label" not in row for row in pace["competition"])
    assert pace["performance"]["latency_ms"] == 3.8
    assert set(pace["provenance"]) == {"source", "evaluation", "readiness"}
    mlx = yaml.safe_load((root / "artifacts" / "vibethinker-3b-mlx.yaml").read_text())
    assert mlx["evidence"][0]["value"] == "40/40" and "prose" in mlx["evidence"][0]["note"]
    file_ops_text = (root / "artifacts" / "qwen3-4b-file-ops-distilled.yaml").read_text()
    assert "    value: 1.00\n" in file_ops_text and "    baseline: 0.58\n" in file_ops_text
    assert "python3" not in "".join(yaml.safe_load(file_ops_text)["surface"])


def test_cli_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from artifact_lint.commands.cli import app

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


# --- issue 15: names are checked before any file is written; --out must be a folder ----------

LONG_ID = "a" * 300


def _cli_import(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    from typer.testing import CliRunner

    from artifact_lint.commands.cli import app

    monkeypatch.chdir(root)
    result = CliRunner().invoke(app, ["import", "docs/factory/public-artifacts.md", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(("artifact_id", "why"), [
    (LONG_ID, "makes a file name of 305 bytes, more than the 255"),
    ("con", "a device name Windows reserves"),
    ("LPT1.v2", "a device name Windows reserves"),
    (".hidden", "begins with a dot"),
])
def test_an_id_that_cannot_be_a_file_name_is_reported_and_nothing_is_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, artifact_id: str, why: str) -> None:
    # Listed last, after two good entries that would have been written first.
    text = DOC.replace("| `terminal-replay` | Demo artifact | `parked` | Demo. | Leave parked. |\n",
                        "| `terminal-replay` | Demo artifact | `parked` | Demo. | Leave parked. |\n"
                        f"| `{artifact_id}` | Demo artifact | `parked` | Demo. | Leave parked. |\n")
    root = _repo(tmp_path, text)
    code, stdout, stderr = _cli_import(root, monkeypatch, "--out", "artifacts")
    assert code == 2 and stdout == ""
    (line,) = stderr.strip().splitlines()
    assert line.startswith("artifact-lint: error: docs/factory/public-artifacts.md: 1 id(s) cannot be file names,"
                           " so nothing was written:")
    assert why in line and len(line) < 400
    assert not (root / "artifacts").exists()


def test_out_that_is_a_file_is_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _repo(tmp_path)
    (root / "artifacts").write_text("not a folder\n")
    code, _, stderr = _cli_import(root, monkeypatch, "--out", "artifacts")
    assert code == 2
    assert stderr.strip().endswith("exists and is not a folder; name the folder for the artifact files")
    assert (root / "artifacts").read_text() == "not a folder\n"


def test_a_file_linked_outside_out_is_refused_before_anything_is_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _repo(tmp_path)
    (root / "artifacts").mkdir()
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("theirs\n")
    (root / "artifacts" / "terminal-replay.yaml").symlink_to(outside)
    code, _, stderr = _cli_import(root, monkeypatch, "--out", "artifacts", "--force")
    assert code == 2 and "`" in stderr and "leads outside the output folder" in stderr
    assert outside.read_text() == "theirs\n"
    assert [p.name for p in (root / "artifacts").iterdir()] == ["terminal-replay.yaml"]  # gemma not written either


def test_a_read_only_file_is_not_overwritten_even_with_force(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    root = _repo(tmp_path)
    (root / "artifacts").mkdir()
    kept = root / "artifacts" / "terminal-replay.yaml"
    kept.write_text("id: terminal-replay\n")
    os.chmod(kept, 0o444)
    code, _, stderr = _cli_import(root, monkeypatch, "--out", "artifacts", "--force")
    assert code == 2 and "is read-only (mode 0444)" in stderr
    assert kept.read_text() == "id: terminal-replay\n"
    assert not (root / "artifacts" / "gemma-2b-invoice-fields.yaml").exists()


def test_entries_left_out_are_noted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = DOC.replace("| `terminal-replay` | Demo artifact | `parked` | Demo. | Leave parked. |\n",
                       "| `terminal-replay` | Demo artifact | `parked` | Demo. | Leave parked. |\n"
                       "| `terminal-replay` | Demo again | `parked` | Demo. | Leave parked. |\n")
    root = _repo(tmp_path, text)
    code, _, stderr = _cli_import(root, monkeypatch, "--out", "artifacts")
    assert code == 0
    assert "note: docs/factory/public-artifacts.md: the id `terminal-replay` appears again; only its first entry" \
        " was imported" in stderr
    assert sorted(p.name for p in (root / "artifacts").iterdir()) == ["gemma-2b-invoice-fields.yaml",
                                                                      "terminal-replay.yaml"]
