"""Validate loaded values against the models, turning pydantic errors into issues.

A broken value never stops the rules: it is reported, pruned from a copy of the
data, and validation repeats until a (partial) model remains.
"""

from __future__ import annotations

import copy
import functools
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, NamedTuple, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from artifact_lint.model.formats import required_names
from artifact_lint.sources.loader import PathKey, field_path
from artifact_lint.suggest import did_you_mean

M = TypeVar("M", bound=BaseModel)

IssueKind = Literal["missing", "invalid", "unknown"]


class SchemaIssue(NamedTuple):
    kind: IssueKind
    path: PathKey
    message: str


@dataclass
class Validated(Generic[M]):
    model: M | None
    issues: list[SchemaIssue] = field(default_factory=list)

    def of_kind(self, kind: IssueKind) -> Iterator[SchemaIssue]:
        return (issue for issue in self.issues if issue.kind == kind)


_EXPECTED = {
    "string_type": "a string",
    "float_type": "a number",
    "int_type": "a whole number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "literal_error": None,
    "finite_number": "a finite number (not NaN or Infinity)",
}


def _kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, float) and not math.isfinite(value):
        return f"`{value}`"
    if isinstance(value, (int, float)):
        return f"the number `{value}`"
    if isinstance(value, str):
        return f"the string `{value}`" if len(value) <= 40 else "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _data_prefix(data: Any, loc: tuple[Any, ...]) -> PathKey:
    """The longest prefix of a pydantic `loc` that addresses real data."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            break
        path.append(part)
    return tuple(path)


def _get(data: Any, path: PathKey) -> Any:
    for part in path:
        data = data[part]
    return data


def _invalid_message(path: PathKey, value: Any, errors: list[ErrorDetails]) -> str:
    name = field_path(path) or "the file"
    types = [e["type"] for e in errors]
    if "finite_number" in types:
        text = "a finite number, a percent string or null" if "string_type" in types else "a finite number or null"
        return f"`{name}` is {_kind_of(value)}; write {text}"
    if "string_pattern_mismatch" in types:
        return (f"`{name}` `{value}` is not a slug; use lowercase letters, digits,"
                " `.`, `_` and `-`, starting with a letter or digit")
    literal = [e for e in errors if e["type"] == "literal_error"]
    if literal:
        expected = literal[0].get("ctx", {}).get("expected", "")
        choices = [c.strip().strip("'") for c in expected.replace(" or ", ", ").split(",")]
        hint = did_you_mean(str(value), choices) if isinstance(value, str) else ""
        return f"`{name}` is {_kind_of(value)}; expected one of {expected}{hint}"
    wanted: list[str] = []
    for t in types:
        expected_text = _EXPECTED.get(t)
        if expected_text and expected_text not in wanted:
            wanted.append(expected_text)
    if not wanted:
        return f"`{name}` is invalid: {errors[0]['msg']}"
    return f"`{name}` should be {' or '.join(wanted)}, not {_kind_of(value)}"


def _prune(data: Any, path: PathKey, pruned: set[PathKey]) -> None:
    """Remove the value at `path` so the next validation round passes it by.

    A list item becomes an empty mapping the first time (keeping later indexes
    stable); a path pruned before is escalated to its parent.
    """
    while path in pruned and path:
        path = path[:-1]
    pruned.add(path)
    if not path:
        return
    parent = _get(data, path[:-1])
    last = path[-1]
    if isinstance(parent, dict):
        parent.pop(last, None)
    elif isinstance(parent, list) and isinstance(last, int):  # a path into a list ends in an index
        parent[last] = {}


def missing_fields(model: BaseModel) -> list[PathKey]:
    """Paths of required fields that are absent, null, or empty strings."""
    found: list[PathKey] = []
    _add_missing(model, (), found)
    return found


def _add_missing(model: BaseModel, path: PathKey, found: list[PathKey]) -> None:
    # Called for every nested model of every file: a plain walk that appends, rather
    # than a chain of generators, costs a third less.
    for name, key, required, nested in _walk_plan(model.__class__):
        value = getattr(model, name)
        if required and (value is None or (value.__class__ is str and not value.strip())):
            found.append((*path, key))
        if not nested:
            continue
        if isinstance(value, BaseModel):
            _add_missing(value, (*path, key), found)
        elif value.__class__ is list:
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    _add_missing(item, (*path, key, index), found)


@functools.cache
def _walk_plan(model: type[BaseModel]) -> tuple[tuple[str, str, bool, bool], ...]:
    """(attribute name, key as written, required, may hold a model) for the fields of a
    model class that `missing_fields` must look at: required ones and ones that may
    hold a model (a pure function of the class, so computed once)."""
    required = required_names(model)
    plan = []
    for name, info in model.model_fields.items():
        nested = _model_in(info.annotation) is not None
        if name in required or nested:
            plan.append((name, info.alias or name, name in required, nested))
    return tuple(plan)


def _field_names(model_cls: type[BaseModel], loc: PathKey) -> list[str]:
    """The field names the model defines at the mapping that holds `loc`'s last key."""
    annotation: Any = model_cls
    for part in loc[:-1]:
        model = _model_in(annotation)
        if model is not None and isinstance(part, str) and not _is_container(annotation):
            info = next((f for n, f in model.model_fields.items() if (f.alias or n) == part), None)
            if info is None:
                return []
            annotation = info.annotation
        else:  # a list index or a mapping key: step into the item type
            annotation = _item_type(annotation)
    model = _model_in(annotation)
    if model is None or _is_container(annotation):
        return []
    return [f.alias or n for n, f in model.model_fields.items()]


def _args(annotation: Any) -> tuple[Any, ...]:
    return tuple(a for a in (getattr(annotation, "__args__", ()) or ()) if a is not type(None))


def _is_container(annotation: Any) -> bool:
    """list[...] or dict[...], possibly inside `| None`."""
    if getattr(annotation, "__origin__", None) in (list, dict):
        return True
    return any(getattr(a, "__origin__", None) in (list, dict) for a in _args(annotation))


def _item_type(annotation: Any) -> Any:
    for candidate in (annotation, *_args(annotation)):
        origin = getattr(candidate, "__origin__", None)
        if origin is list:
            return candidate.__args__[0]
        if origin is dict:
            return candidate.__args__[1]
    return None


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def validate(model_cls: type[M], data: dict[str, Any]) -> Validated[M]:
    """Validate `data`; report every problem and return the model of what is valid."""
    issues: list[SchemaIssue] = []
    invalid: set[PathKey] = set()
    pruned: set[PathKey] = set()
    working = data
    for _ in range(64):
        try:
            model = model_cls.model_validate(working)
        except ValidationError as exc:
            if working is data:
                working = copy.deepcopy(data)
            by_path: dict[PathKey, list[ErrorDetails]] = {}
            for error in exc.errors(include_url=False):
                loc = tuple(error["loc"])
                if error["type"] == "extra_forbidden":
                    path = _data_prefix(working, loc)
                    names = _field_names(model_cls, path)
                    issues.append(SchemaIssue("unknown", path, _unknown_message(path, names)))
                    _prune(working, path, pruned)
                    continue
                by_path.setdefault(_data_prefix(working, loc), []).append(error)
            fresh = [(path, errors) for path, errors in by_path.items()
                     if not any(path[:i] in invalid for i in range(len(path) + 1))]
            # Messages first: pruning one path may remove the value of another.
            for path, errors in fresh:
                issues.append(SchemaIssue("invalid", path, _invalid_message(path, _get(working, path), errors)))
            invalid.update(path for path, _ in fresh)
            for path in by_path:
                _prune(working, path, pruned)
            continue
        for path in missing_fields(model):
            if not any(path[:len(bad)] == bad or bad[:len(path)] == path for bad in invalid):
                issues.append(SchemaIssue("missing", path, _missing_message(path)))
        return Validated(model, issues)
    return Validated(None, issues)


def _unknown_message(path: PathKey, names: list[str]) -> str:
    hint = did_you_mean(str(path[-1]), names)
    if not hint:
        hint = f"; known fields: {', '.join(names)}" if len(names) <= 8 else "; remove it"
    return f"`{field_path(path)}` is not a known field{hint}"


def _missing_message(path: PathKey) -> str:
    name = field_path(path)
    parent = field_path(path[:-1])
    where = f" in `{parent}`" if parent else ""
    return f"required field `{path[-1]}` is missing or empty{where}; add `{name}`"
