"""What a rule reports (`Problem`) and what the tool prints (`Finding`)."""

from __future__ import annotations

import enum
import hashlib
import json
import re
from dataclasses import FrozenInstanceError
from typing import Any, NamedTuple


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"info": 0, "warning": 1, "error": 2}[self.value]


class Position(NamedTuple):
    """A 1-based line and column in a source file (a tuple: cheap to make by the thousand)."""

    line: int = 1
    column: int = 1


START = Position(1, 1)


class Fix(NamedTuple):
    """A replacement for the value a finding is about."""

    replacement: Any
    safe: bool
    description: str

    def to_dict(self) -> dict[str, Any]:
        return {"replacement": self.replacement, "safe": self.safe, "description": self.description}


class Problem(NamedTuple):
    """One break of a rule, as a rule's `check` yields it.

    The engine turns it into a `Finding` by adding the rule's code, name and
    severity; `severity` here only overrides the rule's default for rules whose
    severity depends on the case (AL203).
    """

    path: str
    position: Position
    message: str
    field: str | None = None
    artifact: str | None = None
    end: Position | None = None
    fix: Fix | None = None
    severity: Severity | None = None
    # The offending value, for baselines keyed by content rather than line.
    value: Any = None


class Finding:
    """A problem as the tool reports it, with the rule's code, name and severity.

    Behaves as a frozen dataclass whose `value` takes no part in equality, hash or
    repr; written by hand because a dataclass costs ~8 M instructions to define.
    """

    __slots__ = ("code", "name", "severity", "path", "line", "column", "message", "field", "artifact",
                 "end_line", "end_column", "fix", "value")
    __match_args__ = __slots__

    code: str
    name: str
    severity: Severity
    path: str
    line: int
    column: int
    message: str
    field: str | None
    artifact: str | None
    end_line: int | None
    end_column: int | None
    fix: Fix | None
    value: Any  # the offending value, for baselines; not compared

    def __init__(self, code: str, name: str, severity: Severity, path: str, line: int, column: int,
                 message: str, field: str | None = None, artifact: str | None = None,
                 end_line: int | None = None, end_column: int | None = None, fix: Fix | None = None,
                 value: Any = None) -> None:
        values = (code, name, severity, path, line, column, message, field, artifact, end_line, end_column,
                  fix, value)
        for slot, given in zip(self.__slots__, values, strict=True):
            object.__setattr__(self, slot, given)

    def _compared(self) -> tuple[Any, ...]:
        return (self.code, self.name, self.severity, self.path, self.line, self.column, self.message,
                self.field, self.artifact, self.end_line, self.end_column, self.fix)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._compared() == other._compared()  # narrowed by the class test
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._compared())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__[:-1])
        return f"{self.__class__.__qualname__}({shown})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (self.__class__, tuple(getattr(self, name) for name in self.__slots__))

    @property
    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        return (self.path, self.line, self.column, self.code, self.field or "", self.message)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "artifact": self.artifact,
            "field": self.field,
            "message": self.message,
            "fix": self.fix.to_dict() if self.fix else None,
        }


def _canonical(value: Any) -> str:
    """A stable text form of a finding's value (mappings with sorted keys)."""
    try:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    except (TypeError, ValueError):  # e.g. keys of mixed types
        return repr(value)


def _stem(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    dot = name.rfind(".")
    return name[:dot] if dot > 0 else name


def content_key(finding: Finding) -> str:
    """A digest of what a finding is about (code, path, field, offending value),
    and, for a file that is not the artifact's own, which artifact; never where it
    stands, so moving lines keeps baselines and fingerprints valid.
    A finding with neither field nor value is keyed by its message, numbers masked."""
    parts: list[str] = [finding.code, finding.path, finding.field or ""]
    if finding.artifact and _stem(finding.path) != finding.artifact:
        # A file that speaks for several artifacts (the registry document): which entry
        # it is about, so that a new entry never makes another entry's findings look new.
        parts.append("artifact:" + finding.artifact)
    if finding.field is None and finding.value is None:
        parts.append("message:" + re.sub(r"\d+", "#", finding.message))
    else:
        parts.append("value:" + _canonical(finding.value))
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]
