"""The README documents each setting and each output format from its one declaration:
the `Config` model, the reporter module.

`ARTIFACT_LINT_UPDATE_DOCS=1 pytest tests/test_docs_generated.py` rewrites the README's
generated sections after a setting or a format is added or changed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from artifact_lint.model.config import Config, parse_config, settings_reference
from artifact_lint.reporters import reference as formats_reference

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

README = Path(__file__).resolve().parents[1] / "README.md"


def _check_section(name: str, expected: str) -> None:
    """The README between `<!-- name: begin -->` and `<!-- name: end -->` is `expected`."""
    text = README.read_text(encoding="utf-8")
    begin, end = f"<!-- {name}: begin -->\n", f"<!-- {name}: end -->\n"
    start, stop = text.index(begin) + len(begin), text.index(end)
    expected = "\n" + expected + "\n"
    if os.environ.get("ARTIFACT_LINT_UPDATE_DOCS") == "1" and text[start:stop] != expected:
        README.write_text(text[:start] + expected + text[stop:], encoding="utf-8")
        pytest.skip("README.md rewritten")
    assert text[start:stop] == expected, "run ARTIFACT_LINT_UPDATE_DOCS=1 pytest tests/test_docs_generated.py"


def test_readme_table_of_settings_is_rendered_from_the_model() -> None:
    _check_section("settings", settings_reference())


def test_readme_list_of_formats_is_rendered_from_the_reporters() -> None:
    _check_section("formats", formats_reference())


def test_every_setting_has_a_kebab_case_key_and_a_description() -> None:
    settings = {name: field for name, field in Config.model_fields.items() if field.alias}
    assert set(Config.model_fields) - set(settings) == {"source", "extra_rules", "origins"}
    for name, field in settings.items():
        assert field.alias == name.replace("_", "-"), name
        assert field.description and field.description.endswith("."), name
    rows = [line for line in settings_reference().splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == [field.alias for field in settings.values()]


def test_the_readme_example_is_a_valid_configuration() -> None:
    text = README.read_text(encoding="utf-8")
    block = text.split("```toml\n[tool.artifact-lint]\n", 1)[1].split("```", 1)[0]
    table = tomllib.loads("[tool.artifact-lint]\n" + block)["tool"]["artifact-lint"]
    config = parse_config(table, "README.md", ["AL201", "AL206", "AL506", "HX001"])
    assert config.ignore == ("AL506",) and config.max_file_size == 1024 * 1024
