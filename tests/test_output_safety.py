"""What file content can do to a report (issue 15): control characters, unencodable strings, file names.

Findings quote values from files and name files from the repository, so every report
must show hostile text as text: no raw control character reaches a terminal or a
report (`\\x1b` is written as an escape), a lone surrogate or a character the output
encoding cannot hold never ends the run half-way through, and a file name cannot
break a GitHub workflow command or a SARIF URI. In-process tests render constructed
findings; the end-to-end tests run the real command line in a subprocess.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from conftest import build_fixture_repo, shared_dir

from artifact_lint.engine.lint import Result
from artifact_lint.engine.rule_set import load_rules
from artifact_lint.model.findings import Finding, Severity
from artifact_lint.reporters import FORMATS, render
from artifact_lint.reporters.sarif_report import artifact_uri
from artifact_lint.reporters.statistics import write_statistics

RULES = load_rules()
GEMMA = "artifacts/gemma-2b-invoice-fields.yaml"
TEXT_FORMATS = ("table", "concise", "github", "markdown", "junit")
JSON_FORMATS = ("json", "sarif")
# What must never be written raw: C0 controls but the newline that ends a line, DEL, C1
# controls, line and paragraph separators, bidirectional controls, lone surrogates.
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
HOSTILE = "\x1b]0;PWNED\x07\x1b[2J\u2028x\x9b[31m\u202egnp.exe\x00\t\r\n"
# RFC 3986 relative-ref with a relative path (path-noscheme): no `:` in the first segment.
_PCHAR = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=@]|%[0-9A-Fa-f]{2})"
RELATIVE_URI = re.compile(rf"{_PCHAR}+(?:/(?:{_PCHAR}|:)*)*\Z")


def finding(**changes: object) -> Finding:
    base = dict(code="AL101", name="invalid-state", severity=Severity.ERROR, path=GEMMA, line=3,
                column=8, message="state `x` is not a policy state", field="state",
                artifact="gemma-2b-invoice-fields", value="x")
    base.update(changes)
    return Finding(**base)  # type: ignore[arg-type]


def hostile_result() -> Result:
    return Result(findings=[finding(path=f"artifacts/{HOSTILE}.yaml", message=f"state `{HOSTILE}` is bad",
                                    field=f"state{HOSTILE}", artifact=HOSTILE, value=HOSTILE)],
                  files=1, suppressed=[finding(message=f"suppressed `{HOSTILE}`")])


def rendered(fmt: str, result: Result, **options: object) -> str:
    stream = io.StringIO()
    render(fmt, result, RULES, stream, color="never", **options)  # type: ignore[arg-type]
    return stream.getvalue()


# --------------------------------------------------------------------------- control characters


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_text_formats_never_write_raw_control_characters(fmt: str) -> None:
    text = rendered(fmt, hostile_result(), show_suppressed=True)
    raw = sorted({f"U+{ord(c):04X}" for c in RAW.findall(text)})
    assert not raw, f"{fmt} wrote {raw}:\n{text[:2000]!r}"
    escape = "\\u001b]0;PWNED" if fmt == "junit" else "\\x1b]0;PWNED"
    assert escape in text, text[:2000]


def test_concise_shows_each_escape() -> None:
    first = rendered("concise", hostile_result()).splitlines()[0]
    assert first == ("artifacts/\\x1b]0;PWNED\\a\\x1b[2J\\u2028x\\u009b[31m\\u202egnp.exe\\x00\\t\\r\\n.yaml:3:8: "
                     "AL101 [error] state `\\x1b]0;PWNED\\a\\x1b[2J\\u2028x\\u009b[31m\\u202egnp.exe\\x00\\t\\r\\n` "
                     "is bad")


def test_colored_table_has_only_its_own_escape_sequences() -> None:
    stream = io.StringIO()
    render("table", hostile_result(), RULES, stream, color="always")
    text = stream.getvalue()
    assert "\x1b[" in text  # colours are on
    # every ESC starts an SGR sequence (`ESC [ digits ; ... m`) the reporter wrote
    assert not RAW.findall(re.sub("\x1b\\[[0-9;]*m", "", text)), text[:2000]


def test_statistics_escape_rule_codes_and_names() -> None:
    stream = io.StringIO()
    write_statistics(Result(findings=[finding(code="AL\x1b[2J", name=f"name{HOSTILE}")], files=1), stream, "table")
    text = stream.getvalue()
    assert not RAW.findall(text) and "AL\\x1b[2J" in text and "name\\x1b]0;PWNED" in text


@pytest.mark.parametrize("fmt", JSON_FORMATS)
def test_json_formats_escape_and_keep_values_exact(fmt: str) -> None:
    result = hostile_result()
    text = rendered(fmt, result)
    assert not RAW.findall(text.replace("\n", "")), fmt
    data = json.loads(text)
    messages = ([f["message"] for f in data["findings"]] if fmt == "json"
                else [r["message"]["text"] for r in data["runs"][0]["results"]])
    assert messages[0] == result.findings[0].message


# --------------------------------------------------------------------------- unencodable strings


def _surrogate_result() -> Result:
    return Result(findings=[finding(message="state `x\ud800\u00e9\u20ac\U0001f600y` is bad", value="x\ud800",
                                    path="artifacts/caf\u00e9-\udcff.json", field="st\ud800")], files=1)


@pytest.mark.parametrize("encoding", ["utf-8", "ascii", "latin-1"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_lone_surrogates_and_unencodable_characters_never_crash(fmt: str, encoding: str) -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
    render(fmt, _surrogate_result(), RULES, stream, color="never")
    stream.flush()
    text = raw.getvalue().decode(encoding)  # the whole report, in the stream's encoding
    assert "ud800" in text
    if fmt in JSON_FORMATS:
        data = json.loads(text)
        message = (data["findings"][0]["message"] if fmt == "json"
                   else data["runs"][0]["results"][0]["message"]["text"])
        assert message == _surrogate_result().findings[0].message  # exact, whatever the encoding
    elif fmt == "junit":
        ET.fromstring(raw.getvalue())
    else:
        assert "\\ud800" in text
    if encoding == "utf-8" and fmt not in JSON_FORMATS:
        assert "\u00e9" in text  # what the encoding holds is written as it is


@pytest.mark.parametrize("encoding", ["ascii", "utf-8"])
def test_statistics_with_unencodable_names(encoding: str) -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding, newline="")
    write_statistics(Result(findings=[finding(name="caf\u00e9\ud800")], files=1), stream, "table")
    stream.flush()
    assert "caf" in raw.getvalue().decode(encoding)


# --------------------------------------------------------------------------- file names


def test_github_file_names_cannot_break_the_command() -> None:
    name = "artifacts/a b#c%41,d:e\n::error file=x::pwned\r.yaml"
    text = rendered("github", Result(findings=[finding(path=name), finding(path=name, line=4)], files=1))
    lines = text.splitlines()
    assert len(lines) == 2 and all(line.startswith("::error file=artifacts/") for line in lines)
    assert lines[0].startswith("::error file=artifacts/a b#c%2541%2Cd%3Ae%0A%3A%3Aerror file=x%3A%3Apwned%0D.yaml,"
                               "line=3,col=8,title=artifact-lint AL101::")


def test_sarif_uri_is_a_percent_encoded_relative_reference() -> None:
    assert artifact_uri("a b#c%41.yaml") == "a%20b%23c%2541.yaml"
    assert artifact_uri("artifacts/gemma.yaml") == "artifacts/gemma.yaml"
    assert artifact_uri("a:b/c.yaml") == "a%3Ab/c.yaml"  # never read as a scheme
    assert artifact_uri("caf\u00e9/\udcff.yaml") == "caf%C3%A9/%FF.yaml"  # a non-UTF-8 name gets its bytes back
    for name in ("a b#c%41.yaml", "x?y[1]\n\x1b.yaml", "caf\u00e9/\udcff\ud800.yaml", "a:b/c:d.yaml"):
        assert RELATIVE_URI.match(artifact_uri(name)), name


def _sarif_validator():  # type: ignore[no-untyped-def]
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((shared_dir() / "schemas" / "sarif-schema-2.1.0.json").read_text())
    return jsonschema.validators.validator_for(schema)(schema)


def test_sarif_with_hostile_names_validates() -> None:
    result = Result(findings=[finding(path="a b#c%41.yaml"), *hostile_result().findings, *_surrogate_result().findings],
                    files=3)
    log = json.loads(rendered("sarif", result))
    errors = list(_sarif_validator().iter_errors(log))
    assert not errors, errors[0].message
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]]
    assert uris[0] == "a%20b%23c%2541.yaml" and all(RELATIVE_URI.match(uri) for uri in uris)


# --------------------------------------------------------------------------- end to end


def _run(root: Path, *args: str, encoding: str = "utf-8") -> subprocess.CompletedProcess[bytes]:
    dropped = ("GITHUB_ACTIONS", "FORCE_COLOR", "PYTHONUNBUFFERED", "GITHUB_STEP_SUMMARY")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update({"NO_COLOR": "1", "COLUMNS": "100", "PYTHONIOENCODING": encoding})
    return subprocess.run([sys.executable, "-m", "artifact_lint", *args], cwd=root, env=env,
                          capture_output=True, timeout=120, stdin=subprocess.DEVNULL)


def _runs(root: Path, commands: list[tuple[str, ...]],
          encoding: str = "utf-8") -> list[subprocess.CompletedProcess[bytes]]:
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda args: _run(root, *args, encoding=encoding), commands))


def _assert_clean_exit(proc: subprocess.CompletedProcess[bytes], what: str) -> None:
    stderr = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 1, f"{what}: exit {proc.returncode}\n{stderr}"
    assert "internal error" not in stderr and "Traceback" not in stderr, f"{what}: {stderr}"


def test_cli_escapes_a_hostile_state_in_every_format(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    path = root / GEMMA
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("state: candidate-current-best", 'state: "\\e]0;PWNED\\a\\e[2J\\u2028\\u009b"', 1),
                    encoding="utf-8")
    procs = _runs(root, [("check", "-f", fmt) for fmt in FORMATS] + [("check", "--statistics")])
    for fmt, proc in zip([*FORMATS, "statistics"], procs, strict=True):
        _assert_clean_exit(proc, fmt)
        out = proc.stdout.decode("utf-8")
        assert not RAW.findall(out.replace("\n", "")), f"{fmt}: {out[:3000]!r}"
        if fmt not in ("statistics", "junit", *JSON_FORMATS):
            assert "\\x1b]0;PWNED\\a\\x1b[2J\\u2028\\u009b" in out, f"{fmt}: {out[:3000]!r}"


def _json_artifact_with_surrogate(tmp_path: Path) -> Path:
    root = build_fixture_repo(tmp_path)
    data = yaml.safe_load((root / GEMMA).read_text(encoding="utf-8"))
    (root / GEMMA).unlink()
    text = json.dumps(data, indent=1, default=str).replace('"candidate-current-best"', '"x\\ud800\\u00e9y"', 1)
    assert "\\ud800" in text
    (root / GEMMA).with_suffix(".json").write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize("encoding", ["ascii", "utf-8"])
def test_cli_lone_surrogate_in_a_json_artifact(tmp_path: Path, encoding: str) -> None:
    root = _json_artifact_with_surrogate(tmp_path)
    procs = _runs(root, [("check", "-f", fmt) for fmt in FORMATS] + [("check", "--statistics")], encoding)
    for fmt, proc in zip([*FORMATS, "statistics"], procs, strict=True):
        _assert_clean_exit(proc, f"{fmt} ({encoding})")
        out = proc.stdout.decode(encoding)  # all of it is in the stream's encoding
        if fmt != "statistics":
            assert "ud800" in out, f"{fmt}: {out[:3000]!r}"
        if fmt in JSON_FORMATS:
            json.loads(out)
        if fmt == "junit":
            ET.fromstring(proc.stdout)


def test_cli_file_name_with_newline_and_separators(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    name = "a b#c%41,d:e\n::error file=x::pwned.yaml"
    (root / "artifacts" / name).write_text("id: x\n", encoding="utf-8")
    github, sarif = _runs(root, [("check", "-f", "github"), ("check", "-f", "sarif")])
    _assert_clean_exit(github, "github")
    lines = github.stdout.decode("utf-8").splitlines()
    assert lines and all(re.match(r"::(error|warning|notice) file=", line) for line in lines)
    assert not [line for line in lines if line.startswith("::error file=x")]
    ours = [line for line in lines if "a b#c" in line]
    escaped = "::error file=artifacts/a b#c%2541%2Cd%3Ae%0A%3A%3Aerror file=x%3A%3Apwned.yaml,"
    assert ours and all(line.startswith(escaped) for line in ours)
    _assert_clean_exit(sarif, "sarif")
    log = json.loads(sarif.stdout)
    assert not list(_sarif_validator().iter_errors(log))
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert "artifacts/a%20b%23c%2541%2Cd%3Ae%0A%3A%3Aerror%20file%3Dx%3A%3Apwned.yaml" in uris
    assert all(RELATIVE_URI.match(uri) for uri in uris)
