"""What a repository's own rules cost (issue 19): `check` of a corpus with 100 rule-file
rules against the same corpus without them.

    python bench/custom_rules.py [--size 1000] [--rules 100] [--runs 10] [--jobs auto] [--json FILE]

Both corpora come from `make_corpus.py` with the same seed; the second also holds
`rules/bench.yaml`, whose rules are generated to use the whole vocabulary the way a
factory would: every `given` (the artifact, its row lists, decision records), `when`
conditions, and every check (`required`, `absent`, patterns, `enum`, `min` / `max` on
measured values, lengths, item counts, `one-of`, `policy-state` / `policy-label`), a
few with their own messages. Most pass on the corpus, as a repository's rules do on
its own artifacts; the findings they do give are counted. The two checks take turns,
best of `--runs` each, each in a fresh process (registry cache filled first, as in
bench/run.py). Target: with the rules at most 1.3 times without.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from make_corpus import make_corpus  # noqa: E402

PROSE = ("public_value", "publishable_now", "next_release_action", "summary")
WORDS = ["revolutionary", "best-in-class", "world-class", "unbeatable", "groundbreaking", "game-changing",
         "state of the art", "SOTA", "industry-leading", "unprecedented"]


def _rule(index: int) -> dict[str, Any]:
    """The index-th generated rule: the vocabulary in turn, with varied fields and values."""
    kind = index % 20
    word = WORDS[index % len(WORDS)]
    prose = PROSE[index % len(PROSE)]
    rule: dict[str, Any] = {"name": f"bench-rule-{index:03d}", "severity": ("error", "warning", "info")[index % 3],
                            "summary": f"Generated rule {index} ({kind})."}
    if kind == 0:
        rule.update(when={"state": {"in": ["release-ready-metadata"]}},
                    then=[{"field": "package", "check": "required"}])
    elif kind == 1:
        rule.update(then=[{"field": prose, "check": "not-pattern", "value": rf"(?i)\b{word}\b"}])
    elif kind == 2:
        rule.update(given="blockers", then=[{"field": "unblock", "check": "pattern", "value": "^[A-Z]"},
                                             {"field": "why", "check": "min-length", "value": 10}])
    elif kind == 3:
        rule.update(given="evidence", then=[{"field": "value", "check": "min", "value": 0},
                                             {"field": "value", "check": "max", "value": "100%"}])
    elif kind == 4:
        rule.update(given="competition", when={"label": {"enum": ["Direct"]}},
                    then=[{"field": "gate", "check": "required",
                           "message": "{id}: the Direct row `{field}` names no gate ({code})"}])
    elif kind == 5:
        rule.update(then=[{"field": "state", "check": "policy-state"}])
    elif kind == 6:
        rule.update(then=[{"field": prose, "check": "max-length", "value": 2000 + index}])
    elif kind == 7:
        rule.update(given="datasets", then=[{"field": "license", "check": "required"},
                                             {"field": "name", "check": "pattern", "value": r"^[a-z0-9][a-z0-9-]*$"}])
    elif kind == 8:
        rule.update(then=[{"field": f"deprecated_field_{index}", "check": "absent"}])
    elif kind == 9:
        rule.update(when={"state": {"in": ["candidate-current-best", "report-only", "blocked"]}},
                    then=[{"field": "evidence", "check": "min-items", "value": 1},
                          {"field": "blockers", "check": "min-items", "value": 1}])
    elif kind == 10:
        rule.update(then=[{"field": "notes.*", "check": "not-pattern", "value": rf"(?i)\b{word}\b"}])
    elif kind == 11:
        rule.update(given="decision", when={"decision": {"in": ["ship"]}},
                    then=[{"field": "reason", "check": "required"}, {"field": "next_action", "check": "required"}])
    elif kind == 12:
        rule.update(given="competition", then=[{"field": "label", "check": "policy-label"},
                                                {"field": "readout", "check": "max-length", "value": 600}])
    elif kind == 13:
        rule.update(then=[{"field": "website", "check": "pattern", "value": r"^/artifacts/[a-z0-9][a-z0-9._-]*$"}])
    elif kind == 14:
        rule.update(given="claims", then=[{"field": "against", "check": "required"},
                                           {"field": "text", "check": "not-pattern", "value": rf"(?i)\b{word}\b"}])
    elif kind == 15:
        rule.update(then=[{"field": "provenance.source", "check": "required"},
                          {"field": "provenance.evaluation", "check": "min-length", "value": 20}])
    elif kind == 16:
        rule.update(when={"weights": "required"},
                    then=[{"field": "weights", "check": "one-of", "value": ["location", "url"]}])
    elif kind == 17:
        rule.update(given="evidence", when={"n": "required"}, then=[{"field": "n", "check": "min", "value": 10}])
    elif kind == 18:
        rule.update(then=[{"field": "type", "check": "enum", "value": [
            "Specialist package metadata", "Routed extraction adapter", "Routed specialist POC",
            "Routed specialist candidate", "LoRA specialist candidate", "Distilled adapter", "Process artifact",
            "Evaluation report", "Data recipe", "Demo artifact"]}])
    else:
        rule.update(then=[{"field": "competition.*.readout", "check": "not-pattern",
                           "value": rf"(?i)\b{word}\b|\bguaranteed\b"}])
    return rule


def write_rules(root: Path, count: int) -> None:
    rules = {f"BX{index + 1:03d}": _rule(index) for index in range(count)}
    # JSON is YAML: the rule file stays exact however the values are quoted.
    (root / "rules" / "bench.yaml").write_text(json.dumps({"rules": rules}, indent=1) + "\n", encoding="utf-8")


def _check(root: Path, command: list[str], jobs: str) -> tuple[float, float, str]:
    """Wall and CPU seconds of one `check`, and its JSON report."""
    extra = [] if jobs == "auto" else ["--jobs", jobs]
    start = time.perf_counter()
    before = os.times()
    run = subprocess.run([*command, "check", "-f", "json", "-q", *extra], cwd=root, capture_output=True, text=True)
    after = os.times()
    if run.returncode not in (0, 1):
        raise SystemExit(f"exit {run.returncode}: {run.stderr.strip()}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return time.perf_counter() - start, cpu, run.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--rules", type=int, default=100)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--jobs", default="auto", help="`--jobs` of the checks (default: automatic)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    command = [shutil.which("artifact-lint") or str(Path(sys.executable).with_name("artifact-lint"))]
    with tempfile.TemporaryDirectory(prefix="al-custom-") as tmp:
        plain, custom = Path(tmp) / "plain", Path(tmp) / "custom"
        make_corpus(plain, args.size)
        make_corpus(custom, args.size)
        write_rules(custom, args.rules)
        reports = {}
        for root in (plain, custom):
            (root / ".git").mkdir()
            reports[root] = json.loads(_check(root, command, args.jobs)[2])  # fills the registry cache
        planted = [f for f in reports[custom]["findings"] if f["code"].startswith("AL")]
        if planted != reports[plain]["findings"]:
            raise SystemExit("the rules changed the built-in rules' findings")
        custom_findings = len(reports[custom]["findings"]) - len(planted)
        best = {plain: (float("inf"), 0.0), custom: (float("inf"), 0.0)}
        for _ in range(args.runs):
            for root in (plain, custom):
                wall, cpu, _ = _check(root, command, args.jobs)
                if wall < best[root][0]:
                    best[root] = (wall, cpu)
        ratio = best[custom][0] / best[plain][0]
        cpu_ratio = best[custom][1] / best[plain][1] if best[plain][1] else float("nan")
        print(f"N = {args.size}, {args.rules} rules, --jobs {args.jobs}: without {best[plain][0]:.3f} s"
              f" (CPU {best[plain][1]:.2f} s), with {best[custom][0]:.3f} s (CPU {best[custom][1]:.2f} s):"
              f" ratio {ratio:.2f} (CPU {cpu_ratio:.2f}); the rules gave {custom_findings} finding(s)")
        if args.json:
            args.json.write_text(json.dumps({
                "size": args.size, "rules": args.rules, "runs": args.runs, "jobs": args.jobs,
                "without_s": best[plain][0], "with_s": best[custom][0], "ratio": ratio,
                "without_cpu_s": best[plain][1], "with_cpu_s": best[custom][1], "cpu_ratio": cpu_ratio,
                "custom_findings": custom_findings}, indent=2) + "\n")


if __name__ == "__main__":
    main()
