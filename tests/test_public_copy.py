"""Public copy beyond the metadata (artifact-format §7): what is read, where it stands, and
the rules that read it, through the command line. Tests `sources/public_copy.py` and the
modules it reads with, `sources/copy_text.py` and `sources/package_index.py`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import build_fixture_repo
from test_cli import cli, edit

from artifact_lint.analysis.rows import RowMatcher
from artifact_lint.model.formats import CompetitionRow
from artifact_lint.sources.copy_text import CopyText, has_adoption_words, json_copy, markdown_copy, may_hold_claims
from artifact_lint.sources.package_index import index_claims, read_index

GEMMA = "artifacts/gemma-2b-invoice-fields.yaml"
MISTRAL = "artifacts/mistral-7b-ticket-triage.yaml"
CARD = "docs/hf-cards/gemma-2b-invoice-fields.md"


# --------------------------------------------------------------------------- reading Markdown


def test_markdown_blocks_have_their_own_line_and_column() -> None:
    text = "# Title here\n\nFirst paragraph,\nsecond line.\n\n- an item\n- **bold** item\n"
    blocks = markdown_copy("card.md", text)
    assert [(b.line, b.column, b.text) for b in blocks] == [
        (1, 3, "Title here"), (3, 1, "First paragraph,\nsecond line."), (6, 3, "an item"), (7, 3, "bold item")]
    assert blocks[1].position_of(blocks[1].text.index("second")).line == 4


def test_front_matter_comments_and_code_are_not_copy() -> None:
    text = ("---\ntitle: beats X\n---\n<!-- beats X -->\n\n```\nbeats X\n```\n\n    beats X indented\n\n"
            "Real copy.\n")
    assert [(b.line, b.text) for b in markdown_copy("card.md", text)] == [(12, "Real copy.")]


def test_a_delta_column_makes_each_row_a_claim_over_the_other_system() -> None:
    text = ("| Metric | Ours | Rival-7B | Delta |\n|---|---:|---:|---:|\n"
            "| Accuracy | 95% | 85% | +10 pp |\n| Rows | 100 | 900 | - |\n")
    rows = [b for b in markdown_copy("card.md", text) if b.kind == "row"]
    assert [(b.line, b.text) for b in rows] == [(3, "+10 pp over Rival-7B (Accuracy)")]
    assert not [b for b in markdown_copy("card.md", text) if b.kind == "cell" and b.text == "+10 pp"]


def test_json_strings_are_copy_and_keys_are_not() -> None:
    from artifact_lint.sources.loader import load_text

    document = load_text(b'{"notes": ["beats X"], "beats": 3, "nested": {"a": "text"}}', ".json")
    found = json_copy("r.json", document.data, document.positions)
    assert [(c.text, c.line, c.kind) for c in found] == [("beats X", 1, "value"), ("text", 1, "value")]


def test_vs_headline_keys_are_claims() -> None:
    entry = {"id": "x", "headline": {"vs_rival_7b_accuracy_pp": 4.5, "vs_rival_7b_speedup": "3x", "accuracy": 0.9}}
    claims = index_claims("index.json", entry, ("packages", 0), None)
    assert [(c.key, c.words, c.suffix, c.field) for c in claims] == [
        ("vs_rival_7b_accuracy_pp", "rival 7b accuracy", "pp", "packages[0].headline.vs_rival_7b_accuracy_pp"),
        ("vs_rival_7b_speedup", "rival 7b speedup", None, "packages[0].headline.vs_rival_7b_speedup")]


def test_a_file_without_any_cue_is_not_parsed() -> None:
    assert not may_hold_claims("# Card\n\nOn the gate it goes from 0.5 to 0.7.\n")
    assert may_hold_claims("It beats the rival.") and may_hold_claims("10k downloads")


@pytest.mark.parametrize("text", [
    "Used by 3,000 developers.", "used\nby 3,000 developers", "relied on\tby thousands of teams",
    "10k downloads", "1,200 INSTALLS", "500 active users", "2 customers", "the most-downloaded demo",
    "downloaded over 5,000 times", "weekly downloads", "trusted by 40 labs",
    "us\u0130ng it, 1,000 \u0130nstalls", "3,000 u\u017fers",  # not ASCII: "\u0130" and "\u017f" match "i" and "s"
])
def test_every_adoption_claim_passes_the_adoption_gate(text: str) -> None:
    from artifact_lint.rules.al207_adoption_claim import _ADOPTION

    assert _ADOPTION.search(text) is not None  # the sample is a claim ...
    assert has_adoption_words(text)  # ... so the gate lets it through


def test_the_adoption_gate_lets_plain_prose_by() -> None:
    assert not has_adoption_words("It gains 4.4 points by the gate, as measured by the harness.")
    assert has_adoption_words("It is used by the harness.")  # a gate, not the pattern: the pattern decides


def test_an_initialism_matches_its_spelled_out_name() -> None:
    rows = [CompetitionRow(system="Vendor FM", metric="m", score=0.7, label="Directional", readout="r")]
    assert RowMatcher(rows).named("It also beats Vendor Foundation Models on the task.") == (0,)
    assert RowMatcher(rows).named("Vendor FM lags.") == (0,)
    assert RowMatcher(rows).named("It beats Vendor Fast on the task.") == ()


def test_copy_text_positions_across_lines() -> None:
    block = CopyText("f.md", 10, 5, "one\ntwo three")
    assert block.position_of(0) == (10, 5) and block.position_of(8) == (11, 5)


# --------------------------------------------------------------------------- through the CLI


def _card(root: Path, text: str, name: str = CARD) -> None:
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    (root / name).write_text(text, encoding="utf-8")


def _codes_at(run, path: str) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    return [(f["code"], f["line"]) for f in run.findings if f["path"] == path]


def test_a_model_card_in_the_package_is_public_copy(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    card = "specialists/mistral-7b-ticket-triage/model_card.md"
    edit(root, MISTRAL, "    readout: The same gate before distillation.",
         "    readout: The same gate before distillation.\n  - system: Vendor-Triage-13B\n    metric: vendor suite\n"
         "    score: 88%\n    label: Directional\n    readout: Another suite, for context.")
    _card(root, "# Triage\n\nIt beats Vendor-Triage-13B on triage.\n\nIt goes 0.52 -> 0.91 over stock.\n", card)
    run = cli(root, "check", "--format", "json")
    assert _codes_at(run, card) == [("AL202", 3)]
    finding = next(f for f in run.findings if f["path"] == card)
    assert finding["artifact"] == "mistral-7b-ticket-triage" and finding["column"] == 1


def test_the_package_index_headline_is_checked_as_a_delta(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    index = {"packages": [{"id": "mistral-7b-ticket-triage", "headline": {
        "vs_stock_mistral_7b_triage_pp": 39.0, "vs_stock_mistral_7b_breadth_pp": 12.0}}]}
    (root / "specialists" / "registry.json").write_text(json.dumps(index, indent=2), encoding="utf-8")
    run = cli(root, "check", "--format", "json")
    # the row is Direct on the triage gate: 0.91 - 0.52 = 39 points holds; 12 points does not
    found = [(f["code"], f["field"]) for f in run.findings if f["path"] == "specialists/registry.json"]
    assert found == [("AL204", "packages[0].headline.vs_stock_mistral_7b_breadth_pp")]


def test_a_headline_over_no_row_is_an_error(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    index = {"packages": [{"package_path": "specialists/mistral-7b-ticket-triage",
                           "headline": {"vs_gpt4_accuracy_pp": 5.0}}]}
    (root / "specialists" / "registry.json").write_text(json.dumps(index), encoding="utf-8")
    run = cli(root, "check", "--format", "json")
    found = [f for f in run.findings if f["path"] == "specialists/registry.json"]
    assert [(f["code"], f["severity"]) for f in found] == [("AL203", "error")]


def test_public_copy_setting_ties_other_files(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    (root / "pyproject.toml").write_text('[tool.artifact-lint.public-copy]\n"docs/stories/*.md" = "{stem}"\n',
                                         encoding="utf-8")
    _card(root, "# Story\n\nThe adapter beats DocParse-XL-13B.\n", "docs/stories/gemma-2b-invoice-fields.md")
    _card(root, "# Default card\n\nThe adapter beats DocParse-XL-13B.\n")  # the default glob is replaced
    run = cli(root, "check", "--format", "json")
    assert _codes_at(run, "docs/stories/gemma-2b-invoice-fields.md") == [("AL202", 3)]
    assert _codes_at(run, CARD) == []


@pytest.mark.parametrize("value", ['"x"', '{"a" = 1}', '{"/abs/*.md" = "{stem}"}', '{"docs/*.md" = " "}'])
def test_a_bad_public_copy_setting_exits_2(tmp_path: Path, value: str) -> None:
    root = build_fixture_repo(tmp_path)
    (root / "pyproject.toml").write_text(f"[tool.artifact-lint]\npublic-copy = {value}\n", encoding="utf-8")
    run = cli(root, "check")
    assert run.code == 2 and "public-copy" in run.stderr


def test_copy_findings_take_per_file_ignores_and_baselines(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    _card(root, "# Card\n\nThe adapter beats DocParse-XL-13B.\n")
    assert _codes_at(cli(root, "check", "--format", "json"), CARD) == [("AL202", 3)]
    assert cli(root, "check", "--write-baseline", "b.json").code == 0
    assert _codes_at(cli(root, "check", "--format", "json", "--baseline", "b.json"), CARD) == []
    (root / "pyproject.toml").write_text('[tool.artifact-lint.per-file-ignores]\n"docs/hf-cards/*.md" = ["AL2"]\n',
                                         encoding="utf-8")
    assert _codes_at(cli(root, "check", "--format", "json"), CARD) == []


def test_copy_findings_in_sarif_and_github(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    _card(root, "# Card\n\nThe adapter beats DocParse-XL-13B.\n")
    sarif = json.loads(cli(root, "check", "--format", "sarif").stdout)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
    assert CARD in uris
    assert f"::error file={CARD},line=3" in cli(root, "check", "--format", "github").stdout


def test_headline_figures_are_checked_against_the_rows(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    index = {"packages": [{"id": "mistral-7b-ticket-triage", "headline": {
        "triage_hard_gate": "91%", "breadth": 0.47, "speedup_note": "about 2.5 times", "params": "7B"}}]}
    (root / "specialists" / "registry.json").write_text(json.dumps(index, indent=2), encoding="utf-8")
    run = cli(root, "check", "--format", "json")
    found = [(f["code"], f["field"]) for f in run.findings if f["path"] == "specialists/registry.json"]
    # 91% and 0.47 are the evidence's value and baseline; 2.5 is backed by nothing; 7B is not a figure
    assert found == [("AL206", "packages[0].headline.speedup_note")]


@pytest.mark.parametrize("index", [
    '{"packages": [{"id": "a", "summary": "Beats B by +4.0 points."}]}',
    '[{"id": "a", "summary": "Beats B by +4.0 points."}]',
    '{"a": {"summary": "Beats B by +4.0 points."}}',
])
def test_every_documented_form_of_the_package_index_is_read(index: str) -> None:
    texts, _, _ = read_index("index.json", index)
    summary = [text for text in texts.get("a", []) if text.text == "Beats B by +4.0 points."]
    assert len(summary) == 1 and summary[0].line == 1 and summary[0].column > 1


def test_each_string_of_an_index_entry_has_its_own_position() -> None:
    index = ('{"packages": [\n  {"id": "a",\n   "summary": "Beats B by +4.0 points.",\n'
             '   "card": "Beats B by +4.0 points."}\n]}')
    texts, _, _ = read_index("index.json", index)
    assert [(t.line, t.column) for t in texts["a"] if t.text.startswith("Beats")] == [(3, 16), (4, 13)]
