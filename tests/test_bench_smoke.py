"""Smoke test of the benchmark of issue 7: the corpus generator and `bench/run.py` at small N.

No timing assertions: CI only checks that the benchmark runs and that the check of a
small synthetic corpus finds exactly the planted violations.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


corpus = _load("make_corpus")


def _lint(root: Path) -> list[tuple[str, str, str | None]]:
    result = subprocess.run([sys.executable, "-m", "artifact_lint", "check", "--format", "json", "-q"],
                            cwd=root, capture_output=True, text=True, timeout=300)
    assert result.returncode in (0, 1), result.stderr
    return sorted((f["code"], f["path"], f["field"]) for f in json.loads(result.stdout)["findings"])


def _planted(root: Path) -> list[tuple[str, str, str | None]]:
    expected = json.loads((root / "expected-findings.json").read_text(encoding="utf-8"))["expected"]
    return sorted((f["code"], f["path"], f["field"]) for f in expected)


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_corpus_is_deterministic(tmp_path: Path) -> None:
    corpus.make_corpus(tmp_path / "a", 20, seed=3)
    corpus.make_corpus(tmp_path / "b", 20, seed=3)
    corpus.make_corpus(tmp_path / "c", 20, seed=4)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert _files(tmp_path / "a") != _files(tmp_path / "c")


def test_n4_corpus_finds_exactly_the_planted_violations(tmp_path: Path) -> None:
    manifest = corpus.make_corpus(tmp_path, 4)
    assert manifest.artifacts == 4 and manifest.packages >= 1 and len(manifest.expected) >= 1
    assert _lint(tmp_path) == _planted(tmp_path)


def test_every_violation_kind_is_found_and_nothing_else(tmp_path: Path) -> None:
    # 200 artifacts at 5% plant 10 violations: each kind once.
    manifest = corpus.make_corpus(tmp_path, 200)
    assert {e["kind"] for e in manifest.expected} == set(corpus.KINDS)
    assert _lint(tmp_path) == _planted(tmp_path)


def test_corpus_shape(tmp_path: Path) -> None:
    manifest = corpus.make_corpus(tmp_path, 200)
    files = sorted((tmp_path / "artifacts").glob("*.yaml"))
    assert len(files) == 200
    assert 50 <= manifest.mean_lines <= 80  # about 65 lines per artifact, as ours
    doc = (tmp_path / corpus.DOC_PATH).read_text(encoding="utf-8")
    for path in files:
        assert f"| `{path.stem}` |" in doc
    states = {line.split(": ", 1)[1] for path in files for line in path.read_text().splitlines()
              if line.startswith("state: ")}
    assert {"release-ready-metadata", "candidate-current-best", "report-only", "blocked", "parked"} <= states
    packages = sorted((tmp_path / "specialists").iterdir())
    assert len(packages) == manifest.packages >= 1
    for package in packages:
        assert json.loads((package / "decision.json").read_text())["decision"] == "ship"
        assert (tmp_path / "artifacts" / f"{package.name}.yaml").is_file()


def test_benchmark_runs_at_n4(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--sizes", "4", "--runs", "1", "--budget", "0",
         "--no-install", "--venv", sys.prefix, "--workdir", str(tmp_path / "work"), "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "check of this repository / import line" in result.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    size = data["sizes"]["4"]
    assert size["findings"]["match"], size["findings"]
    assert size["findings"]["cold_equals_warm"]  # the registry cache changes no finding
    assert size["check"]["best_s"] > 0 and size["check_no_cache"]["best_s"] > 0
    assert size["compose_floor"]["best_s"] > 0
    assert size["yamllint"] is None or size["yamllint"]["best_s"] > 0
    assert set(data["global"]) == {"import", "version", "own_repo", "own_repo_cold"}
    assert {t["key"] for t in data["targets"]} <= set(data["ratios"])
    assert data["ratios"]["own_repo_no_cache_vs_import"] is not None
    # Only N=4 was run: the 1,000 and 10,000 targets are reported as not measured.
    assert data["ratios"]["check_1000_vs_yamllint"] is None
    assert data["ratios"]["own_repo_vs_import"] is not None


def test_generator_cli(tmp_path: Path) -> None:
    help_text = subprocess.run([sys.executable, str(BENCH / "make_corpus.py"), "--help"],
                               capture_output=True, text=True, timeout=60)
    assert help_text.returncode == 0 and "-n" in help_text.stdout
    made = subprocess.run([sys.executable, str(BENCH / "make_corpus.py"), str(tmp_path / "c"), "-n", "4"],
                          capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    assert len(list((tmp_path / "c" / "artifacts").glob("*.yaml"))) == 4
