"""The registry cache gives exactly what parsing gives, and never trusts a bad entry."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from artifact_lint import registry_cache
from artifact_lint.cli import app
from artifact_lint.registry_cache import decode, encode, entry_path, read_registry_cached
from artifact_lint.registry_doc import read_registry
from conftest import build_fixture_repo

ROOT = Path(__file__).resolve().parents[1]
UPSTREAM = ROOT.parent / "shared" / "corpus" / "upstream"


def _documents() -> list[Path]:
    found = [ROOT / "docs" / "factory" / "public-artifacts.md",
             ROOT / "tests" / "fixtures" / "base" / "docs" / "factory" / "public-artifacts.md"]
    if UPSTREAM.is_dir():
        found += sorted(UPSTREAM.rglob("*.md"))
    return found


@pytest.mark.parametrize("document", _documents(), ids=lambda p: p.parent.name + "/" + p.name)
def test_a_cached_document_equals_the_parsed_one(document: Path, tmp_path: Path) -> None:
    text = document.read_text(encoding="utf-8")
    parsed = read_registry(text)
    assert parsed.artifacts  # the document has something to cache
    assert decode(json.loads(json.dumps(encode(parsed))), text) == parsed
    first = read_registry_cached(text, tmp_path)  # a miss: parses and writes the entry
    assert entry_path(tmp_path, text).is_file()
    second = read_registry_cached(text, tmp_path)  # a hit
    assert first == second == parsed


def test_a_hit_does_not_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = _documents()[0].read_text(encoding="utf-8")
    expected = read_registry_cached(text, tmp_path)

    def no_parsing(_text: str) -> None:
        raise AssertionError("parsed although the entry was there")

    monkeypatch.setattr("artifact_lint.registry_doc.read_registry", no_parsing)
    assert read_registry_cached(text, tmp_path) == expected


def test_another_text_is_another_entry(tmp_path: Path) -> None:
    text = _documents()[0].read_text(encoding="utf-8")
    changed = text.replace("report-only", "parked", 1)
    assert entry_path(tmp_path, text) != entry_path(tmp_path, changed)
    read_registry_cached(text, tmp_path)
    assert read_registry_cached(changed, tmp_path) == read_registry(changed)


@pytest.mark.parametrize("content", ["", "{", "[]", '{"format": 2}', '{"format": 99, "artifacts": []}',
                                     '{"format": 2, "list_rows": [[1]], "list_table_line": null,'
                                     ' "states": [], "labels": [], "artifacts": []}'])
def test_a_bad_entry_is_a_miss(content: str, tmp_path: Path) -> None:
    text = _documents()[0].read_text(encoding="utf-8")
    entry = entry_path(tmp_path, text)
    entry.write_text(content, encoding="utf-8")
    assert read_registry_cached(text, tmp_path) == read_registry(text)


def test_an_entry_of_an_older_format_is_a_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Format 4 added the decision an entry records (format 3, what a reviewer reads): an
    entry written before must never stand in for it, even under the same name."""
    assert registry_cache.FORMAT == 4
    text = _documents()[0].read_text(encoding="utf-8")
    old = encode(read_registry(text))
    old["format"] = 3
    for artifact in old["artifacts"]:  # what format 3 held: no recorded decision
        artifact.pop("decision", None)
    entry = entry_path(tmp_path, text)
    entry.write_text(json.dumps(old), encoding="utf-8")
    assert read_registry_cached(text, tmp_path) == read_registry(text)
    assert json.loads(entry.read_text(encoding="utf-8"))["format"] == 4  # parsed and written again
    monkeypatch.setattr(registry_cache, "FORMAT", 3)
    assert entry_path(tmp_path, text) != entry  # and another format names another entry


@pytest.mark.parametrize("tamper", [
    lambda positions: positions[1].append(7),  # a number without its pair
    lambda positions: positions[1].__setitem__(0, "2"),  # a line that is not a number
    lambda positions: positions[0][0].append(["deeper"]),  # a path part that cannot be a key
    lambda positions: positions.pop(),  # three lists of four
])
def test_an_entry_with_malformed_positions_is_a_miss(tamper, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = _documents()[0].read_text(encoding="utf-8")
    good = json.loads(json.dumps(encode(read_registry(text))))
    raw = json.loads(json.dumps(good))
    tamper(raw["artifacts"][0]["positions"])
    entry = entry_path(tmp_path, text)
    entry.write_text(json.dumps(raw), encoding="utf-8")
    assert read_registry_cached(text, tmp_path) == read_registry(text)
    assert json.loads(entry.read_text(encoding="utf-8")) == good  # a miss: parsed and written again


def test_an_unwritable_folder_only_costs_the_parse(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    text = _documents()[0].read_text(encoding="utf-8")
    assert read_registry_cached(text, blocker / "cache") == read_registry(text)


def test_old_entries_are_pruned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry_cache, "KEEP", 2)
    text = _documents()[0].read_text(encoding="utf-8")
    for index in range(4):
        read_registry_cached(text + f"\n<!-- {index} -->\n", tmp_path)
    assert len(list(tmp_path.glob("registry-*.json"))) == 2


def test_check_uses_the_folder_and_no_cache_leaves_it_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_fixture_repo(tmp_path)
    folder = tmp_path / "cache"
    monkeypatch.setenv("ARTIFACT_LINT_CACHE_DIR", str(folder))
    monkeypatch.chdir(root)
    fresh = CliRunner().invoke(app, ["check", "-f", "json", "--no-cache"])
    assert not folder.exists()
    first = CliRunner().invoke(app, ["check", "-f", "json"])
    assert len(list(folder.glob("registry-*.json"))) == 1
    second = CliRunner().invoke(app, ["check", "-f", "json"])
    assert fresh.exit_code == first.exit_code == second.exit_code
    assert fresh.stdout == first.stdout == second.stdout
    assert not any(p.name.startswith("registry-") for p in root.rglob("*"))  # nothing in the repository


def test_the_default_folder_is_outside_the_repository(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ARTIFACT_LINT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert registry_cache.cache_folder() == tmp_path / "artifact-lint"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert registry_cache.cache_folder() == Path(os.path.expanduser("~")) / ".cache" / "artifact-lint"


FRAGMENTS = [
    "| Artifact | Type | State |\n", "|---|---|---|\n", "| `a` | T | `s` |\n", "### `a`\n", "### `b`\n",
    "Status: ", "`blocked`", "Measured evidence:\n", "| Gate | Stock | Ours | n |\n", "| g | 0.5 | - | 12 |\n",
    "| h | 1e999 | 58% | x |\n", "Release blockers:\n", "| Blocker | Unblock |\n", "| b | u |\n",
    "Committed surface:\n", "- `specialists/a/x.md`\n", "Competitive context:\n",
    "| System | Score | Label |\n", "| S-7B | 0.4 | `Direct` |\n", "**", "\n", "\r", "> ", "  ",
    "Next release action:\n", "```\n", "\udcff", "\x00", "|", "`", "\\", "Website page: /a\n",
    "- HF repo: `https://huggingface.co/o/a`\n", "- Cmd: `python3 x.py --y`\n", "Current artifact shape:\n",
    "- Public adapter: `runs/a/b.lora`\n", "A toy screen scored 40/40. ", "Latency was not recorded.\n",
    "| Gate | Ours | R1 | R2 |\n", "| Mean latency | 3.8ms | 0.5 | not run |\n", "| Id | Evidence / readout |\n",
    "| `Ours` | Current candidate. | Direct |\n",
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=8), max_size=40))
def test_any_document_comes_back_from_the_cache_as_parsed(parts: list[str]) -> None:
    text = "".join(parts)
    parsed = read_registry(text)
    with tempfile.TemporaryDirectory() as folder:
        first = read_registry_cached(text, Path(folder))  # writes the entry when JSON can hold it
        second = read_registry_cached(text, Path(folder))  # reads it back
    assert first == parsed
    assert second == parsed
