"""Fuzzing: structured mutations of valid artifacts never crash the linter.

Each example starts from a clean file of `tests/fixtures/base/` (the artifact
files, and the package's `decision.json` for the JSON reader), applies one to
five mutations (delete, duplicate or swap lines, indent with a tab, shift a
line's indentation, replace a value by one of another kind, insert a YAML
indicator, a control byte or invalid UTF-8, truncate), writes the result into
a fixture repository and lints it:

- in-process through `artifact_lint.session.check` and the json reporter's
  `as_dict`: no exception escapes, every finding has line >= 1, column >= 1, a
  code and a message, and the report serialises as strict UTF-8 JSON;
- a few times through the real command line: exit 0 or 1, a parseable JSON
  report, no traceback.

The CI budget is fixed (see `_budget`); `ARTIFACT_LINT_FUZZ_EXAMPLES=N` selects
the long pre-release run (docs/fuzzing.md).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from artifact_lint.reporters.json_report import as_dict
from artifact_lint.session import check
from conftest import BASE, build_fixture_repo

# --- budget -----------------------------------------------------------------

_LONG_RUN = int(os.environ.get("ARTIFACT_LINT_FUZZ_EXAMPLES", "0") or 0)


def _budget(ci: int, share: float = 1.0) -> int:
    """`ci` examples in CI; with ARTIFACT_LINT_FUZZ_EXAMPLES=N, `share` of N."""
    return max(1, int(_LONG_RUN * share)) if _LONG_RUN > 0 else ci


_FUZZ = dict(deadline=None, derandomize=False, print_blob=True,
             suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                    HealthCheck.function_scoped_fixture])

# --- the corpus ---------------------------------------------------------------

ARTIFACTS = sorted(p.relative_to(BASE).as_posix() for p in (BASE / "artifacts").glob("*.yaml"))
DECISIONS = sorted(p.relative_to(BASE).as_posix() for p in (BASE / "specialists").glob("*/decision.json"))

# YAML indicators, tags, anchors, directives and escapes, as text to insert.
INDICATORS = [
    ":", ": ", " :", "-", "- ", "?", "? ", ",", "&a ", "*a", "*a ", "&a [1, 2] ", "!tag ", "!!str ",
    "!!int ", "!!float ", "!!binary ", "!!set ", "!!python/object/apply:os.system ", "!<tag:x> ",
    "|", "|-", "|+", ">", ">-", "|2", "{", "}", "{}", "[", "]", "[]", '"', "'", "%", "%YAML 1.2\n",
    "%TAG ! tag:x:\n", "@", "`", "#", " #", "\t", "\t\t", "---\n", "...\n", "<<: *a\n", "<<: ",
    "\\", '"\\x00"', '"\\ud800"', '"\\U0010ffff"', '"\\N"', "~", "null", ".nan", ".inf", "-.inf",
    "0o17", "0x1F", "1e400", "9" * 5000, "\r", "\r\n", "\n", " ", "  ",
]
# Control bytes (C0, DEL, and C1 / specials encoded as UTF-8).
CONTROL = [bytes([b]) for b in (*range(0, 9), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)] + [
    "\x85".encode(), "\x9b".encode(), "\u2028".encode(), "\u2029".encode(), "\ufeff".encode(),
    "\ufffe".encode(), "\U0001f600".encode(),
]
# Byte sequences that are not UTF-8: stray continuation, truncated, overlong, surrogate, > U+10FFFF.
INVALID_UTF8 = [b"\x80", b"\xbf", b"\xc3", b"\xc3(", b"\xe2\x82", b"\xf0\x9f\x98", b"\xc0\xaf",
                b"\xe0\x80\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xf8\x88\x80\x80\x80",
                b"\xfe", b"\xff", b"\xff\xfe"]

# Values of another kind, for "a value here is not what the rule expects".
VALUES = [
    "", "~", "null", "[]", "{}", "[1, 2]", "{a: 1}", "- x", "true", "no", "0", "-1", "1e400", ".nan", "-.inf",
    "0x1F", '""', "'  '", '"\\t"', "&a x", "*a", "!!str 1", "!!int x", "|\n  text", ">-\n  text",
    "https://example.org/x", "/etc/passwd", "../../x", "~/x", "specialists/x", "Direct", "direct", "ship",
    "release-ready-metadata", "+4.4 points", "90%", "x" * 300, "éè", "😀",
]

_INDEX = st.integers(min_value=0, max_value=10_000)
_TOKEN = st.one_of(
    st.sampled_from(INDICATORS).map(str.encode),
    st.sampled_from(CONTROL),
    st.sampled_from(INVALID_UTF8),
)

MUTATION = st.one_of(
    st.tuples(st.just("delete"), _INDEX),
    st.tuples(st.just("duplicate"), _INDEX),
    st.tuples(st.just("swap"), _INDEX, _INDEX),
    st.tuples(st.just("tabify"), _INDEX),
    st.tuples(st.just("indent"), _INDEX, st.sampled_from([-4, -2, -1, 1, 2, 4])),
    st.tuples(st.just("set_value"), _INDEX, st.sampled_from(VALUES).map(str.encode)),
    st.tuples(st.just("insert"), _INDEX, _INDEX, _TOKEN),  # at (line, column)
    st.tuples(st.just("insert_at"), _INDEX, _TOKEN),  # at a byte offset, may split a UTF-8 sequence
    st.tuples(st.just("truncate"), _INDEX),
)
MUTATIONS = st.lists(MUTATION, min_size=1, max_size=5)


Mutation = tuple[Any, ...]  # (kind, *arguments)


def mutate(raw: bytes, mutations: list[Mutation]) -> bytes:
    """Apply `mutations` in order; indices wrap around the current size."""
    for op, *args in mutations:
        lines = raw.splitlines(keepends=True) or [b""]
        if op == "delete":
            del lines[args[0] % len(lines)]
        elif op == "duplicate":
            i = args[0] % len(lines)
            lines.insert(i, lines[i])
        elif op == "swap":
            i, j = args[0] % len(lines), args[1] % len(lines)
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "tabify":
            i = args[0] % len(lines)
            stripped = lines[i].lstrip(b" ")
            lines[i] = b"\t" * ((len(lines[i]) - len(stripped) + 1) // 2 or 1) + stripped
        elif op == "indent":  # add spaces, or remove up to that many
            i = args[0] % len(lines)
            leading = len(lines[i]) - len(lines[i].lstrip(b" "))
            lines[i] = b" " * args[1] + lines[i] if args[1] > 0 else lines[i][min(leading, -args[1]):]
        elif op == "set_value":
            i = args[0] % len(lines)
            lines[i] = _set_value(lines[i], args[1])
        elif op == "insert":
            i = args[0] % len(lines)
            column = args[1] % (len(lines[i]) + 1)
            lines[i] = lines[i][:column] + args[2] + lines[i][column:]
        elif op == "insert_at":
            offset = args[0] % (len(raw) + 1)
            lines = [raw[:offset] + args[1] + raw[offset:]]
        elif op == "truncate":
            lines = [raw[: args[0] % (len(raw) + 1)]]
        raw = b"".join(lines)
    return raw


def _set_value(line: bytes, value: bytes) -> bytes:
    """Replace the text after the line's first `: ` or `- ` (or after a bare `key:`) by `value`."""
    body = line.rstrip(b"\r\n")
    end = line[len(body):]
    for indicator in (b": ", b"- "):
        if indicator in body:
            return body[: body.index(indicator) + 2] + value + end
    return body + (b" " if body.endswith(b":") else b"") + value + end


def test_mutate_applies_each_kind() -> None:
    raw = b"a: 1\nb: 2\nc:\n  - x\n"
    assert mutate(raw, [("delete", 1)]) == b"a: 1\nc:\n  - x\n"
    assert mutate(raw, [("duplicate", 0)]) == b"a: 1\na: 1\nb: 2\nc:\n  - x\n"
    assert mutate(raw, [("swap", 0, 1)]) == b"b: 2\na: 1\nc:\n  - x\n"
    assert mutate(raw, [("tabify", 3)]) == b"a: 1\nb: 2\nc:\n\t- x\n"
    assert mutate(raw, [("indent", 0, 2)]) == b"  a: 1\nb: 2\nc:\n  - x\n"
    assert mutate(raw, [("indent", 3, -1)]) == b"a: 1\nb: 2\nc:\n - x\n"
    assert mutate(raw, [("set_value", 1, b"[]")]) == b"a: 1\nb: []\nc:\n  - x\n"
    assert mutate(raw, [("set_value", 3, b"{}")]) == b"a: 1\nb: 2\nc:\n  - {}\n"
    assert mutate(raw, [("set_value", 2, b"~")]) == b"a: 1\nb: 2\nc: ~\n  - x\n"
    assert mutate(raw, [("insert", 1, 1, b"&a ")]) == b"a: 1\nb&a : 2\nc:\n  - x\n"
    assert mutate(raw, [("insert_at", 2, b"\xff")]) == b"a:\xff 1\nb: 2\nc:\n  - x\n"
    assert mutate(raw, [("truncate", 7)]) == b"a: 1\nb:"
    assert mutate(b"", [("delete", 3), ("swap", 1, 2), ("insert", 5, 5, b"-")]) == b"-"


# --- in-process ----------------------------------------------------------------

_FINDING_CODE = re.compile(r"AL\d{3}\Z")


@pytest.fixture(scope="module")
def fuzz_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield build_fixture_repo(tmp_path_factory.mktemp("fuzz"))


def _lint_in_process(root: Path, relative: str, raw: bytes) -> dict[str, Any]:
    target = root / relative
    original = (BASE / relative).read_bytes()
    target.write_bytes(raw)
    try:
        result = check(root)
    finally:
        target.write_bytes(original)
    report = as_dict(result)
    text = json.dumps(report, ensure_ascii=False, allow_nan=False)
    text.encode("utf-8")  # what the reporter writes: strict UTF-8, no lone surrogate
    for finding in report["findings"]:
        assert _FINDING_CODE.match(finding["code"]), finding
        assert isinstance(finding["line"], int) and finding["line"] >= 1, finding
        assert isinstance(finding["column"], int) and finding["column"] >= 1, finding
        assert isinstance(finding["message"], str) and finding["message"].strip(), finding
    return report


@settings(max_examples=_budget(1000, 0.75), **_FUZZ)
@given(relative=st.sampled_from(ARTIFACTS), mutations=MUTATIONS)
def test_mutated_artifact_lints_in_process(fuzz_repo: Path, relative: str, mutations: list[Mutation]) -> None:
    raw = mutate((BASE / relative).read_bytes(), mutations)
    _lint_in_process(fuzz_repo, relative, raw)


@settings(max_examples=_budget(250, 0.2), **_FUZZ)
@given(relative=st.sampled_from(DECISIONS), mutations=MUTATIONS)
def test_mutated_decision_lints_in_process(fuzz_repo: Path, relative: str, mutations: list[Mutation]) -> None:
    raw = mutate((BASE / relative).read_bytes(), mutations)
    _lint_in_process(fuzz_repo, relative, raw)


def test_unmutated_corpus_is_clean(fuzz_repo: Path) -> None:
    """The seeds are valid: every finding of a fuzz run comes from the mutation."""
    report = _lint_in_process(fuzz_repo, ARTIFACTS[0], (BASE / ARTIFACTS[0]).read_bytes())
    assert report["findings"] == []


# --- regressions found by fuzzing ----------------------------------------------------

_CONCISE_LINE = re.compile(r"[^\s:]+:\d+:\d+: AL\d{3} \[(error|warning|info)\] \S")


def test_concise_output_is_one_line_a_finding(fuzz_repo: Path) -> None:
    import io

    from artifact_lint.reporters import concise_report

    relative = ARTIFACTS[0]
    raw = (BASE / relative).read_bytes().replace(b"id: gemma-2b-invoice-fields\n", b"id: |\n  text\n", 1)
    target = fuzz_repo / relative
    target.write_bytes(raw)
    try:
        result = check(fuzz_repo)
    finally:
        target.write_bytes((BASE / relative).read_bytes())
    assert any(f.code == "AL003" and f.field == "id" for f in result.findings)
    stream = io.StringIO()
    concise_report.write(result, [], stream, quiet=True)
    for line in stream.getvalue().splitlines():
        assert _CONCISE_LINE.match(line), line


# --- through the command line ------------------------------------------------------


@settings(max_examples=_budget(10, 0.01), **_FUZZ)
@given(relative=st.sampled_from(ARTIFACTS + DECISIONS), mutations=MUTATIONS)
def test_mutated_file_through_the_cli(fuzz_repo: Path, relative: str, mutations: list[Mutation]) -> None:
    target = fuzz_repo / relative
    original = (BASE / relative).read_bytes()
    target.write_bytes(mutate(original, mutations))
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "artifact_lint", "check", "--format", "json"],
            cwd=fuzz_repo, capture_output=True, timeout=30,
            env={**os.environ, "NO_COLOR": "1", "GITHUB_ACTIONS": ""},
        )
    finally:
        target.write_bytes(original)
    stdout = proc.stdout.decode("utf-8")  # strict: the report is UTF-8
    stderr = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode in (0, 1), stderr
    assert "Traceback" not in stdout and "Traceback" not in stderr
    report = json.loads(stdout)
    assert (proc.returncode == 1) == (report["summary"]["errors"] > 0)
