"""The measured-value and delta parsers: table-driven cases and properties."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
from conftest import build_fixture_repo
from hypothesis import given, settings
from hypothesis import strategies as st

from artifact_lint.analysis.measures import (
    _TEXT_NUMBER_RE,
    DELTA_RE,
    Delta,
    delta_matches,
    Number,
    find_deltas,
    find_numbers,
    format_number,
    number_from_float,
    parse_delta,
    parse_measure,
    parse_number,
)
from artifact_lint.engine.session import check

# --------------------------------------------------------------------------- measures

MEASURES = [
    (0.531, "number", [Number(0.531, 3)]),
    (1, "number", [Number(1.0, 0)]),
    (0.69, "number", [Number(0.69, 2)]),
    ("0.531", "number", [Number(0.531, 3)]),
    ("0.690", "number", [Number(0.69, 3)]),
    ("58%", "number", [Number(58.0, 0, True)]),
    ("59.6 %", "number", [Number(59.6, 1, True)]),
    ("-3.5", "number", [Number(-3.5, 1)]),
    ("77.1-96%", "range", [Number(77.1, 1, True), Number(96.0, 0, True)]),
    ("0.2 to 0.4", "range", [Number(0.2, 1), Number(0.4, 1)]),
    ("0.531 / 0.860", "compound", [Number(0.531, 3), Number(0.86, 3)]),
    ("70.04% / 71.83%", "compound", [Number(70.04, 2, True), Number(71.83, 2, True)]),
    ("-", "missing", []),
    ("n/a", "missing", []),
    ("N/A", "missing", []),
    (None, "missing", []),
    ("not run", "missing", []),
    ("64 public / 50 synthetic", "text", []),
    ("all high-confidence", "text", []),
    (True, "text", []),
    (float("nan"), "text", []),
]


@pytest.mark.parametrize(("raw", "kind", "numbers"), MEASURES)
def test_parse_measure(raw: object, kind: str, numbers: list[Number]) -> None:
    measure = parse_measure(raw)
    assert measure.kind == kind
    assert list(measure.numbers) == numbers
    assert measure.measured == (kind != "missing")


def test_single_only_for_one_number() -> None:
    assert parse_measure("58%").single == Number(58.0, 0, True)
    assert parse_measure("77.1-96%").single is None
    assert parse_measure("0.531 / 0.860").single is None


def test_text_measure_candidates_are_its_numbers() -> None:
    assert parse_measure("64 public / 50 synthetic").candidates() == (Number(64.0), Number(50.0))


@pytest.mark.parametrize(("text", "expected"), [
    ("0.5", Number(0.5, 1)), ("+4", Number(4.0)), ("58 %", Number(58.0, 0, True)), (".25", Number(0.25, 2)),
    ("1.2.3", None), ("58%%", None), ("abc", None), ("", None), ("0.6B", None),
])
def test_parse_number(text: str, expected: Number | None) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize(("value", "decimals"), [(0.612, 3), (0.69, 2), (1.0, 1), (5, 0), (1e-05, 5)])
def test_number_from_float_keeps_shortest_digits(value: float, decimals: int) -> None:
    assert number_from_float(value).decimals == decimals


def _decimal_digits(value: float) -> Number:
    """`number_from_float` as it was first written (through `Decimal`): the reference."""
    try:
        exponent = Decimal(repr(float(value)) if isinstance(value, float) else str(value)).as_tuple().exponent
    except (InvalidOperation, ValueError):
        exponent = 0
    return Number(float(value), -exponent if isinstance(exponent, int) and exponent < 0 else 0)


@given(st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers(-10**15, 10**15),
                 st.builds(round, st.floats(-1e6, 1e6), st.integers(0, 8))))
def test_number_from_float_fast_path_equals_decimal_reference(value: float) -> None:
    got, want = number_from_float(value), _decimal_digits(value)
    assert (got, repr(got.value)) == (want, repr(want.value))


@pytest.mark.parametrize("value", [0.0, -0.0, 1e16, 1.5e-07, 123456789012345.6, True])
def test_number_from_float_edge_values(value: float) -> None:
    got, want = number_from_float(value), _decimal_digits(value)
    assert (got, repr(got.value)) == (want, repr(want.value))


# --------------------------------------------------------------------------- scale and tolerance

EQUIVALENT = [
    ("0.58", "58%"), ("1.00", "100%"), ("0.596", "59.6%"), ("0.61", "0.612"), ("61%", "0.612"),
    ("77.1", "77.1%"), ("5.1", "5.1"), ("0.5%", "0.005"),
]
DIFFERENT = [
    ("0.612", "0.61"), ("0.743", "0.734"), ("58", "0.58"), ("0.59", "58%"), ("61.2%", "0.611"),
]


@pytest.mark.parametrize(("written", "stored"), EQUIVALENT)
def test_numbers_match_on_one_scale(written: str, stored: str) -> None:
    a, b = parse_number(written), parse_number(stored)
    assert a is not None and b is not None and a.matches(b)


@pytest.mark.parametrize(("written", "stored"), DIFFERENT)
def test_numbers_differ(written: str, stored: str) -> None:
    a, b = parse_number(written), parse_number(stored)
    assert a is not None and b is not None and not a.matches(b)


def test_tolerance_is_half_a_unit_of_the_last_digit() -> None:
    assert Number(4.7, 1).tolerance == pytest.approx(0.05)
    assert Number(58.0, 0, True).point_tolerance == pytest.approx(0.5)
    assert Number(0.531, 3).point_tolerance == pytest.approx(0.05)


# --------------------------------------------------------------------------- deltas

DELTAS = [
    ("Same slice; the adapter is +4.7 points.", [(4.7, 1, "points", "+4.7 points")]),
    ("(+4.7 pp)", [(4.7, 1, "points", "+4.7 pp")]),
    ("up +19pp on the hard gate", [(19.0, 0, "points", "+19pp")]),
    ("+4.7 pts over the baseline", [(4.7, 1, "points", "+4.7 pts")]),
    ("latency improved +5%", [(5.0, 0, "percent", "+5%")]),
    ("a -2.1 points drop", [(-2.1, 1, "points", "-2.1 points")]),
    ("\u22123.0 pp on breadth", [(-3.0, 1, "points", "\u22123.0 pp")]),
    ("+3 percentage points", [(3.0, 0, "points", "+3 percentage points")]),
    ("+4.70 points", [(4.7, 2, "points", "+4.70 points")]),
    ("scored 77.1-96% on its suite", []),
    ("the 64-row slice", []),
    ("58% -> 100% on the hard gate", []),
    ("+4.7 on its own", []),
    ("4.7 points better", []),
    ("x+4.7 points", []),
    ("+4.7 pointsy", []),
]


@pytest.mark.parametrize(("text", "expected"), DELTAS)
def test_find_deltas(text: str, expected: list[tuple[float, int, str, str]]) -> None:
    got = [(d.value, d.decimals, d.unit, d.text) for d in find_deltas(text)]
    assert got == expected


def test_delta_span_points_at_its_text() -> None:
    text = "Same slice; +4.7 points."
    (delta,) = find_deltas(text)
    assert text[delta.start:delta.end] == "+4.7 points"


@pytest.mark.parametrize(("text", "value", "decimals"), [
    ("+4.7 points", 4.7, 1), ("4.7 pp", 4.7, 1), ("-2 pts", -2.0, 0), (" +19pp ", 19.0, 0),
])
def test_parse_delta(text: str, value: float, decimals: int) -> None:
    delta = parse_delta(text)
    assert delta is not None and (delta.value, delta.decimals) == (value, decimals)


@pytest.mark.parametrize("text", ["0.047", "points", "+4.7 points over T5", ""])
def test_parse_delta_rejects(text: str) -> None:
    assert parse_delta(text) is None


@pytest.mark.parametrize(("expected", "ok"), [
    (4.7, True), (4.65, True), (4.75, True), (4.649, False), (4.751, False), (4.7000000001, True), (-4.7, False),
])
def test_delta_accepts_half_a_unit(expected: float, ok: bool) -> None:
    assert Delta(4.7, 1, "points", "+4.7 points").accepts(expected) is ok


# --------------------------------------------------------------------------- numbers in prose

NUMBERS_IN_TEXT = [
    # figures
    ("field exact 0.612 on the public slice", ["0.612"]),
    ("0.531 exact on the public slice", ["0.531"]),
    ("58% -> 100% on the hard gate", ["58%", "100%"]),
    ("breadth 65% vs stock 59.6%.", ["65%", "59.6%"]),
    ("scores 77.1-96% on its suite", ["77.1", "96%"]),
    ("a range of 0.5-0.7 on the slice", ["0.5", "0.7"]),
    ("the 64-row slice", ["64"]),
    ("ends at 0.97.", ["0.97"]),
    ("a drop from -0.4 to 0.2", ["0.4", "0.2"]),
    ("(-0.4) and [0.2]", ["0.4", "0.2"]),
    ("on Llama-3.2-3B: 0.531 exact", ["0.531"]),
    ("Qwen2.5-7B at 65% vs stock 59.6%", ["65%", "59.6%"]),
    # parts of names, versions and sizes
    ("Qwen2.5 and a 0.6B adapter at 3.8ms", []),
    ("version 1.2.3 of the scorer", []),
    ("A routed specialist on Llama-3.2-3B.", []),
    ("Qwen2.5-7B-Instruct as the base", []),
    ("the v1.5 scorer", []),
    ("Phi-3.5-mini and GPT-4 and R1-7B", []),
    ("a 3.2-3B checkpoint", []),
    ("Mistral-7B-v0.3 weights", []),
    ("Claude-3.5-Haiku", []),
    ("run 2024-05-01", []),
]


@pytest.mark.parametrize(("text", "expected"), NUMBERS_IN_TEXT)
def test_find_numbers(text: str, expected: list[str]) -> None:
    assert [found.text.strip() for found in find_numbers(text)] == expected


# --------------------------------------------------------------------------- AL206 on public_value

# (public_value, the numbers AL206 reports); the base fixture's evidence is 0.734 over
# 0.690 (Stock Gemma-2B, Direct), the other rows score 91% and 84.5%.
AL206_CASES = [
    # genuine figures: checked, reported when no row holds them
    ("Field exact 0.743 on the public slice.", ["0.743"]),
    ("Field exact 0.734 on the public slice.", []),
    ("Field exact 73.4%, up from 69% for stock Gemma.", []),
    ("Field exact 75% vs stock 69%.", ["75%"]),
    ("Field exact 73.4% vs stock 59.6%.", ["59.6%"]),
    ("Accuracy 58% -> 100% on the slice.", ["58%", "100%"]),
    ("On Llama-3.2-3B: field exact 0.531.", ["0.531"]),
    ("A Qwen2.5-7B router at 0.743 exact.", ["0.743"]),
    ("Between 0.690-0.743 across seeds.", ["0.743"]),
    # numbers inside names and versions: never read
    ("A routed specialist on Llama-3.2-3B.", []),
    ("A Qwen2.5-7B router on the public slice.", []),
    ("The v1.5 scorer, field exact 0.734.", []),
    ("Distilled from Phi-3.5-mini and Claude-3.5-Haiku.", []),
    ("Built on the 3.2-3B checkpoint.", []),
    ("Mistral-7B-v0.3 weights, field exact 73.4%.", []),
]


@pytest.mark.parametrize(("public_value", "reported"), AL206_CASES, ids=[case[0][:40] for case in AL206_CASES])
def test_al206_reads_figures_not_names(public_value: str, reported: list[str], tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    path = root / "artifacts" / "gemma-2b-invoice-fields.yaml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"public_value: >-\n(?:  .*\n)+", f"public_value: >-\n  {public_value}\n", text, count=1)
    path.write_text(text, encoding="utf-8")
    findings = [f.to_dict() for f in check(root).findings]
    numbers = [re.match(r"`([^`]*)`", f["message"]).group(1)  # type: ignore[union-attr]
               for f in findings if f["code"] == "AL206"]
    assert sorted(numbers) == sorted(reported)


def test_range_in_prose_carries_its_percent_sign() -> None:
    first, second = find_numbers("77.1-96%")
    assert first.number == Number(77.1, 1, True) and second.number == Number(96.0, 0, True)


# --------------------------------------------------------------------------- properties

mantissas = st.integers(min_value=-10**7, max_value=10**7)
digits = st.integers(min_value=0, max_value=4)


@given(mantissas, digits, st.booleans())
def test_format_parse_round_trip(mantissa: int, decimals: int, percent: bool) -> None:
    number = Number(mantissa / 10**decimals, decimals, percent)
    assert parse_number(format_number(number)) == number
    assert parse_measure(format_number(number)).single == number


@given(st.integers(min_value=0, max_value=10000), st.integers(min_value=0, max_value=2))
def test_fraction_and_percent_are_one_scale(mantissa: int, decimals: int) -> None:
    percent = Number(mantissa / 10**decimals, decimals, True)
    fraction = Number(mantissa / 10**(decimals + 2), decimals + 2)
    if abs(fraction.value) > 1:
        return  # beyond 100%: a plain number is no fraction
    assert percent.matches(fraction) and fraction.matches(percent)
    written_percent, written_fraction = parse_number(format_number(percent)), parse_number(format_number(fraction))
    assert written_percent is not None and written_fraction is not None
    assert written_percent.matches(written_fraction)


@given(st.integers(min_value=-100000, max_value=100000), st.integers(min_value=0, max_value=3),
       st.floats(min_value=-0.49, max_value=0.49))
def test_delta_tolerance_property(mantissa: int, decimals: int, shift: float) -> None:
    unit = 10.0 ** -decimals
    text = f"{mantissa / 10**decimals:+.{decimals}f} points"
    (delta,) = find_deltas(text)
    assert delta.decimals == decimals
    assert delta.accepts(delta.value + shift * unit)
    assert not delta.accepts(delta.value + 0.51 * unit)
    assert not delta.accepts(delta.value - 0.51 * unit)


@given(st.integers(min_value=0, max_value=10**6), digits)
def test_written_number_matches_itself_but_not_its_neighbour(mantissa: int, decimals: int) -> None:
    number = Number(mantissa / 10**decimals, decimals)
    neighbour = Number((mantissa + 1) / 10**decimals, decimals)
    assert number.matches(number)
    assert not number.matches(neighbour)


# --------------------------------------------------------------------------- the patterns, as written

# Text made of pieces shaped like deltas and numbers, each part of a piece sometimes off.
_RISKY_PIECE = st.tuples(
    st.sampled_from(["", " ", "\t", "\n", "(", "[", "/", ",", ";", "a", "_", ".", "-", "v"]),
    st.sampled_from(["", "+", "-", "\u2212", "\u2013"]), st.sampled_from(["", " ", "  "]),
    st.sampled_from(["4.7", ".5", "77", "0.5", "2.5", "\u0661", "3."]), st.sampled_from(["", " ", "\t"]),
    st.sampled_from(["", "%", "pp", "PTS", "points", "percentage-points", "p.p.", "x", "B", "-96%", "-3", ".2"]),
    st.sampled_from(["", " ", "a", ".", "%", "-", "_"]),
).map("".join)
_RISKY_TEXT = st.lists(_RISKY_PIECE, max_size=4).map("".join)


def _found(matches: Iterable[re.Match[str]]) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    return [(m.span(), m.groupdict()) for m in matches]


@settings(max_examples=500)
@given(_RISKY_TEXT)
def test_delta_gate_finds_what_the_pattern_finds(text: str) -> None:
    """`delta_matches` tries `DELTA_RE` only at the signs: never a match fewer or more."""
    assert _found(delta_matches(text)) == _found(DELTA_RE.finditer(text))


@pytest.mark.parametrize(("text", "deltas"), [
    ("+4.7 points", ["+4.7 points"]),
    ("slice;+4.7pp", ["+4.7pp"]),
    ("(\u22122.1 PTS)", ["\u22122.1 PTS"]),
    ("[+3 percentage-points]", ["+3 percentage-points"]),
    ("a+4.7 points", []),  # the sign must start a word
    ("77.1-96%", []),  # a range's dash
    ("64-row -3 pointsx", []),  # a compound word; a unit that runs on
    ("+4.7 p.p. and -.5 pp", ["+4.7 p.p.", "-.5 pp"]),
])
def test_delta_pattern(text: str, deltas: list[str]) -> None:
    assert [m.group(0) for m in DELTA_RE.finditer(text)] == deltas


@pytest.mark.parametrize(("text", "numbers"), [
    ("0.531 exact", ["0.531"]),
    ("58 % and 77.1-96%", ["58 %", "77.1-96%"]),
    ("Qwen2.5 v1.5 0.6B 3.8ms", []),  # inside a word or a version; a unit glued on
    ("Llama-3.2-3B GPT-4 2024-05-01", []),  # a hyphenated name or a date
    ("a drop of -0.4 here", ["0.4"]),  # the sign is not part of the number
    (".5 and 3.", [".5", "3"]),
])
def test_text_number_pattern(text: str, numbers: list[str]) -> None:
    assert [m.group(0) for m in _TEXT_NUMBER_RE.finditer(text)] == numbers
