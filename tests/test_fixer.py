"""`--fix` / `--diff`: only the fixed values change, byte for byte."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest
from conftest import BASE, build_fixture_repo
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from artifact_lint.commands.cli import app
from artifact_lint.commands.fixer import FileFix, FixPlan, apply_fixes, parse_field, plan_fixes, render_scalar
from artifact_lint.engine.session import check

ARTIFACT = "artifacts/gemma-2b-invoice-fields.yaml"
LABELS = {"Direct": ["direct", "DIRECT", "dIrect"], "Directional": ["directional", "DIRECTIONAL"],
          "Not comparable": ["not-comparable", "Not Comparable", "not_comparable", "NOT COMPARABLE"]}


def _fix(root: Path) -> list[FileFix]:
    plan = plan_fixes(root, check(root).findings)
    assert plan.unfixed == []
    apply_fixes(root, plan)
    return plan.files


def test_parse_field() -> None:
    assert parse_field("competition[2].label") == ("competition", 2, "label")
    assert parse_field("state") == ("state",)


@pytest.mark.parametrize(("value", "original", "json_file", "expected"), [
    ("Direct", "direct", False, "Direct"),
    ("Not comparable", "not-comparable", False, "Not comparable"),
    ("Direct", "'direct'", False, "'Direct'"),
    ("Direct", '"direct"', False, '"Direct"'),
    ("Direct", '"direct"', True, '"Direct"'),
    ("true", "x", False, '"true"'),  # would resolve to a boolean if plain
])
def test_render_scalar_keeps_the_style(value: str, original: str, json_file: bool, expected: str) -> None:
    assert render_scalar(value, original, json_file) == expected


def test_fix_keeps_comments_quotes_crlf_and_bom(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    path = root / ARTIFACT
    text = path.read_text()
    text = text.replace("label: Direct\n", "label: 'direct'   # the same gate\n")
    text = text.replace("label: Directional", 'label: "directional"')
    text = text.replace("state: candidate-current-best", "state: Candidate_Current_Best")
    raw = ("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8")
    path.write_bytes(raw)
    os.chmod(path, 0o640)
    planned = plan_fixes(root, check(root).findings)
    (plan,) = planned.files
    assert len(plan.fixed) == 3 and planned.unfixed == []
    apply_fixes(root, planned)
    after = path.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf") and b"\r\n" in after and after.count(b"\n") == raw.count(b"\n")
    assert b"label: 'Direct'   # the same gate\r\n" in after
    assert b'label: "Directional"' in after
    assert b"state: candidate-current-best\r\n" in after
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert not [f for f in check(root).findings if f.fix is not None]
    assert plan_fixes(root, check(root).findings).files == []  # idempotent


def test_json_artifact_is_fixed_in_place(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    import yaml

    data = yaml.safe_load((root / ARTIFACT).read_text())
    data["competition"][0]["label"] = "direct"
    (root / ARTIFACT).unlink()
    json_path = root / "artifacts" / "gemma-2b-invoice-fields.json"
    text = json.dumps(data, indent=4) + "\n"
    json_path.write_text(text)
    _fix(root)
    assert json_path.read_text() == text.replace('"label": "direct"', '"label": "Direct"')


def test_cli_diff_writes_nothing_and_fix_reports_what_remains(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_fixture_repo(tmp_path)
    path = root / ARTIFACT
    path.write_text(path.read_text().replace("label: Direct\n", "label: direct\n")
                    .replace("state: candidate-current-best", "state: reportonly"))
    before = path.read_bytes()
    monkeypatch.chdir(root)
    runner = CliRunner()
    diff = runner.invoke(app, ["check", "--diff"])
    assert diff.exit_code == 1
    assert "-    label: direct" in diff.output and "+    label: Direct" in diff.output
    assert path.read_bytes() == before
    fixed = runner.invoke(app, ["check", "--fix", "-f", "json"])
    assert fixed.exit_code == 1  # AL101 `reportonly` has no safe fix and remains
    remaining = json.loads(fixed.stdout)["findings"]
    assert {f["code"] for f in remaining} >= {"AL101"} and "AL201" not in {f["code"] for f in remaining}
    assert "label: Direct\n" in path.read_text()


def _changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    return [(b, a) for b, a in zip(before.splitlines(), after.splitlines(), strict=True) if b != a]


VARIANT = st.sampled_from([(good, bad) for good, bads in LABELS.items() for bad in bads])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.integers(0, 2), VARIANT), max_size=3), blank=st.booleans())
def test_fix_changes_only_the_fixed_values(tmp_path_factory: pytest.TempPathFactory, rows: list, blank: bool) -> None:  # type: ignore[type-arg]
    root = build_fixture_repo(tmp_path_factory.mktemp("fix"))
    path = root / ARTIFACT
    lines = path.read_text().splitlines(keepends=True)
    label_lines = [i for i, line in enumerate(lines) if line.lstrip().startswith("label:")]
    broken = {}
    for row, (_good, bad) in rows:
        index = label_lines[row]
        current = lines[index].split("label:", 1)[1].strip()
        lines[index] = lines[index].replace(f"label: {current}", f"label: {bad}")
        broken[index] = (bad, current)
    if blank:
        lines.insert(0, "# comment kept as is\n\n")
    before = "".join(lines)
    path.write_text(before)
    _fix(root)
    after = path.read_text()
    if not broken:
        assert after == before  # nothing fixable: byte-identical
        return
    assert len(after.splitlines()) == len(before.splitlines())
    changed = _changed_lines(before, after)
    assert len(changed) == len(broken)
    for old, new in changed:
        prefix = old.split("label:")[0]
        assert new.startswith(prefix + "label: ") and new.split("label: ")[1] in LABELS


def test_base_fixture_has_nothing_to_fix() -> None:
    assert plan_fixes(BASE, check(BASE).findings) == FixPlan()


# --- issue 15: every byte outside the value, links, modes, owners, never silent ----------------

TERMINAL = "artifacts/terminal-replay.yaml"


def _broken_state(root: Path, state_line: str) -> Path:
    """terminal-replay with `state: parked` written as `state_line` (AL101, safe fix `parked`)."""
    path = root / TERMINAL
    text = path.read_text()
    assert "state: parked\n" in text
    path.write_text(text.replace("state: parked\n", state_line + "\n"), newline="")
    return path


def _cli(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    """Exit code, standard output exactly as written (click's `stdout` turns CRLF into LF), stderr."""
    monkeypatch.chdir(root)
    result = CliRunner().invoke(app, list(args), env={"NO_COLOR": "1", "GITHUB_ACTIONS": None})
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    return result.exit_code, result.stdout_bytes.decode("utf-8"), result.stderr


@pytest.mark.parametrize(("written", "fixed"), [
    ("state: &s Parked", "state: &s parked"),
    ("state: !!str \"Parked\"", "state: !!str \"parked\""),
    ("state: !!str 'Parked'", "state: !!str 'parked'"),
    ("state: &s !!str \"Parked\"  # kept", "state: &s !!str \"parked\"  # kept"),
    ("state:\n  &s Parked", "state:\n  &s parked"),
])
def test_anchors_tags_and_quotes_stay(tmp_path: Path, written: str, fixed: str) -> None:
    root = build_fixture_repo(tmp_path)
    path = _broken_state(root, written)
    before = path.read_text()
    assert len(_fix(root)) == 1
    assert path.read_text() == before.replace(written, fixed)


@pytest.mark.parametrize("end", ["\r", "\r\n", "\n"])
def test_line_ends_stay_byte_for_byte_and_diff_is_exact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        end: str) -> None:
    root = build_fixture_repo(tmp_path)
    path = root / TERMINAL
    raw = path.read_bytes().replace(b"state: parked", b"state: Parked").replace(b"\n", end.encode())
    path.write_bytes(raw)
    code, diff, stderr = _cli(root, monkeypatch, "check", "--diff")
    assert code == 1 and "1 fix(es) would change 1 file(s)" in stderr
    assert path.read_bytes() == raw
    expected = raw.replace(b"state: Parked", b"state: parked")
    # The diff applies with patch(1) and gives exactly what --fix writes.
    (tmp_path / "fix.diff").write_text(diff, newline="")
    copy = tmp_path / "copy.yaml"
    copy.write_bytes(raw)
    patch = subprocess.run(["patch", "-s", str(copy), str(tmp_path / "fix.diff")], capture_output=True, text=True,
                           timeout=60)
    assert patch.returncode == 0, patch.stdout + patch.stderr
    assert copy.read_bytes() == expected
    code, _, stderr = _cli(root, monkeypatch, "check", "--fix", "-q")
    assert code == 0, stderr
    assert path.read_bytes() == expected


@pytest.fixture(params=["libyaml", "pure-python"])
def composer(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both composers the loader may use: PyYAML's pure-Python one counts U+2028, U+2029 and
    U+0085 as line breaks, so line numbers alone would place a fix on the wrong line."""
    import yaml

    from artifact_lint.sources import loader

    if request.param == "pure-python":
        overrides = {name: loader._ComposeOnly.__dict__[name] for name in ("resolve", "descend_resolver",
                                                                            "ascend_resolver")}
        monkeypatch.setattr(loader, "_ComposeOnly", type("_PureComposeOnly", (yaml.SafeLoader,), overrides))
    return str(request.param)


@pytest.mark.parametrize("separator", ["\u2028", "\x85", "\u2029", "\u2028 and \x85"])
def test_a_line_separator_in_an_earlier_value_moves_nothing(tmp_path: Path, separator: str, composer: str) -> None:
    root = build_fixture_repo(tmp_path)
    path = root / TERMINAL
    text = path.read_text().replace("type: Demo artifact", f'type: "Demo{separator}artifact"')
    path.write_text(text.replace("state: parked", "state: Parked"))
    (plan,) = _fix(root)
    assert path.read_text() == text  # the separator and everything else as it was
    assert [f.code for f in plan.fixed] == ["AL101"]


def test_a_json_surrogate_pair_elsewhere_in_the_file_moves_nothing(tmp_path: Path) -> None:
    import yaml

    root = build_fixture_repo(tmp_path)
    data = yaml.safe_load((root / TERMINAL).read_text())
    data["type"], data["state"] = "Demo \U0001F600 artifact", "Parked"
    (root / TERMINAL).unlink()
    path = root / "artifacts" / "terminal-replay.json"
    text = json.dumps(data, indent=2) + "\n"
    assert "\\ud83d\\ude00" in text
    path.write_text(text)
    (plan,) = _fix(root)
    assert path.read_text() == text.replace('"state": "Parked"', '"state": "parked"')


def test_a_link_inside_the_root_is_fixed_through_and_stays_a_link(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_fixture_repo(tmp_path)
    (root / "kept").mkdir()
    real = root / "kept" / "terminal-replay.yaml"
    real.write_text((root / TERMINAL).read_text().replace("state: parked", "state: Parked"))
    (root / TERMINAL).unlink()
    (root / TERMINAL).symlink_to("../kept/terminal-replay.yaml")
    code, _, stderr = _cli(root, monkeypatch, "check", "--fix", "-q")
    assert code == 0, stderr
    assert (root / TERMINAL).is_symlink() and os.readlink(root / TERMINAL) == "../kept/terminal-replay.yaml"
    assert "state: parked\n" in real.read_text()


def test_a_link_leaving_the_root_is_refused(tmp_path: Path) -> None:
    from artifact_lint.errors import ToolError

    root = build_fixture_repo(tmp_path)
    _broken_state(root, "state: Parked")
    findings = check(root).findings
    outside = tmp_path / "outside.yaml"
    outside.write_bytes((root / TERMINAL).read_bytes())
    (root / TERMINAL).unlink()
    (root / TERMINAL).symlink_to(outside)  # swapped after the lint: the fixer checks again
    with pytest.raises(ToolError, match="artifacts/terminal-replay.yaml` leads outside the repository root"):
        plan_fixes(root, findings)
    assert "state: Parked" in outside.read_text()


def test_a_read_only_file_is_not_rewritten_even_by_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_fixture_repo(tmp_path)
    path = _broken_state(root, "state: Parked")
    os.chmod(path, 0o444)
    before = path.read_bytes()
    assert os.access(path, os.W_OK) == (os.geteuid() == 0)  # root could write it: the mode decides
    for args in (("check", "--diff"), ("check", "--fix", "-q"), ("check", "--fix", "-q", "--fail-on", "error",
                                                                 "--ignore", "AL601")):
        code, stdout, stderr = _cli(root, monkeypatch, *args)
        assert code == 1
        assert ("artifacts/terminal-replay.yaml:3:8: AL101 not fixed: the file is read-only (mode 0444)"
                in stderr), stderr
        assert "+state: parked" not in stdout
    assert path.read_bytes() == before and stat.S_IMODE(path.stat().st_mode) == 0o444


def test_the_owner_and_mode_stay(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    path = _broken_state(root, "state: Parked")
    os.chmod(path, 0o604)
    if os.geteuid() == 0:
        os.chown(path, 1234, 2345)
    before = path.stat()
    _fix(root)
    after = path.stat()
    assert "state: parked\n" in path.read_text()
    assert (stat.S_IMODE(after.st_mode), after.st_uid, after.st_gid) == (0o604, before.st_uid, before.st_gid)


def test_a_fix_that_cannot_be_applied_says_which_file_and_why(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_fixture_repo(tmp_path)
    path = _broken_state(root, "state: |-\n  Parked")  # a block scalar is never rewritten
    before = path.read_bytes()
    plan = plan_fixes(root, check(root).findings)
    assert plan.files == [] and [u.finding.code for u in plan.unfixed] == ["AL101"]
    code, _, stderr = _cli(root, monkeypatch, "check", "--fix", "-q", "--exit-zero")
    assert code == 0  # asked for
    assert "artifacts/terminal-replay.yaml:3:8: AL101 not fixed: block scalars" in stderr
    assert "1 fix(es) cannot be applied" in stderr
    code, _, stderr = _cli(root, monkeypatch, "check", "--diff")
    assert code == 1 and "AL101 not fixed" in stderr
    assert path.read_bytes() == before


def test_fixes_in_the_registry_document_are_named_not_skipped(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_fixture_repo(tmp_path)
    import shutil

    shutil.rmtree(root / "artifacts")  # document mode: the document's entries are the artifacts
    doc = root / "docs" / "factory" / "public-artifacts.md"
    doc.write_text(doc.read_text().replace("| `parked` |", "| `Parked` |"))
    findings = [f for f in check(root).findings if f.fix is not None and f.fix.safe]
    if not findings:
        pytest.skip("document findings carry no safe fix")
    code, _, stderr = _cli(root, monkeypatch, "check", "--fix", "-q")
    assert code == 1
    assert "not fixed: --fix rewrites YAML and JSON files only" in stderr


@pytest.fixture
def immutable_artifacts(tmp_path: Path):  # type: ignore[no-untyped-def]
    root = build_fixture_repo(tmp_path)
    _broken_state(root, "state: Parked")
    if subprocess.run(["chattr", "+i", str(root / "artifacts")], capture_output=True, timeout=60).returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        yield root
    finally:
        subprocess.run(["chattr", "-i", str(root / "artifacts")], capture_output=True, timeout=60)


def test_a_folder_that_takes_no_new_file_is_exit_2_naming_the_file(immutable_artifacts: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, stderr = _cli(immutable_artifacts, monkeypatch, "check", "--fix", "-q")
    assert code == 2
    assert stderr.strip().splitlines()[-1].startswith(
        "artifact-lint: error: cannot write artifact file `artifacts/terminal-replay.yaml`: operation not permitted")
    assert "state: Parked" in (immutable_artifacts / TERMINAL).read_text()


# --- unsafe fixes and the list of what was fixed ------------------------------------------


def test_unsafe_fixes_are_applied_only_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import build_fixture_repo

    root = build_fixture_repo(tmp_path)
    path = root / "artifacts" / "mistral-7b-ticket-triage.yaml"
    path.write_text(path.read_text().replace("website: /artifacts/mistral-7b-ticket-triage",
                                             "website: /pages/triage"), encoding="utf-8")
    path_gemma = root / "artifacts" / "gemma-2b-invoice-fields.yaml"
    path_gemma.write_text(path_gemma.read_text().replace("label: Directional", "label: directional"),
                          encoding="utf-8")
    monkeypatch.chdir(root)

    diff = CliRunner().invoke(app, ["check", "--diff"])
    assert "/pages/triage" not in diff.stdout and "1 more with --unsafe-fixes" in diff.stderr
    unsafe_diff = CliRunner().invoke(app, ["check", "--diff", "--unsafe-fixes"])
    assert any(line.startswith("+website:") and "/artifacts/mistral-7b-ticket-triage" in line
               for line in unsafe_diff.stdout.splitlines())

    fixed = CliRunner().invoke(app, ["check", "--fix", "--show-fixes"])
    assert "website: /pages/triage" in path.read_text()  # the unsafe one is left
    assert "fixed 1 finding(s) in 1 file(s): artifacts/gemma-2b-invoice-fields.yaml (AL201)" in fixed.stderr
    assert "AL201 fixed: `directional` -> `Directional`" in fixed.stderr

    both = CliRunner().invoke(app, ["check", "--fix", "--unsafe-fixes", "--show-fixes"])
    assert "/artifacts/mistral-7b-ticket-triage" in path.read_text()
    assert "AL505 fixed: `/pages/triage` -> `/artifacts/mistral-7b-ticket-triage` (unsafe)" in both.stderr
    assert both.exit_code == 0, both.stderr
