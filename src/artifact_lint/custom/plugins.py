"""Python rules from other packages: the entry-point group `artifact_lint.rules`.

A package registers rule modules of the built-in shape (docstring, `CODE`, `NAME`,
`SEVERITY`, `SCOPE`, `check`), one entry point each:

    [project.entry-points."artifact_lint.rules"]
    hx101 = "house_rules.hx101_no_tbd_owner"

Their codes follow the custom rules' form (`HX101`: one to four capital letters other
than AL, then three digits). A plugin that cannot be imported, or whose module is not
a rule, stops the run (exit 2) naming the entry point and its package.

`importlib.metadata` costs tens of milliseconds to import and to read every installed
package's metadata, on every run. So the folders of `sys.path` are first scanned for a
package declaring the group (a directory listing, and one small file read per package
that declares entry points): with no plugin installed, that is all a run pays.
"""

from __future__ import annotations

import functools
import os
import sys
from typing import Any

from artifact_lint.engine.rule_set import CUSTOM_CODE_RE, Rule, _from_module
from artifact_lint.errors import ToolError

GROUP = "artifact_lint.rules"


class PluginError(ToolError):
    """A plugin rule that cannot be used (exit 2)."""


def declared(paths: list[str] | None = None) -> bool:
    """Whether any installed distribution on `paths` (default `sys.path`) may declare
    entry points in the group: its `entry_points.txt` names the group, or it lives where
    a listing cannot tell (a zip file on the path)."""
    needle = f"[{GROUP}]"
    for entry in sys.path if paths is None else paths:
        try:
            listing = os.scandir(entry or ".")
        except NotADirectoryError:
            return True  # a zip archive: only importlib.metadata can look inside
        except OSError:
            continue
        with listing:
            for item in listing:
                name = item.name
                if not name.endswith((".dist-info", ".egg-info")):
                    continue
                try:
                    with open(os.path.join(item.path, "entry_points.txt"), encoding="utf-8",
                              errors="replace") as handle:
                        if needle in handle.read():
                            return True
                except OSError:
                    continue
    return False


@functools.cache
def plugin_rules() -> tuple[Rule, ...]:
    """Every rule the installed plugins register, sorted by code (read once per process)."""
    if not declared():
        return ()
    from importlib.metadata import entry_points

    found: dict[str, Rule] = {}
    for point in sorted(entry_points(group=GROUP), key=lambda p: (p.name, p.value)):
        where = _describe(point)
        try:
            module = point.load()
        except Exception as exc:  # noqa: BLE001 - any import failure of a plugin is its own
            raise PluginError(f"plugin rule {where} cannot be imported: {type(exc).__name__}: {exc}") from exc
        try:
            rule = _from_module(module, CUSTOM_CODE_RE, source=f"plugin {point.name}")
        except AttributeError as exc:
            raise PluginError(f"plugin rule {where} is not a rule module: it lacks"
                              f" {str(exc).rsplit(' ', 1)[-1]} (CODE, NAME, SEVERITY, SCOPE and check are"
                              " needed)") from None
        except ValueError as exc:
            raise PluginError(f"plugin rule {where}: {_reason(exc, module)}") from None
        if rule.scope not in ("artifact", "repository") or not callable(rule.check):
            raise PluginError(f"plugin rule {where}: SCOPE must be artifact or repository, and check a function")
        if rule.code in found:
            raise PluginError(f"plugin rule {where}: the code {rule.code} is also"
                              f" {found[rule.code].source}'s; codes are unique")
        found[rule.code] = rule
    return tuple(sorted(found.values(), key=lambda r: r.code))


def _describe(point: Any) -> str:
    dist = getattr(point, "dist", None)
    package = f", package {dist.name} {dist.version}" if dist is not None else ""
    return f"`{point.name}` (`{point.value}`{package})"


def _reason(exc: ValueError, module: Any) -> str:
    text = str(exc)
    if "bad CODE or NAME" in text:
        return (f"CODE {getattr(module, 'CODE', None)!r} or NAME {getattr(module, 'NAME', None)!r} is not"
                " valid: a code is one to four capital letters other than AL, then three digits (HX101);"
                " a name is kebab-case")
    if "is not a valid Severity" in text:
        return f"SEVERITY {getattr(module, 'SEVERITY', None)!r} is not error, warning or info"
    return text.replace(f"rule module {getattr(module, '__name__', '')}: ", "")
