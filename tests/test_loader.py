"""The positioned YAML/JSON loader: values, positions and every class of bad input."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from artifact_lint.model.findings import Position
from artifact_lint.sources.loader import (
    Document,
    Limits,
    LoadError,
    field_path,
    load_text,
    resolve_plain,
)


def _yaml(text: str) -> Document:
    doc = load_text(textwrap.dedent(text).lstrip("\n").encode("utf-8"), ".yaml")
    assert isinstance(doc, Document), doc
    return doc


def _error(raw: bytes | str, suffix: str = ".yaml", limits: Limits = Limits()) -> LoadError:
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    result = load_text(raw, suffix, limits)
    assert isinstance(result, LoadError), f"expected a LoadError, got {result!r}"
    assert result.message.strip(), "a LoadError needs a message"
    assert result.position.line >= 1 and result.position.column >= 1
    return result


# --- positions ---------------------------------------------------------------

POSITIONED = """
id: demo
state: parked
provenance:
  source: a lab
  evaluation: none
evidence:
  - gate: g1
    value: 0.5
  - gate: g2
"""


def test_top_level_key_and_value_positions() -> None:
    doc = _yaml(POSITIONED)
    assert doc.positions.key(("id",)) == Position(1, 1)
    assert doc.positions.value(("id",)) == Position(1, 5)
    assert doc.positions.key(("state",)) == Position(2, 1)
    assert doc.positions.value(("state",)) == Position(2, 8)


def test_nested_mapping_positions() -> None:
    doc = _yaml(POSITIONED)
    assert doc.positions.key(("provenance", "evaluation")) == Position(5, 3)
    assert doc.positions.value(("provenance", "evaluation")) == Position(5, 15)
    # a block mapping value starts at its first key
    assert doc.positions.value(("provenance",)) == Position(4, 3)


def test_sequence_item_positions() -> None:
    doc = _yaml(POSITIONED)
    assert doc.positions.value(("evidence", 0)) == Position(7, 5)
    assert doc.positions.key(("evidence", 0, "gate")) == Position(7, 5)
    assert doc.positions.value(("evidence", 0, "value")) == Position(8, 12)
    assert doc.positions.value(("evidence", 1, "gate")) == Position(9, 11)


def test_top_level_value_is_line_1_column_1() -> None:
    doc = _yaml(POSITIONED)
    assert doc.positions.value(()) == Position(1, 1)
    assert doc.positions.key(()) == Position(1, 1)


def test_unknown_path_falls_back_to_nearest_ancestor() -> None:
    doc = _yaml(POSITIONED)
    assert doc.positions.value(("evidence", 0, "baseline")) == doc.positions.value(("evidence", 0))
    assert doc.positions.key(("provenance", "readiness")) == doc.positions.key(("provenance",))


@pytest.mark.parametrize("indicator", [">-", ">", "|", "|-", "|+"])
def test_block_scalar_points_at_the_indicator(indicator: str) -> None:
    doc = _yaml(f"""
        id: demo
        public_value: {indicator}
          first line
          second line
        state: parked
    """)
    assert doc.positions.value(("public_value",)) == Position(2, len("public_value: ") + 1)
    assert doc.positions.key(("public_value",)) == Position(2, 1)
    assert "first line" in doc.data["public_value"]
    assert doc.positions.value(("state",)).line == 5


def test_folded_block_scalar_value() -> None:
    doc = _yaml("""
        text: >-
          folded
          text
    """)
    assert doc.data["text"] == "folded text"


def test_flow_collection_positions() -> None:
    doc = _yaml("""
        tags: [alpha, beta]
        row: {gate: g, value: 1}
    """)
    assert doc.positions.value(("tags", 1)) == Position(1, 15)
    assert doc.positions.key(("row", "value")) == Position(2, 16)
    assert doc.positions.value(("row", "value")) == Position(2, 23)


def test_json_positions() -> None:
    raw = b'{\n  "id": "demo",\n  "rows": [\n    {"gate": "g"}\n  ]\n}\n'
    doc = load_text(raw, ".json")
    assert isinstance(doc, Document)
    assert doc.data == {"id": "demo", "rows": [{"gate": "g"}]}
    assert doc.positions.key(("id",)) == Position(2, 3)
    assert doc.positions.value(("id",)) == Position(2, 9)
    assert doc.positions.key(("rows", 0, "gate")).line == 4
    assert doc.positions.value(("rows", 0, "gate")).line == 4


def test_field_path_rendering() -> None:
    assert field_path(("competition", 2, "label")) == "competition[2].label"
    assert field_path(("id",)) == "id"
    assert field_path(()) == ""


# --- YAML 1.2 core schema ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yes", "yes"),
        ("no", "no"),
        ("on", "on"),
        ("off", "off"),
        ("Y", "Y"),
        ("true", True),
        ("False", False),
        ("0o17", 15),
        ("0x1F", 31),
        ("012", 12),  # decimal in YAML 1.2, not octal
        ("42", 42),
        ("-7", -7),
        ("0.531", 0.531),
        ("1e3", 1000.0),
        (".5", 0.5),
        ("1_000", "1_000"),
        ("2001-12-14", "2001-12-14"),  # timestamps stay strings
        ("58%", "58%"),
        ("n/a", "n/a"),
        ("~", None),
        ("null", None),
        ("", None),
    ],
)
def test_core_schema_scalars(text: str, expected: object) -> None:
    doc = _yaml(f"v: {text}\n")
    value = doc.data["v"]
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(("text", "sign"), [(".inf", 1), ("+.inf", 1), (".Inf", 1), ("-.inf", -1), ("-.INF", -1)])
def test_core_schema_infinities(text: str, sign: int) -> None:
    value = _yaml(f"v: {text}\n").data["v"]
    assert math.isinf(value) and math.copysign(1, value) == sign


def test_core_schema_nan() -> None:
    assert math.isnan(_yaml("v: .nan\n").data["v"])


def test_quoted_scalars_stay_strings() -> None:
    doc = _yaml("""
        a: "yes"
        b: '0o17'
        c: "1"
    """)
    assert doc.data == {"a": "yes", "b": "0o17", "c": "1"}


def test_core_tags_are_honoured() -> None:
    doc = _yaml("""
        a: !!str 1
        b: !!float 2
        c: !!int "3"
    """)
    assert doc.data == {"a": "1", "b": 2.0, "c": 3}
    assert isinstance(doc.data["b"], float)


def test_core_tag_with_wrong_value_is_an_error() -> None:
    error = _error("a: 1\nb: !!int nope\n")
    assert error.position.line == 2


def test_resolve_plain_directly() -> None:
    assert resolve_plain("yes") == "yes"
    assert resolve_plain("0o17") == 15
    assert resolve_plain(".inf") == math.inf


def test_keys_are_strings() -> None:
    doc = _yaml("1: one\ntrue: two\n")
    assert set(doc.data) == {"1", "true"}


def test_merge_key_is_not_expanded() -> None:
    # `<<` is YAML 1.1 only; under the 1.2 core schema it is an ordinary key
    doc = _yaml("""
        base: &b {x: 1}
        d:
          <<: *b
    """)
    assert "<<" in doc.data["d"]


# --- bad input: every class is a LoadError with a sensible line --------------


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("id: x\nstate: [a, b\nnext: c\n", {2, 3}),  # unclosed flow sequence
        ("id: x\nstate: 'open\n", {2, 3}),  # unterminated quote
        ("id: x\nstate: a: b\n", {2}),  # mapping value in a plain scalar
        ("id: x\n  state: y\n", {2}),  # bad indentation
        ("id: x\n- item\n", {2}),  # sequence after a mapping
    ],
)
def test_syntax_error(text: str, lines: set[int]) -> None:
    error = _error(text)
    assert error.position.line in lines, error
    assert "syntax" in error.message.lower() or "yaml" in error.message.lower()


def test_syntax_error_message_is_one_line() -> None:
    error = _error("id: x\nstate: [a, b\nnext: c\n")
    assert "\n" not in error.message


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("id: x\nprovenance:\n\tsource: y\n", 3),
        ("id: x\nprovenance:\n  source: y\n\tevaluation: z\n", 4),
    ],
)
def test_tab_indentation(text: str, line: int) -> None:
    error = _error(text)
    assert error.position.line == line
    assert "tab" in error.message.lower()


def test_duplicate_key_points_at_the_second_key() -> None:
    error = _error("id: x\nstate: parked\nid: y\n")
    assert error.position == Position(3, 1)
    assert "duplicate" in error.message.lower() and "`id`" in error.message
    assert "line 1" in error.message  # where the first one stands


def test_nested_duplicate_key() -> None:
    error = _error("provenance:\n  source: a\n  evaluation: b\n  source: c\n")
    assert error.position == Position(4, 3)
    assert "source" in error.message


def test_same_key_in_sibling_mappings_is_fine() -> None:
    doc = _yaml("""
        evidence:
          - gate: a
          - gate: b
    """)
    assert [row["gate"] for row in doc.data["evidence"]] == ["a", "b"]


def test_non_utf8_byte() -> None:
    error = _error(b"id: x\nsummary: caf\xe9\n")
    assert error.position == Position(2, 13)
    assert "utf-8" in error.message.lower()
    assert "0xe9" in error.message.lower()


def test_bom_and_crlf_parse_fine() -> None:
    raw = b"\xef\xbb\xbfid: demo\r\nstate: parked\r\nnotes:\r\n  - one\r\n"
    doc = load_text(raw, ".yaml")
    assert isinstance(doc, Document), doc
    assert doc.data == {"id": "demo", "state": "parked", "notes": ["one"]}
    assert doc.positions.key(("id",)) == Position(1, 1)
    assert doc.positions.value(("state",)) == Position(2, 8)
    assert doc.positions.value(("notes", 0)).line == 4


def test_bom_and_crlf_json() -> None:
    doc = load_text(b'\xef\xbb\xbf{\r\n  "id": "demo"\r\n}\r\n', ".json")
    assert isinstance(doc, Document), doc
    assert doc.data == {"id": "demo"}


@pytest.mark.parametrize("raw", [b"", b"   \n\n", b"\xef\xbb\xbf", b"\r\n"])
@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_empty_file(raw: bytes, suffix: str) -> None:
    error = _error(raw, suffix)
    assert error.position.line == 1
    assert "empty" in error.message.lower()


def test_comment_only_file() -> None:
    error = _error("# nothing here\n")
    assert error.position.line == 1
    assert "mapping" in error.message


@pytest.mark.parametrize(
    ("text", "suffix"),
    [("- a\n- b\n", ".yaml"), ("just words\n", ".yaml"), ("42\n", ".yaml"), ("[1, 2]", ".json"), ('"s"', ".json")],
)
def test_top_level_not_a_mapping(text: str, suffix: str) -> None:
    error = _error(text, suffix)
    assert error.position.line == 1
    assert "mapping" in error.message


@pytest.mark.parametrize(
    "template",
    [
        "id: x\nstate: !!python/object/apply:os.system ['touch {marker}']\n",
        "id: x\nstate: !!python/object/apply:subprocess.call [['touch', '{marker}']]\n",
        "id: x\nstate: !!python/object/new:os.system ['touch {marker}']\n",
        "id: x\nstate: !!python/name:os.system\n",
        "id: x\n!!python/object/apply:os.system ['touch {marker}']: key\n",
    ],
)
def test_python_tags_are_never_executed(template: str, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    error = _error(template.format(marker=marker.as_posix()))
    assert not marker.exists(), "a YAML tag was executed"
    assert error.position.line == 2
    assert "tag" in error.message.lower() or "key" in error.message.lower()


def test_custom_tag_is_an_error() -> None:
    error = _error("id: x\nstate: !custom parked\n")
    assert error.position == Position(2, 8)


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_alias_bomb_stops_with_an_error() -> None:
    # Run in a child process so that a loader without a node limit cannot hang
    # or exhaust the test run: the timeout is a safety net, not a measurement.
    code = (
        "import sys\n"
        "from artifact_lint.sources.loader import load_text, LoadError\n"
        "r = load_text(sys.stdin.buffer.read(), '.yaml')\n"
        "print(type(r).__name__, r.position.line if isinstance(r, LoadError) else '', "
        "r.message if isinstance(r, LoadError) else '')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], input=BILLION_LAUGHS.encode(),
                          capture_output=True, timeout=120)
    out = proc.stdout.decode()
    assert proc.returncode == 0, proc.stderr.decode()
    kind, line, *message = out.split(" ", 2)
    assert kind == "LoadError"
    assert 1 <= int(line) <= 9
    assert "alias" in " ".join(message).lower()


def test_alias_limit_is_configurable() -> None:
    error = _error("a: &a [1, 2, 3, 4]\nb: [*a, *a, *a, *a]\n", limits=Limits(max_nodes=10))
    assert "max-nodes" in error.message


def test_few_aliases_are_fine() -> None:
    doc = _yaml("""
        a: &a [1, 2]
        b: *a
    """)
    assert doc.data["b"] == [1, 2]


@pytest.mark.parametrize(
    "raw",
    [
        b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n",
        b"a: " + b"{x: " * 300 + b"1" + b"}" * 300 + b"\n",
        "".join("  " * i + f"k{i}:\n" for i in range(150)).encode() + b"  " * 150 + b"v\n",
    ],
    ids=["flow-seq-5000", "flow-map-300", "block-150"],
)
def test_deep_nesting(raw: bytes) -> None:
    error = _error(raw)
    assert "nest" in error.message.lower() or "depth" in error.message.lower()


def test_deep_nesting_json() -> None:
    error = _error(b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", ".json")
    assert "nest" in error.message.lower() or "depth" in error.message.lower()


# --- JSON keeps to the same limits as YAML (issue 15) ------------------------


@pytest.mark.parametrize("depth", [101, 150, 900, 5000, 100_000])
def test_json_deeper_than_max_depth_is_a_load_error_with_its_position(depth: int) -> None:
    """`{"id": .., "v": [[[...]]]}`: `v` is at depth 1, so the bracket at depth 101 is the 101st."""
    prefix = '{"id": "deep", "v": '
    error = _error(prefix + "[" * depth + "]" * depth + "}", ".json")
    assert error.message == "nested deeper than 100 levels"
    assert error.position == Position(1, len(prefix) + 101)
    if depth < 1000:  # beyond, libyaml's own nesting limit speaks first
        assert _error(prefix + "[" * depth + "]" * depth + "}", ".yaml") == error  # YAML reads the same text so


def test_json_nesting_on_many_lines() -> None:
    text = '{\n  "id": "deep",\n  "v":\n' + "".join("  " * i + '{"k":\n' for i in range(120)) + "1" + "}" * 120 + "}"
    error = _error(text, ".json")
    assert error.message == "nested deeper than 100 levels"
    assert error.position == Position(3 + 101, 1 + 2 * 100)  # the mapping opened on the 101st `{"k":` line


def test_json_at_max_depth_loads_with_positions() -> None:
    doc = load_text(('{"id": "deep", "v": ' + "[" * 100 + "]" * 100 + "}").encode(), ".json")
    assert isinstance(doc, Document)
    assert doc.positions.value(("v",)) == Position(1, 21)
    assert doc.positions.value(("v",) + (0,) * 99) == Position(1, 21 + 99)


def test_json_depth_and_node_limits_are_configurable() -> None:
    # 7 values; `"x"` is the 7th, at depth 4 (column 40); brackets in strings do not count
    text = '{"a": "[[[[{{{{", "b": {"c": [1, {"d": "x"}]}}'
    assert isinstance(load_text(text.encode(), ".json", Limits(max_depth=4)), Document)
    error = _error(text, ".json", Limits(max_depth=3))
    assert error == LoadError("nested deeper than 3 levels", Position(1, 40))
    assert error == _error(text, ".yaml", Limits(max_depth=3))
    assert _error(text, ".json", Limits(max_depth=2)).position == Position(1, 31)  # `1`, the first at depth 3
    assert isinstance(load_text(text.encode(), ".json", Limits(max_nodes=7)), Document)
    error = _error(text, ".json", Limits(max_nodes=6))
    assert error.position == Position(1, 40) == _error(text, ".yaml", Limits(max_nodes=6)).position
    assert "more than 6 values" in error.message and "max-nodes" in error.message


def test_json_over_max_nodes_by_size() -> None:
    text = '{"a": [' + ", ".join(["[1, 2]"] * 70_000) + "]}"  # 210,002 values
    error = _error(text, ".json")
    # the root and `a` are 2 values, each row 3: the 200,001st is the `[` of row 66,667
    assert error.position == Position(1, len('{"a": [') + 66_666 * len("[1, 2], ") + 1)
    assert "more than 200000 values" in error.message


@pytest.mark.parametrize("depth", [900, 100_000])
def test_deep_json_artifact_through_the_command_line(tmp_path: Path, depth: int) -> None:
    """Once a RecursionError and exit 2 (900 deep); now AL001 with its position, exit 1."""
    import json

    from conftest import build_fixture_repo

    root = build_fixture_repo(tmp_path)
    prefix = '{"id": "deep", "v": '
    (root / "artifacts" / "deep.json").write_text(prefix + "[" * depth + "]" * depth + "}\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "artifact_lint", "check", "--format", "json", "artifacts/deep.json"],
                          cwd=root, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    findings = [f for f in json.loads(proc.stdout)["findings"] if f["path"] == "artifacts/deep.json"]
    assert [(f["code"], f["line"], f["column"], f["message"]) for f in findings] == [
        ("AL001", 1, len(prefix) + 101, "nested deeper than 100 levels")]


def test_depth_limit_is_configurable() -> None:
    _error("a:\n  b:\n    c:\n      d: 1\n", limits=Limits(max_depth=2))
    assert isinstance(load_text(b"a:\n  b: 1\n", ".yaml", Limits(max_depth=2)), Document)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_json_non_finite_constants(constant: str) -> None:
    error = _error(f'{{\n  "id": "x",\n  "value": {constant}\n}}\n', ".json")
    assert error.position.line == 3
    assert constant.lstrip("-") in error.message


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('{\n  "id": "x",\n  "value": \n}\n', 4),
        ('{\n  "id": "x"\n  "state": "y"\n}\n', 3),
        ('{\n  "id": "x",\n}\n', 3),
        ("{\n  'id': 'x'\n}\n", 2),
    ],
)
def test_invalid_json(text: str, line: int) -> None:
    error = _error(text, ".json")
    assert error.position.line == line
    assert "json" in error.message.lower()


def test_yaml_only_syntax_in_a_json_file_is_an_error() -> None:
    _error("id: x\nstate: parked\n", ".json")


def test_duplicate_json_key_points_at_the_second_key() -> None:
    error = _error('{\n  "id": "x",\n  "state": "a",\n  "id": "y"\n}\n', ".json")
    assert error.position.line == 4
    assert "duplicate" in error.message.lower() and "id" in error.message


def test_duplicate_json_key_line_when_the_key_text_recurs_later() -> None:
    error = _error('{\n  "a": 1,\n  "a": 2,\n  "b": "a"\n}\n', ".json")
    assert error.position.line == 3


def test_json_nan_line_when_nan_appears_in_an_earlier_string() -> None:
    error = _error('{\n  "note": "NaN handling",\n  "value": NaN\n}\n', ".json")
    assert error.position.line == 3


def test_control_character_points_at_its_line() -> None:
    error = _error(b"id: x\nstate: parked\nsummary: a\x01b\n")
    assert error.position.line == 3
    assert "\n" not in error.message


def test_huge_integer_is_a_load_error_or_a_value() -> None:
    result = load_text(b"id: x\nn: " + b"9" * 5000 + b"\n", ".yaml")
    assert isinstance(result, (Document, LoadError))


def test_huge_integer_in_json_is_a_load_error() -> None:
    result = load_text(b'{"n": ' + b"9" * 5000 + b"}", ".json")
    assert isinstance(result, LoadError)


def test_multiple_documents_are_an_error() -> None:
    error = _error("id: x\n---\nid: y\n")
    assert error.position.line == 2


def test_complex_key_is_an_error() -> None:
    error = _error("id: x\n? [a, b]\n: 1\n")
    assert error.position.line == 2


# --- never raises -------------------------------------------------------------

_YAMLISH = st.sampled_from([
    b"a", b"id", b":", b": ", b" ", b"  ", b"\n", b"\r\n", b"- ", b"[", b"]", b"{", b"}", b",",
    b"&x ", b"*x", b"!!str ", b"!!python/object:os.system ", b"!t ", b"\t", b"'", b'"', b"#", b"? ",
    b"|", b">-", b"1", b"0o7", b".inf", b".", b"\xff", b"\xef\xbb\xbf", b"%YAML 1.2", b"---", b"...",
    b"\x00", b"\\", b"NaN", b"null", b"\xc3\xa9",
])


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    raw=st.one_of(st.binary(max_size=300), st.lists(_YAMLISH, max_size=80).map(b"".join)),
    suffix=st.sampled_from([".yaml", ".yml", ".json"]),
)
def test_load_text_never_raises(raw: bytes, suffix: str) -> None:
    result = load_text(raw, suffix)
    assert isinstance(result, (Document, LoadError))
    if isinstance(result, LoadError):
        assert result.message
        assert result.position.line >= 1 and result.position.column >= 1
    else:
        assert isinstance(result.data, dict)


# --- lines as an editor shows them (issue 15) -----------------------------------------------

# libyaml (YAML 1.1) also ends a line at these; YAML 1.2, editors and findings do not.
SEPARATORS = {"NEL": "\x85", "LS": "\u2028", "PS": "\u2029"}


@pytest.mark.parametrize("separator", list(SEPARATORS.values()), ids=list(SEPARATORS))
@pytest.mark.parametrize("value", ['"a{}b"', "'a{}b'", "a{}b", '"a{}"', "[x{}y]", '{{k: "v{}"}}'],
                         ids=["double", "single", "plain", "at-the-end", "flow-seq", "flow-map"])
def test_a_line_separator_in_a_value_shifts_no_later_line(separator: str, value: str) -> None:
    text = f"id: demo\nnote: {value.format(separator)}\nstate: parked\nevidence:\n  - gate: g\n"
    doc = load_text(text.encode("utf-8"), ".yaml")
    assert isinstance(doc, Document), doc
    assert doc.positions.value(("state",)) == Position(3, 8)
    assert doc.positions.key(("evidence",)) == Position(4, 1)
    assert doc.positions.value(("evidence", 0, "gate")) == Position(5, 11)
    note = doc.data["note"]
    assert separator in json.dumps(note, ensure_ascii=False)  # kept, never folded to a space


@pytest.mark.parametrize("separator", list(SEPARATORS.values()), ids=list(SEPARATORS))
def test_a_line_separator_is_no_line_break_in_comments_keys_or_errors(separator: str) -> None:
    commented = _yaml(f"# a comment{separator}state: not a key\nid: demo\nstate: parked\n")
    assert commented.data == {"id": "demo", "state": "parked"}
    assert commented.positions.value(("state",)) == Position(3, 8)
    keyed = _yaml(f"a{separator}b: 1\nid: demo\n")
    assert keyed.data == {f"a{separator}b": 1, "id": "demo"}
    assert keyed.positions.key(("id",)) == Position(2, 1)
    error = _error(f'note: "x{separator}y"\nid: [demo\n')
    assert error.position.line == 3  # the unclosed flow sequence, found at the end of line 2's text
    assert "\ue000" not in error.message and "\ue001" not in error.message


def test_a_value_holding_the_private_use_stand_in_keeps_it() -> None:
    doc = _yaml('note: "\ue000 and \u2028"\nid: demo\n')
    assert doc.data["note"] == "\ue000 and \u2028"
    assert doc.positions.key(("id",)) == Position(2, 1)


def test_json_with_a_line_separator_in_a_string() -> None:
    doc = load_text('{\n  "note": "a\u2028b\u0085c",\n  "id": "demo"\n}\n'.encode(), ".json")
    assert isinstance(doc, Document), doc
    assert doc.data["note"] == "a\u2028b\u0085c"
    assert doc.positions.value(("id",)) == Position(3, 9)


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_error_positions_count_every_line_end(end: str) -> None:
    json_error = _error(end.join(["{", '  "id": "x",', '  "value": ', "}", ""]), ".json")
    assert json_error.position.line == 4
    constant = _error(end.join(["{", '  "id": "x",', '  "value": NaN', "}", ""]), ".json")
    assert constant.position == Position(3, 12)
    control = _error(end.join(["id: x", "state: parked", "summary: a\x01b", ""]))
    assert control.position == Position(3, 11)


def test_a_bad_byte_column_counts_characters() -> None:
    error = _error("id: x\nsummary: é😀".encode() + b"\xff\n")
    assert error.position == Position(2, 12)  # after "summary: é😀", not after its 14 bytes
    error = _error(b"id: x\rsummary: \xff\r")
    assert error.position == Position(2, 10)
