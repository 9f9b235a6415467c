"""Fuzzing: hostile and broken input of every kind never crashes the linter.

Strategies (docs/fuzzing.md says what each covers and how to run the long campaign):

- mutated artifact YAML (`MUTATIONS`: delete, duplicate or swap lines, tabs,
  indentation, a value of another kind, a YAML indicator, a control byte or
  invalid UTF-8, truncation) and mutated `decision.json`;
- JSON artifacts: the same artifacts written as JSON, mutated with the same
  operations and with JSON's own tokens (`JSON_TOKENS`);
- `decision.json` built from arbitrary JSON values (`DECISIONS_JSON`);
- the Markdown registry document, mutated with Markdown tokens, linted both
  beside the artifact files and in document mode (no artifact file);
- registry cache entries with any one value replaced (`test_tampered_...`);
- configuration: `pyproject.toml` / `artifact-lint.toml` from arbitrary keys
  and TOML values, and as mutated bytes;
- file-system shapes under `artifacts/` and `specialists/`: odd names
  (newline, percent, unicode, spaces, leading dash), folders, links inside and
  outside the root, dangling links, link loops, named pipes, links to
  `/dev/zero`, and unreadable folders where the user is not root;
- `--fix` round trips: fix, then check again: nothing new, the fixed values
  hold their replacements, and every character outside them is unchanged.

In-process runs must raise nothing but a `ToolError` (exit 2) where one is
allowed, give findings with a code, a message, line >= 1 and column >= 1, and
serialise as strict UTF-8 JSON; command-line runs must exit 0, 1 (or 2 with one
line on stderr where allowed) with no traceback.

Budgets: each test's CI count is fixed (`_budget`); `HYPOTHESIS_PROFILE=long`
(20,000 examples shared out) or `ARTIFACT_LINT_FUZZ_EXAMPLES=N` selects the
long pre-release campaign (docs/fuzzing.md).
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import stat
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import BASE, build_fixture_repo
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from artifact_lint.engine.session import check
from artifact_lint.reporters._safe import json_text
from artifact_lint.reporters.json_report import as_dict

# --- budget -----------------------------------------------------------------

# The long campaign: HYPOTHESIS_PROFILE=long (20,000 examples) or ARTIFACT_LINT_FUZZ_EXAMPLES=N.
_PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "")
_LONG_RUN = int(os.environ.get("ARTIFACT_LINT_FUZZ_EXAMPLES", "0") or 0) or (20_000 if _PROFILE == "long" else 0)


def _budget(ci: int, share: float = 1.0) -> int:
    """`ci` examples in CI; in the long campaign, `share` of its examples."""
    return max(1, int(_LONG_RUN * share)) if _LONG_RUN > 0 else ci


# Two hypothesis profiles: "artifact-lint-ci" (the default: each test's fixed CI count)
# and "artifact-lint-long" (the long campaign's counts). Each test takes its count from
# `_fuzz`, so that nothing here changes the settings of other test files.
settings.register_profile(
    "artifact-lint-ci", deadline=None, derandomize=False, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture,
                           HealthCheck.filter_too_much])
settings.register_profile("artifact-lint-long", settings.get_profile("artifact-lint-ci"),
                          max_examples=_LONG_RUN or 20_000)
_SETTINGS = settings.get_profile("artifact-lint-long" if _LONG_RUN else "artifact-lint-ci")


def _fuzz(ci: int, share: float) -> settings:
    """The settings of a fuzz test: `ci` examples in CI, `share` of the long campaign's."""
    return settings(_SETTINGS, max_examples=_budget(ci, share))

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
    """Lint `root` with `raw` as the file `relative`, then put the file back as it was."""
    target = root / relative
    original = target.read_bytes()
    target.write_bytes(raw)
    try:
        result = check(root)
    finally:
        target.write_bytes(original)
    return _checked_report(result)


def _checked_report(result: Any) -> dict[str, Any]:
    """The json reporter's report of `result`, checked finding by finding."""
    report = as_dict(result)
    # What the json reporter writes: strict UTF-8, a lone surrogate from a file as its escape.
    json_text(report, indent=2, allow_nan=False).encode("utf-8")
    for finding in report["findings"]:
        assert _FINDING_CODE.match(finding["code"]), finding
        assert isinstance(finding["line"], int) and finding["line"] >= 1, finding
        assert isinstance(finding["column"], int) and finding["column"] >= 1, finding
        assert isinstance(finding["message"], str) and finding["message"].strip(), finding
    return report


@_fuzz(1000, 0.45)
@given(relative=st.sampled_from(ARTIFACTS), mutations=MUTATIONS)
def test_mutated_artifact_lints_in_process(fuzz_repo: Path, relative: str, mutations: list[Mutation]) -> None:
    raw = mutate((BASE / relative).read_bytes(), mutations)
    _lint_in_process(fuzz_repo, relative, raw)


@_fuzz(250, 0.1)
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


@_fuzz(10, 0.01)
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


# --- JSON artifacts ------------------------------------------------------------------------

# JSON's own tokens, as text to insert: structure, escapes, constants JSON refuses,
# numbers at the edges, and a key written twice.
JSON_TOKENS = [
    "{", "}", "[", "]", ",", ":", '"', '\\"', "\\", "\\u", "\\ud800", "\\udc00", "\\ud83d\\ude00", "\\u0000",
    "NaN", "-Infinity", "Infinity", "1e999", "-0", "0.1e-400", "9" * 400, "true", "null", '"id": "x", ',
    '"state": 1, ', "//", "/*", "'", "\u2028", "\x85", "\ufeff", "\r", "\t", "\n",
]
_JSON_TOKEN_BYTES = st.one_of(st.sampled_from(JSON_TOKENS).map(str.encode), st.sampled_from(CONTROL),
                              st.sampled_from(INVALID_UTF8))
JSON_MUTATION = st.one_of(
    MUTATION,
    st.tuples(st.just("insert"), _INDEX, _INDEX, _JSON_TOKEN_BYTES),
    st.tuples(st.just("insert_at"), _INDEX, _JSON_TOKEN_BYTES),
)
JSON_MUTATIONS = st.lists(JSON_MUTATION, min_size=1, max_size=5)


def _as_json(relative: str, indent: int | None = 2) -> bytes:
    """A base artifact written as JSON (the same values)."""
    from artifact_lint.sources.loader import parse_yaml

    data = parse_yaml((BASE / relative).read_text(encoding="utf-8")).data
    return (json.dumps(data, indent=indent, ensure_ascii=False) + "\n").encode("utf-8")


JSON_ARTIFACTS = [a.removesuffix(".yaml") + ".json" for a in ARTIFACTS]


@pytest.fixture(scope="module")
def json_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The fixture repository with every artifact as a JSON file instead of YAML."""
    root = build_fixture_repo(tmp_path_factory.mktemp("fuzz-json"))
    for relative in ARTIFACTS:
        (root / relative).unlink()
        (root / relative.removesuffix(".yaml")).with_suffix(".json").write_bytes(_as_json(relative))
    yield root


def test_json_corpus_is_clean(json_repo: Path) -> None:
    report = _checked_report(check(json_repo))
    assert report["findings"] == []


@_fuzz(150, 0.15)
@given(index=st.integers(0, len(ARTIFACTS) - 1), indent=st.sampled_from([None, 0, 2, 4]), mutations=JSON_MUTATIONS)
def test_mutated_json_artifact_lints_in_process(json_repo: Path, index: int, indent: int | None,
                                               mutations: list[Mutation]) -> None:
    raw = mutate(_as_json(ARTIFACTS[index], indent), mutations)
    _lint_in_process(json_repo, JSON_ARTIFACTS[index], raw)


# --- decision.json from arbitrary JSON values ---------------------------------------------

DECISION_FIELDS = ["decision", "reason", "failure_reason", "failure_reason_confidence", "lesson", "next_action",
                   "evidence_sources", "blocked_by"]
JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=30),
    st.sampled_from(["ship", "reject", "park", "retry-data", "exact", "not-applicable", "", " ", "eval_report.json",
                     "../../etc/passwd", "/etc/passwd", "https://example.org/x", "specialists/x", "\u2028", "\x00"]),
)
JSON_VALUES = st.recursive(JSON_SCALARS, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)
DECISIONS_JSON = st.one_of(
    st.dictionaries(st.sampled_from(DECISION_FIELDS) | st.text(max_size=12), JSON_VALUES, max_size=10),
    JSON_VALUES,  # not even an object
)


@_fuzz(100, 0.05)
@given(record=DECISIONS_JSON, indent=st.sampled_from([None, 2]))
def test_any_json_decision_lints_in_process(fuzz_repo: Path, record: Any, indent: int | None) -> None:
    raw = json.dumps(record, indent=indent, ensure_ascii=False).encode("utf-8", "surrogatepass")
    _lint_in_process(fuzz_repo, DECISIONS[0], raw)


# --- the registry document (Markdown) ---------------------------------------------------------

DOCUMENT = "docs/factory/public-artifacts.md"
_UPSTREAM = BASE.parents[2].parent / "shared" / "corpus" / "upstream"
REGISTRY_SEEDS = [(BASE / DOCUMENT).read_bytes(), (BASE.parents[2] / DOCUMENT).read_bytes()] + [
    path.read_bytes() for path in sorted(_UPSTREAM.glob("public-artifacts@*.md"))[:1]]
# Markdown and the document's own vocabulary, as text to insert.
MARKDOWN_TOKENS = [
    "|", "| ", " |", "||", "|---|", "|:-:|", "`", "``", "```\n", "~~~\n", "#", "## ", "### ", "### `x`\n", "> ",
    "- ", "* ", "1. ", "**", "_", "[", "](", "<!--", "-->", "<!-- artifact-lint: disable=AL101 reason=\"r\" -->",
    "<!-- artifact-lint: disable=AL999 -->", "<br>", "&amp;", "&#0;", "\\|", "Status: ", "`blocked`",
    "`release-ready-metadata`", "Direct", "`Direct`", "Not comparable", "+4.4 points", "0.734", "1e999", "NaN",
    "40/40", "90%", "Measured evidence:\n", "| Gate | Stock | Ours | n |\n", "Release blockers:\n",
    "Committed surface:\n", "- `specialists/x/../../../etc/passwd`\n", "Competitive context:\n",
    "Website page: /artifacts/x\n", "    ", "\t", "\r", "\r\n", "\u2028", "\x85", "\x00", "\ufeff",
]
_MARKDOWN_TOKEN_BYTES = st.one_of(st.sampled_from(MARKDOWN_TOKENS).map(str.encode), st.sampled_from(CONTROL),
                                  st.sampled_from(INVALID_UTF8))
MARKDOWN_MUTATION = st.one_of(
    st.tuples(st.just("delete"), _INDEX),
    st.tuples(st.just("duplicate"), _INDEX),
    st.tuples(st.just("swap"), _INDEX, _INDEX),
    st.tuples(st.just("indent"), _INDEX, st.sampled_from([-4, -1, 1, 2, 4])),
    st.tuples(st.just("insert"), _INDEX, _INDEX, _MARKDOWN_TOKEN_BYTES),
    st.tuples(st.just("insert_at"), _INDEX, _MARKDOWN_TOKEN_BYTES),
    st.tuples(st.just("truncate"), _INDEX),
)


@pytest.fixture(scope="module")
def document_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The fixture repository in document mode: no artifact file, the document's entries are linted."""
    root = build_fixture_repo(tmp_path_factory.mktemp("fuzz-document"))
    for relative in ARTIFACTS:
        (root / relative).unlink()
    yield root


@_fuzz(120, 0.1)
@given(seed=st.integers(0, len(REGISTRY_SEEDS) - 1), document_mode=st.booleans(),
       mutations=st.lists(MARKDOWN_MUTATION, min_size=1, max_size=6))
def test_mutated_registry_document_lints_in_process(fuzz_repo: Path, document_repo: Path, seed: int,
                                                   document_mode: bool, mutations: list[Mutation]) -> None:
    raw = mutate(REGISTRY_SEEDS[seed], mutations)
    _lint_in_process(document_repo if document_mode else fuzz_repo, DOCUMENT, raw)


# --- registry cache entries ---------------------------------------------------------------------


def _json_paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _json_paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _json_paths(child, (*path, index))


@_fuzz(40, 0.03)
@given(seed=st.integers(0, len(REGISTRY_SEEDS) - 1), document_mode=st.booleans(), pick=_INDEX,
       replacement=JSON_VALUES, forge=st.booleans())
def test_tampered_registry_cache_entry_never_fails_a_check(tmp_path_factory: pytest.TempPathFactory,
                                                           fuzz_repo: Path, document_repo: Path, seed: int,
                                                           document_mode: bool, pick: int, replacement: Any,
                                                           forge: bool) -> None:
    """Any one value of an entry replaced (the body's digest written again or not): the
    check goes on as without the cache, or at least never fails."""
    import hashlib

    from artifact_lint.engine.lint import lint
    from artifact_lint.engine.session import open_session
    from artifact_lint.model.build import build_repository

    root = document_repo if document_mode else fuzz_repo
    original = (root / DOCUMENT).read_bytes()
    (root / DOCUMENT).write_bytes(REGISTRY_SEEDS[seed])
    folder = tmp_path_factory.mktemp("cache")
    try:
        session = open_session(root)

        def run() -> dict[str, Any]:
            repo = build_repository(root, session.config, session.policy, None, registry_cache=folder)
            return _checked_report(lint(repo, session.rules))

        fresh = run()  # writes the entry
        (entry,) = folder.glob("registry-*.json")
        wrapper = json.loads(entry.read_bytes())
        body = wrapper["body"]
        paths = list(_json_paths(body))[1:]
        path = paths[pick % len(paths)]
        parent = body
        for part in path[:-1]:
            parent = parent[part]
        parent[path[-1]] = replacement
        encoded = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
        digest = hashlib.sha256(encoded).hexdigest() if forge else wrapper["sha256"]
        entry.write_bytes(b'{"format":%d,"sha256":"%s","body":%s}' % (wrapper["format"], digest.encode(), encoded))
        tampered = run()
        if not forge:  # only a forger's entry is read at all
            assert tampered == fresh
    finally:
        (root / DOCUMENT).write_bytes(original)


# --- configuration files -------------------------------------------------------------------------

OUTSIDE_SECRET = "OUTSIDE-SECRET-41c7"  # the content of a file outside every fuzz root


@pytest.fixture(scope="module")
def outside_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("outside")
    secret = folder / "secret.yaml"
    secret.write_text(f"id: {OUTSIDE_SECRET}\nstate: {OUTSIDE_SECRET}\n")
    (folder / "pkg").mkdir()
    (folder / "pkg" / "decision.json").write_text(json.dumps({"decision": OUTSIDE_SECRET}))
    return secret


def _toml(value: Any) -> str:
    """`value` as a TOML value (strings and keys as JSON writes them, which TOML reads)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + "}"
    return '""'


_PATHISH = st.sampled_from([
    "artifacts", "artifacts/*.yaml", "artifacts/**", "**", "*", ".", "..", "../x", "/etc", "/", "", " ", "specialists",
    "docs/factory/public-artifacts.md", "rules/policy.yaml", "nonexistent", "artifacts/\n", "a%20b", "ünï", "~/x",
    "C:\\x", "specialists/mistral-7b-ticket-triage/decision.json", "!artifacts", "#x", "[",
]) | st.text(max_size=12)
_CODES = st.sampled_from(["AL", "AL1", "AL101", "AL2", "AL999", "al101", "X", "", "AL9", "AL001"]) | st.text(max_size=6)
_ANY_TOML = st.recursive(
    st.one_of(st.booleans(), st.integers(-(2**63), 2**63 - 1), st.floats(), st.text(max_size=12)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6)
CONFIG_VALUES: dict[str, Any] = {
    "paths": st.lists(_PATHISH, max_size=3),
    "policy": _PATHISH, "registry-doc": _PATHISH, "specialists": _PATHISH,
    "select": st.lists(_CODES, max_size=3), "extend-select": st.lists(_CODES, max_size=3),
    "ignore": st.lists(_CODES, max_size=3),
    "fail-on": st.sampled_from(["error", "warning", "info", "x", ""]),
    "max-file-size": st.sampled_from(["1MiB", "2KiB", "0", "-1", "1 GiB", "10", "1e9", "x", "1.5MB"])
    | st.integers(-5, 10**7),
    "max-depth": st.integers(-2, 300) | st.sampled_from([2**63 - 1]), "max-nodes": st.integers(-2, 10**6),
    "severity": st.dictionaries(_CODES, st.sampled_from(["error", "warning", "info", "x"]), max_size=3),
    "per-file-ignores": st.dictionaries(_PATHISH, st.lists(_CODES, max_size=2), max_size=3),
    "exclude": st.lists(_PATHISH, max_size=3), "extend-exclude": st.lists(_PATHISH, max_size=3),
    "respect-gitignore": st.booleans(), "force-exclude": st.booleans(),
    "public-copy": _ANY_TOML, "package-index": _PATHISH,
}


def _config_value(key: str) -> Any:
    """Mostly a value of the key's own kind, sometimes any TOML value."""
    return CONFIG_VALUES[key] | _ANY_TOML if key in CONFIG_VALUES else _ANY_TOML


CONFIG = st.lists(st.sampled_from(sorted(CONFIG_VALUES)) | st.text(max_size=10), max_size=6, unique=True).flatmap(
    lambda keys: st.fixed_dictionaries({key: _config_value(key) for key in keys}))
CONFIG_FILES = ["pyproject.toml", "artifact-lint.toml", ".artifact-lint.toml"]


def _config_text(name: str, table: dict[str, Any]) -> str:
    lines = ["[tool.artifact-lint]"] if name == "pyproject.toml" else []
    lines += [f"{json.dumps(key)} = {_toml(value)}" for key, value in table.items()]
    return "\n".join(lines) + "\n"


def _check_or_tool_error(root: Path) -> dict[str, Any] | None:
    """The checked report of a run, or None when it stopped with a `ToolError` (exit 2),
    whose message must show nothing from outside the root, on one line (but for the
    user's own text: `test_a_tool_error_echoing_a_line_break_is_still_one_line`)."""
    from artifact_lint.errors import ToolError

    try:
        result = check(root)
    except ToolError as exc:
        message = str(exc)
        assert message.strip() and OUTSIDE_SECRET not in message, message
        assert "\n" not in _LINE_BREAKS_WRITTEN.sub("", message), message
        return None
    report = _checked_report(result)
    assert OUTSIDE_SECRET not in json.dumps(report, ensure_ascii=False)
    return report


# A key, path or pattern holding a line break is echoed inside backquotes; cli.py's error
# guard writes it escaped, so the message stays one line (see the test below).
_LINE_BREAKS_WRITTEN = re.compile(r"`[^`]*`")


@_fuzz(100, 0.05)
@given(name=st.sampled_from(CONFIG_FILES), table=CONFIG,
       outside_key=st.sampled_from([None, "policy", "registry-doc", "specialists", "paths"]),
       mutations=st.lists(MUTATION, max_size=2))
def test_any_configuration_is_a_check_or_one_line(fuzz_repo: Path, outside_file: Path, name: str,
                                                 table: dict[str, Any], outside_key: str | None,
                                                 mutations: list[Mutation]) -> None:
    if outside_key is not None:
        table[outside_key] = ["OUTSIDE"] if outside_key == "paths" else "OUTSIDE"
    text = _config_text(name, table).replace('"OUTSIDE"', json.dumps(str(outside_file)))
    raw = text.encode("utf-8", "surrogatepass")
    config = fuzz_repo / name
    config.write_bytes(mutate(raw, mutations) if mutations else raw)
    try:
        _check_or_tool_error(fuzz_repo)
    finally:
        config.unlink()


# --- file-system shapes --------------------------------------------------------------------------------

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
SHAPES = ["artifact", "junk", "folder", "link-inside", "link-outside", "link-outside-folder", "link-dangling",
          "link-loop", "link-to-parent"]
if hasattr(os, "mkfifo"):
    SHAPES += ["fifo", "link-to-fifo"]
if os.path.exists("/dev/zero"):
    SHAPES += ["link-devzero"]
if not IS_ROOT and os.name == "posix":
    SHAPES += ["unreadable-file", "unreadable-folder"]  # root reads them anyway

_NAME = st.text(alphabet=st.sampled_from(list("abcXYZ019-_.%~ é😀#:\n\t'\"") + ["\u2028", "\x85", "\r"]),
                min_size=1, max_size=12).filter(lambda n: n not in (".", "..") and "/" not in n)
_SUFFIX = st.sampled_from([".yaml", ".yml", ".json", ".md", "", ".YAML", ".yaml.bak", ".lora"])
PLACES = ["artifacts", "artifacts/sub", "specialists", "specialists/mistral-7b-ticket-triage",
          "specialists/new-package", "docs/factory", "rules", "."]
SHAPE = st.tuples(st.sampled_from(PLACES), _NAME, _SUFFIX, st.sampled_from(SHAPES), st.binary(max_size=40))


def _make_shape(root: Path, outside: Path, place: str, name: str, suffix: str, kind: str, junk: bytes) -> None:
    folder = root / place
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name + suffix)
    if os.path.lexists(path) or len(os.fsencode(path.name)) > 255:
        return
    if kind == "artifact":
        path.write_bytes((BASE / ARTIFACTS[len(name) % len(ARTIFACTS)]).read_bytes())
    elif kind == "junk":
        path.write_bytes(junk)
    elif kind == "folder":
        path.mkdir()
    elif kind == "link-inside":
        path.symlink_to(root / ARTIFACTS[0])
    elif kind == "link-outside":
        path.symlink_to(outside)
    elif kind == "link-outside-folder":
        path.symlink_to(outside.parent / "pkg", target_is_directory=True)
    elif kind == "link-dangling":
        path.symlink_to(root / "no-such-file")
    elif kind == "link-loop":
        path.symlink_to(path)
    elif kind == "link-to-parent":
        path.symlink_to("..", target_is_directory=True)
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "link-to-fifo":
        os.mkfifo(root / f".fifo-{len(name)}-{len(suffix)}") if not os.path.lexists(
            root / f".fifo-{len(name)}-{len(suffix)}") else None
        path.symlink_to(root / f".fifo-{len(name)}-{len(suffix)}")
    elif kind == "link-devzero":
        path.symlink_to("/dev/zero")
    elif kind == "unreadable-file":
        path.write_bytes(b"id: x\n")
        path.chmod(0)
    elif kind == "unreadable-folder":
        path.mkdir()
        (path / "decision.json").write_text("{}")
        path.chmod(0)


def _release(root: Path) -> None:
    """Give every waiting reader of a named pipe its end of file, and make everything removable."""
    for folder, folders, files in os.walk(root):
        for name in folders + files:
            path = Path(folder) / name
            try:
                status = os.lstat(path)
            except OSError:
                continue
            if stat.S_ISFIFO(status.st_mode):
                try:
                    os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
                except OSError:
                    pass
            elif not IS_ROOT and not stat.S_ISLNK(status.st_mode):
                path.chmod(0o755)


@_fuzz(25, 0.03)
@given(shapes=st.lists(SHAPE, min_size=1, max_size=6))
def test_any_file_system_shape_is_a_check_or_one_line(tmp_path_factory: pytest.TempPathFactory, outside_file: Path,
                                                      shapes: list[tuple[str, str, str, str, bytes]]) -> None:
    import threading

    root = build_fixture_repo(tmp_path_factory.mktemp("shapes"))
    for shape in shapes:
        _make_shape(root, outside_file, *shape)
    if not IS_ROOT:
        os.chmod(root, 0o755)
    box: list[Any] = []

    def run() -> None:
        try:
            box.append(_check_or_tool_error(root))
        except BaseException as exc:  # noqa: BLE001 - handed to the test's thread
            box.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(30)
    _release(root)
    worker.join(5)
    assert box, f"the check did not finish within 30 s (a hang) on {shapes!r}"
    if isinstance(box[0], BaseException):
        raise box[0]
    shutil.rmtree(root, ignore_errors=True)


# --- --fix round trips -----------------------------------------------------------------------------------

# Spellings a safe fix rewrites: a policy state or label in another case or with other separators.
RESPELL = st.sampled_from([str.lower, str.upper, str.title, lambda v: v.replace("-", "_"),
                           lambda v: v.replace("-", " "), lambda v: v.swapcase()])
QUOTING = st.sampled_from(["plain", "single", "double"])


def _respelt(line: bytes, respell: Any, quoting: str, comment: bool, anchor: str | None) -> bytes:
    """`key: Value` with the value respelt, quoted, anchored and commented as asked."""
    head, _, value = line.rstrip(b"\n").partition(b": ")
    text = respell(value.decode("utf-8"))
    written = {"plain": text, "single": "'" + text.replace("'", "''") + "'", "double": json.dumps(text)}[quoting]
    if quoting == "plain" and (text != text.strip() or not text or text[0] in "&*!|>'\"%@`#-?:,[]{}"
                               or " #" in text or ": " in text or text.lower() in ("null", "true", "false", "~")):
        written = json.dumps(text)
    return (head + b": " + (f"&{anchor} ".encode() if anchor else b"") + written.encode("utf-8")
            + (b"  # kept as written" if comment else b"") + b"\n")


FIXABLE_LINE = re.compile(rb"^(state|    label): ", re.MULTILINE)


@st.composite
def _fixable_artifact(draw: st.DrawFn) -> tuple[str, bytes]:
    relative = draw(st.sampled_from(ARTIFACTS))
    lines = (BASE / relative).read_bytes().splitlines(keepends=True)
    candidates = [i for i, line in enumerate(lines) if FIXABLE_LINE.match(line)]
    for index in draw(st.lists(st.sampled_from(candidates), min_size=1, max_size=3, unique=True)):
        anchor = f"fix{index}" if draw(st.booleans()) else None
        lines[index] = _respelt(lines[index], draw(RESPELL), draw(QUOTING), draw(st.booleans()), anchor)
    if draw(st.booleans()):  # a line separator in an earlier quoted value
        lines = [b'type: "Routed\xe2\x80\xa8extraction adapter"\n' if line.startswith(b"type: ") else line
                 for line in lines]
    raw = b"".join(lines)
    raw = raw.replace(b"\n", draw(st.sampled_from([b"\n", b"\r\n", b"\r"])))
    if draw(st.booleans()):
        raw = b"\xef\xbb\xbf" + raw
    return relative, raw


def _fields_and_codes(report: dict[str, Any]) -> Counter[tuple[str, str, str | None]]:
    return Counter((f["code"], f["path"], f.get("field")) for f in report["findings"])


def _outside_values(text: str, paths: list[tuple[str | int, ...]]) -> list[str]:
    """The text with the scalar at each of `paths` taken out: the pieces between them."""
    from artifact_lint.sources.loader import compose

    root = compose(text)
    spans = []
    for path in paths:
        node = root
        for part in path:
            if node is None:
                break
            if isinstance(part, int):
                node = node.value[part] if part < len(node.value) else None
            else:
                node = next((v for k, v in node.value if k.value == part), None)
        if node is not None:
            spans.append((node.start_mark.index, node.end_mark.index))
    pieces, last = [], 0
    for start, end in sorted(spans):
        pieces.append(text[last:start])
        last = end
    return [*pieces, text[last:]]


@_fuzz(30, 0.03)
@given(case=_fixable_artifact())
def test_fix_round_trip_changes_only_the_fixed_values(fuzz_repo: Path, case: tuple[str, bytes],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from artifact_lint.commands.cli import app
    from artifact_lint.commands.fixer import parse_field

    relative, raw = case
    target = fuzz_repo / relative
    original = target.read_bytes()
    target.write_bytes(raw)
    monkeypatch.chdir(fuzz_repo)
    try:
        before = CliRunner().invoke(app, ["check", "-f", "json", "--select", "AL"])
        assert before.exit_code in (0, 1), before.output
        found = json.loads(before.stdout)
        fixable = [f for f in found["findings"] if f["path"] == relative and f["code"] in ("AL101", "AL201")]
        fixed = CliRunner().invoke(app, ["check", "--fix", "-f", "json"])
        assert fixed.exit_code in (0, 1), fixed.output
        assert "Traceback" not in fixed.output
        after = CliRunner().invoke(app, ["check", "-f", "json"])
        assert after.exit_code in (0, 1), after.output
        remaining = _checked_report_from(json.loads(after.stdout))
        # nothing new, and what was fixed is gone
        assert not (_fields_and_codes(remaining) - _fields_and_codes(found)), remaining["findings"]
        assert not [f for f in remaining["findings"] if f["path"] == relative and f["code"] in ("AL101", "AL201")]
        result = target.read_bytes()
        assert result.startswith(b"\xef\xbb\xbf") == raw.startswith(b"\xef\xbb\xbf")
        assert (result.count(b"\n"), result.count(b"\r")) == (raw.count(b"\n"), raw.count(b"\r"))  # line ends kept
        paths = [parse_field(f["field"]) for f in fixable]
        before_text, after_text = raw.decode("utf-8-sig"), result.decode("utf-8-sig")
        assert _outside_values(before_text, paths) == _outside_values(after_text, paths)
    finally:
        target.write_bytes(original)


def _checked_report_from(report: dict[str, Any]) -> dict[str, Any]:
    for finding in report["findings"]:
        assert _FINDING_CODE.match(finding["code"]) and finding["line"] >= 1 and finding["column"] >= 1, finding
    return report


# --- defects found by fuzzing, kept as tests once fixed ---------------------------------------------


@pytest.mark.parametrize("config", ['"a\\nb" = []\n', 'ignore = ["AL1\\nx"]\n'], ids=["key", "code"])
def test_a_tool_error_echoing_a_line_break_is_still_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             config: str) -> None:
    from typer.testing import CliRunner

    from artifact_lint.commands.cli import app

    root = build_fixture_repo(tmp_path)
    (root / "artifact-lint.toml").write_text(config)
    monkeypatch.chdir(root)
    result = CliRunner().invoke(app, ["check"])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.mark.parametrize(("config", "shown"), [
    ('[per-file-ignores]\n"artifacts/\\n" = ["AL999"]\n', 'key `per-file-ignores."artifacts/\\n"`'),
    ('[public-copy]\n"cards/\\n*.md" = " "\n', 'key `public-copy."cards/\\n*.md"`'),
    ('[severity]\nAL101 = "fatal"\n', 'key `severity."AL101"`'),
    ('ignore = ["a`\\nb"]\n', "`a`\\nb` is not a rule code"),
], ids=["ignore-table", "copy-table", "severity-table", "backquote"])
def test_a_config_error_keeps_the_users_text_between_backquotes(tmp_path: Path, config: str, shown: str) -> None:
    """Found by fuzzing: a table's key was echoed after the backquoted setting, so a line
    break in it was not escaped; a code holding a backquote ended the quoted part early."""
    from artifact_lint.errors import ConfigError

    root = build_fixture_repo(tmp_path)
    (root / "artifact-lint.toml").write_text(config)
    with pytest.raises(ConfigError) as raised:
        check(root)
    message = str(raised.value)
    assert shown in message and "\n" not in message, message


def test_a_config_with_a_huge_integer_is_a_config_error(tmp_path: Path) -> None:
    from artifact_lint.errors import ConfigError

    root = build_fixture_repo(tmp_path)
    (root / "pyproject.toml").write_text("[tool.artifact-lint]\nmax-depth = " + "9" * 5000 + "\n")
    with pytest.raises(ConfigError, match="pyproject.toml"):
        check(root)
