"""Inline suppression directives."""

from __future__ import annotations

from pathlib import Path

from conftest import build_fixture_repo

from artifact_lint.engine.session import check
from artifact_lint.engine.suppression import directive_problems, find_directives
from artifact_lint.model.findings import Finding, Severity

ARTIFACT = "artifacts/gemma-2b-invoice-fields.yaml"
KNOWN = ["AL101", "AL201", "AL206"]


def _finding(line: int, code: str = "AL101") -> Finding:
    return Finding(code=code, name="x", severity=Severity.ERROR, path="a.yaml", line=line, column=8, message="m")


def test_trailing_directive_covers_its_own_line_only() -> None:
    (directive,) = find_directives("a.yaml", 'x: 1\nstate: bad  # artifact-lint: disable=AL101 reason="next release"\n')
    assert directive.codes == ("AL101",) and directive.reason == "next release" and not directive.own_line
    assert directive.position.line == 2 and directive.position.column == 13
    assert directive.covers(_finding(2)) == "AL101"
    assert directive.covers(_finding(3)) is None
    assert directive.covers(_finding(2, "AL201")) is None


def test_directive_alone_covers_the_next_line() -> None:
    (directive,) = find_directives("a.yaml", '# artifact-lint: disable=AL1,AL206 reason="migrating"\nstate: bad\n')
    assert directive.own_line and directive.codes == ("AL1", "AL206")
    assert directive.covers(_finding(2)) == "AL1"
    assert directive.covers(_finding(3)) is None


def test_disable_file_only_in_the_opening_comments() -> None:
    top = find_directives("a.yaml", '# header\n# artifact-lint: disable-file=AL206 reason="r"\nid: x\n')
    assert top[0].whole_file and top[0].covers(_finding(40, "AL206")) == "AL206"
    late = find_directives("a.yaml", 'id: x\n# artifact-lint: disable-file=AL206 reason="r"\n')
    assert not late[0].whole_file


def test_markdown_comment_directive() -> None:
    (directive,) = find_directives("d.md", '| `x` | T | `bad` | <!-- artifact-lint: disable=AL101 reason="r" -->\n')
    assert directive.codes == ("AL101",) and directive.reason == "r"


def test_invalid_directives_are_explained() -> None:
    (no_reason,) = find_directives("a.yaml", "state: bad  # artifact-lint: disable=AL101\n")
    assert any("no reason" in p for p in directive_problems(no_reason, KNOWN))
    (unknown,) = find_directives("a.yaml", 'state: bad  # artifact-lint: disable=AL777 reason="r"\n')
    assert any("`AL777`" in p for p in directive_problems(unknown, KNOWN))
    assert find_directives("a.yaml", "state: ok  # an ordinary comment\n") == []


def test_suppressed_findings_are_counted_not_hidden(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    path = root / ARTIFACT
    text = path.read_text().replace(
        "state: candidate-current-best",
        'state: reportonly  # artifact-lint: disable=AL101 reason="state lands in the policy next release"')
    path.write_text(text)
    result = check(root)
    assert not [f for f in result.findings if f.code in ("AL101", "AL901", "AL902")]
    assert {f.code for f in result.suppressed} >= {"AL101"}


def test_directive_without_reason_suppresses_nothing(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    path = root / ARTIFACT
    path.write_text(path.read_text().replace("state: candidate-current-best",
                                             "state: reportonly  # artifact-lint: disable=AL101"))
    codes = [f.code for f in check(root).findings]
    assert "AL101" in codes and "AL902" in codes


def test_unused_directive_for_an_unselected_rule_is_not_reported(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    path = root / ARTIFACT
    path.write_text(path.read_text().replace(
        "type: Routed extraction adapter",
        'type: Routed extraction adapter  # artifact-lint: disable=AL206 reason="from the model card"'))
    assert "AL901" in [f.code for f in check(root).findings]
    assert "AL901" not in [f.code for f in check(root, overrides={"ignore": ("AL2",)}).findings]


# --- only real comments, on the lines an editor shows (issue 15) ------------------------------

DIRECTIVE = '# artifact-lint: disable=AL101 reason="state lands in the policy next release"'


def test_a_directive_inside_a_block_scalar_is_text() -> None:
    for indicator in ("|", "|-", "|+", ">", ">-", "|2"):
        text = f"notes: {indicator}\n  first line\n  {DIRECTIVE}\nstate: bad\n"
        assert find_directives("a.yaml", text) == [], indicator


def test_a_directive_inside_a_quoted_value_over_lines_is_text() -> None:
    single = f"notes: 'first\n  {DIRECTIVE}\n  last'\nstate: bad\n"
    double = "notes: \"first\n  " + DIRECTIVE.replace('"', "'") + "\n  last\"\nstate: bad\n"
    assert find_directives("a.yaml", single) == []
    assert find_directives("a.yaml", double) == []


def test_comments_around_a_block_scalar_still_count() -> None:
    after = f"notes: |\n  first line\n{DIRECTIVE}\nstate: bad\n"
    assert [d.position.line for d in find_directives("a.yaml", after)] == [3]
    kept = f"notes: |+\n  first line\n\n{DIRECTIVE}\nstate: bad\n"
    assert [d.position.line for d in find_directives("a.yaml", kept)] == [4]
    header = f"notes: |  {DIRECTIVE}\n  first line\nstate: bad\n"
    assert [(d.position.line, d.position.column) for d in find_directives("a.yaml", header)] == [(1, 11)]


def test_json_files_have_no_directives() -> None:
    assert find_directives("a.json", '{"state": "bad"}\n' + DIRECTIVE + "\n") == []


def test_lines_end_where_an_editor_ends_them() -> None:
    for separator in ("\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e"):
        text = f'note: "a{separator}b"\nstate: bad  {DIRECTIVE}\n'
        assert [d.position.line for d in find_directives("a.yaml", text)] == [2], repr(separator)
    for end in ("\r\n", "\r"):
        text = f"id: x{end}state: bad  {DIRECTIVE}{end}"
        assert [d.position.line for d in find_directives("a.yaml", text)] == [2], repr(end)


def test_a_directive_in_a_block_scalar_suppresses_nothing(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    path = root / ARTIFACT
    path.write_text(path.read_text().replace(
        "state: candidate-current-best",
        f"notes: |\n  The state below is new.\n  {DIRECTIVE}\nstate: reportonly"))
    result = check(root)
    assert [(f.code, f.line) for f in result.findings if f.code.startswith(("AL101", "AL9"))] == [("AL101", 6)]
    assert not result.suppressed


def test_a_line_separator_in_an_earlier_value_keeps_the_directive_on_its_line(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    path = root / ARTIFACT
    text = path.read_text()
    text = text.replace("type: Routed extraction adapter", 'type: "Routed extraction\u2028adapter"')
    text = text.replace("state: candidate-current-best", f"state: reportonly  {DIRECTIVE}")
    path.write_text(text)
    result = check(root)
    assert not [f for f in result.findings if f.code in ("AL101", "AL901", "AL902")]
    assert [(f.code, f.line) for f in result.suppressed] == [("AL101", 3)]
