"""The shared conformance cases this project covers, one test per case.

Runs `../shared/conformance/run` against `python -m artifact_lint`; skipped when
../shared is absent (it exists only in the development workplace).
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import shared_dir

CASES = [
    "01-clean-repo",
    "02-invalid-state",
    "03-missing-fields",
    "04-label-case",
    "05-win-claim-not-direct",
    "07-missing-blockers",
    "08-package-gating",
    "09-bad-yaml",
    "10-warning-only-exit-0",
    "11-fail-on-warning",
    "12-bad-config-exit-2",
    "13-missing-path-exit-2",
    "14-policy-as-data",
]


@pytest.mark.parametrize("case", CASES)
def test_conformance_case(case: str, tmp_path: Path) -> None:
    shared = shared_dir()
    runner = shared / "conformance" / "run"
    if not (shared / "conformance" / "cases" / case).is_dir():
        pytest.skip(f"conformance case {case} is absent")
    command = f"{shlex.quote(sys.executable)} -m artifact_lint"
    proc = subprocess.run(
        [sys.executable, str(runner), "--cmd", command, "-k", case],
        capture_output=True, text=True, timeout=300, cwd=tmp_path, stdin=subprocess.DEVNULL,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert f"ok   {case}" in proc.stdout, output
    assert proc.stdout.strip().splitlines()[-1] == "1 passed, 0 failed", output
