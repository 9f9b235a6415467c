"""Write a synthetic factory repository of N artifacts for benchmarking artifact-lint.

    python bench/make_corpus.py OUT_DIR -n 1000 [--seed 7] [--violations 0.05]

The repository looks like ours (``artifacts/``, ``specialists/``, ``rules/policy.yaml``,
``docs/factory/public-artifacts.md``, ``pyproject.toml`` with ``[tool.artifact-lint]``)
at any size:

* artifacts of every policy state, from short parked demos (~20 lines) to long
  candidates with many evidence, competition, blocker, dataset and rejected-attempt
  rows (~150 lines); about 65 lines on average, like ``artifacts/`` here;
* competition rows with every comparability label and a readout each; ``Direct``
  rows carry their evidence ``gate`` and a correct ``+x.y points`` readout, and some
  artifacts repeat the claim in ``next_release_action`` or a structured ``claims`` row;
* a few shipped artifacts (``release-ready-metadata``), each with a package under
  ``specialists/<id>/`` whose ``decision.json`` says ship;
* the registry document, whose list table agrees with the files (same ids, types
  and states) and whose states and labels tables agree with the policy;
* about 5% of the artifacts with one planted violation each (see ``KINDS``).

Everything is derived from ``--seed``: the same arguments write the same bytes.
``expected-findings.json`` at the corpus root (outside the linted paths) lists the
finding each planted violation must produce (code, path, field); a clean artifact
must produce none.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import shutil
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# --------------------------------------------------------------------------- vocabulary

# (display name, slug): the base models our specialists are trained from.
BASES = [
    ("Qwen3-4B", "qwen3-4b"), ("Qwen3-0.6B", "qwen3-06b"), ("Qwen2.5-1.5B", "qwen25-15b"),
    ("Gemma-2B", "gemma-2b"), ("Mistral-7B", "mistral-7b"), ("Llama3-8B", "llama3-8b"),
    ("Phi-3-mini", "phi3-mini"), ("SmolLM2-1.7B", "smollm2-17b"),
]
# (task phrase, slug, metric, fixture noun)
TASKS = [
    ("SQL generation", "sql", "exact match", "text-to-SQL rows"),
    ("invoice field extraction", "invoice-fields", "field exact", "invoices"),
    ("ticket triage", "ticket-triage", "routing accuracy", "support tickets"),
    ("file operations", "file-ops", "task success", "file-ops tasks"),
    ("log parsing", "log-parse", "field F1", "log lines"),
    ("JSON repair", "json-repair", "valid-and-equal rate", "broken JSON documents"),
    ("shell command synthesis", "shell", "execution match", "shell tasks"),
    ("citation extraction", "citations", "citation exact", "papers"),
    ("unit conversion", "units", "answer exact", "conversion questions"),
    ("calendar scheduling", "calendar", "slot accuracy", "scheduling requests"),
    ("code review comments", "review", "accepted-comment rate", "pull requests"),
    ("regex writing", "regex", "pass rate", "regex specs"),
]
# External systems for Directional / Not comparable rows. Their distinctive tokens
# never collide with a base model's, so a sentence naming a base names no context row.
EXTERNAL = [
    ("DocParse-XL-13B", "vendor document suite"), ("Arctic-Text2SQL-R1-14B", "BIRD execution accuracy"),
    ("Defog SQLCoder-15B", "SQL-Eval category scores"), ("Granite-20B-Code", "HumanEvalPack"),
    ("CodeStral-22B", "RepoBench"), ("Mixtral-8x22B", "MMLU-Pro"), ("NexusRaven-V2-13B", "function-call F1"),
    ("Hermes-2-Pro-70B", "tool-use suite"), ("Donut-OCR-Large", "leaderboard field F1"),
    ("LayoutLMv3-base", "FUNSD F1"), ("GPT-4o-mini", "vendor-reported accuracy"),
    ("Claude-3.5-Haiku", "vendor-reported accuracy"), ("OpenTriage-X2", "triage leaderboard"),
    ("ShellGPT-v5", "NL2Bash accuracy"), ("RegexForge-9B", "regex benchmark pass@1"),
]
DIRECTIONAL_READOUTS = [
    "A different suite and size class, shown for context.",
    "Useful market context, but measured on another benchmark with another scorer.",
    "A strong public system in this lane; its score comes from a different eval, so it is context only.",
    "Shown to place the lane; the prompt setup and metric differ from our gate.",
]
NOT_COMPARABLE_READOUTS = [
    "The public high bar for the lane, not a comparison.",
    "Marks where the lane is heading; a run on the same benchmark is needed before any comparison.",
    "An adjacent system at a much larger scale; it explains the target, nothing more.",
]
BLOCKERS = [
    ("Public execution benchmark missing",
     "The current gate is a useful signal but too weak to back a serious public claim.",
     "Add an execution gate on a public benchmark as soon as the data is available locally."),
    ("Not packaged under specialists/",
     "The adapters exist only as local run outputs; there is no package metadata for them.",
     "Keep publishing it as a report; build a package only once a decision.json for it says ship."),
    ("Output hygiene is weak",
     "Many completions still carry prose after the answer, and scoring keeps only the first match.",
     "Add a clean-output metric plus stopping and format preference data before anything ships."),
    ("Performance numbers missing",
     "A public artifact is expected to state latency, RAM, tokens per second and eval time.",
     "Measure one inference and eval run on the routed setup and record the figures."),
    ("Data provenance needs public copy",
     "The training rows come from sources with different licenses and provenance.",
     "Write dataset license and provenance notes into the public report."),
    ("Breadth regression is real",
     "Outside its lane the specialist is weaker than the stock model.",
     "Describe it as a routed-only specialist in every piece of public copy."),
    ("Weight hosting undecided",
     "The fused weights live in a local cache that nobody outside can download.",
     "Either commit to a metadata-only release or upload the weights to a lasting host."),
    ("Outside the active factory sequence",
     "It does not present factory reports or artifacts, so it does not serve current release work.",
     "Rebuild it around factory reports, or leave it parked."),
]
LICENSES = ["CC-BY-4.0", "Apache-2.0", "MIT", "CC-BY-SA-4.0", "ODC-By-1.0"]
TYPES_SHIPPED = "Specialist package metadata"
TYPES_MODEL = ["Routed specialist POC", "Routed extraction adapter", "Distilled adapter",
               "LoRA specialist candidate", "Routed specialist candidate"]
TYPES_OTHER = ["Process artifact", "Demo artifact", "Evaluation report", "Data recipe"]

POLICY = (
    "# The release policy as data (the seed document's policy).\n"
    "states:\n"
    '  release-ready-metadata: {meaning: "Small committed metadata exists; large weights may still be external.",'
    " shipped: true}\n"
    '  candidate-current-best: {meaning: "Best measured candidate, but not yet a shipped specialist package.",'
    " shipped: false}\n"
    '  report-only:            {meaning: "Good public write-up/repro artifact, but no model should be used directly.",'
    " shipped: false}\n"
    '  blocked:                {meaning: "Needs a named unblocker before public release work continues.",'
    " shipped: false}\n"
    '  parked:                 {meaning: "Real artifact, but not active in the factory sequence.",'
    " shipped: false, requires_evidence: false}\n"
    "labels:\n"
    '  Direct:         {meaning: "Same fixture, prompt/eval setup, metric, and scorer.", win_claims: true}\n'
    '  Directional:    {meaning: "Useful market or method context, but not the same eval.", win_claims: false}\n'
    '  Not comparable: {meaning: "Public high bar or adjacent system that explains the target lane'
    ' but cannot be claimed as a win/loss.", win_claims: false}\n'
)
PYPROJECT = """\
[project]
name = "synthetic-factory"
version = "0.0.0"

[tool.artifact-lint]
paths = ["artifacts"]
policy = "rules/policy.yaml"
registry-doc = "docs/factory/public-artifacts.md"
specialists = "specialists"
# A registry document of 10,000 rows is about 2 MB, over the 1 MiB default.
max-file-size = "8 MiB"
"""
STATE_MEANINGS = [
    ("release-ready-metadata", "The small metadata package is committed; large weights may still live elsewhere."),
    ("candidate-current-best", "Our best measured candidate so far, not yet shipped as a specialist package."),
    ("report-only", "Worth publishing as a write-up or reproduction; no model in it is meant for direct use."),
    ("blocked", "Release work waits on a named unblocker."),
    ("parked", "A real artifact that is not part of the current factory sequence."),
]
LABEL_MEANINGS = [
    ("Direct", "Run by us on the same fixture, with the same prompt and eval setup, metric and scorer."),
    ("Directional", "Helpful context about the market or the method, measured on a different eval."),
    ("Not comparable", "A public high bar or neighbouring system that shows where the lane is heading."),
]

# Planted violations, in the order they are handed out; each produces exactly one finding.
KINDS: dict[str, tuple[str, str | None]] = {
    # kind: (rule code, field of the finding; None = no field)
    "bad-state": ("AL101", "state"),
    "non-direct-win-claim": ("AL202", "next_release_action"),
    "missing-blockers": ("AL301", "blockers"),
    "wrong-delta": ("AL204", "competition[0].readout"),
    "placeholder-blocker": ("AL302", "blockers[0].unblock"),
    "invalid-label": ("AL201", "competition[1].label"),
    "website-mismatch": ("AL505", "website"),
    "unbacked-number": ("AL206", "public_value"),
    "registry-drift": ("AL601", "state"),
    "missing-field": ("AL002", "next_release_action"),
}
STATE_WEIGHTS = [("candidate-current-best", 35), ("report-only", 25), ("blocked", 20), ("parked", 20)]
SHIPPED_SHARE = 0.025  # "a few packages": one shipped artifact in forty
DOC_PATH = "docs/factory/public-artifacts.md"


# --------------------------------------------------------------------------- a tiny YAML writer


class Raw(str):
    """A scalar written exactly as given (numbers keep their digits: `0.690`)."""


class Folded(str):
    """A prose string written as a `>-` folded block."""


_PLAIN_OK = re.compile(r"^[A-Za-z(/~][^\n]*$")
_NOT_PLAIN = re.compile(r": |\s#|:$|^[-?:,\[\]{}#&*!|>'\"%@`]|[\[\]{},]")
_RESERVED = {"null", "true", "false", "yes", "no", "on", "off", "~", "y", "n"}


def _scalar(value: Any) -> str:
    if isinstance(value, Raw):
        return str(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if (_PLAIN_OK.match(text) and not _NOT_PLAIN.search(text) and text.casefold() not in _RESERVED
            and text == text.strip()):
        return text
    return json.dumps(text, ensure_ascii=False)


def _block(text: str, indent: int) -> list[str]:
    width = max(40, 80 - indent)
    return [" " * indent + line for line in textwrap.wrap(text, width, break_on_hyphens=False,
                                                          break_long_words=False)]


def _emit(mapping: dict[str, Any], indent: int, out: list[str], first: str | None = None) -> None:
    """Write a mapping as block YAML lines; `first` replaces the first line's indentation
    (`"  - "` for a mapping that is a list item)."""
    for position, (key, item) in enumerate(mapping.items()):
        lead = first if position == 0 and first is not None else " " * indent
        _value(f"{lead}{key}:", item, indent, out)


def _value(head: str, item: Any, indent: int, out: list[str]) -> None:
    if isinstance(item, Folded):
        out.append(f"{head} >-")
        out.extend(_block(item, indent + 2))
    elif isinstance(item, dict) and item and item.get("__flow__"):
        pairs = ", ".join(f"{k}: {_scalar(v)}" for k, v in item.items() if k != "__flow__")
        out.append(f"{head} {{{pairs}}}")
    elif isinstance(item, dict):
        if not item:
            out.append(f"{head} {{}}")
            return
        out.append(head)
        _emit(item, indent + 2, out)
    elif isinstance(item, list):
        if not item:
            out.append(f"{head} []")
            return
        out.append(head)
        for element in item:
            if isinstance(element, dict):
                _emit(element, indent + 4, out, first=" " * (indent + 2) + "- ")
            elif isinstance(element, Folded):
                out.append(f"{' ' * (indent + 2)}- >-")
                out.extend(_block(element, indent + 4))
            else:
                out.append(f"{' ' * (indent + 2)}- {_scalar(element)}")
    else:
        out.append(f"{head} {_scalar(item)}")


def to_yaml(data: dict[str, Any], comment: str | None = None) -> str:
    out: list[str] = [f"# {comment}"] if comment else []
    _emit(data, 0, out)
    return "\n".join(out) + "\n"


def prose(text: str) -> str:
    """Long public copy as a folded block, short copy as a plain scalar."""
    return Folded(text) if len(text) > 60 else text


# --------------------------------------------------------------------------- numbers


def frac(thousandths: int) -> Raw:
    return Raw(f"{thousandths / 1000:.3f}")


def pct(thousandths: int) -> Raw:
    return Raw(f'"{thousandths / 10:.1f}%"')


def points(value: int, baseline: int) -> str:
    """The difference in percentage points of two values in thousandths: `+4.4`."""
    return f"{(value - baseline) / 10:+.1f}"


def shown(thousandths: int, as_percent: bool) -> str:
    """A value as public copy writes it."""
    return f"{thousandths / 10:.1f}%" if as_percent else f"{thousandths / 1000:.3f}"


# --------------------------------------------------------------------------- one artifact


@dataclass
class Planned:
    """What the generator decided for one artifact, before writing it."""

    index: int
    id: str
    type: str
    state: str
    size: str  # small | medium | large
    base: int  # index into BASES
    task: int  # index into TASKS
    violation: str | None = None
    doc_state: str | None = None  # the state the registry document lists
    public_value_short: str = ""
    next_action_short: str = ""
    package: str | None = None


def _gate_name(task: tuple[str, str, str, str], n_rows: int) -> str:
    return f"Public {task[1]} {task[2]}, {n_rows} rows"


def build_artifact(plan: Planned, rng: random.Random) -> dict[str, Any]:
    base_name = BASES[plan.base][0]
    task = TASKS[plan.task]
    v = plan.violation
    state = plan.state
    shipped = state == "release-ready-metadata"
    parked = state == "parked"
    as_percent = rng.random() < 0.3
    size = plan.size

    # --- evidence
    evidence: list[dict[str, Any]] = []
    direct_gate = None
    value = baseline = 0
    if not parked or size != "small":
        n_rows = rng.choice([50, 64, 120, 200, 250, 500])
        value = rng.randint(520, 960)
        baseline = value - rng.randint(12, 380)
        direct_gate = _gate_name(task, n_rows)
        fmt = pct if as_percent else frac
        row: dict[str, Any] = {"gate": direct_gate, "value": fmt(value), "baseline": fmt(baseline),
                               "baseline_name": f"Stock {base_name}", "n": n_rows, "metric": task[2]}
        if size == "large":
            row["fixture"] = f"frozen public {task[3]} slice"
            row["scorer"] = "one scorer for stock and specialist"
        evidence.append(row)
        extra = {"small": 0, "medium": rng.randint(1, 2), "large": rng.randint(2, 4)}[size]
        for k in range(extra):
            gate = f"{rng.choice(['Held-out', 'Synthetic', 'Breadth', 'Hard', 'Long-input'])} {task[1]} gate {k + 2}"
            row = {"gate": gate, "value": fmt(rng.randint(300, 990))}
            if rng.random() < 0.5:
                row["n"] = rng.choice([40, 50, 100, 300])
            if rng.random() < 0.4:
                row["note"] = prose(rng.choice([
                    "Specialist only; no stock score was recorded on this split.",
                    "A regression, disclosed on purpose; it is why the model is routed-only.",
                    "Scored with the same harness as the main gate, on rows the adapter never saw.",
                ]))
            evidence.append(row)

    # --- competition
    competition: list[dict[str, Any]] = []
    stock = f"Stock {base_name}"
    delta = points(value, baseline)
    if evidence and not parked:
        fmt = pct if as_percent else frac
        readout_delta = delta
        if v == "wrong-delta":
            readout_delta = points(value + rng.choice([13, -17, 21]), baseline)
        competition.append({
            "system": stock, "metric": task[2], "score": fmt(baseline), "label": "Direct",
            "gate": direct_gate,
            "readout": prose(f"Same {evidence[0]['n']}-row slice; the adapter is {readout_delta} points."),
        })
        others = {"small": 1, "medium": rng.randint(1, 2), "large": rng.randint(2, 4)}[size]
        for k, (system, metric) in enumerate(rng.sample(EXTERNAL, others)):
            label = "Directional" if k % 2 == 0 else "Not comparable"
            readouts = DIRECTIONAL_READOUTS if label == "Directional" else NOT_COMPARABLE_READOUTS
            row = {"system": system, "metric": metric,
                   "score": rng.choice([Raw(f'"{rng.randint(550, 950) / 10:.1f}%"'),
                                        Raw(f'"{rng.randint(60, 80)}.{rng.randint(1, 9)}-{rng.randint(85, 97)}%"'),
                                        frac(rng.randint(400, 950))]),
                   "label": label, "readout": prose(rng.choice(readouts))}
            if label == "Directional" and v == "invalid-label" and k == 0:
                row["label"] = "Directonal"
            competition.append(row)

    # --- public copy
    metric_word = task[2]
    if evidence:
        pv = (f"A routed {task[0]} specialist on {base_name}: {metric_word} {shown(value, as_percent)} on the "
              f"public slice, up from {shown(baseline, as_percent)} for stock {base_name.split('-')[0]}.")
        if v == "unbacked-number":
            pv = (f"A routed {task[0]} specialist on {base_name}: {metric_word} "
                  f"{shown(value + 11, as_percent)} on the public slice, up from "
                  f"{shown(baseline, as_percent)} for stock {base_name.split('-')[0]}.")
        if size == "large":
            pv += " The cost outside its lane is stated up front, and the rejected attempts are kept as evidence."
    else:
        pv = f"A public record of an earlier {task[0]} demo track, kept for reference."
    next_action = {
        "release-ready-metadata": "Decide where the fused weights will be hosted, then publish the package page.",
        "candidate-current-best": "Publish as a report; package once a public execution gate exists.",
        "report-only": "Publish the write-up with its reproduction script and frozen fixture.",
        "blocked": "Wait for the named unblocker, then rerun the frozen gate.",
        "parked": "Leave it parked until it presents factory reports.",
    }.get(state, "Publish as a report once the state is settled.")
    if competition and rng.random() < 0.5:
        next_action += (f" Headline for the report: on the frozen public slice our adapter beats the"
                        f" stock {base_name} baseline by {delta} points.")
    if v == "non-direct-win-claim":
        directional = next(r for r in competition if r["label"] != "Direct")
        next_action += f" It already beats {directional['system']} in this lane."

    artifact_id = plan.id
    data: dict[str, Any] = {
        "id": artifact_id,
        "type": plan.type,
        "state": "candiate-current-best" if v == "bad-state" else state,
        "public_value": prose(pv),
        "publishable_now": prose(
            "The small committed package (model card, eval report) and its registry entry; the fused"
            " weights are not part of this release surface yet." if shipped else
            "A public report with the measured gates, the competitive context and the open blockers."
            if evidence else "The existing demo and its write-up; no new release work is planned."),
        "provenance": {
            "source": prose(f"LoRA adapter on {base_name} trained on synthetic {task[3]}; the weights are kept"
                            " outside git in the local run outputs." if evidence else
                            "Built during an earlier learning track; it has no weights."),
            "evaluation": prose(f"Frozen public slice of {task[3]} scored by {task[2]}, stock and specialist"
                                " under one scorer." if evidence else "Not evaluated; it is a demo."),
            "readiness": prose("The metadata is complete and the decision record says ship; weight hosting is"
                               " still open." if shipped else
                               "Not ready to package: the blockers below are open." if evidence else
                               "A demo, not a model package."),
        },
    }
    if shipped:
        package = f"specialists/{artifact_id}"
        plan.package = package
        data["surface"] = [f"{package}/model_card.md", f"{package}/eval_report.json",
                           f"{package}/decision.json"]
        data["package"] = package
    if shipped or (evidence and size == "large" and rng.random() < 0.5):
        data["weights"] = {"location": f"~/.cache/factory/models/{artifact_id}",
                           "format": rng.choice(["safetensors", "LoRA adapter", "fused model weights"])}
        if rng.random() < 0.5:
            data["performance"] = {"latency_ms": rng.randint(40, 900), "ram_gb": Raw(f"{rng.randint(8, 160) / 10:.1f}"),
                                   "tokens_per_s": rng.randint(12, 140), "eval_time_s": rng.randint(30, 4000)}
        else:
            data["performance"] = {"latency_ms": None, "ram_gb": None, "tokens_per_s": None,
                                   "eval_time_s": None,
                                   "note": prose("None of these runtime figures were recorded yet; only gate"
                                                 " scores exist so far.")}
    data["evidence"] = evidence
    data["competition"] = competition
    if size == "large" and competition and rng.random() < 0.5:
        data["claims"] = [{"text": prose(f"The adapter beats {stock} on the frozen public slice by {delta} points."),
                           "against": stock, "gate": direct_gate, "delta": f"{delta} points"}]
    if size == "large" and evidence:
        data["rejected_alternatives"] = [
            {"attempt": rng.choice(["Single adapter without routing", "Blended SFT v1", "Static LoRA merge",
                                    "Larger learning rate sweep", "Distilled from a bigger teacher"]) + f" {k + 1}",
             "results": {"__flow__": True, "Public gate": frac(rng.randint(200, 700)),
                         "Synthetic gate": frac(rng.randint(200, 700))},
             "decision": rng.choice(["reject", "route required", "retry with cleaner data"])}
            for k in range(rng.randint(1, 3))]
        data["source_notes"] = [prose(f"The Direct baseline is our own local rerun of {stock} on the same rows,"
                                      " not a published figure."),
                                prose("External rows are taken from public leaderboards and vendor reports;"
                                      " they are context only, never head-to-head rows.")]
        data["datasets"] = [{"name": f"{task[1]}-public", "license": rng.choice(LICENSES),
                             "provenance": prose(f"Public {task[3]}; the frozen slice comes from it.")},
                            {"name": f"{task[1]}-synthetic", "license": "internal, released with the report",
                             "provenance": prose("Generated by the factory's data step from templated prompts.")}]
    blockers: list[dict[str, Any]] = []
    count = {"small": 1, "medium": rng.randint(1, 3), "large": rng.randint(3, 5)}[size]
    if parked:
        chosen = [BLOCKERS[7]]
    else:
        chosen = rng.sample(BLOCKERS[:7], count)
    for b, why, unblock in chosen:
        blockers.append({"blocker": b, "why": prose(why), "unblock": prose(unblock)})
    if v == "missing-blockers":
        blockers = []
    if v == "placeholder-blocker":
        blockers[0]["unblock"] = "TBD"
    data["blockers"] = blockers
    if v != "missing-field":
        data["next_release_action"] = prose(next_action)
    if size != "small" or shipped:
        data["website"] = f"/artifact/{artifact_id}" if v == "website-mismatch" else f"/artifacts/{artifact_id}"
    if size == "large":
        data["notes"] = [prose("Numbers in this entry come from the frozen gates listed under evidence; nothing"
                               " here is a published third-party figure.")]
    plan.public_value_short = pv.split(":")[0]
    plan.next_action_short = next_action.split(".")[0] + "."
    return data


# --------------------------------------------------------------------------- the repository


@dataclass
class Manifest:
    n: int
    seed: int
    artifacts: int
    packages: int
    lines: int
    expected: list[dict[str, Any]]  # {"code", "path", "field", "kind"}

    @property
    def mean_lines(self) -> float:
        return self.lines / self.artifacts if self.artifacts else 0.0


def _plan(n: int, seed: int, violation_rate: float) -> list[Planned]:
    rng = random.Random(seed)
    shipped = set(rng.sample(range(n), max(1, round(n * SHIPPED_SHARE)))) if n else set()
    n_violations = min(n, math.ceil(n * violation_rate))
    violating = sorted(rng.sample([i for i in range(n) if i not in shipped] or list(range(n)), min(
        n_violations, max(0, n - len(shipped)))))
    kinds = list(KINDS)
    violation_of = {index: kinds[k % len(kinds)] for k, index in enumerate(violating)}
    plans: list[Planned] = []
    for i in range(n):
        base = rng.randrange(len(BASES))
        task = rng.randrange(len(TASKS))
        artifact_id = f"{BASES[base][1]}-{TASKS[task][1]}-{i:05d}"
        violation = violation_of.get(i)
        if i in shipped:
            state = "release-ready-metadata"
        else:
            states, weights = zip(*STATE_WEIGHTS, strict=True)
            state = rng.choices(states, weights)[0]
        size = rng.choices(["small", "medium", "large"], [30, 50, 20])[0]
        if violation is not None and state in ("parked", "release-ready-metadata"):
            state = "candidate-current-best"  # every planted kind needs a non-shipped, measured artifact
        if violation in ("invalid-label", "non-direct-win-claim", "website-mismatch") and size == "small":
            size = "medium"
        if state == "release-ready-metadata":
            type_ = TYPES_SHIPPED
        elif state in ("parked", "report-only") and rng.random() < 0.5:
            type_ = rng.choice(TYPES_OTHER)
        else:
            type_ = rng.choice(TYPES_MODEL)
        plan = Planned(i, artifact_id, type_, state, size, base, task, violation)
        plan.doc_state = ("blocked" if state != "blocked" else "report-only") if violation == "registry-drift" \
            else ("candiate-current-best" if violation == "bad-state" else state)
        plans.append(plan)
    return plans


def _decision(artifact_id: str) -> str:
    return json.dumps({
        "decision": "ship",
        "reason": "The hard gate cleared and breadth stayed within the floor; the regression is disclosed.",
        "failure_reason": None,
        "failure_reason_confidence": "not-applicable",
        "lesson": None,
        "next_action": f"Register {artifact_id} as metadata-only and decide where the fused weights live.",
        "evidence_sources": ["eval_report.json", "model_card.md"],
        "blocked_by": [],
    }, indent=2) + "\n"


def _registry(plans: list[Planned]) -> str:
    out = ["# Public Artifacts", "",
           "A public artifact is something the factory puts in front of people outside this",
           "repository. This synthetic registry is written by `bench/make_corpus.py`.", "",
           "## Comparability Labels", "", "| Label | Meaning |", "|---|---|"]
    out += [f"| `{name}` | {meaning} |" for name, meaning in LABEL_MEANINGS]
    out += ["", "## Artifact States", "", "| State | Meaning |", "|---|---|"]
    out += [f"| `{name}` | {meaning} |" for name, meaning in STATE_MEANINGS]
    out += ["", "## Current Public Artifact List", "",
            "| Artifact | Type | State | Public value | Next release action |", "|---|---|---|---|---|"]
    for plan in plans:
        out.append(f"| `{plan.id}` | {plan.type} | `{plan.doc_state}` | {plan.public_value_short}."
                   f" | {plan.next_action_short} |")
    out += ["", "The files `artifacts/<id>.yaml` are the source of truth for every field above.", ""]
    return "\n".join(out)


def _hub_card(data: dict[str, Any]) -> str:
    """A Hugging Face card for an artifact: front matter, prose, an evidence table, a code
    block and limits, with before/after wording only (no finding)."""
    rows = [row for row in data.get("evidence") or [] if isinstance(row, dict) and row.get("gate")]
    said = " ".join(f"On {row['gate']} it goes from {row.get('baseline', 'no recorded baseline')} to {row['value']}."
                    for row in rows[:3])
    table = "\n".join(f"| {row['gate']} | {row.get('baseline', '-')} | {row['value']} |" for row in rows)
    return (f"---\nlicense: apache-2.0\ntags: [synthetic]\n---\n\n# {data['id']}\n\n"
            f"{data.get('type', 'Artifact')} from the synthetic factory. {said}\n\n"
            f"| Gate | Before | After |\n|---|---:|---:|\n{table}\n\n"
            "```bash\nartifact-lint check artifacts/\n```\n\n"
            "## Limits\n\n- Measured on the frozen slices named above only.\n"
            "- The Hub's request counter is not an adoption figure.\n")


def make_corpus(root: Path, n: int, seed: int = 7, violation_rate: float = 0.05,
                public_copy: bool = False) -> Manifest:
    """Write the repository under `root` (emptied first) and return its manifest. With
    `public_copy`, every artifact also gets a Hub card (`docs/hf-cards/<id>.md`) and every
    package a longer model card: public copy the claims rules read (artifact-format §7)."""
    root = Path(root)
    if root.exists():
        shutil.rmtree(root)
    (root / "artifacts").mkdir(parents=True)
    (root / "rules").mkdir()
    (root / "docs" / "factory").mkdir(parents=True)
    (root / "specialists").mkdir()
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (root / "rules" / "policy.yaml").write_text(POLICY, encoding="utf-8")

    plans = _plan(n, seed, violation_rate)
    expected: list[dict[str, Any]] = []
    total_lines = packages = 0
    for plan in plans:
        rng = random.Random(f"{seed}:{plan.index}")
        data = build_artifact(plan, rng)
        text = to_yaml(data, comment=f"Public artifact metadata: {plan.id} (synthetic).")
        path = f"artifacts/{plan.id}.yaml"
        (root / path).write_text(text, encoding="utf-8")
        total_lines += text.count("\n")
        if public_copy:
            (root / "docs" / "hf-cards").mkdir(exist_ok=True)
            (root / "docs" / "hf-cards" / f"{plan.id}.md").write_text(_hub_card(data), encoding="utf-8")
        if plan.package:
            folder = root / plan.package
            folder.mkdir(parents=True)
            (folder / "decision.json").write_text(_decision(plan.id), encoding="utf-8")
            card = _hub_card(data) if public_copy else f"# {plan.id}\n\nA routed specialist; see the public report.\n"
            (folder / "model_card.md").write_text(card, encoding="utf-8")
            (folder / "eval_report.json").write_text(json.dumps({"gate": "hard gate", "specialist": 0.91}) + "\n",
                                                     encoding="utf-8")
            packages += 1
        if plan.violation:
            code, field_name = KINDS[plan.violation]
            where = DOC_PATH if plan.violation == "registry-drift" else path
            expected.append({"code": code, "path": where, "field": field_name, "kind": plan.violation,
                             "artifact": plan.id})
    (root / DOC_PATH).write_text(_registry(plans), encoding="utf-8")
    manifest = Manifest(n, seed, n, packages, total_lines, expected)
    (root / "expected-findings.json").write_text(json.dumps({
        "n": n, "seed": seed, "artifacts": n, "packages": packages, "lines": total_lines,
        "mean_lines": round(manifest.mean_lines, 1), "violation_rate": violation_rate,
        "expected": expected}, indent=2) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the repository into (emptied first)")
    parser.add_argument("-n", type=int, default=1000, help="number of artifacts (default 1000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--violations", type=float, default=0.05, help="share of artifacts with a planted violation")
    parser.add_argument("--public-copy", action="store_true", help="a Hub card per artifact, longer model cards")
    args = parser.parse_args(argv)
    manifest = make_corpus(args.out, args.n, args.seed, args.violations, args.public_copy)
    print(f"{args.out}: {manifest.artifacts} artifacts ({manifest.lines} lines, {manifest.mean_lines:.1f} per file),"
          f" {manifest.packages} packages, {len(manifest.expected)} planted violations", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
