"""Time `artifact-lint check` on hostile text (issue 15): long inputs must cost linear time.

    python bench/hostile.py [--scale 1.0] [--json FILE]

Three inputs, each one artifact file in a fresh repository, each at 1/4, 1/2 and the
full size, so that the growth shows:

* `cue-words`: 1 MB of win-cue words ("beat outperforms vs +4 points ...") in `public_value`;
* `rows`: 5,000 competition rows, each with a readout naming another row;
* `sentences`: 10,000 sentences of prose naming rows, in `next_release_action`.

Each figure is the best of three runs of the installed command (a subprocess, as a
user runs it). The target: each under 2 s at full size, growing linearly.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

HEAD = {
    "id": "hostile", "type": "Benchmark artifact", "state": "candidate-current-best",
    "publishable_now": "A report.", "next_release_action": "Measure.",
    "evidence": [{"gate": "Gate A", "value": 0.5}],
    "blockers": [{"blocker": "b", "why": "w", "unblock": "u"}],
    "provenance": {"source": "s", "evaluation": "e", "readiness": "r"},
}


def cue_words(size: float) -> dict:
    unit = "beat outperforms vs +4 points 3x faster better than ahead of "
    return {**HEAD, "public_value": unit * int(1_000_000 * size / len(unit)), "competition": []}


def rows(size: float) -> dict:
    count = int(5_000 * size)
    competition = [{"system": f"System{i}-7B", "metric": "exact", "score": 0.4, "label": "Directional",
                    "readout": f"We beat System{(i + 1) % count}-7B here."} for i in range(count)]
    return {**HEAD, "public_value": "A value.", "competition": competition}


def sentences(size: float) -> dict:
    count = int(10_000 * size)
    prose = " ".join(f"Sentence {i} says we beat System{i % 50}-7B by +{i % 9}.0 points." for i in range(count))
    competition = [{"system": f"System{i}-7B", "metric": "exact", "score": 0.4, "label": "Directional",
                    "readout": "Context."} for i in range(50)]
    return {**HEAD, "public_value": "A value.", "next_release_action": prose, "competition": competition}


INPUTS: dict[str, Callable[[float], dict]] = {"cue-words": cue_words, "rows": rows, "sentences": sentences}


def time_check(data: dict, command: list[str]) -> float:
    with tempfile.TemporaryDirectory(prefix="al-hostile-") as tmp:
        root = Path(tmp)
        (root / ".git").mkdir()
        (root / "artifacts").mkdir()
        (root / "pyproject.toml").write_text('[tool.artifact-lint]\nmax-file-size = "16 MiB"\n')
        (root / "artifacts" / "hostile.yaml").write_text(yaml.safe_dump(data, width=10**9, sort_keys=False))
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            run = subprocess.run([*command, "check", "-f", "concise", "--no-cache"], cwd=root,
                                 capture_output=True, text=True)
            best = min(best, time.perf_counter() - start)
            if run.returncode not in (0, 1):
                raise SystemExit(f"exit {run.returncode}: {run.stderr.strip()}")
        return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every size (default 1)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    command = [shutil.which("artifact-lint") or str(Path(sys.executable).with_name("artifact-lint"))]
    figures: dict[str, dict[str, float]] = {}
    for name, make in INPUTS.items():
        figures[name] = {}
        for fraction in (0.25, 0.5, 1.0):
            seconds = time_check(make(fraction * args.scale), command)
            figures[name][str(fraction * args.scale)] = round(seconds, 3)
            print(f"{name:10} x{fraction * args.scale:<5} {seconds:7.3f} s", flush=True)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
