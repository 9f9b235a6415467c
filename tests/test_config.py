"""Configuration: discovery of the root and config file, parsing and validation of every key."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import build_fixture_repo

from artifact_lint.engine.rule_set import load_rules
from artifact_lint.errors import ConfigError, ToolError
from artifact_lint.model.config import (
    Config,
    check_codes,
    find_config,
    find_root,
    load_config,
    parse_config,
    parse_size,
)
from artifact_lint.model.findings import Severity

KNOWN = [rule.code for rule in load_rules()]
TOOL = "[tool.artifact-lint]\n"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _load(root: Path) -> Config:
    return load_config(None, root, KNOWN)


def _parse(table: dict) -> Config:
    return parse_config(table, "artifact-lint.toml", KNOWN)


# --- discovery ---------------------------------------------------------------


def test_no_config_gives_defaults(tmp_path: Path) -> None:
    config = _load(tmp_path)
    assert config == Config()
    assert config.paths == ("artifacts",)
    assert config.fail_on is Severity.ERROR


@pytest.mark.parametrize("name", ["artifact-lint.toml", ".artifact-lint.toml"])
def test_standalone_config_file_uses_top_level_keys(tmp_path: Path, name: str) -> None:
    _write(tmp_path / name, 'paths = ["meta"]\n')
    assert find_config(tmp_path) == tmp_path / name
    config = _load(tmp_path)
    assert config.paths == ("meta",)
    assert name in (config.source or "")


def test_pyproject_tool_table(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n' + TOOL + 'paths = ["meta"]\n')
    assert find_config(tmp_path) == tmp_path / "pyproject.toml"
    config = _load(tmp_path)
    assert config.paths == ("meta",)
    assert "pyproject.toml" in (config.source or "")


def test_pyproject_without_tool_table_is_not_a_config(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')
    assert find_config(tmp_path) is None
    assert _load(tmp_path) == Config()


def test_order_within_one_folder(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", TOOL + 'paths = ["from-pyproject"]\n')
    assert find_config(tmp_path) == tmp_path / "pyproject.toml"
    _write(tmp_path / ".artifact-lint.toml", 'paths = ["from-dot"]\n')
    assert find_config(tmp_path) == tmp_path / ".artifact-lint.toml"
    _write(tmp_path / "artifact-lint.toml", 'paths = ["from-plain"]\n')
    assert find_config(tmp_path) == tmp_path / "artifact-lint.toml"
    assert _load(tmp_path).paths == ("from-plain",)


def test_nearest_config_wins(tmp_path: Path) -> None:
    _write(tmp_path / "artifact-lint.toml", 'paths = ["outer"]\n')
    inner = tmp_path / "a" / "b"
    _write(inner / "pyproject.toml", TOOL + 'paths = ["inner"]\n')
    start = inner / "c"
    start.mkdir()
    assert find_config(start) == inner / "pyproject.toml"
    assert find_root(start) == inner
    assert _load(inner).paths == ("inner",)


def test_root_is_config_folder_before_git(tmp_path: Path) -> None:
    _write(tmp_path / "artifact-lint.toml", "")
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    start = tmp_path / "repo" / "sub"
    start.mkdir()
    assert find_root(start) == tmp_path


def test_root_is_git_folder_without_config(tmp_path: Path) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    start = tmp_path / "repo" / "artifacts" / "deep"
    start.mkdir(parents=True)
    assert find_root(start) == tmp_path / "repo"


def test_git_file_marks_a_root_too(tmp_path: Path) -> None:
    # worktrees and submodules have a `.git` file, not a folder
    _write(tmp_path / "repo" / ".git", "gitdir: elsewhere\n")
    start = tmp_path / "repo" / "x"
    start.mkdir()
    assert find_root(start) == tmp_path / "repo"


def test_root_is_start_without_config_or_git(tmp_path: Path) -> None:
    start = tmp_path / "plain" / "folder"
    start.mkdir(parents=True)
    assert find_root(start) == start


def test_config_in_parent_of_root_is_not_used(tmp_path: Path) -> None:
    _write(tmp_path / "artifact-lint.toml", 'paths = ["outer"]\n')
    inner = tmp_path / "inner"
    inner.mkdir()
    assert _load(inner) == Config()


def test_explicit_config_file(tmp_path: Path) -> None:
    path = _write(tmp_path / "elsewhere" / "custom.toml", 'paths = ["x"]\nfail-on = "info"\n')
    config = load_config(path, tmp_path, KNOWN)
    assert config.paths == ("x",)
    assert config.fail_on is Severity.INFO


def test_explicit_pyproject_reads_the_tool_table(tmp_path: Path) -> None:
    path = _write(tmp_path / "pyproject.toml", TOOL + 'ignore = ["AL5"]\n')
    assert load_config(path, tmp_path, KNOWN).ignore == ("AL5",)


def test_invalid_toml_is_a_config_error_naming_the_file(tmp_path: Path) -> None:
    _write(tmp_path / "artifact-lint.toml", "paths = [\n")
    with pytest.raises(ConfigError, match="artifact-lint.toml"):
        _load(tmp_path)


def test_config_error_is_a_tool_error() -> None:
    assert issubclass(ConfigError, ToolError)


# --- every key -----------------------------------------------------------------

FULL = """\
paths = ["artifacts", "more"]
policy = "rules/strict.yaml"
registry-doc = "docs/registry.md"
specialists = "pkgs"
select = ["AL1", "AL2"]
extend-select = ["AL5"]
ignore = ["AL506"]
fail-on = "warning"
max-file-size = "2MiB"
max-depth = 20
max-nodes = 5000

[severity]
AL201 = "warning"
AL004 = "error"

[per-file-ignores]
"artifacts/legacy-*.yaml" = ["AL2", "AL301"]
"""


@pytest.fixture
def full_config(tmp_path: Path) -> Config:
    _write(tmp_path / "artifact-lint.toml", FULL)
    return _load(tmp_path)


def test_every_key_is_parsed(full_config: Config) -> None:
    c = full_config
    assert c.paths == ("artifacts", "more")
    assert c.policy == "rules/strict.yaml"
    assert c.registry_doc == "docs/registry.md"
    assert c.specialists == "pkgs"
    assert c.select == ("AL1", "AL2")
    assert c.extend_select == ("AL5",)
    assert c.ignore == ("AL506",)
    assert c.fail_on is Severity.WARNING
    assert c.max_file_size == 2 * 1024 * 1024
    assert c.max_depth == 20
    assert c.max_nodes == 5000
    assert c.severity == {"AL201": Severity.WARNING, "AL004": Severity.ERROR}
    assert c.per_file_ignores == {"artifacts/legacy-*.yaml": ("AL2", "AL301")}


def test_pyproject_nested_tables(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml",
           TOOL + '[tool.artifact-lint.severity]\nAL201 = "info"\n'
           '[tool.artifact-lint.per-file-ignores]\n"artifacts/a.yaml" = ["AL5"]\n')
    config = _load(tmp_path)
    assert config.severity == {"AL201": Severity.INFO}
    assert config.per_file_ignores == {"artifacts/a.yaml": ("AL5",)}


def test_codes_are_normalised() -> None:
    config = _parse({"select": ["al1"], "ignore": "AL201, al3", "extend-select": ["ALL"]})
    assert config.select == ("AL1",)
    assert config.ignore == ("AL201", "AL3")
    assert config.extend_select == ("AL",)


def test_single_path_string_is_accepted() -> None:
    assert _parse({"paths": "artifacts"}).paths == ("artifacts",)


@pytest.mark.parametrize(
    ("value", "size"),
    [(1000, 1000), ("1MiB", 1024**2), ("1MB", 1000**2), ("512 KiB", 512 * 1024), ("1gib", 1024**3),
     ("2048", 2048), ("1.5KB", 1500)],
)
def test_sizes(value: object, size: int) -> None:
    assert parse_size(value, "where") == size
    assert _parse({"max-file-size": value}).max_file_size == size


def test_with_overrides_ignores_none(full_config: Config) -> None:
    changed = full_config.with_overrides(fail_on=Severity.INFO, select=None)
    assert changed.fail_on is Severity.INFO
    assert changed.select == full_config.select


# --- bad config ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "suggestion"),
    [("fail-onn", "fail-on"), ("fail_on", "fail-on"), ("path", "paths"), ("ignroe", "ignore"),
     ("max_file_size", "max-file-size"), ("per-file-ignore", "per-file-ignores")],
)
def test_unknown_key_names_the_key_with_did_you_mean(tmp_path: Path, key: str, suggestion: str) -> None:
    _write(tmp_path / "pyproject.toml", TOOL + f'{key} = "warning"\n')
    with pytest.raises(ConfigError) as info:
        _load(tmp_path)
    message = str(info.value)
    assert f"`{key}`" in message
    assert f"did you mean `{suggestion}`" in message
    assert "pyproject.toml" in message


def test_unknown_key_without_close_match() -> None:
    with pytest.raises(ConfigError, match="zzzzzz"):
        _parse({"zzzzzz": 1})


@pytest.mark.parametrize(
    ("table", "needle"),
    [
        ({"select": ["AL999"]}, "AL999"),
        ({"select": ["XX1"]}, "XX1"),
        ({"ignore": ["AL1011"]}, "AL1011"),
        ({"extend-select": ["E501"]}, "E501"),
        ({"select": "AL1,BAD"}, "BAD"),
        ({"select": [1]}, "select"),
        ({"severity": {"AL999": "error"}}, "AL999"),
        ({"per-file-ignores": {"artifacts/*.yaml": ["AL99X"]}}, "AL99X"),
        ({"per-file-ignores": {"artifacts/*.yaml": "nope"}}, "nope"),
    ],
)
def test_bad_code(table: dict, needle: str) -> None:
    with pytest.raises(ConfigError) as info:
        _parse(table)
    message = str(info.value)
    assert needle in message
    assert "artifact-lint.toml" in message


def test_bad_code_on_the_command_line_names_the_option() -> None:
    with pytest.raises(ConfigError, match="--select.*AL8"):
        check_codes(["AL8"], "--select", KNOWN)


def test_severity_prefix_is_rejected_or_applied(tmp_path: Path) -> None:
    from artifact_lint.engine.session import check

    root = build_fixture_repo(tmp_path)
    path = root / "artifacts" / "gemma-2b-invoice-fields.yaml"
    path.write_text(path.read_text().replace("label: Directional", "label: directional"))
    _write(root / "artifact-lint.toml", '[severity]\nAL2 = "info"\n')
    try:
        result = check(root)
    except ConfigError as exc:
        assert "AL2" in str(exc)
        return
    al201 = [f for f in result.findings if f.code == "AL201"]
    assert al201 and all(f.severity is Severity.INFO for f in al201)


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ({"fail-on": "fatal"}, "fail-on"),
        ({"fail-on": 1}, "fail-on"),
        ({"severity": {"AL201": "loud"}}, "severity"),
        ({"severity": {"AL201": "Error!"}}, "severity"),
        ({"severity": "error"}, "severity"),
    ],
)
def test_bad_severity(table: dict, key: str) -> None:
    with pytest.raises(ConfigError) as info:
        _parse(table)
    assert f"`{key}`" in str(info.value) or f'`{key}."AL201"`' in str(info.value)  # the table's entry, TOML-quoted


@pytest.mark.parametrize("value", ["1 potato", "MiB", "", -5, 0, True, 1.5, [1], "1 TiB", "-1MiB"])
def test_bad_size(value: object) -> None:
    with pytest.raises(ConfigError) as info:
        _parse({"max-file-size": value})
    assert "max-file-size" in str(info.value)


@pytest.mark.parametrize("value", ["0", "0B", "0.1B"])
def test_zero_size_string_is_rejected(value: str) -> None:
    with pytest.raises(ConfigError, match="max-file-size"):
        _parse({"max-file-size": value})


@pytest.mark.parametrize(
    "table",
    [
        {"max-depth": 0}, {"max-depth": "10"}, {"max-nodes": -1}, {"max-nodes": True},
        {"paths": [1]}, {"paths": 3}, {"policy": ""}, {"policy": 3}, {"registry-doc": []},
        {"specialists": "  "}, {"per-file-ignores": ["x"]},
    ],
)
def test_bad_values(table: dict) -> None:
    key = next(iter(table))
    with pytest.raises(ConfigError) as info:
        _parse(table)
    assert f"`{key}`" in str(info.value)


def test_pyproject_tool_table_not_a_table(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", '[tool]\n"artifact-lint" = 3\n')
    with pytest.raises(ConfigError, match="pyproject.toml"):
        load_config(tmp_path / "pyproject.toml", tmp_path, KNOWN)


# --- configuration hygiene (cli.md, Additions) ---------------------------------------------
# A config, policy, registry document or baseline that cannot be used is exit 2 naming
# it: never a silent fall-back to defaults, never a hang on a pipe, never a file read
# from outside the root.

SECRET = "TOPSECRET-4f1e"


def _cli(root: Path, *args: str, monkeypatch: pytest.MonkeyPatch | None = None):  # type: ignore[no-untyped-def]
    from test_cli import cli

    return cli(root, *args, monkeypatch=monkeypatch)


def _process(root: Path, *args: str):  # type: ignore[no-untyped-def]
    from test_cli import process

    return process(root, *args)


def _fifo(path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    return path


def _one_error_line(run, *needles: str) -> None:  # type: ignore[no-untyped-def]
    assert run.code == 2, (run.stdout, run.stderr)
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("artifact-lint: error: "), run.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert SECRET not in run.stdout + run.stderr


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return build_fixture_repo(tmp_path)


@pytest.mark.parametrize("text", ["[project\nname = 1\n", "[tool.artifact-lint]\nfail-on = \n"])
def test_a_pyproject_that_is_not_toml_is_exit_2_naming_it(repo: Path, text: str) -> None:
    _write(repo / "pyproject.toml", text)  # even without our table: it cannot be told
    _one_error_line(_cli(repo, "check"), "pyproject.toml", "invalid TOML")


def test_a_pyproject_that_is_not_utf8_is_exit_2_naming_it(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[tool.artifact-lint]\nfail-on = "warning"\n', encoding="utf-16")
    _one_error_line(_cli(repo, "check"), "pyproject.toml", "not valid UTF-8")


def test_an_unreadable_pyproject_is_exit_2_naming_it(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(repo / "pyproject.toml", TOOL + 'fail-on = "warning"\n')
    real_open = os.open

    def refusing_open(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(path).endswith("pyproject.toml"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)
    _one_error_line(_cli(repo, "check", monkeypatch=monkeypatch), "pyproject.toml", "Permission denied")


@pytest.mark.parametrize("value", ['"x"', '"artifact-lint is great"', "3", "[1]"])
def test_a_top_level_tool_that_is_not_a_table_does_not_crash(repo: Path, value: str) -> None:
    _write(repo / "pyproject.toml", f"tool = {value}\n")
    run = _cli(repo, "check")
    assert run.code == 0, run.stderr
    _one_error_line(_cli(repo, "check", "--config", "pyproject.toml"), "pyproject.toml", "`tool` is not a table")


@pytest.mark.parametrize("value", ['"999999999999999999999GiB"', '"1e400"', "9223372036854775807",
                                   "99999999999999999999999999"])
def test_an_enormous_max_file_size_is_a_config_error(repo: Path, value: str) -> None:
    _write(repo / "artifact-lint.toml", f"max-file-size = {value}\n")
    _one_error_line(_cli(repo, "check"), "max-file-size", "1 TiB")


def test_sizes_up_to_the_limit_are_accepted() -> None:
    assert parse_size("1024GiB", "where") == 1024**4
    assert parse_size("0.5KiB", "where") == 512


def test_config_option_naming_a_folder_says_what_it_is(repo: Path) -> None:
    (repo / "conf").mkdir()
    _one_error_line(_cli(repo, "check", "--config", "conf"), "`conf`", "is not a regular file (it is a folder)")


def test_config_option_naming_a_pipe_is_exit_2_without_waiting(repo: Path) -> None:
    _fifo(repo / "conf.toml")
    _one_error_line(_process(repo, "check", "--config", "conf.toml"), "conf.toml", "named pipe")


@pytest.mark.parametrize("name", ["artifact-lint.toml", "pyproject.toml"])
def test_a_discovered_config_that_is_a_pipe_or_folder_is_exit_2(repo: Path, name: str) -> None:
    _fifo(repo / name)
    _one_error_line(_process(repo, "check"), name, "not a regular file")
    os.unlink(repo / name)
    (repo / name).mkdir()
    _one_error_line(_process(repo, "check"), name, "folder")


def test_a_config_link_leaving_the_root_is_refused_unread(repo: Path, tmp_path: Path) -> None:
    outside = _write(tmp_path / "outside" / "settings.toml", f'[tool.artifact-lint]\n"{SECRET}" = [\n')
    (repo / "pyproject.toml").symlink_to(outside)
    _one_error_line(_cli(repo, "check"), "pyproject.toml", "outside")
    (repo / "pyproject.toml").unlink()
    (repo / "linked.toml").symlink_to(outside)
    _one_error_line(_cli(repo, "check", "--config", "linked.toml"), "linked.toml", "outside")
    _one_error_line(_cli(repo, "check", "--root", ".", "--config", str(outside)), "settings.toml", "outside")


def test_a_policy_outside_the_root_is_refused_unread(repo: Path, tmp_path: Path) -> None:
    outside = _write(tmp_path / "outside" / "policy.yaml", f"{SECRET}: [\n")
    _one_error_line(_cli(repo, "check", "--policy", str(outside)), "policy file", "outside")
    _write(repo / "artifact-lint.toml", 'policy = "../outside/policy.yaml"\n')
    _one_error_line(_cli(repo, "check"), "key `policy`", "outside")
    (repo / "artifact-lint.toml").unlink()
    (repo / "rules").mkdir()
    (repo / "rules" / "policy.yaml").symlink_to(outside)
    _one_error_line(_cli(repo, "check"), "rules/policy.yaml", "outside")


def test_a_policy_that_is_a_pipe_or_a_folder_is_exit_2(repo: Path) -> None:
    _fifo(repo / "rules" / "policy.yaml")
    _one_error_line(_process(repo, "check"), "rules/policy.yaml", "named pipe")
    (repo / "strict").mkdir()
    _one_error_line(_cli(repo, "check", "--policy", "strict"), "strict", "folder")


def test_baseline_paths_must_be_regular_files_inside_the_root(repo: Path, tmp_path: Path) -> None:
    outside = _write(tmp_path / "outside" / "baseline.json", f'{{"{SECRET}": 1}}\n')
    _one_error_line(_cli(repo, "check", "--baseline", str(outside)), "baseline", "outside")
    _one_error_line(_cli(repo, "check", "--write-baseline", str(tmp_path / "outside" / "new.json")),
                    "baseline", "outside")
    _fifo(repo / "baseline.json")
    _one_error_line(_process(repo, "check", "--baseline", "baseline.json"), "baseline.json", "named pipe")
    (repo / "base").mkdir()
    _one_error_line(_cli(repo, "check", "--baseline", "base"), "`base`", "folder")
    assert _cli(repo, "check", "--write-baseline", "written.json").code == 0
    assert (repo / "written.json").is_file()


# --- the first error is the one written first ----------------------------------------------


@pytest.mark.parametrize(
    ("table", "needle"),
    [
        ({"fail-on": "fatal", "zzz": 1}, "key `fail-on`"),
        ({"zzz": 1, "fail-on": "fatal"}, "unknown key `zzz`"),
        ({"max-depth": 0, "paths": 3}, "key `max-depth`"),
        ({"paths": 3, "max-depth": 0}, "key `paths`"),
        # keys naming codes are checked once the others are read (`rules` decides the codes)
        ({"select": ["BAD"], "fail-on": "fatal"}, "key `fail-on`"),
        ({"ignore": ["BAD"], "select": ["AL999"]}, "key `ignore`"),
    ],
)
def test_of_several_errors_the_first_written_is_reported(table: dict, needle: str) -> None:
    with pytest.raises(ConfigError) as info:
        _parse(table)
    assert str(info.value).startswith(f"artifact-lint.toml: {needle}")


def test_known_codes_may_depend_on_the_other_keys() -> None:
    seen: list[tuple[str, ...]] = []

    def known(config: Config) -> list[str]:
        seen.append(config.rules)
        return [*KNOWN, "HX001"] if config.rules == ("house/*.yaml",) else KNOWN

    config = parse_config({"select": ["HX"], "rules": ["house/*.yaml"]}, "artifact-lint.toml", known)
    assert config.select == ("HX",) and seen == [("house/*.yaml",)]
    assert config.origins == {"select": "artifact-lint.toml", "rules": "artifact-lint.toml"}


def test_values_set_in_code_are_not_read_as_file_values() -> None:
    config = Config(paths=("a", "b"), fail_on=Severity.INFO)
    assert config.paths == ("a", "b") and config.source is None and config.origin("paths") == "default"
    changed = config.with_overrides("--select", select=("AL1",))
    assert changed.select == ("AL1",) and changed.origin("select") == "--select" and config.select == ("AL",)
