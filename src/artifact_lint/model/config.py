"""Find the repository root and read `[tool.artifact-lint]` configuration."""

from __future__ import annotations

import os
import re
import stat
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NamedTuple, Union

from artifact_lint.errors import ConfigError, ToolError
from artifact_lint.model.findings import Severity
from artifact_lint.suggest import did_you_mean

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CONFIG_FILES = ("artifact-lint.toml", ".artifact-lint.toml")
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


class Config(NamedTuple):
    """Settings after file and command line are merged. Paths are root-relative."""

    source: str | None = None  # the file the settings came from, for messages
    paths: tuple[str, ...] = ("artifacts",)
    policy: str | None = None
    registry_doc: str = "docs/factory/public-artifacts.md"
    specialists: str = "specialists"
    select: tuple[str, ...] = ("AL",)
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: Severity = Severity.ERROR
    max_file_size: int = 1024 * 1024
    max_depth: int = 100
    max_nodes: int = 200_000
    # Read-only: a default Config's empty tables are shared, as `with_overrides` shares them.
    severity: dict[str, Severity] = {}
    per_file_ignores: dict[str, tuple[str, ...]] = {}
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    force_exclude: bool = False
    # Public copy beyond the metadata (artifact-format §7): glob -> artifact id template
    # (`{stem}`, `{name}`), and the package index whose entries carry headline claims.
    public_copy: dict[str, str] = DEFAULT_PUBLIC_COPY
    package_index: str = "specialists/registry.json"
    # Rule files: root-relative globs (the policy file is never one; see custom_rules.py).
    rules: tuple[str, ...] = ("rules/*.yaml",)
    # Not a setting: the rules of the rule files and plugins, once the session has loaded
    # them (AL004 and AL902 read them here).
    extra_rules: tuple[Any, ...] = ()
    # Where each value came from, by key as written in the file (`fail-on`): the
    # config file, or the command line; a key that is absent has its default.
    origins: dict[str, str] = {}

    def with_overrides(self, origin: str = "command line", **changes: Any) -> Config:
        """These values (None: keep the current one), recorded as coming from `origin`."""
        changes = {k: v for k, v in changes.items() if v is not None}
        if not changes:
            return self
        origins = {**self.origins, **{k.replace("_", "-"): origin for k in changes}}
        return self._replace(**changes, origins=origins)

    def origin(self, key: str) -> str:
        """Where the value of `key` (`fail-on`) came from."""
        return self.origins.get(key, "default")


_KEYS = {
    "paths", "policy", "registry-doc", "specialists", "select", "extend-select", "ignore",
    "fail-on", "max-file-size", "max-depth", "max-nodes", "severity", "per-file-ignores",
    "exclude", "extend-exclude", "respect-gitignore", "force-exclude", "public-copy", "package-index", "rules",
}
# The codes a configuration may name, or a function giving them once the other keys are read.
KnownCodes = Union[Iterable[str], Callable[["Config"], Iterable[str]]]


def _tool_table(data: dict[str, Any]) -> Any:
    """`[tool.artifact-lint]` of a pyproject.toml's data, or None. `tool = "x"` is not a table."""
    tool = data.get("tool")
    return tool.get("artifact-lint") if isinstance(tool, dict) else None


def find_config(start: Path) -> Path | None:
    """The nearest config file at or above `start`.

    A config file that cannot be used (not a regular file, a link that leaves its
    folder, unreadable, not UTF-8, not TOML) is an error naming it, never skipped:
    skipping it would lint with other settings than the ones the user wrote."""
    for folder in (start, *start.parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if os.path.lexists(candidate):
                check_file_path(candidate, folder, "config file", _shown(candidate, start))
                return candidate
        pyproject = folder / "pyproject.toml"
        if os.path.lexists(pyproject):
            check_file_path(pyproject, folder, "config file", _shown(pyproject, start))
            if _tool_table(_read_toml(pyproject, _shown(pyproject, start))) is not None:
                return pyproject
    return None


def _shown(path: Path, start: Path) -> str:
    """`path` as messages show it: relative to `start` when below it."""
    try:
        return path.relative_to(start).as_posix()
    except ValueError:
        return str(path)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a plain file"


def inside(path: Path, root: Path) -> bool:
    """Whether `path`, links followed, is inside `root` (a link loop is not)."""
    try:
        resolved = str(path.resolve())
        real_root = str(root.resolve())
    except (OSError, RuntimeError):  # a symlink loop
        return False
    return resolved == real_root or resolved.startswith(real_root.rstrip(os.sep) + os.sep)


def check_file_path(path: Path, root: Path, what: str, shown: str | None = None) -> Path:
    """`path` when it is a regular file inside `root` (links followed), else a
    `ToolError` naming it: it does not exist, it leaves the root, or it is a folder,
    a named pipe or a device. Nothing is opened, so nothing of it is ever shown."""
    shown = shown or str(path)
    error = ConfigError if what == "config file" else ToolError
    if not os.path.lexists(path):
        raise error(f"{what} `{shown}` does not exist")
    if not inside(path, root):
        try:
            path.resolve(strict=True)
            where = f"resolves outside the repository root `{root}`"
        except (OSError, RuntimeError):
            where = "is a link that loops or leads nowhere"
        raise error(f"{what} `{shown}` {where}; it was not read")
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise error(f"{what} `{shown}`: cannot read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(mode):
        raise error(f"{what} `{shown}` is not a regular file (it is {_kind(mode)})")
    return path


def find_root(start: Path) -> Path:
    """The nearest ancestor holding a config file, else `.git`, else `start`."""
    config = find_config(start)
    if config is not None:
        return config.parent
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def _read_toml(path: Path, shown: str | None = None) -> dict[str, Any]:
    """The TOML at `path` (a regular file: the caller has checked). Unreadable, not
    UTF-8 or not TOML is a `ConfigError` naming the file; its text is never shown."""
    shown = shown or str(path)
    try:
        # O_NONBLOCK: should the file have become a named pipe since it was checked,
        # opening it does not wait for a writer; fstat then refuses it.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise ConfigError(f"config file `{shown}` is not a regular file")
            raw = handle.read()
    except OSError as exc:
        raise ConfigError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ConfigError(f"{shown}: not valid UTF-8 (byte 0x{raw[exc.start]:02x} on line {line});"
                          " TOML files are UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{shown}: invalid TOML: {exc}") from None
    except ValueError as exc:  # tomllib's own limits, such as an integer of more than 4300 digits
        raise ConfigError(f"{shown}: invalid TOML: {exc}") from None


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


def check_codes(values: Any, where: str, known: Iterable[str]) -> tuple[str, ...]:
    """Codes or prefixes (`AL2`, `AL201`), each matching at least one known rule."""
    if isinstance(values, str):
        values = [v for v in values.split(",") if v.strip()]
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ConfigError(f"{where}: expected a list of rule codes, got {values!r}")
    known = list(known)
    result = []
    for value in values:
        code = value.strip().upper()
        if code == "ALL":  # the built-in rules' prefix, and each custom prefix
            result.extend(dict.fromkeys(["AL", *(re.sub(r"[0-9]+$", "", k) for k in known)]))
            continue
        if not CODE_PATTERN.match(code) or not any(k.startswith(code) for k in known):
            raise ConfigError(f"{where}: `{value}` is not a rule code or prefix"
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


def _copy_table(value: Any, where: str) -> dict[str, str]:
    """`public-copy`: glob -> artifact id template (`{stem}`, `{name}`, or a fixed id)."""
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ConfigError(f"{where}: expected a table of \"glob\" = \"id template\" ({{stem}}, {{name}})")
    for glob, template in value.items():
        if not glob.strip() or glob.startswith("/") or ".." in glob.split("/"):
            raise ConfigError(f"{where}: `{glob}` must be a glob relative to the root")
        if not template.strip():
            raise ConfigError(f"{where}.\"{glob}\": the id template is empty")
    return dict(value)


def _rule_globs(value: Any, where: str) -> tuple[str, ...]:
    """`rules`: root-relative globs of rule files."""
    globs = _patterns(value, where)
    for pattern in globs:
        if pattern.startswith(("/", "\\", "~")) or ".." in re.split(r"[/\\]", pattern) or pattern[1:2] == ":":
            raise ConfigError(f"{where}: `{pattern}` must be a glob relative to the root")
    return globs


def parse_config(table: dict[str, Any], source: str, known_codes: KnownCodes) -> Config:
    """Validate a `[tool.artifact-lint]` table; any bad key or value is a `ConfigError`.
    `known_codes` may be a function of the configuration read so far (all but the keys
    naming codes), called once: the `rules` key decides which custom codes exist."""
    values: dict[str, Any] = {"source": source, "origins": {key: source for key in table}}
    for key, value in table.items():
        where = f"{source}: key `{key}`"
        if key not in _KEYS:
            raise ConfigError(f"{source}: unknown key `{key}`{did_you_mean(key, sorted(_KEYS))}")
        if key == "rules":
            values["rules"] = _rule_globs(value, where)
        elif key == "paths":
            values["paths"] = _string_list(value, where)
        elif key in ("exclude", "extend-exclude"):
            values[key.replace("-", "_")] = _patterns(value, where)
        elif key in ("respect-gitignore", "force-exclude"):
            values[key.replace("-", "_")] = _bool(value, where)
        elif key in ("policy", "registry-doc", "specialists", "package-index"):
            values[key.replace("-", "_")] = _string(value, where)
        elif key == "public-copy":
            values["public_copy"] = _copy_table(value, where)
        elif key == "fail-on":
            values["fail_on"] = parse_severity(value, where)
        elif key == "max-file-size":
            values["max_file_size"] = parse_size(value, where)
        elif key in ("max-depth", "max-nodes"):
            values[key.replace("-", "_")] = _positive_int(value, where)
    known_codes = list(known_codes(Config(**values)) if callable(known_codes) else known_codes)
    for key, value in table.items():
        where = f"{source}: key `{key}`"
        if key in ("select", "extend-select", "ignore"):
            values[key.replace("-", "_")] = check_codes(value, where, known_codes)
        elif key == "severity":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: expected a table of CODE = \"severity\"")
            values["severity"] = {
                check_codes([code], f"{where}", known_codes)[0]: parse_severity(sev, f"{where}.{code}")
                for code, sev in value.items()
            }
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: expected a table of \"glob\" = [codes]")
            values["per_file_ignores"] = {
                glob: check_codes(codes, f"{where}.\"{glob}\"", known_codes) for glob, codes in value.items()
            }
    return Config(**values)


def load_config(config_file: Path | None, root: Path, known_codes: KnownCodes) -> Config:
    """Config from an explicit file, else the one discovered at the root, else defaults.
    Either must be a regular file inside the root (links followed)."""
    path = config_file or find_config(root)
    if path is None or (config_file is None and path.parent != root):
        return Config()
    shown = path.name if path.parent == root else str(path)
    if config_file is not None:  # a discovered one was checked as it was found
        check_file_path(path, root, "config file", shown)
    data = _read_toml(path, shown)
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        if not isinstance(tool, dict):
            raise ConfigError(f"{shown}: `tool` is not a table")
        table = tool.get("artifact-lint", {})
        shown += " [tool.artifact-lint]"
    else:
        table = data
    if not isinstance(table, dict):
        raise ConfigError(f"{shown}: expected a table")
    return parse_config(table, shown, known_codes)


def _toml_value(value: Any) -> str:
    """A setting as TOML (strings quoted as JSON quotes them, which TOML reads the same)."""
    import json

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
    for name in Config._fields:
        if name in ("source", "origins", "extra_rules"):
            continue
        key = name.replace("_", "-")
        value = getattr(config, name)
        if key == "policy":
            values.append((key, policy[0], policy[1]))
        else:
            values.append((key, value, config.origin(key)))
    width = max(n for n in (len(f"{key} = {_toml_value(value)}") for key, value, _ in values) if n <= 50)
    for key, value, origin in values:
        lines.append(f"{key} = {_toml_value(value)}".ljust(width) + f"  # {origin}")
    return lines
