"""The input formats' table (`sources/input_formats.py`) is the one place that says which
files hold artifact metadata: every consumer, the hook's pattern and the README follow it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from artifact_lint.sources import input_formats
from artifact_lint.sources.input_formats import BY_SUFFIX, INPUT_FORMATS, JSON, YAML, format_of, parser
from artifact_lint.sources.loader import Document, Limits, LoadError, load_text

PROJECT = Path(__file__).resolve().parents[1]


def test_each_suffix_is_lower_case_with_its_dot_and_belongs_to_one_format() -> None:
    suffixes = [suffix for fmt in INPUT_FORMATS for suffix in fmt.suffixes]
    assert len(suffixes) == len(set(suffixes)) == len(BY_SUFFIX)
    assert all(re.fullmatch(r"\.[a-z0-9]+", suffix) for suffix in suffixes)
    assert input_formats.SUFFIXES == (".yaml", ".yml", ".json")


def test_any_other_suffix_is_read_as_yaml() -> None:
    assert format_of(".yml") is YAML and format_of(".json") is JSON
    assert format_of(".txt") is YAML and format_of("") is YAML and format_of(".JSON") is YAML


@pytest.mark.parametrize("fmt", INPUT_FORMATS, ids=lambda fmt: fmt.name)
def test_each_parser_reads_one_mapping_with_positions(fmt: input_formats.InputFormat) -> None:
    text = '{"id": "x", "state": "draft"}\n' if fmt is JSON else "id: x\nstate: draft\n"
    doc = parser(fmt)(text, Limits())
    assert isinstance(doc, Document) and doc.data == {"id": "x", "state": "draft"}
    assert doc.positions.value(("state",)).line == (1 if fmt is JSON else 2)
    for suffix in fmt.suffixes:
        loaded = load_text(text.encode(), suffix)
        assert isinstance(loaded, Document) and loaded.data == doc.data


def test_the_top_level_message_names_the_mapping_as_the_format_does() -> None:
    assert isinstance(error := load_text(b"[1]", ".json"), LoadError)
    assert error.message == "the top level is a list; the file should hold one mapping (a JSON object)"
    assert isinstance(error := load_text(b"- 1\n", ".yaml"), LoadError)
    assert error.message == "the top level is a list; the file should hold one mapping"


def test_consumers_read_the_table() -> None:
    from artifact_lint.commands import fixer
    from artifact_lint.server import actions, diagnostics
    from artifact_lint.sources import discovery

    assert discovery.METADATA_SUFFIXES == input_formats.SUFFIXES
    assert fixer.SUFFIXES == input_formats.FIXABLE_SUFFIXES
    assert actions.FIXABLE_SUFFIXES == input_formats.FIXABLE_SUFFIXES
    assert diagnostics.SUFFIXES == input_formats.SUFFIXES
    assert input_formats.suffix_list() == ".yaml, .yml or .json"
    assert input_formats.name_list(INPUT_FORMATS) == "YAML and JSON"


def test_suppression_comments_are_read_where_the_format_has_comments() -> None:
    from artifact_lint.engine.suppression import find_directives

    line = "id: x  # artifact-lint: disable AL101\n"
    for fmt in INPUT_FORMATS:
        for suffix in fmt.suffixes:
            assert bool(find_directives(f"artifacts/a{suffix}", line)) is fmt.comments, suffix


def test_the_pre_commit_hook_runs_on_every_artifact_suffix() -> None:
    hooks = PROJECT / ".pre-commit-hooks.yaml"
    if not hooks.is_file():
        pytest.skip("no .pre-commit-hooks.yaml here")
    (hook,) = [h for h in yaml.safe_load(hooks.read_text(encoding="utf-8")) if h["id"] == "artifact-lint"]
    for suffix in input_formats.SUFFIXES:
        assert re.search(hook["files"], f"artifacts/model{suffix}"), suffix
    assert not re.search(hook["files"], "artifacts/model.txt")


def test_the_readme_names_every_artifact_suffix() -> None:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    listed = ", ".join(f"`{s}`" for s in input_formats.SUFFIXES[:-1]) + f" and `{input_formats.SUFFIXES[-1]}`"
    assert f"The artifact files are the {listed} files" in readme
