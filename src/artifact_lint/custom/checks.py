"""The vocabulary of declarative rules (`rules/*.yaml`): field paths, reading values,
messages. The checks of one value are `value_checks.py`'s; `evaluate.py` runs them over
artifacts and decision records.

Values are read from the loaded document (not the validated model), so a field the
artifact format does not define (`weights.license`) is read like any other. A path is
dotted, relative to `given`; `*` stands for every item of a list (or value of a
mapping); a number for one item.

Every check but `required`, `absent` and `one-of` passes a field that is absent or
null (pair it with `required`); in `when`, a condition on an absent or null field does
not hold, except `absent`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any


class SpecError(ValueError):
    """A rule's check, field or message cannot be used; the message says why."""


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
STAR = "*"
ROW_LISTS = ("evidence", "competition", "blockers", "claims", "datasets")
GIVEN = ("artifact", *ROW_LISTS, "decision")
CHECKS = ("required", "absent", "pattern", "not-pattern", "enum", "in", "min", "max", "min-length",
          "max-length", "min-items", "max-items", "one-of", "policy-state", "policy-label")
NEEDS_VALUE = {"pattern", "not-pattern", "enum", "in", "min", "max", "min-length", "max-length", "min-items",
               "max-items", "one-of"}
_SEGMENT = re.compile(r"^(\*|[0-9]+|[^.*\s][^.]*)$")

Part = str | int
Path = tuple[Part, ...]


def parse_field(text: str) -> Path:
    """`blockers.*.unblock` -> ("blockers", "*", "unblock"); a number is a list index."""
    if not text.strip():
        raise SpecError("the field path is empty")
    parts: list[Part] = []
    for segment in text.split("."):
        if not _SEGMENT.match(segment) or segment != segment.strip():
            raise SpecError(f"`{text}` is not a field path: write keys joined by dots, `*` for every"
                            " item of a list (`blockers.*.unblock`)")
        parts.append(int(segment) if segment.isdigit() else segment)
    return tuple(parts)


def show(value: Any, limit: int = 60) -> str:
    """A value as a message quotes it: short, on one line."""
    if value is MISSING:
        return "absent"
    if isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, default=str)
        except (TypeError, ValueError):
            text = str(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


# --- messages --------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
PLACEHOLDERS = ("id", "field", "value", "code")


class Template:
    """A `message` with `{id}`, `{field}`, `{value}` and `{code}`; `{{` and `}}` are braces.
    Filled by plain substitution (never `str.format`, which reads attributes)."""

    def __init__(self, text: str) -> None:
        self.parts: list[tuple[bool, str]] = []  # (is a placeholder, text or name)
        end = 0
        for match in _PLACEHOLDER.finditer(text):
            self.parts.append((False, text[end:match.start()]))
            token = match.group(0)
            if token in ("{{", "}}"):
                self.parts.append((False, token[0]))
            elif match.group(1) is not None and match.group(1) in PLACEHOLDERS:
                self.parts.append((True, match.group(1)))
            else:
                raise SpecError(f"`{token}` is not a placeholder: use {{id}}, {{field}}, {{value}} or {{code}}"
                                " (and {{ or }} for a brace)")
            end = match.end()
        self.parts.append((False, text[end:]))

    def fill(self, values: dict[str, str]) -> str:
        return "".join(values[text] if placeholder else text for placeholder, text in self.parts)


# --- reading values --------------------------------------------------------------------


def get_value(node: Any, parts: Path) -> Any:
    """The value at `parts` (no `*`), or MISSING: the hot path."""
    for part in parts:
        if node.__class__ is dict:
            node = node.get(part, MISSING)
            if node is MISSING:
                return MISSING
        elif node.__class__ is list and part.__class__ is int:
            if part >= len(node):
                return MISSING
            node = node[part]
        else:
            return MISSING
    return node


def resolve(node: Any, parts: Path, base: Path = ()) -> Iterator[tuple[Path, Any, Path | None]]:
    """Each (path, value, where it goes missing) that `parts` reaches from `node` at
    `base`: `*` fans out over a list's items (or a mapping's values); a missing key gives
    MISSING with the path up to that key; a `*` over nothing (or over a missing list)
    gives nothing."""
    stack: list[tuple[Any, Path, int]] = [(node, base, 0)]
    results: list[tuple[Path, Any, Path | None]] = []
    while stack:
        current, path, index = stack.pop()
        if index == len(parts):
            results.append((path, current, None))
            continue
        part = parts[index]
        if part == STAR:
            if current.__class__ is list:
                for i in range(len(current) - 1, -1, -1):
                    stack.append((current[i], (*path, i), index + 1))
            elif current.__class__ is dict:
                for key in reversed(list(current)):
                    stack.append((current[key], (*path, key), index + 1))
            continue
        if current.__class__ is dict and part in current:
            stack.append((current[part], (*path, part), index + 1))
        elif current.__class__ is list and part.__class__ is int and part < len(current):
            stack.append((current[part], (*path, part), index + 1))
        elif STAR not in parts[index + 1:]:
            missing_at = (*path, part)
            results.append(((*missing_at, *parts[index + 1:]), MISSING, missing_at))
    yield from results
