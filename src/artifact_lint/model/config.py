"""The settings: one pydantic model, `Config`, is the only place a key is declared.

Each setting is a field with its key as written in the file (the kebab-case alias),
its default, its description and the check of a value written in a file; parsing
`[tool.artifact-lint]` / `artifact-lint.toml` validates through the model,
`check --show-settings` lists its fields, and the README's table of settings is
rendered from it (`settings_reference`, kept in step by tests/test_docs_generated.py).
Adding a key is adding a field here (and to `with_overrides` callers if the command
line sets it).

Finding the root and reading the file's TOML live in `config_files`.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, ValidationInfo

from artifact_lint.errors import ConfigError
from artifact_lint.model.config_files import CONFIG_FILES, check_file_path, config_table, find_config, find_root
from artifact_lint.model.findings import Severity
from artifact_lint.suggest import did_you_mean

if TYPE_CHECKING:
    from artifact_lint.sources.loader import Limits

__all__ = [
    "CODE_PATTERN", "CONFIG_FILES", "DEFAULT_EXCLUDE", "DEFAULT_PUBLIC_COPY", "Config", "KnownCodes",
    "check_codes", "check_file_path", "describe_settings", "find_config", "find_root", "load_config",
    "parse_config", "parse_severity", "parse_size", "settings_reference",
]

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB|GB|GiB)?\s*$", re.I)
_UNITS = {"b": 1, "kb": 1000, "kib": 1024, "mb": 1000**2, "mib": 1024**2, "gb": 1000**3, "gib": 1024**3}
CODE_PATTERN = re.compile(r"^[A-Z]{1,4}[0-9]{0,3}$")  # a code or a prefix (of a known code: checked)
MAX_SIZE = 1024**4  # 1 TiB: no metadata file is larger, and the reader's buffers stay in range
# Folders no lint ever reads (as ruff's default `exclude`); `exclude` replaces the list,
# `extend-exclude` adds to it. Patterns are gitignore-style, relative to the root.
DEFAULT_EXCLUDE = (
    ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".mypy_cache", ".nox", ".pants.d",
    ".pytest_cache", ".pytype", ".ruff_cache", ".svn", ".tox", ".venv", "__pypackages__", "_build",
    "buck-out", "dist", "node_modules", "site-packages", "venv",
)
# Hugging Face model cards kept beside the registry, one per artifact id.
DEFAULT_PUBLIC_COPY = {"docs/hf-cards/*.md": "{stem}"}


# --------------------------------------------------------------------------- values as written


def parse_size(value: Any, where: str) -> int:
    expected = f"{where}: expected a positive size such as 1048576 or \"1MiB\", at most 1 TiB, got {value!r}"
    if isinstance(value, int) and not isinstance(value, bool):
        if 0 < value <= MAX_SIZE:
            return value
        raise ConfigError(expected)
    match = _SIZE.match(value) if isinstance(value, str) else None
    if match is None:
        raise ConfigError(expected)
    from fractions import Fraction  # exact for any number of digits, where a float overflows

    exact = Fraction(match.group(1)) * _UNITS[(match.group(2) or "b").lower()]
    if not 1 <= exact <= MAX_SIZE:
        raise ConfigError(expected)
    return int(exact)


def parse_severity(value: Any, where: str) -> Severity:
    try:
        return Severity(value)
    except ValueError:
        raise ConfigError(f"{where}: expected error, warning or info, got {value!r}") from None


def _shown(text: str) -> str:
    """User text as a message echoes it between backquotes: a line break or any other
    control character written as an escape (`\\n`), so the message stays one line even
    where the text holds a backquote of its own."""
    return text if text.isprintable() else text.encode("unicode_escape").decode("ascii")


def check_codes(values: Any, where: str, known: Iterable[str]) -> tuple[str, ...]:
    """Codes or prefixes (`AL2`, `AL201`), each matching at least one known rule."""
    if isinstance(values, str):
        values = [v for v in values.split(",") if v.strip()]
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ConfigError(f"{where}: expected a list of rule codes, got {values!r}")
    known = list(known)
    result: list[str] = []
    for value in values:
        code = value.strip().upper()
        if code == "ALL":  # the built-in rules' prefix, and each custom prefix
            result.extend(dict.fromkeys(["AL", *(re.sub(r"[0-9]+$", "", k) for k in known)]))
            continue
        if not CODE_PATTERN.match(code) or not any(k.startswith(code) for k in known):
            raise ConfigError(f"{where}: `{_shown(value)}` is not a rule code or prefix"
                              f"{did_you_mean(code, known)} (see `artifact-lint rules`)")
        result.append(code)
    return tuple(dict.fromkeys(result))


def _string_list(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a list of strings, got {value!r}")
    return tuple(value)


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: expected a path string, got {value!r}")
    return value


def _positive_int(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= sys.maxsize:
        raise ConfigError(f"{where}: expected a positive whole number (at most {sys.maxsize}), got {value!r}")
    return value


def _patterns(value: Any, where: str) -> tuple[str, ...]:
    patterns = _string_list(value, where)
    if not all(p.strip() for p in patterns):
        raise ConfigError(f"{where}: a pattern is empty")
    return patterns


def _bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: expected true or false, got {value!r}")
    return value


def _entry(where: str, key: str) -> str:
    """`where` (which ends with a backquoted setting) narrowed to one key of that setting's
    table, written as TOML quotes it, escapes included: key `per-file-ignores."a/*.yaml"`.
    A key holding a line break stays on the message's one line."""
    return f"{where[:-1]}.{json.dumps(key, ensure_ascii=False)}`" if where.endswith("`") else f"{where}.{key!r}"


def _copy_table(value: Any, where: str) -> dict[str, str]:
    """`public-copy`: glob -> artifact id template (`{stem}`, `{name}`, or a fixed id)."""
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ConfigError(f"{where}: expected a table of \"glob\" = \"id template\" ({{stem}}, {{name}})")
    for glob, template in value.items():
        if not glob.strip() or glob.startswith("/") or ".." in glob.split("/"):
            raise ConfigError(f"{where}: `{_shown(glob)}` must be a glob relative to the root")
        if not template.strip():
            raise ConfigError(f"{_entry(where, glob)}: the id template is empty")
    return dict(value)


def _rule_globs(value: Any, where: str) -> tuple[str, ...]:
    """`rules`: root-relative globs of rule files."""
    globs = _patterns(value, where)
    for pattern in globs:
        if pattern.startswith(("/", "\\", "~")) or ".." in re.split(r"[/\\]", pattern) or pattern[1:2] == ":":
            raise ConfigError(f"{where}: `{_shown(pattern)}` must be a glob relative to the root")
    return globs


def _severity_table(value: Any, where: str, known: list[str]) -> dict[str, Severity]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a table of CODE = \"severity\"")
    return {check_codes([code], f"{where}", known)[0]: parse_severity(sev, _entry(where, code))
            for code, sev in value.items()}


def _ignore_table(value: Any, where: str, known: list[str]) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a table of \"glob\" = [codes]")
    return {glob: check_codes(codes, _entry(where, glob), known) for glob, codes in value.items()}


# --------------------------------------------------------------------------- the model


class _Invalid(ValueError):
    """A value a config file gets wrong: pydantic collects it, `parse_config` raises the
    `ConfigError` of the key written first."""

    def __init__(self, error: ConfigError) -> None:
        super().__init__(str(error))
        self.error = error


class _NeedsCodes:
    """Marks a setting whose values name rule codes: it is checked once the other keys are
    read, as those decide which codes exist (`rules` adds custom ones)."""


def _in_file(check: Callable[..., Any], naming_codes: bool = False) -> BeforeValidator:
    """A value as a config file writes it, checked by `check(value, where)`, or by
    `check(value, where, known_codes)` for a setting naming rule codes. A value set in code
    (`Config(paths=...)`, `with_overrides`) is already of the field's type and is only
    checked by its type: `parse_config` alone passes a context."""

    def validate(value: Any, info: ValidationInfo) -> Any:
        if not isinstance(info.context, dict):
            return value
        where = f"{info.context['source']}: key `{_key(info.field_name)}`"
        try:
            return check(value, where, info.context["known"]) if naming_codes else check(value, where)
        except ConfigError as exc:
            raise _Invalid(exc) from None

    return BeforeValidator(validate)


def setting(default: Any, key: str, description: str) -> Any:
    """A setting: its key as written in the file, its default and what it does (the
    README's table shows the three)."""
    return Field(default, alias=key, description=description)


Paths = Annotated[tuple[str, ...], _in_file(_string_list)]
PathString = Annotated[str, _in_file(_string)]
Patterns = Annotated[tuple[str, ...], _in_file(_patterns)]
Codes = Annotated[tuple[str, ...], _in_file(check_codes, naming_codes=True), _NeedsCodes()]
Count = Annotated[int, _in_file(_positive_int)]
Switch = Annotated[bool, _in_file(_bool)]


class Config(BaseModel):
    """Settings after file and command line are merged. Paths are root-relative.

    The fields with a key (alias) are the settings, in the order `--show-settings` and the
    README list them; `source`, `extra_rules` and `origins` are not settings."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="forbid")

    source: Union[str, None] = None  # the file the settings came from, for messages
    paths: Paths = setting(
        ("artifacts",), "paths", "Folders, files or globs (`\"artifacts/**/*.yaml\"`) of artifact files.")
    policy: Annotated[Union[str, None], _in_file(_string)] = setting(
        None, "policy", "The policy file; by default `rules/policy.yaml` when present, else the built-in policy.")
    registry_doc: PathString = setting(
        "docs/factory/public-artifacts.md", "registry-doc", "The registry document.")
    specialists: PathString = setting("specialists", "specialists", "The folder of specialist packages.")
    select: Codes = setting(("AL",), "select", "Rule codes or prefixes to run (`ALL`: every loaded rule;"
                            " rules of rule files and plugins are added to the default).")
    extend_select: Codes = setting((), "extend-select", "Codes or prefixes added to `select`.")
    ignore: Codes = setting((), "ignore", "Codes or prefixes not to run.")
    fail_on: Annotated[Severity, _in_file(parse_severity)] = setting(
        Severity.ERROR, "fail-on", "The lowest severity that fails the run: `error`, `warning` or `info`.")
    max_file_size: Annotated[int, _in_file(parse_size)] = setting(
        1024 * 1024, "max-file-size", "Larger files are not read (AL001): bytes, or a size such as `\"1MiB\"`;"
        " the registry document may be 16 times larger.")
    max_depth: Count = setting(100, "max-depth", "The nesting limit of a file.")
    max_nodes: Count = setting(200_000, "max-nodes", "The values a file may hold after alias expansion.")
    # Read-only, as every value here: the model is frozen.
    severity: Annotated[dict[str, Severity], _in_file(_severity_table, True), _NeedsCodes()] = setting(
        {}, "severity", "A table of code or prefix = severity, changing the severity of those rules.")
    per_file_ignores: Annotated[dict[str, tuple[str, ...]], _in_file(_ignore_table, True), _NeedsCodes()] = setting(
        {}, "per-file-ignores", "A table of gitignore-style glob = codes not to report in the files it matches.")
    exclude: Patterns = setting(
        DEFAULT_EXCLUDE, "exclude", "Gitignore-style patterns of files and folders never read;"
        " replaces the default list (the folders tools and version control keep).")
    extend_exclude: Patterns = setting((), "extend-exclude", "Patterns added to `exclude`.")
    respect_gitignore: Switch = setting(True, "respect-gitignore", "Skip what the .gitignore files ignore.")
    force_exclude: Switch = setting(
        False, "force-exclude", "Skip excluded files even when the command line names them.")
    # Public copy beyond the metadata (artifact-format §7).
    public_copy: Annotated[dict[str, str], _in_file(_copy_table)] = setting(
        DEFAULT_PUBLIC_COPY, "public-copy", "A table of glob = artifact id template (`{stem}`: the file name"
        " without suffix, `{name}`, or a fixed id): the public copy checked against the metadata.")
    package_index: PathString = setting(
        "specialists/registry.json", "package-index", "The package index whose entries carry headline numbers.")
    rules: Annotated[tuple[str, ...], _in_file(_rule_globs)] = setting(
        ("rules/*.yaml",), "rules", "Root-relative globs of rule files (never the policy file); `[]` reads none.")
    # Not a setting: the rules of the rule files and plugins, once the session has loaded
    # them (AL004 and AL902 read them here).
    extra_rules: tuple[Any, ...] = ()
    # Where each value came from, by key as written in the file (`fail-on`): the
    # config file, or the command line; a key that is absent has its default.
    origins: dict[str, str] = {}

    @property
    def limits(self) -> Limits:
        """What the loader may read of one file: `max-file-size`, `max-depth`, `max-nodes`."""
        from artifact_lint.sources.loader import Limits

        return Limits(self.max_file_size, self.max_depth, self.max_nodes)

    def with_overrides(self, origin: str = "command line", /, **changes: Any) -> Config:
        """These values (None: keep the current one), recorded as coming from `origin`
        (positional: a setting of any name can be among `changes`)."""
        changes = {k: v for k, v in changes.items() if v is not None}
        if not changes:
            return self
        origins = {**self.origins, **{_key(k): origin for k in changes}}
        return self.model_copy(update={**changes, "origins": origins})

    def origin(self, key: str) -> str:
        """Where the value of `key` (`fail-on`) came from."""
        return self.origins.get(key, "default")


# Setting name -> key as written (`fail_on` -> `fail-on`), in the model's order.
_KEYS = {name: field.alias for name, field in Config.model_fields.items() if field.alias}
_NAMES = {key: name for name, key in _KEYS.items()}
_NAMING_CODES = frozenset(_KEYS[name] for name, field in Config.model_fields.items()
                          if name in _KEYS and any(isinstance(m, _NeedsCodes) for m in field.metadata))


def _key(name: str | None) -> str:
    return _KEYS.get(name or "", (name or "").replace("_", "-"))


# The codes a configuration may name, or a function giving them once the other keys are read.
KnownCodes = Union[Iterable[str], Callable[[Config], Iterable[str]]]


def _validated(table: dict[str, Any], source: str, order: dict[str, int], known: list[str] | None) -> Config:
    """`Config` of `table` (known keys only; those naming codes only with the `known`
    codes); the `ConfigError` of the key written first when any value is wrong."""
    try:
        return Config.model_validate({**table, "source": source, "origins": {key: source for key in order}},
                                     context={"source": source, "known": known})
    except ValidationError as exc:
        errors = sorted(exc.errors(include_url=False), key=lambda e: order.get(str(e["loc"][0]), len(order)))
        error = (errors[0].get("ctx") or {}).get("error")
        if isinstance(error, _Invalid):
            raise error.error from None
        first = errors[0]
        raise ConfigError(f"{source}: key `{first['loc'][0]}`: {first['msg']}") from None


def parse_config(table: dict[str, Any], source: str, known_codes: KnownCodes) -> Config:
    """Validate a `[tool.artifact-lint]` table; any bad key or value is a `ConfigError`,
    the first in the file's order. `known_codes` may be a function of the configuration
    read so far (all but the keys naming codes), called once: the `rules` key decides
    which custom codes exist."""
    order = {key: index for index, key in enumerate(table)}
    first_part: dict[str, Any] = {}
    for key, value in table.items():
        if key not in _NAMES:
            _validated(first_part, source, order, None)  # a wrong value written before it comes first
            raise ConfigError(f"{source}: unknown key `{key}`{did_you_mean(key, sorted(_NAMES))}")
        if key not in _NAMING_CODES:
            first_part[key] = value
    config = _validated(first_part, source, order, None)
    return _validated(table, source, order, list(known_codes(config) if callable(known_codes) else known_codes))


def load_config(config_file: Path | None, root: Path, known_codes: KnownCodes) -> Config:
    """Config from an explicit file, else the one discovered at the root, else defaults.
    Either must be a regular file inside the root (links followed)."""
    path = config_file or find_config(root)
    if path is None or (config_file is None and path.parent != root):
        return Config()
    shown = path.name if path.parent == root else str(path)
    if config_file is not None:  # a discovered one was checked as it was found
        check_file_path(path, root, "config file", shown)
    table, shown = config_table(path, shown)
    return parse_config(table, shown, known_codes)


# --------------------------------------------------------------------------- showing the settings


def _toml_value(value: Any) -> str:
    """A setting as TOML (strings quoted as JSON quotes them, which TOML reads the same)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Severity):
        return json.dumps(value.value)
    if isinstance(value, (int, str)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)} = {_toml_value(v)}"
                               for k, v in value.items()) + "}"
    return json.dumps(str(value))


def describe_settings(config: Config, root: Path, policy: tuple[str, str]) -> list[str]:
    """`check --show-settings`: every setting in force, as TOML, each with where it came
    from (the config file, the command line or the default). `policy` is the policy
    file in force and where it came from."""
    lines = [f"# root: {root}", f"# config file: {config.source or 'none (defaults)'}"]
    values: list[tuple[str, Any, str]] = []
    for name, key in _KEYS.items():
        if key == "policy":
            values.append((key, policy[0], policy[1]))
        else:
            values.append((key, getattr(config, name), config.origin(key)))
    width = max(n for n in (len(f"{key} = {_toml_value(value)}") for key, value, _ in values) if n <= 50)
    for key, value, origin in values:
        lines.append(f"{key} = {_toml_value(value)}".ljust(width) + f"  # {origin}")
    return lines


def settings_reference() -> str:
    """The README's table of settings: each key, its default and what it does, from `Config`."""
    lines = ["| Key | Default | What it sets |", "| --- | --- | --- |"]
    for name, key in _KEYS.items():
        field = Config.model_fields[name]
        default = field.default
        if default is None:
            shown = "none"
        elif isinstance(default, tuple) and len(_toml_value(default)) > 40:  # a long list: its start
            shown = f"`{_toml_value(default[:3])[:-1]}, …]` ({len(default)} in all)"
        else:
            shown = f"`{_toml_value(default)}`"
        lines.append(f"| `{key}` | {shown} | {field.description} |")
    return "\n".join(lines) + "\n"
