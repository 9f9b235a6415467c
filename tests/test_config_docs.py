"""The README documents each setting from its one declaration, the `Config` model.

`ARTIFACT_LINT_UPDATE_DOCS=1 pytest tests/test_config_docs.py` rewrites the README's
table after a setting is added or changed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from artifact_lint.model.config import Config, parse_config, settings_reference

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

README = Path(__file__).resolve().parents[1] / "README.md"
BEGIN, END = "<!-- settings: begin -->\n", "<!-- settings: end -->\n"


def _section(text: str) -> tuple[int, int]:
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    return start, end


def test_readme_table_of_settings_is_rendered_from_the_model() -> None:
    text = README.read_text(encoding="utf-8")
    start, end = _section(text)
    expected = "\n" + settings_reference() + "\n"
    if os.environ.get("ARTIFACT_LINT_UPDATE_DOCS") == "1" and text[start:end] != expected:
        README.write_text(text[:start] + expected + text[end:], encoding="utf-8")
        pytest.skip("README.md rewritten")
    assert text[start:end] == expected, "run ARTIFACT_LINT_UPDATE_DOCS=1 pytest tests/test_config_docs.py"


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
