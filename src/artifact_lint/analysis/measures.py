"""Measured values and signed deltas: one parser for every number the rules compare.

The artifact format writes a measured value as a number (`0.531`), a percent
string (`"58%"`), a range (`"77.1-96%"`), a compound score (`"0.531 / 0.860"`,
`"70.04% / 71.83%"`), short text, or "not measured" (`"-"`, `"n/a"`, null).
Fractions (|x| <= 1) and percents share one scale: `0.58` equals `"58%"`.

Every number keeps the precision it was written with: a value written `4.7`
stands for anything in 4.65..4.75 (half a unit of its last digit), and that is
the tolerance the rules compare with.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from collections.abc import Iterator
from typing import Literal, NamedTuple

from artifact_lint.analysis.patterns import matches_at

# Slack for binary floating point on top of the written tolerance.
_EPSILON = 1e-9

NOT_MEASURED = frozenset({"", "-", "--", "\u2013", "\u2014", "n/a", "na", "n.a.", "none", "null",
                          "not measured", "not run", "not recorded"})

_NUMBER = r"(?:\d+(?:\.\d+)?|\.\d+)"
_NUMBER_RE = re.compile(rf"\s*(?P<sign>[+\-\u2212]?)\s*(?P<num>{_NUMBER})\s*(?P<pct>%?)\s*\Z")
_RANGE_RE = re.compile(
    rf"\s*(?P<a>{_NUMBER})\s*(?P<apct>%?)\s*(?:-|\u2013|\u2014|to)\s*(?P<b>{_NUMBER})\s*(?P<bpct>%?)\s*\Z")
# A number standing on its own in prose: not part of a word, a version or a size such as
# `Qwen2.5`, `v1.5` or `0.6B`, nor of a hyphenated name (`Llama-3.2-3B`, `GPT-4`, a date
# `2024-05-01`). A minus sign after a space (`-0.4`) still starts a number, and a range's
# percent sign (`77.1-96%`) applies to both ends.
_TEXT_NUMBER_RE = re.compile(rf"""
    (?<![\w.]) (?<!\w-)                    # not inside a word or a version, nor after `GPT-`
    (?P<a>{_NUMBER}) (?P<apct>\s?%)?
    (?: (?P<dash>-|\u2013) (?P<b>{_NUMBER}) (?P<bpct>\s?%)? )?      # a range: `77.1-96%`
    (?! \w | \.\d | -\d )                   # no unit glued on (`0.6B`), no more version or date
""", re.VERBOSE)
_DELTA_UNITS = r"percentage[ -]points?|points?|pts?|pp|p\.p\.|%"
# Where a delta can start (see `delta_matches`): a sign before a number. A search for it
# skips straight to the signs, and passes over the hyphens of words and lists.
_SIGN_RE = re.compile(r"[+\-\u2212](?=\s?[\d.])")
# A signed delta: the sign must start a word ("slice; +4.7 points"), so that the dash of
# a range (`77.1-96%`) or of a compound word (`64-row`) never reads as one.
DELTA_RE = re.compile(rf"""
    (?: ^ | (?<=[\s(\[{{,;:/]) )              # the sign starts the text, or follows a space or `(,;:/`
    (?P<sign>[+\-\u2212]) \s?
    (?P<num>{_NUMBER}) \s?
    (?P<unit>{_DELTA_UNITS})
    (?![A-Za-z0-9])
""", re.IGNORECASE | re.VERBOSE)
_UNSIGNED_DELTA_RE = re.compile(
    rf"\s*(?P<sign>[+\-\u2212]?)\s?(?P<num>{_NUMBER})\s?(?P<unit>{_DELTA_UNITS})\s*\Z", re.IGNORECASE)

MeasureKind = Literal["number", "range", "compound", "missing", "text"]
DeltaUnit = Literal["points", "percent"]


def _decimals(digits: str) -> int:
    """How many digits follow the decimal point in `digits` as written."""
    _, dot, fraction = digits.partition(".")
    return len(fraction) if dot else 0


def close(a: float, b: float, tolerance: float) -> bool:
    """`a` and `b` agree within `tolerance` (and the float rounding of either)."""
    return abs(a - b) <= tolerance + _EPSILON * max(1.0, abs(a), abs(b))


class Number(NamedTuple):
    """A number as written: its value, its digits after the point, and whether it had `%`.

    `Number(58, 0, True)` is `"58%"`; `Number(0.531, 3)` is `0.531`.
    """

    value: float
    decimals: int = 0
    percent: bool = False

    @property
    def tolerance(self) -> float:
        """Half a unit of the last digit written, in the units written."""
        return 0.5 * 10.0 ** -self.decimals

    @property
    def scaled(self) -> bool:
        """True when the number is on the percent/fraction scale (a percent, or |x| <= 1)."""
        return self.percent or abs(self.value) <= 1

    @property
    def points(self) -> float | None:
        """The value in percent (`0.58` -> 58.0), or None when it is not on that scale."""
        if self.percent:
            return self.value
        return self.value * 100 if abs(self.value) <= 1 else None

    @property
    def point_tolerance(self) -> float:
        """The tolerance in percentage points when the number is on the percent scale."""
        return self.tolerance if self.percent else self.tolerance * 100

    def matches(self, other: Number) -> bool:
        """`other` lies within this number's written tolerance, on a common scale.

        Two numbers on the percent/fraction scale compare in points (`0.58` == `"58%"`);
        otherwise the written values compare directly (`77.1` == `"77.1%"`, `5.1` == `5.1`).
        """
        mine, theirs = self.points, other.points
        if mine is not None and theirs is not None:  # `points` is None exactly when not `scaled`
            return close(mine, theirs, self.point_tolerance)
        return close(self.value, other.value, self.tolerance)

    def __str__(self) -> str:
        return format_number(self)


class Measure(NamedTuple):
    """A measured value of an evidence or competition row, parsed."""

    kind: MeasureKind
    numbers: tuple[Number, ...] = ()
    text: str = ""

    @property
    def measured(self) -> bool:
        return self.kind != "missing"

    @property
    def single(self) -> Number | None:
        """The number when the measure is exactly one number, else None."""
        return self.numbers[0] if self.kind == "number" else None

    def candidates(self) -> tuple[Number, ...]:
        """Every number the measure holds: the number, range ends, compound parts, or
        the numbers standing in its text (`"64 public / 50 synthetic"` -> 64, 50)."""
        if self.kind == "text":
            return tuple(found.number for found in find_numbers(self.text))
        return self.numbers


class FoundNumber(NamedTuple):
    """A number found in prose, with where it stands."""

    number: Number
    start: int
    end: int
    text: str


class Delta(NamedTuple):
    """A signed difference written in text: `+4.7 points`, `+19pp`, `-2.1 pts`, `+5%`.

    `value` is signed and in the units written: percentage points for `points`,
    `pp` and `pts`; for `%` it may be points or a relative change (see `accepts`).
    """

    value: float
    decimals: int
    unit: DeltaUnit
    text: str
    start: int = 0
    end: int = 0

    @property
    def tolerance(self) -> float:
        """Half a unit of the last digit written: `+4.7` accepts 4.65..4.75."""
        return 0.5 * 10.0 ** -self.decimals

    def accepts(self, expected: float) -> bool:
        """`expected` lies within half a unit of the last digit written."""
        return close(self.value, expected, self.tolerance)

    def __str__(self) -> str:
        return self.text


def number_from_float(value: float, shortest: str | None = None) -> Number:
    """A number read from YAML or JSON; its digits are those of its shortest repr
    (`shortest`: that repr, when the caller has made it already)."""
    if type(value) is int:
        return Number(float(value), 0)
    if type(value) is float:
        if shortest is None:
            shortest = repr(value)
        if "e" not in shortest and "n" not in shortest:  # not 1e-05, inf or nan
            return Number(value, len(shortest) - shortest.index(".") - 1)
    try:
        exponent = Decimal(repr(float(value)) if isinstance(value, float) else str(value)).as_tuple().exponent
    except (InvalidOperation, ValueError):
        exponent = 0
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return Number(float(value), decimals)


def parse_number(text: str) -> Number | None:
    """`"0.531"`, `"58%"`, `"+4"`, `"58 %"` -> a Number; anything else -> None."""
    match = _NUMBER_RE.match(text)
    if not match:
        return None
    digits = match["num"]
    sign = -1.0 if match["sign"] in ("-", "\u2212") else 1.0
    return Number(sign * float(digits), _decimals(digits), bool(match["pct"]))


def format_number(number: Number) -> str:
    """The number written back with its own precision: `parse_number(format_number(n)) == n`."""
    return f"{number.value:.{number.decimals}f}" + ("%" if number.percent else "")


def _range(text: str) -> tuple[Number, Number] | None:
    match = _RANGE_RE.match(text)
    if not match:
        return None
    a_pct, b_pct = bool(match["apct"]), bool(match["bpct"])
    low = Number(float(match["a"]), _decimals(match["a"]), a_pct or b_pct)
    high = Number(float(match["b"]), _decimals(match["b"]), b_pct or a_pct)
    return low, high


def parse_measure(raw: object) -> Measure:
    """Parse a measured value as the format allows it to be written.

    >>> parse_measure("58%").single
    Number(value=58.0, decimals=0, percent=True)
    >>> parse_measure("0.531 / 0.860").kind
    'compound'
    >>> parse_measure("n/a").measured
    False
    """
    if raw is None:
        return Measure("missing")
    if isinstance(raw, bool):
        return Measure("text", text=str(raw).lower())
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and not math.isfinite(raw):
            return Measure("text", text=str(raw))
        text = str(raw)  # a float's str is its repr: made once, used twice
        return Measure("number", (number_from_float(raw, text),), text)
    text = str(raw).strip()
    if text.casefold() in NOT_MEASURED:
        return Measure("missing", text=text)
    single = parse_number(text)
    if single is not None:
        return Measure("number", (single,), text)
    ends = _range(text)
    if ends is not None:
        return Measure("range", ends, text)
    if "/" in text:
        parts = [parse_number(part) for part in text.split("/")]
        if len(parts) > 1 and all(part is not None for part in parts):
            return Measure("compound", tuple(p for p in parts if p is not None), text)
    return Measure("text", text=text)


def find_numbers(text: str) -> list[FoundNumber]:
    """Numbers standing on their own in prose, in order.

    Numbers inside words, versions or hyphenated names (`Qwen3`, `Qwen2.5-7B`, `v1.5`,
    `Llama-3.2-3B`) and numbers with a unit glued on (`0.6B`, `3.8ms`) are skipped;
    `77.1-96%` gives 77.1% and 96%.
    """
    found: list[FoundNumber] = []
    for match in _TEXT_NUMBER_RE.finditer(text):
        a_pct, b_pct = bool(match["apct"]), bool(match["bpct"])
        if match["b"] is None:
            found.append(FoundNumber(Number(float(match["a"]), _decimals(match["a"]), a_pct),
                                     match.start(), match.end(), match.group(0)))
            continue
        a_end = match.start("dash")
        found.append(FoundNumber(Number(float(match["a"]), _decimals(match["a"]), a_pct or b_pct),
                                 match.start(), a_end, text[match.start():a_end]))
        found.append(FoundNumber(Number(float(match["b"]), _decimals(match["b"]), b_pct or a_pct),
                                 match.start("b"), match.end(), text[match.start("b"):match.end()]))
    return found


def _delta(match: re.Match[str], offset: int = 0) -> Delta:
    digits = match["num"]
    sign = -1.0 if match["sign"] in ("-", "\u2212") else 1.0
    unit: DeltaUnit = "percent" if match["unit"] == "%" else "points"
    return Delta(sign * float(digits), _decimals(digits), unit, match.group(0).strip(),
                 offset + match.start(), offset + match.end())


def find_deltas(text: str) -> list[Delta]:
    """Signed deltas in prose: `+4.7 points`, `+4.7 pp`, `+19pp`, `+4.7 pts`, `+5%`.

    The sign is required and must start a word, so `64-row`, `77.1-96%` and
    `58% -> 100%` hold no delta.
    """
    return [_delta(match) for match in delta_matches(text)]


def delta_matches(text: str) -> Iterator[re.Match[str]]:
    """`DELTA_RE.finditer(text)`, with the pattern tried only at the signs before a number
    (see `patterns.matches_at`): every delta starts with one."""
    if "+" not in text and "-" not in text and "\u2212" not in text:  # most prose
        return iter(())
    return matches_at(DELTA_RE, text, (sign.start() for sign in _SIGN_RE.finditer(text)))


def has_delta(text: str) -> bool:
    """Whether `text` holds a delta: `delta_matches` finds one (it stops at the first)."""
    return next(delta_matches(text), None) is not None


def points_between(value: Number, baseline: Number) -> float | None:
    """`value - baseline` in percentage points when both are on the percent scale, else None."""
    if value.points is None or baseline.points is None:
        return None
    return value.points - baseline.points


def parse_delta(text: str) -> Delta | None:
    """A whole string that is one delta (`"+4.7 points"`, `"4.7 pp"`), else None."""
    match = _UNSIGNED_DELTA_RE.match(text)
    return _delta(match) if match else None
