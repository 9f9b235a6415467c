"""Baselines and `--new-from-rev` on the real document's history: a version that adds
entries must make exactly the new entries' findings new, because document findings
are keyed with the entry they are about."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import shared_dir
from test_cli import cli

DOC = "docs/factory/public-artifacts.md"
OLD, NEW = "b1d8637", "174cd32"
HEADING = re.compile(r"^### `([^`]+)`\s*$", re.M)


def _version(name: str) -> str:
    return (shared_dir() / "corpus" / "upstream" / f"public-artifacts@{name}.md").read_text(encoding="utf-8")


def _sections(text: str) -> dict[str, str]:
    """Each `### \\`id\\`` detail section of a document, up to the next `##`/`###` heading."""
    found = {}
    for match in HEADING.finditer(text):
        end = re.compile(r"^#{2,3} ", re.M).search(text, match.end())
        found[match.group(1)] = text[match.start():end.start() if end else len(text)]
    return found


def _list_rows(text: str) -> dict[str, str]:
    return {m.group(1): m.group(0) for m in re.finditer(r"^\| `([^`]+)` \|.*\|$", text, re.M)}


def _with_entries_added(old: str, new: str) -> tuple[str, set[str]]:
    """The old document plus the entries (list row and section) only the new one has."""
    old_rows, new_rows = _list_rows(old), _list_rows(new)
    added = [i for i in new_rows if i not in old_rows and i in _sections(new)]
    last_row = list(old_rows.values())[-1]
    text = old.replace(last_row, last_row + "".join("\n" + new_rows[i] for i in added), 1)
    details = "".join(_sections(new)[i] for i in added)
    anchor = "## Release Priority"
    text = text.replace(anchor, details + anchor, 1) if anchor in text else text + "\n" + details
    return text, set(added)


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args], cwd=root,
                   check=True, capture_output=True, timeout=60)


@pytest.fixture
def history(tmp_path: Path) -> tuple[Path, set[str]]:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    old = _version(OLD)
    grown, added = _with_entries_added(old, _version(NEW))
    assert len(added) >= 4, added
    root = tmp_path / "repo"
    (root / "docs" / "factory").mkdir(parents=True)
    (root / DOC).write_text(old, encoding="utf-8")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "old")
    (root / DOC).write_text(grown, encoding="utf-8")
    return root, added


def _findings(root: Path, *args: str) -> list[dict]:
    run = cli(root, "check", "--format", "json", DOC, *args)
    assert run.code in (0, 1), run.stderr
    return run.json["findings"]


def test_new_from_rev_reports_exactly_the_new_entries(history: tuple[Path, set[str]]) -> None:
    root, added = history
    everything = _findings(root)
    of_new_entries = [f for f in everything if f["artifact"] in added]
    assert of_new_entries, "the added entries have findings of their own"

    new = _findings(root, "--new-from-rev", "HEAD")

    key = lambda f: (f["code"], f["artifact"], f["field"], f["line"])  # noqa: E731
    assert sorted(map(key, new)) == sorted(map(key, of_new_entries))


def test_a_baseline_of_the_old_version_keeps_the_old_entries_quiet(history: tuple[Path, set[str]]) -> None:
    root, added = history
    grown = (root / DOC).read_text(encoding="utf-8")
    _git(root, "stash", "-q")
    assert cli(root, "check", DOC, "--write-baseline", "baseline.json").code == 0
    (root / DOC).write_text(grown, encoding="utf-8")

    new = _findings(root, "--baseline", "baseline.json")

    assert {f["artifact"] for f in new if f["code"] != "AL901"} == added & {f["artifact"] for f in new}
    assert not [f for f in new if f["code"] == "AL901"], "every baseline entry still matches"
    entries = json.loads((root / "baseline.json").read_text())["entries"]
    assert all("artifact" in entry for entry in entries)
