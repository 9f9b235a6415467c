"""Find the repository root and read `[tool.artifact-lint]` configuration."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from artifact_lint.errors import ConfigError
from artifact_lint.findings import Severity
from artifact_lint.suggest import did_you_mean

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CONFIG_FILES = ("artifact-lint.toml", ".artifact-lint.toml")
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB|GB|GiB)?\s*$", re.I)
_UNITS = {"b": 1, "kb": 1000, "kib": 1024, "mb": 1000**2, "mib": 1024**2, "gb": 1000**3, "gib": 1024**3}
CODE_PATTERN = re.compile(r"^AL[0-9]{0,3}$")


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

    def with_overrides(self, **changes: Any) -> Config:
        return self._replace(**{k: v for k, v in changes.items() if v is not None})


_KEYS = {
    "paths", "policy", "registry-doc", "specialists", "select", "extend-select", "ignore",
    "fail-on", "max-file-size", "max-depth", "max-nodes", "severity", "per-file-ignores",
}


def _has_tool_table(pyproject: Path) -> bool:
    try:
        return "artifact-lint" in _read_toml(pyproject).get("tool", {})
    except ConfigError:
        return False


def find_config(start: Path) -> Path | None:
    """The nearest config file at or above `start`."""
    for folder in (start, *start.parents):
        for name in CONFIG_FILES:
            if (folder / name).is_file():
                return folder / name
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
    return None


def find_root(start: Path) -> Path:
    """The nearest ancestor holding a config file, else `.git`, else `start`."""
    config = find_config(start)
    if config is not None:
        return config.parent
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None


def parse_size(value: Any, where: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    match = _SIZE.match(value) if isinstance(value, str) else None
    size = int(float(match.group(1)) * _UNITS[(match.group(2) or "b").lower()]) if match else 0
    if size <= 0:
        raise ConfigError(f"{where}: expected a positive size such as 1048576 or \"1MiB\", got {value!r}")
    return size


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
        if code == "ALL":
            code = "AL"
        if not CODE_PATTERN.match(code) or not any(k.startswith(code) for k in known):
            raise ConfigError(f"{where}: `{value}` is not a rule code or prefix"
                              f"{did_you_mean(code, known)} (see `artifact-lint rules`)")
        result.append(code)
    return tuple(result)


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
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ConfigError(f"{where}: expected a positive whole number, got {value!r}")
    return value


def parse_config(table: dict[str, Any], source: str, known_codes: Iterable[str]) -> Config:
    """Validate a `[tool.artifact-lint]` table; any bad key or value is a `ConfigError`."""
    known_codes = list(known_codes)
    values: dict[str, Any] = {"source": source}
    for key, value in table.items():
        where = f"{source}: key `{key}`"
        if key not in _KEYS:
            raise ConfigError(f"{source}: unknown key `{key}`{did_you_mean(key, sorted(_KEYS))}")
        if key == "paths":
            values["paths"] = _string_list(value, where)
        elif key in ("policy", "registry-doc", "specialists"):
            values[key.replace("-", "_")] = _string(value, where)
        elif key in ("select", "extend-select", "ignore"):
            values[key.replace("-", "_")] = check_codes(value, where, known_codes)
        elif key == "fail-on":
            values["fail_on"] = parse_severity(value, where)
        elif key == "max-file-size":
            values["max_file_size"] = parse_size(value, where)
        elif key in ("max-depth", "max-nodes"):
            values[key.replace("-", "_")] = _positive_int(value, where)
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


def load_config(config_file: Path | None, root: Path, known_codes: Iterable[str]) -> Config:
    """Config from an explicit file, else the one discovered at the root, else defaults."""
    path = config_file or find_config(root)
    if path is None or (config_file is None and path.parent != root):
        return Config()
    data = _read_toml(path)
    shown = path.name if path.parent == root else str(path)
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("artifact-lint", {})
        shown += " [tool.artifact-lint]"
    else:
        table = data
    if not isinstance(table, dict):
        raise ConfigError(f"{shown}: expected a table")
    return parse_config(table, shown, known_codes)
