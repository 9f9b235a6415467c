"""The checks of one value in a declarative rule (`rules/*.yaml`): `required`, `pattern`, `min`...

`make_test` builds a `Test` from a rule's check name and `value`, refusing a value that
does not fit (`SpecError`). A test's `ok` is the hot path (True: nothing to report);
`why` builds the message only for a value that fails, and `describe` says what the check
asks for. Every check but `required` and `absent` passes a value that is absent or null;
numbers are read as the artifact format reads them (`"58%"` is 0.58), and a pattern runs
under `safe_regex`'s limits. `one-of` spans several fields and lives in `evaluate.py`.
"""

from __future__ import annotations

import functools
import json
import math
from typing import TYPE_CHECKING, Any

from artifact_lint.custom.checks import MISSING, SpecError, show

if TYPE_CHECKING:
    from artifact_lint.custom.safe_regex import SafePattern
    from artifact_lint.model.formats import Policy


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _text_of(value: Any) -> str | None:
    """The text a pattern or length check reads: a string, or a number as written."""
    if value.__class__ is str:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return None


def _number(value: Any) -> float | None:
    """A single number as the artifact format reads it (`"58%"` is 0.58), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    return _text_number(value)


@functools.lru_cache(maxsize=4096)
def _text_number(value: str) -> float | None:
    """`_number` of a string (several rules read one value: parsed once)."""
    from artifact_lint.analysis.measures import parse_measure

    measure = parse_measure(value)
    if measure.kind != "number":
        return None
    number = measure.single
    assert number is not None
    return number.value / 100 if number.percent else number.value


def _numbers(value: Any) -> list[float] | None:
    """Every number of a measured value: one, or both ends of a range or compound."""
    from artifact_lint.analysis.measures import parse_measure

    single = _number(value)
    if single is not None:
        return [single]
    if not isinstance(value, str):
        return None
    measure = parse_measure(value)
    if measure.kind not in ("range", "compound"):
        return None
    return [n.value / 100 if n.percent else n.value for n in measure.numbers]


class Test:
    """One check on one value. `ok` is the hot path (True: nothing to report); `why`
    builds the message's text only for a value that fails."""

    name = ""
    takes_absent = False  # `required` and `absent` look at absent values; others pass them

    def ok(self, value: Any) -> bool:  # pragma: no cover - every test defines it
        raise NotImplementedError

    def holds(self, value: Any) -> bool:
        """As a `when` condition: an absent or null value does not hold, except for `absent`."""
        if not self.takes_absent and (value is MISSING or value is None):
            return False
        return self.ok(value)

    def why(self, value: Any, field: str, policy: Policy | None) -> str:  # pragma: no cover
        raise NotImplementedError

    def describe(self) -> str:  # pragma: no cover
        raise NotImplementedError


class _Required(Test):
    name = "required"
    takes_absent = True

    def ok(self, value: Any) -> bool:
        if value is MISSING or value is None:
            return False
        return value.__class__ is not str or bool(value.strip())

    def why(self, value: Any, field: str, policy: Policy | None) -> str:
        if value is MISSING:
            return f"`{field}` is missing; add it"
        return f"`{field}` is {'null' if value is None else 'empty'}; give it a value"

    def describe(self) -> str:
        return "is required"


class _Absent(Test):
    name = "absent"
    takes_absent = True

    def ok(self, value: Any) -> bool:
        return value is MISSING or value is None

    def why(self, value: Any, field: str, policy: Policy | None) -> str:
        return f"`{field}` is present (`{show(value)}`); remove it"

    def describe(self) -> str:
        return "must be absent"


class _Typed(Test):
    """A check of a present value: absent and null values pass."""

    def ok(self, value: Any) -> bool:
        if value is MISSING or value is None:
            return True
        return self.test(value)

    def test(self, value: Any) -> bool:  # pragma: no cover
        raise NotImplementedError


class _Pattern(_Typed):
    def __init__(self, pattern: SafePattern, negate: bool) -> None:
        self.pattern = pattern
        self.negate = negate
        self.name = "not-pattern" if negate else "pattern"

    def test(self, value: Any) -> bool:
        from artifact_lint.custom.safe_regex import TooLong

        text = _text_of(value)
        if text is None:
            return self.negate  # a list or a mapping says nothing: it fails `pattern` only
        try:
            found = self.pattern.search(text) is not None
        except TooLong:
            return False
        return found is not self.negate

    def why(self, value: Any, field: str, policy: Policy | None) -> str:
        from artifact_lint.custom.safe_regex import MAX_TEXT, TooLong

        text = _text_of(value)
        if text is None:
            return f"`{field}` is {_kind(value)}, not text; point the rule at its items with `*`"
        try:
            match = self.pattern.search(text)
        except TooLong:
            return (f"`{field}` is {len(text):,} characters long, more than the {MAX_TEXT:,} a pattern with an"
                    " unbounded repeat searches; shorten the value or bound the pattern's repeats")
        if self.negate and match is not None:
            return f"`{field}` says `{show(match.group(0), 40)}` (matches `{self.pattern.text}`); reword it"
        return f"`{field}` `{show(value)}` does not match `{self.pattern.text}`; write a value that does"

    def describe(self) -> str:
        return f"{'must not match' if self.negate else 'must match'} `{self.pattern.text}`"


def _key(value: Any) -> tuple[str, Any]:
    """A value compared by kind: `1`, `1.0` and `true` are not the same answer."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("number", float(value))
    if isinstance(value, str):
        return ("text", value)
    return ("other", json.dumps(value, sort_keys=True, default=str))


class _Enum(_Typed):
    name = "enum"

    def __init__(self, choices: list[Any]) -> None:
        self.choices = choices
        self.text = frozenset(c for c in choices if c.__class__ is str)
        self.keys = frozenset(_key(c) for c in choices)

    def test(self, value: Any) -> bool:
        if value.__class__ is str:
            return value in self.text
        return _key(value) in self.keys

    def why(self, value: Any, field: str, policy: Policy | None) -> str:
        from artifact_lint.suggest import did_you_mean

        hint = did_you_mean(value, [c for c in self.choices if isinstance(c, str)]) if isinstance(value, str) else ""
        return f"`{field}` is `{show(value)}`; expected one of {self._listed()}{hint}"

    def _listed(self) -> str:
        return ", ".join(f"`{show(c, 40)}`" for c in self.choices[:12]) + (", ..." if len(self.choices) > 12 else "")

    def describe(self) -> str:
        return f"must be one of {self._listed()}"


class _Bound(_Typed):
    def __init__(self, bound: float, written: Any, upper: bool) -> None:
        self.bound = bound
        self.written = written
        self.upper = upper
        self.name = "max" if upper else "min"
        slack = 1e-9 * max(1.0, abs(bound))  # binary floating point: "58%" is 0.58 exactly as read
        self.limit = bound + slack if upper else bound - slack

    def test(self, value: Any) -> bool:
        if value.__class__ is float or value.__class__ is int:
            numbers: list[float] | None = [value] if math.isfinite(value) else None
        else:
            numbers = _numbers(value)
        if not numbers:
            return False
        if self.upper:
            return all(n <= self.limit for n in numbers)
        return all(n >= self.limit for n in numbers)

    def why(self, value: Any, field: str, policy: Policy | None) -> str:
        if not _numbers(value):
            return f"`{field}` is `{show(value)}`, not a number; write a number such as 0.58 or \"58%\""
        side = "above the maximum" if self.upper else "below the minimum"
        return f"`{field}` is `{show(value)}`, {side} {show(self.written)}"

    def describe(self) -> str:
        return f"must be at {'most' if self.upper else 'least'} {show(self.written)}"


class _Length(_Typed):
    def __init__(self, limit: int, upper: bool, items: bool) -> None:
        self.limit = limit
        self.upper = upper
        self.items = items
        self.name = ("max-" if upper else "min-") + ("items" if items else "length")

    def _size(self, value: Any) -> int | None:
        if self.items:
            return len(value) if value.__class__ is list else None
        text = _text_of(value)
        return len(text) if text is not None else None

    def test(self, value: Any) -> bool:
        size = self._size(value)
        if size is None:
            return False
        return size <= self.limit if self.upper else size >= self.limit

    def why(self, value: Any, field: str, policy: Policy | None) -> str:
        size = self._size(value)
        if size is None:
            return f"`{field}` is {_kind(value)}, not {'a list' if self.items else 'text'}"
        unit = "item(s)" if self.items else "characters"
        return (f"`{field}` has {size} {unit}; {'at most' if self.upper else 'at least'} {self.limit} "
                f"{'are' if self.items else 'is'} expected")

    def describe(self) -> str:
        unit = "item(s)" if self.items else "characters"
        return f"must have {'at most' if self.upper else 'at least'} {self.limit} {unit}"


class _InPolicy(Test):
    """`policy-state` / `policy-label`: a name of the policy in force. Needs the policy,
    so `ok` is never called: `CustomCheck` calls `ok_in`."""

    def __init__(self, kind: str) -> None:
        self.kind = kind  # "state" or "label"
        self.name = f"policy-{kind}"

    def names(self, policy: Policy | None) -> Any:
        if policy is None:
            return {}
        return policy.states if self.kind == "state" else policy.labels

    def ok_in(self, value: Any, policy: Policy | None) -> bool:
        if value is MISSING or value is None:
            return True
        return value.__class__ is str and value in self.names(policy)

    def holds_in(self, value: Any, policy: Policy | None) -> bool:
        return value is not MISSING and value is not None and self.ok_in(value, policy)

    def ok(self, value: Any) -> bool:  # pragma: no cover - see ok_in
        raise NotImplementedError

    def why(self, value: Any, field: str, policy: Policy | None) -> str:
        from artifact_lint.suggest import did_you_mean

        names = list(self.names(policy))
        hint = did_you_mean(value, names) if isinstance(value, str) else ""
        return f"`{field}` `{show(value)}` is not a {self.kind} of the policy{hint}"

    def describe(self) -> str:
        return f"must be a {self.kind} of the policy"


def make_test(check: str, value: Any) -> Test:
    """The test of `check` with its `value`; `SpecError` when the value does not fit."""
    if check in ("required", "absent", "policy-state", "policy-label"):
        if value is not None:
            raise SpecError(f"`{check}` takes no `value`")
        if check == "required":
            return _Required()
        if check == "absent":
            return _Absent()
        return _InPolicy(check.split("-", 1)[1])
    if value is None:
        raise SpecError(f"`{check}` needs a `value`")
    if check in ("pattern", "not-pattern"):
        if not isinstance(value, str):
            raise SpecError(f"`{check}` needs a regular expression (a string), not {_kind(value)}")
        from artifact_lint.custom.safe_regex import UnsafePattern, compile_pattern

        try:
            return _Pattern(compile_pattern(value), negate=check == "not-pattern")
        except UnsafePattern as exc:
            raise SpecError(f"`{value}`: {exc}") from None
    if check in ("enum", "in"):
        if not isinstance(value, list) or not value:
            raise SpecError(f"`{check}` needs a non-empty list of the allowed values")
        if any(isinstance(v, (list, dict)) or v is None for v in value):
            raise SpecError(f"`{check}` lists strings, numbers or true/false")
        return _Enum(value)
    if check in ("min", "max"):
        bound = _number(value)
        if bound is None:
            raise SpecError(f"`{check}` needs a number (0.58, or a percent such as \"58%\"), not `{show(value)}`")
        return _Bound(bound, value, upper=check == "max")
    if check in ("min-length", "max-length", "min-items", "max-items"):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise SpecError(f"`{check}` needs a whole number of at least 0, not `{show(value)}`")
        return _Length(value, upper=check.startswith("max"), items=check.endswith("items"))
    raise SpecError(f"`{check}` is not a check")  # one-of is built by `OneOf`
