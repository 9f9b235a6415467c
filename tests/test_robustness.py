"""Hostile input, end to end through the real command line (issue 6, items 1 and 2).

Every test runs `python -m artifact_lint check --format json` in a subprocess,
in a fixture repository changed by one scenario, and asserts: the exit code (1,
or 0 where the input is fine), a parseable JSON report, the expected code at
the expected line and column, and no traceback. Containment tests put a secret
file outside the repository root and assert that the secret never shows up.

The scenarios are independent, so the module starts every run at once
(`runs` fixture) and each test waits for its own; the whole file takes a few
seconds of wall time. Each run has a 30 s timeout and, where `ulimit` is
available, a 1.5 GiB address-space limit, so a hang or a memory blow-up fails
the test instead of the machine.

Loader-level cases (positions, limits, tag handling) live in test_loader.py;
these tests only check that each class reaches the user as a clean finding.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import build_fixture_repo

GEMMA = "artifacts/gemma-2b-invoice-fields.yaml"
MISTRAL = "artifacts/mistral-7b-ticket-triage.yaml"
PACKAGE = "specialists/mistral-7b-ticket-triage"
DECISION = f"{PACKAGE}/decision.json"

SECRET = "TOPSECRET-7c41a9e2"  # the content of every file outside the root
MARKER = "never-read-marker-5d0e"  # a key in files inside the root that must not be read
TIMEOUT = 30.0
MEMORY_LIMIT_KIB = 1536 * 1024


# --- running the command line -------------------------------------------------------


@dataclass
class Run:
    root: Path
    returncode: int | None  # None: killed at the timeout
    stdout: str
    stderr: str
    seconds: float
    report: dict[str, Any] | None = None
    findings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def describe(self) -> str:
        rows = [f"{f['code']} {f['path']}:{f['line']}:{f['column']} {f['field']} {f['message']}"
                for f in self.findings]
        return f"exit {self.returncode}; findings:\n  " + "\n  ".join(rows) + f"\nstderr: {self.stderr[-2000:]}"

    def matching(self, code: str, path: str, **want: Any) -> list[dict[str, Any]]:
        return [f for f in self.findings if f["code"] == code and f["path"] == path
                and all(f.get(k) == v for k, v in want.items())]

    def expect(self, code: str, path: str, line: int | None = None, column: int | None = None,
               **want: Any) -> dict[str, Any]:
        """The one finding with `code` on `path` (at `line`:`column`), else fail with the whole report."""
        if line is not None:
            want["line"] = line
        if column is not None:
            want["column"] = column
        found = self.matching(code, path, **want)
        assert found, f"no {code} on {path} with {want}; {self.describe()}"
        return found[0]


def _command() -> list[str]:
    command = [sys.executable, "-m", "artifact_lint", "check", "--format", "json"]
    bash = shutil.which("bash")
    if bash is None or sys.platform == "win32":
        return command
    return [bash, "-c", f'ulimit -v {MEMORY_LIMIT_KIB} 2>/dev/null; exec "$@"', "artifact-lint", *command]


def _run_cli(root: Path, timeout: float) -> Run:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    env.pop("GITHUB_ACTIONS", None)
    started = time.monotonic()
    try:
        proc = subprocess.run(_command(), cwd=root, capture_output=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired as exc:
        return Run(root, None, (exc.stdout or b"").decode("utf-8", "replace"),
                   (exc.stderr or b"").decode("utf-8", "replace"), time.monotonic() - started)
    run = Run(root, proc.returncode, proc.stdout.decode("utf-8", "replace"),
              proc.stderr.decode("utf-8", "replace"), time.monotonic() - started)
    try:
        run.report = json.loads(proc.stdout.decode("utf-8"))  # strict UTF-8, as a consumer reads it
        run.findings = run.report["findings"]
    except (ValueError, KeyError, TypeError):
        run.report = None
    return run


def assert_clean(run: Run, exit_code: int) -> None:
    """Finished in time, the expected exit code, a JSON report, no traceback."""
    assert run.returncode is not None, f"no answer within the timeout ({run.seconds:.0f} s): a hang"
    assert "Traceback" not in run.output, run.output[-3000:]
    assert run.report is not None, f"stdout is not a JSON report: {run.stdout[:500]!r}; {run.stderr[-1000:]}"
    assert {"version", "tool", "summary", "findings"} <= set(run.report)
    assert run.returncode == exit_code, run.describe()
    for finding in run.findings:
        assert finding["line"] >= 1 and finding["column"] >= 1 and finding["message"], finding


# --- scenarios ----------------------------------------------------------------------

Setup = Callable[[Path, "Outside"], None]
SCENARIOS: dict[str, tuple[Setup, float]] = {}


def scenario(name: str, timeout: float = TIMEOUT) -> Callable[[Setup], Setup]:
    def register(setup: Setup) -> Setup:
        SCENARIOS[name] = (setup, timeout)
        return setup
    return register


@dataclass
class Outside:
    """Files outside every fixture root, each holding SECRET."""

    folder: Path

    @property
    def text(self) -> Path:
        return self.folder / "secret.txt"

    @property
    def artifact(self) -> Path:
        return self.folder / "secret.yaml"

    @property
    def package(self) -> Path:
        return self.folder / "pkg"

    @property
    def decision(self) -> Path:
        return self.folder / "decision.json"

    def relative(self, target: Path, root: Path, start: str = ".") -> str:
        """`target` as a `../` path from `root / start`."""
        return os.path.relpath(target, root / start)


def _make_outside(folder: Path) -> Outside:
    outside = Outside(folder)
    outside.text.write_text(SECRET + "\n")
    outside.artifact.write_text(f"id: {SECRET}\nstate: {SECRET}\n{SECRET}: [1, 2\n")
    record = {"decision": SECRET, "reason": SECRET, "evidence_sources": [SECRET], "blocked_by": [SECRET]}
    outside.package.mkdir()
    (outside.package / "decision.json").write_text(json.dumps(record))
    (outside.package / "eval_report.json").write_text(json.dumps({SECRET: SECRET}))
    outside.decision.write_text(json.dumps(record))
    return outside


def read(root: Path, relative: str) -> str:
    return (root / relative).read_text(encoding="utf-8")


def replace(root: Path, relative: str, old: str, new: str) -> None:
    text = read(root, relative)
    assert text.count(old) == 1, f"{old!r} is not once in {relative}"
    (root / relative).write_text(text.replace(old, new), encoding="utf-8")


def position(root: Path, relative: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based line and column of the `occurrence`-th `needle` in the file."""
    text = read(root, relative)
    offset = -1
    for _ in range(occurrence):
        offset = text.index(needle, offset + 1)
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def set_evidence_sources(root: Path, extra: str) -> None:
    record = json.loads(read(root, DECISION))
    record["evidence_sources"] = ["eval_report.json", extra]
    (root / DECISION).write_text(json.dumps(record, indent=2) + "\n")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Future[Run]]:
    """Build every scenario's repository, then start all the runs at once."""
    outside = _make_outside(tmp_path_factory.mktemp("outside"))
    roots = {}
    for name, (setup, timeout) in SCENARIOS.items():
        root = build_fixture_repo(tmp_path_factory.mktemp(name))
        setup(root, outside)
        roots[name] = (root, timeout)
    pool = ThreadPoolExecutor(max_workers=2 * (os.cpu_count() or 2))
    # Runs with their own (shorter) timeout go first: an expected hang overlaps the other runs.
    order = sorted(roots, key=lambda name: roots[name][1] == TIMEOUT)
    futures = {name: pool.submit(_run_cli, *roots[name]) for name in order}
    pool.shutdown(wait=False)
    return futures


def run_of(runs: dict[str, Future[Run]], name: str) -> Run:
    return runs[name].result()


# --- item 1: every class of bad input is a finding ---------------------------------------


@scenario("syntax-error")
def _syntax_error(root: Path, outside: Outside) -> None:
    replace(root, GEMMA, "    n: 120\n", "    n: 120: 7\n")


def test_yaml_syntax_error(runs: dict[str, Future[Run]]) -> None:
    run = run_of(runs, "syntax-error")
    assert_clean(run, 1)
    line, column = position(run.root, GEMMA, "120: 7")
    finding = run.expect("AL001", GEMMA, line, column + 3)  # the second `:`
    assert "syntax error" in finding["message"]


@scenario("tab-indentation")
def _tab_indentation(root: Path, outside: Outside) -> None:
    replace(root, GEMMA, "  source: LoRA", "\tsource: LoRA")


def test_tab_indentation(runs: dict[str, Future[Run]]) -> None:
    run = run_of(runs, "tab-indentation")
    assert_clean(run, 1)
    line, _ = position(run.root, GEMMA, "\tsource")
    assert "tab" in run.expect("AL001", GEMMA, line, 1)["message"]


@scenario("duplicate-key")
def _duplicate_key(root: Path, outside: Outside) -> None:
    replace(root, GEMMA, "publishable_now:", "state: parked\npublishable_now:")


def test_duplicate_key_at_the_second_key(runs: dict[str, Future[Run]]) -> None:
    run = run_of(runs, "duplicate-key")
    assert_clean(run, 1)
    first, _ = position(run.root, GEMMA, "state:", 1)
    second, _ = position(run.root, GEMMA, "state:", 2)
    finding = run.expect("AL001", GEMMA, second, 1)
    assert "duplicate key `state`" in finding["message"] and f"line {first}" in finding["message"]


@scenario("non-utf8")
def _non_utf8(root: Path, outside: Outside) -> None:
    raw = (root / GEMMA).read_bytes()
    (root / GEMMA).write_bytes(raw.replace(b"baseline_name: Stock Gemma-2B", b"baseline_name: Stock \xff-2B"))


def test_non_utf8_bytes(runs: dict[str, Future[Run]]) -> None:
    run = run_of(runs, "non-utf8")
    assert_clean(run, 1)
    raw = (run.root / GEMMA).read_bytes()
    offset = raw.index(b"\xff")
    line = raw.count(b"\n", 0, offset) + 1
    column = offset - raw.rfind(b"\n", 0, offset)
    assert "0xff" in run.expect("AL001", GEMMA, line, column)["message"]


@scenario("bom-crlf")
def _bom_crlf(root: Path, outside: Outside) -> None:
    for relative in (GEMMA, MISTRAL):
        text = read(root, relative)
        (root / relative).write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())


def test_bom_and_crlf_parse_fine(runs: dict[str, Future[Run]]) -> None:
    run = run_of(runs, "bom-crlf")
    assert_clean(run, 0)
    assert run.findings == [], run.describe()


@scenario("empty-file")
def _empty_file(root: Path, outside: Outside) -> None:
    (root / "artifacts/empty-one.yaml").write_bytes(b"")


def test_empty_file(runs: dict[str, Future[Run]]) -> None:
    run = run_of(runs, "empty-file")
    assert_clean(run, 1)
    assert "empty" in run.expect("AL001", "artifacts/empty-one.yaml", 1, 1)["message"]


@scenario("top-level-list")
def _top_level_list(root: Path, outside: Outside) -> None:
    (root / "artifacts/listed.yaml").write_text("# a list, not a mapping\n- id: listed\n- state: parked\n")


def test_top_level_not_a_mapping(runs: dict[str, Future[Run]]) -> None:
    run = run_of(runs, "top-level-list")
    assert_clean(run, 1)
    assert "list" in run.expect("AL001", "artifacts/listed.yaml", 2, 1)["message"]


@scenario("python-tag")
def _python_tag(root: Path, outside: Outside) -> None:
    replace(root, GEMMA, "publishable_now: The eval report",
            'publishable_now: !!python/object/apply:os.system ["touch pwned"]\nnote: The eval report')


def test_python_tag_is_never_executed(runs: dict[str, Future[Run]], tmp_path_factory: pytest.TempPathFactory) -> None:
    run = run_of(runs, "python-tag")
    assert_clean(run, 1)
    line, column = position(run.root, GEMMA, "!!python")
    assert "not allowed" in run.expect("AL001", GEMMA, line, column)["message"]
    basetemp = tmp_path_factory.getbasetemp()
    assert not list(basetemp.rglob("pwned")), "the tag ran `touch pwned`"
    assert not (run.root / "pwned").exists()


def _billion_laughs() -> str:
    lines = ['id: laughs', 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@scenario("alias-bomb")
def _alias_bomb(root: Path, outside: Outside) -> None:
    (root / "artifacts/laughs.yaml").write_text(_billion_laughs())


def test_alias_bomb_stops_in_seconds(runs: dict[str, Future[Run]]) -> None:
    run = run_of(runs, "alias-bomb")
    assert_clean(run, 1)
    finding = run.expect("AL001", "artifacts/laughs.yaml")
    assert "alias" in finding["message"]
    assert 2 <= finding["line"] <= 11  # inside the bomb (an expanded alias points at its anchor)
    assert run.seconds < 15, f"{run.seconds:.1f} s"


_DEPTH = 150  # over the default `max-depth` (100)


@scenario("depth-block")
def _depth_block(root: Path, outside: Outside) -> None:
    lines = ["id: deep-block", "v:"] + [" " * (i + 1) + f"k{i}:" for i in range(_DEPTH)] + [" " * (_DEPTH + 1) + "end"]
    (root / "artifacts/deep-block.yaml").write_text("\n".join(lines) + "\n")


@scenario("depth-block-sequence-huge")
def _depth_block_sequence(root: Path, outside: Outside) -> None:
    (root / "artifacts/deep-seq.yaml").write_text("id: deep-seq\nv:\n  " + "- " * 20_000 + "x\n")


@scenario("depth-flow")
def _depth_flow(root: Path, outside: Outside) -> None:
    (root / "artifacts/deep-flow.yaml").write_text("id: deep-flow\nv: " + "[" * _DEPTH + "]" * _DEPTH + "\n")


@scenario("depth-flow-huge")
def _depth_flow_huge(root: Path, outside: Outside) -> None:
    (root / "artifacts/deep-flow.yaml").write_text("id: deep-flow\nv: " + "{a: [" * 50_000 + "]}" * 50_000 + "\n")


def test_nesting_bomb_block(runs: dict[str, Future[Run]]) -> None:
    run = run_of(runs, "depth-block")
    assert_clean(run, 1)
    # `v` holds depth 1 (line 3); the first mapping deeper than 100 is k100's value, k100 being on line 103.
    line, column = position(run.root, "artifacts/deep-block.yaml", "k100:")
    assert "nested deeper than 100" in run.expect("AL001", "artifacts/deep-block.yaml", line, column)["message"]


def test_nesting_bomb_block_beyond_the_parser_limit(runs: dict[str, Future[Run]]) -> None:
    run = run_of(runs, "depth-block-sequence-huge")
    assert_clean(run, 1)
    finding = run.expect("AL001", "artifacts/deep-seq.yaml", 3)
    assert "nesting depth" in finding["message"] or "nested deeper" in finding["message"]


def test_nesting_bomb_flow(runs: dict[str, Future[Run]]) -> None:
    run = run_of(runs, "depth-flow")
    assert_clean(run, 1)
    # `v` is depth 1 at column 4; the bracket at depth 101 is 100 brackets further.
    finding = run.expect("AL001", "artifacts/deep-flow.yaml", 2, 4 + 100)
    assert "nested deeper than 100" in finding["message"]


def test_nesting_bomb_flow_beyond_the_parser_limit(runs: dict[str, Future[Run]]) -> None:
    run = run_of(runs, "depth-flow-huge")
    assert_clean(run, 1)
    finding = run.expect("AL001", "artifacts/deep-flow.yaml", 2)
    assert "nesting depth" in finding["message"] or "nested deeper" in finding["message"]
    assert run.seconds < 15, f"{run.seconds:.1f} s"


@scenario("over-max-file-size")
def _over_max_file_size(root: Path, outside: Outside) -> None:
    (root / "pyproject.toml").write_text('[tool.artifact-lint]\nmax-file-size = "2KiB"\n')
    text = read(root, GEMMA)
    padding = "# padding\n" * (3000 // 10)
    (root / GEMMA).write_text(text + padding + f"{MARKER}: [unclosed\n")


def test_file_over_max_file_size_is_not_read(runs: dict[str, Future[Run]]) -> None:
    run = run_of(runs, "over-max-file-size")
    assert_clean(run, 1)
    size = (run.root / GEMMA).stat().st_size
    assert size > 2048
    finding = run.expect("AL001", GEMMA, 1, 1)
    assert "max-file-size" in finding["message"] and str(size) in finding["message"]
    assert [f["code"] for f in run.findings if f["path"] == GEMMA] == ["AL001"], run.describe()
    assert MARKER not in run.output  # had it been parsed: AL001 at the unclosed list, or AL004


@scenario("configured-limits")
def _configured_limits(root: Path, outside: Outside) -> None:
    (root / "pyproject.toml").write_text("[tool.artifact-lint]\nmax-depth = 5\nmax-nodes = 300\n")
    (root / "artifacts/nested.yaml").write_text("id: nested\na:\n  b:\n    c:\n      d:\n        e:\n          f: 1\n")
    laughs = ["id: laughs", 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    laughs += [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]" for n in (1, 2)]
    (root / "artifacts/laughs.yaml").write_text("\n".join(laughs) + "\n")


def test_depth_and_alias_limits_are_configurable(runs: dict[str, Future[Run]]) -> None:
    run = run_of(runs, "configured-limits")
    assert_clean(run, 1)
    line, column = position(run.root, "artifacts/nested.yaml", "f: 1")  # depth 6: f's value
    assert "nested deeper than 5" in run.expect("AL001", "artifacts/nested.yaml", line, column + 3)["message"]
    assert "more than 300 values" in run.expect("AL001", "artifacts/laughs.yaml")["message"]
    assert not [f for f in run.findings if f["code"] == "AL001" and "laughs" not in f["path"]
                and "nested" not in f["path"]], run.describe()


@scenario("very-long-line")
def _very_long_line(root: Path, outside: Outside) -> None:
    replace(root, GEMMA, "next_release_action: Publish as a report; package once the posting gate exists.",
            "next_release_action: " + "Publish as a report " * 50_000)


def test_very_long_line_under_the_size_limit(runs: dict[str, Future[Run]]) -> None:
    run = run_of(runs, "very-long-line")
    assert (run.root / GEMMA).stat().st_size < 1024 * 1024
    assert max(len(line) for line in read(run.root, GEMMA).splitlines()) >= 1_000_000
    assert_clean(run, 0)
    assert not run.matching("AL001", GEMMA), run.describe()
    assert run.seconds < 15, f"{run.seconds:.1f} s"


@scenario("nan-inf-yaml")
def _nan_inf_yaml(root: Path, outside: Outside) -> None:
    replace(root, GEMMA, "    value: 0.734\n", "    value: .nan\n")
    replace(root, GEMMA, "    baseline: 0.690\n", "    baseline: -.inf\n")
    replace(root, GEMMA, "    n: 120\n", "    n: .inf\n")


def test_nan_and_infinity_in_values(runs: dict[str, Future[Run]]) -> None:
    run = run_of(runs, "nan-inf-yaml")
    assert_clean(run, 1)
    for field_path, needle in (("evidence[0].value", ".nan"), ("evidence[0].baseline", "-.inf"),
                               ("evidence[0].n", " .inf")):
        line, column = position(run.root, GEMMA, needle)
        column += needle.startswith(" ")
        run.expect("AL003", GEMMA, line, column, field=field_path)


@pytest.mark.parametrize("constant", ["NaN", "-Infinity"])
def test_nan_and_infinity_in_decision_json(runs: dict[str, Future[Run]], constant: str) -> None:
    run = run_of(runs, f"decision-{constant}")
    assert_clean(run, 1)
    line, column = position(run.root, DECISION, constant)
    assert constant in run.expect("AL403", DECISION, line, column)["message"]


for _constant in ("NaN", "-Infinity"):
    @scenario(f"decision-{_constant}")
    def _decision_constant(root: Path, outside: Outside, constant: str = _constant) -> None:
        replace(root, DECISION, '"lesson": null', f'"lesson": {constant}')


@scenario("decision-invalid-json")
def _decision_invalid_json(root: Path, outside: Outside) -> None:
    replace(root, DECISION, '"reason": "The', '"reason" "The')


def test_invalid_json_decision(runs: dict[str, Future[Run]]) -> None:
    run = run_of(runs, "decision-invalid-json")
    assert_clean(run, 1)
    line, column = position(run.root, DECISION, ' "The')
    finding = run.expect("AL403", DECISION, line, column + 1)
    assert "JSON syntax error" in finding["message"]


@scenario("symlink-loops")
def _symlink_loops(root: Path, outside: Outside) -> None:
    artifacts = root / "artifacts"
    os.symlink("ping.yaml", artifacts / "pong.yaml")
    os.symlink("pong.yaml", artifacts / "ping.yaml")
    os.symlink("self.yaml", artifacts / "self.yaml")
    (artifacts / "nested").mkdir()
    os.symlink("..", artifacts / "nested" / "up")  # a folder loop: must not be walked forever
    os.symlink("../nested", artifacts / "nested" / "again.yaml")


def test_symlink_loops(runs: dict[str, Future[Run]]) -> None:
    run = run_of(runs, "symlink-loops")
    assert_clean(run, 1)
    for name in ("ping", "pong", "self"):
        assert "loops" in run.expect("AL001", f"artifacts/{name}.yaml", 1, 1)["message"]
    # `nested/` is a subfolder of the artifacts folder: its files are not artifacts
    # (artifact-format §1.1), and the walk for weights files neither loops nor reads them.
    assert not [f for f in run.findings if "/nested/" in f["path"]], run.describe()


@scenario("symlink-outside")
def _symlink_outside(root: Path, outside: Outside) -> None:
    os.symlink(outside.artifact, root / "artifacts/absolute-link.yaml")
    os.symlink(outside.relative(outside.artifact, root, "artifacts"), root / "artifacts/relative-link.yaml")
    os.symlink(outside.folder, root / "artifacts/linked-folder")


def test_symlink_artifact_outside_the_root_is_not_read(runs: dict[str, Future[Run]]) -> None:
    run = run_of(runs, "symlink-outside")
    assert_clean(run, 1)
    for name in ("absolute-link", "relative-link"):
        assert "leaves the repository root" in run.expect("AL001", f"artifacts/{name}.yaml", 1, 1)["message"]
    assert SECRET not in run.output


@scenario("folder-named-yaml")
def _folder_named_yaml(root: Path, outside: Outside) -> None:
    folder = root / "artifacts/x.yaml"
    folder.mkdir()
    (folder / "inner.yaml").write_text(f"{MARKER}: [unclosed\n")


def test_folder_named_like_an_artifact_file(runs: dict[str, Future[Run]]) -> None:
    run = run_of(runs, "folder-named-yaml")
    assert_clean(run, 1)
    assert "folder" in run.expect("AL001", "artifacts/x.yaml", 1, 1)["message"]
    assert MARKER not in run.output


@scenario("non-utf8-file-name")
def _non_utf8_file_name(root: Path, outside: Outside) -> None:
    name = os.path.join(os.fsencode(root / "artifacts"), b"bad-\xff.yaml")
    try:
        with open(name, "wb") as handle:
            handle.write(b"id: bad\n")
    except OSError:  # a file system that only takes UTF-8 names (APFS)
        (root / "no-such-name").touch()


def test_file_name_that_is_not_utf8(runs: dict[str, Future[Run]]) -> None:
    run = run_of(runs, "non-utf8-file-name")
    if (run.root / "no-such-name").exists():
        pytest.skip("this file system refuses names that are not UTF-8")
    assert_clean(run, 1)
    assert [f for f in run.findings if f["path"].startswith("artifacts/bad-")], run.describe()


@scenario("decision-symlink-outside")
def _decision_symlink_outside(root: Path, outside: Outside) -> None:
    (root / DECISION).unlink()
    os.symlink(outside.decision, root / DECISION)


def test_decision_json_symlink_outside_the_root_is_not_read(runs: dict[str, Future[Run]]) -> None:
    run = run_of(runs, "decision-symlink-outside")
    assert_clean(run, 1)
    assert SECRET not in run.output
    assert run.matching("AL403", DECISION, line=1, column=1) or run.matching("AL001", DECISION), run.describe()


@scenario("fifo", timeout=10.0)
def _fifo(root: Path, outside: Outside) -> None:
    os.mkfifo(root / "artifacts/pipe.yaml")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")
def test_named_pipe_named_like_an_artifact_file(runs: dict[str, Future[Run]]) -> None:
    run = run_of(runs, "fifo")
    assert_clean(run, 1)
    run.expect("AL001", "artifacts/pipe.yaml", 1, 1)


# --- item 2: containment of paths taken from metadata --------------------------------------


@scenario("surface-absolute")
def _surface_absolute(root: Path, outside: Outside) -> None:
    replace(root, MISTRAL, f"  - {DECISION}\n", f"  - {outside.text}\n")


@scenario("surface-climbs")
def _surface_climbs(root: Path, outside: Outside) -> None:
    replace(root, MISTRAL, f"  - {DECISION}\n", f"  - {PACKAGE}/{outside.relative(outside.text, root, PACKAGE)}\n")


@scenario("surface-symlink")
def _surface_symlink(root: Path, outside: Outside) -> None:
    os.symlink(outside.text, root / PACKAGE / "leak.txt")
    replace(root, MISTRAL, f"  - {DECISION}\n", f"  - {PACKAGE}/leak.txt\n")


@pytest.mark.parametrize("name, why", [("surface-absolute", "is absolute"), ("surface-climbs", "climbs out"),
                                       ("surface-symlink", "symbolic link")])
def test_surface_outside_the_root(runs: dict[str, Future[Run]], name: str, why: str) -> None:
    run = run_of(runs, name)
    assert_clean(run, 1)
    value = read(run.root, MISTRAL).split("surface:\n")[1].splitlines()[1][4:]
    line, column = position(run.root, MISTRAL, value)
    assert why in run.expect("AL503", MISTRAL, line, column, field="surface[1]")["message"]
    assert not run.matching("AL502", MISTRAL), run.describe()
    assert SECRET not in run.output


@scenario("package-absolute")
def _package_absolute(root: Path, outside: Outside) -> None:
    replace(root, MISTRAL, f"package: {PACKAGE}\n", f"package: {outside.package}\n")


@scenario("package-climbs")
def _package_climbs(root: Path, outside: Outside) -> None:
    climbing = outside.relative(outside.package, root, "specialists")
    replace(root, MISTRAL, f"package: {PACKAGE}\n", f"package: specialists/{climbing}\n")


@scenario("package-symlink")
def _package_symlink(root: Path, outside: Outside) -> None:
    os.symlink(outside.package, root / "specialists/linked-package")
    replace(root, MISTRAL, f"package: {PACKAGE}\n", "package: specialists/linked-package\n")


@pytest.mark.parametrize("name, why", [("package-absolute", "is absolute"), ("package-climbs", "climbs out"),
                                       ("package-symlink", "symbolic link")])
def test_package_outside_the_root(runs: dict[str, Future[Run]], name: str, why: str) -> None:
    run = run_of(runs, name)
    assert_clean(run, 1)
    value = read(run.root, MISTRAL).split("package: ")[1].split("\n")[0]
    line, column = position(run.root, MISTRAL, f"package: {value}")
    assert why in run.expect("AL503", MISTRAL, line, column + len("package: "), field="package")["message"]
    assert not run.matching("AL406", MISTRAL), run.describe()


@pytest.mark.parametrize("name", ["package-absolute", "package-climbs"])
def test_package_outside_the_root_is_not_read(runs: dict[str, Future[Run]], name: str) -> None:
    assert SECRET not in run_of(runs, name).output


def test_package_symlink_outside_the_root_is_not_read(runs: dict[str, Future[Run]]) -> None:
    run = run_of(runs, "package-symlink")
    assert_clean(run, 1)
    assert SECRET not in run.output
    assert not [f for f in run.findings if f["path"].startswith("specialists/linked-package/")], run.describe()


@scenario("evidence-absolute")
def _evidence_absolute(root: Path, outside: Outside) -> None:
    set_evidence_sources(root, str(outside.text))


@scenario("evidence-climbs")
def _evidence_climbs(root: Path, outside: Outside) -> None:
    set_evidence_sources(root, outside.relative(outside.text, root, PACKAGE))


@scenario("evidence-symlink")
def _evidence_symlink(root: Path, outside: Outside) -> None:
    os.symlink(outside.text, root / PACKAGE / "leak.json")
    set_evidence_sources(root, "leak.json")


def _evidence_case(runs: dict[str, Future[Run]], name: str, why: str) -> None:
    run = run_of(runs, name)
    assert_clean(run, 1)
    value = json.loads(read(run.root, DECISION))["evidence_sources"][1]
    line, column = position(run.root, DECISION, json.dumps(value))
    finding = run.expect("AL503", DECISION, line, column, field="evidence_sources[1]")
    assert why in finding["message"]
    assert not run.matching("AL404", DECISION), run.describe()


@pytest.mark.parametrize("name, why", [("evidence-absolute", "is absolute"), ("evidence-climbs", "climbs out")])
def test_evidence_source_outside_the_root(runs: dict[str, Future[Run]], name: str, why: str) -> None:
    _evidence_case(runs, name, why)


def test_evidence_source_symlink_outside_the_root(runs: dict[str, Future[Run]]) -> None:
    _evidence_case(runs, "evidence-symlink", "symbolic link")


@pytest.mark.parametrize("name", ["evidence-absolute", "evidence-climbs", "evidence-symlink"])
def test_evidence_source_outside_the_root_is_not_read(runs: dict[str, Future[Run]], name: str) -> None:
    run = run_of(runs, name)
    assert_clean(run, 1)
    assert SECRET not in run.output


@scenario("website-absolute")
def _website_absolute(root: Path, outside: Outside) -> None:
    replace(root, MISTRAL, "website: /artifacts/mistral-7b-ticket-triage", f"website: {outside.text}")


@scenario("website-climbs")
def _website_climbs(root: Path, outside: Outside) -> None:
    replace(root, MISTRAL, "website: /artifacts/mistral-7b-ticket-triage",
            f"website: /artifacts/../{outside.relative(outside.text, root)}")


@scenario("website-symlink")
def _website_symlink(root: Path, outside: Outside) -> None:
    (root / "site").mkdir()
    os.symlink(outside.text, root / "site/mistral-7b-ticket-triage")
    replace(root, MISTRAL, "website: /artifacts/mistral-7b-ticket-triage", "website: site/mistral-7b-ticket-triage")


@pytest.mark.parametrize("name", ["website-absolute", "website-climbs", "website-symlink"])
def test_website_outside_the_site(runs: dict[str, Future[Run]], name: str) -> None:
    run = run_of(runs, name)
    assert_clean(run, 1)
    value = read(run.root, MISTRAL).split("website: ")[1].split("\n")[0]
    line, column = position(run.root, MISTRAL, f"website: {value}")
    finding = run.expect("AL505", MISTRAL, line, column + len("website: "), field="website")
    assert "/artifacts/mistral-7b-ticket-triage" in finding["message"]
    assert SECRET not in run.output



# --- issue 15: the read side ---------------------------------------------------------------


@scenario("line-separator-in-a-value")
def _line_separator(root: Path, outside: Outside) -> None:
    replace(root, GEMMA, "type: Routed extraction adapter", 'type: "Routed extraction\u2028adapter\x85(v2)"')
    replace(root, GEMMA, "state: candidate-current-best", "state: candidate-current-bets")


def test_a_line_separator_in_a_value_moves_no_later_finding(runs: dict[str, Future[Run]]) -> None:
    """U+2028 and U+0085 are no line ends to an editor: the state's finding stays on line 3."""
    run = run_of(runs, "line-separator-in-a-value")
    assert_clean(run, 1)
    line, column = position(run.root, GEMMA, "candidate-current-bets")
    assert (line, column) == (3, 8)
    run.expect("AL101", GEMMA, line, column, field="state")


@scenario("directive-in-a-block-scalar")
def _directive_in_a_block_scalar(root: Path, outside: Outside) -> None:
    replace(root, GEMMA, "state: candidate-current-best",
            'publish_note: |\n  # artifact-lint: disable=AL101 reason="text, not a comment"\n'
            "state: candidate-current-bets")


def test_a_directive_in_a_block_scalar_suppresses_nothing(runs: dict[str, Future[Run]]) -> None:
    run = run_of(runs, "directive-in-a-block-scalar")
    assert_clean(run, 1)
    line, column = position(run.root, GEMMA, "candidate-current-bets")
    run.expect("AL101", GEMMA, line, column, field="state")
    assert run.report is not None and run.report["summary"]["suppressed"] == 0


def _unreadable_below(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Listing `folder`, and reaching anything in it, fails as it does for a mode-000 folder
    of another user (tests run as root, which reads any folder)."""
    real_scandir, real_stat, real_lstat = os.scandir, os.stat, os.lstat
    inside = str(folder) + os.sep

    def denied(path: Any) -> bool:
        text = os.fsdecode(path) if isinstance(path, (str, bytes, os.PathLike)) else ""
        return text == str(folder) or text.startswith(inside)

    def scandir(path: Any = ".") -> Any:
        if denied(path):
            raise PermissionError(13, "Permission denied", os.fsdecode(path))
        return real_scandir(path)

    def below(real: Callable[..., Any]) -> Callable[..., Any]:
        def guarded(path: Any, *args: Any, **kwargs: Any) -> Any:
            text = os.fsdecode(path) if isinstance(path, (str, bytes, os.PathLike)) else ""
            if text.startswith(inside):  # the folder itself can be stat'ed, not what it holds
                raise PermissionError(13, "Permission denied", text)
            return real(path, *args, **kwargs)
        return guarded

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(os, "stat", below(real_stat))
    monkeypatch.setattr(os, "lstat", below(real_lstat))


def test_a_package_folder_that_cannot_be_listed_is_a_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from artifact_lint.commands.cli import app

    root = build_fixture_repo(tmp_path)
    _unreadable_below(monkeypatch, root / PACKAGE)
    monkeypatch.chdir(root)
    result = CliRunner().invoke(app, ["check", "-f", "json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert result.exit_code == 1, result.output
    findings = json.loads(result.stdout)["findings"]
    (finding,) = [f for f in findings if f["path"] == PACKAGE]
    assert finding["code"] == "AL403"
    assert f"`{PACKAGE}` cannot be listed (Permission denied)" in finding["message"]


def test_a_package_subfolder_that_cannot_be_listed_is_a_finding(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from artifact_lint.engine.session import check

    root = build_fixture_repo(tmp_path)
    (root / PACKAGE / "runs").mkdir()
    (root / PACKAGE / "runs" / "log.txt").write_text("x\n")
    _unreadable_below(monkeypatch, root / PACKAGE / "runs")
    findings = check(root).findings
    (finding,) = [f for f in findings if f.path == PACKAGE]
    assert finding.code == "AL403" and f"`{PACKAGE}/runs` cannot be listed" in finding.message


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads a mode-000 folder")
def test_a_mode_000_package_folder_is_a_finding(tmp_path: Path) -> None:
    root = build_fixture_repo(tmp_path)
    folder = root / PACKAGE
    folder.chmod(0)
    try:
        run = _run_cli(root, TIMEOUT)
    finally:
        folder.chmod(0o755)
    assert_clean(run, 1)
    assert "cannot be listed" in run.expect("AL403", PACKAGE)["message"]


def test_a_specialists_folder_that_cannot_be_looked_at_is_exit_2(tmp_path: Path) -> None:
    """Found by fuzzing the configuration: a `specialists` name too long to stat was an
    internal error (OSError from Path.is_dir); it is exit 2 naming the folder."""
    from artifact_lint.engine.session import check
    from artifact_lint.errors import ToolError

    root = build_fixture_repo(tmp_path)
    (root / "artifact-lint.toml").write_text(f'specialists = "{"a" * 300}"\n')
    with pytest.raises(ToolError, match=r"cannot read the folder `a{77}\.\.\.`: File name too long"):
        check(root)


def test_a_path_holding_nul_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    """Found by fuzzing `decision.json`: `evidence_sources: ["\\u0000"]` ended the run with
    `ValueError: embedded null byte` from os.lstat (AL404 crashed); a surface path
    `"x\\0"` and a configured `specialists` holding NUL took the same way."""
    from artifact_lint.engine.session import check

    root = build_fixture_repo(tmp_path)
    set_evidence_sources(root, "\x00")
    replace(root, MISTRAL, f"  - {DECISION}\n", f'  - {DECISION}\n  - "{PACKAGE}/x\\0"\n')
    findings = check(root).findings
    assert {(f.code, f.field) for f in findings} >= {("AL404", "evidence_sources[1]"), ("AL502", "surface[2]")}
    (root / "artifact-lint.toml").write_text('specialists = "spec\\u0000ialists"\n')
    check(root)  # no package folder can have that name: no packages, no crash
