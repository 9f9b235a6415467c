"""`artifact-lint site` and `artifact-lint export`: the public artifacts site, built
from the same metadata `check` lints, and only for artifacts that pass it.

The repository is loaded and linted exactly as `check` does it (`open_session`,
`lint_repository`, keeping whole records for the pages). Each finding is then attributed to the artifact it
is about: a finding in the artifact's own file, or in the specialist package its
`package` field names. An artifact with an attributed finding at or above
`--fail-on` (default `error`) is *withheld*: no page is written for it (a stale
page from an earlier build is removed), the findings that stopped it are
printed on stderr, and the run exits 1. The other artifacts still get pages,
and the index lists only the published ones. Findings in the registry document
and in packages no artifact names belong to no artifact and block no page
(`check` is the gate for those).

`export` writes the machine-readable index the site is rendered from: one JSON
object with `version`, `tool`, `generated_from` and `artifacts` (each with the
validated data, per-severity finding counts, whether it is publishable, what
blocks it, and the display values the templates use). `site_render.py` writes the pages.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from artifact_lint import __version__
from artifact_lint.analysis.measures import Number, parse_measure
from artifact_lint.commands.check import CheckOptions, apply_command_line, check_targets, resolve_root
from artifact_lint.commands.site_render import PAGE, check_out, render
from artifact_lint.engine.lint import Result
from artifact_lint.engine.session import Session, lint_repository, open_session
from artifact_lint.model.findings import Finding, Severity
from artifact_lint.model.formats import SLUG_PATTERN, Artifact, Policy
from artifact_lint.model.policy import DEFAULT_POLICY_PATH
from artifact_lint.model.repository import ArtifactFile, Repository

FORMAT_VERSION = 1
_SLUG = re.compile(SLUG_PATTERN)
# A number as YAML or JSON writes it, read back from the source to keep its digits (`0.860`).
_WRITTEN_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
_SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO)


@dataclass
class SiteOptions:
    out: Path | None = None
    output: Path | None = None  # export: the JSON file (default: standard output)
    fail_on: str | None = None
    config: Path | None = None
    policy: Path | None = None
    root: Path | None = None
    baseline: Path | None = None  # findings recorded there are known issues, not page blockers


@dataclass
class Entry:
    """One artifact file: its findings, what blocks its page, and its index object."""

    artifact: ArtifactFile
    findings: list[Finding] = field(default_factory=list)
    blocking: list[Finding] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # site-level reasons (no valid id, duplicate id)
    known: list[Finding] = field(default_factory=list)  # findings the baseline accepts, shown on the page
    index: dict[str, Any] = field(default_factory=dict)

    @property
    def publishable(self) -> bool:
        return not self.blocking and not self.reasons

    @property
    def id(self) -> str | None:
        model = self.artifact.model
        return model.id if model is not None else None

    @property
    def label(self) -> str:
        return self.id or self.artifact.id or self.artifact.stem


@dataclass
class Built:
    session: Session
    repo: Repository
    result: Result
    entries: list[Entry]
    unattributed: list[Finding]
    document: dict[str, Any]

    @property
    def published(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.publishable]

    @property
    def withheld(self) -> list[Entry]:
        return [entry for entry in self.entries if not entry.publishable]


# --------------------------------------------------------------------------- loading


def _load(options: SiteOptions) -> tuple[Session, Repository, Result]:
    """Config, policy, repository and findings, the way `check` gets them (no paths: the configured ones)."""
    cwd = Path.cwd()
    check_options = CheckOptions(fail_on=options.fail_on, config=options.config, policy=options.policy,
                                 root=options.root)
    session = open_session(resolve_root(check_options, cwd), config_file=options.config, policy_file=options.policy)
    apply_command_line(session, check_options)
    check_targets(check_options, session, cwd)  # exit 2 when a configured path does not exist
    baseline = None
    if options.baseline is not None:
        from artifact_lint.engine.baseline import read_baseline

        baseline = read_baseline(options.baseline, str(options.baseline))
    result, repo = lint_repository(session, baseline=baseline, whole_records=True)  # the pages read every field
    return session, repo, result


def _published(repo: Repository) -> list[ArtifactFile]:
    """The artifacts the site is about: the metadata files, or in document mode (no
    metadata file at all) the registry document's entries."""
    files = [artifact for artifact in repo.artifacts if artifact.origin == "file"]
    return files or list(repo.documented)


def _key(artifact: ArtifactFile) -> str:
    """An artifact's own key: its file, or for a document entry the document and its id."""
    return artifact.path if artifact.origin == "file" else f"{artifact.path}#{artifact.id}"


def _package_owners(repo: Repository) -> dict[str, list[str]]:
    """Package folder -> the artifacts (by `_key`) whose `package` names it."""
    owners: dict[str, list[str]] = {}
    for artifact in _published(repo):
        model = artifact.model
        if model is not None and model.package:
            package = repo.package_for(model.package)
            if package is not None:
                owners.setdefault(package.path, []).append(_key(artifact))
    return owners


def attribute(repo: Repository, findings: list[Finding]) -> tuple[dict[str, list[Finding]], list[Finding]]:
    """Findings per artifact (its own file or document entry, or the package it names),
    keyed by `_key`, and the rest."""
    by_artifact: dict[str, list[Finding]] = {_key(artifact): [] for artifact in _published(repo)}
    owners = _package_owners(repo)
    rest: list[Finding] = []
    for finding in findings:
        own = f"{finding.path}#{finding.artifact}" if finding.artifact else finding.path
        for key in (finding.path, own):
            if key in by_artifact:
                by_artifact[key].append(finding)
                break
        else:
            holders = [keys for folder, keys in owners.items()
                       if finding.path == folder or finding.path.startswith(folder + "/")]
            if holders:
                for key in holders[0]:
                    by_artifact[key].append(finding)
            else:
                rest.append(finding)
    return by_artifact, rest


def _entries(repo: Repository, result: Result, threshold: Severity) -> tuple[list[Entry], list[Finding]]:
    by_artifact, rest = attribute(repo, result.findings)
    known_by_artifact, _ = attribute(repo, result.baselined)
    entries = []
    for artifact in _published(repo):
        found = by_artifact.get(_key(artifact), [])
        entry = Entry(artifact, found, [f for f in found if f.severity.rank >= threshold.rank],
                      known=known_by_artifact.get(_key(artifact), []))
        if artifact.model is None or not entry.id or not _SLUG.fullmatch(entry.id):
            entry.reasons.append("the file yields no valid `id`, so the page has no address")
        entries.append(entry)
    ids = Counter(entry.id for entry in entries if entry.id)
    for entry in entries:
        if entry.id and ids[entry.id] > 1:
            entry.reasons.append(f"another artifact file also has the id `{entry.id}`")
    return entries, rest


# --------------------------------------------------------------------------- display values


def written(artifact: ArtifactFile, path: tuple[str | int, ...], value: Any) -> str | None:
    """A value as the file writes it: numbers keep their digits (`0.860`, not `0.86`)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        document = artifact.document
        position = document.positions.find(path) if document else None
        if document is not None and position is not None:
            lines = document.text.splitlines()
            if 0 < position.line <= len(lines):
                match = _WRITTEN_NUMBER.match(lines[position.line - 1], position.column - 1)
                try:
                    if match and float(match.group()) == float(value):
                        return match.group().lstrip("+")
                except ValueError:
                    pass
        return repr(value) if isinstance(value, float) else str(value)
    return str(value).strip()


def _bar_number(raw: Any) -> Number | None:
    return parse_measure(raw).single if raw is not None else None


def bar(before: Any, after: Any) -> dict[str, Any] | None:
    """Bar lengths (0..1) for a before/after pair, or None when `after` is not one number.

    Fractions and percents share a 0-100% scale; other numbers are drawn relative to
    the larger of the two.
    """
    end = _bar_number(after)
    if end is None:
        return None
    start = _bar_number(before)
    numbers = [n for n in (start, end) if n is not None]
    if all(n.points is not None for n in numbers):
        values = [n.points for n in numbers]
        scale, top = "percent", 100.0
    else:
        values = [n.value for n in numbers]
        scale, top = "relative", max(abs(v) for v in values)  # type: ignore[arg-type]
    if not top:
        return None

    def share(number: Number | None) -> float | None:
        if number is None:
            return None
        value = number.points if scale == "percent" else number.value
        return round(min(max((value or 0.0) / top, 0.0), 1.0), 4)

    return {"scale": scale, "before": share(start), "after": share(end)}


def _headline(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    for row in rows:
        if row["before"] is not None and parse_measure(row["before"]).measured:
            return {"gate": row["gate"], "before": row["before"], "after": row["after"],
                    "baseline_name": row["baseline_name"]}
    return None


def _evidence(artifact: ArtifactFile, model: Artifact) -> list[dict[str, Any]]:
    rows = []
    for index, row in enumerate(model.evidence or []):
        where: tuple[str | int, ...] = ("evidence", index)
        before = written(artifact, (*where, "baseline"), row.baseline)
        after = written(artifact, (*where, "value"), row.value)
        rows.append({
            "gate": row.gate, "before": before, "after": after, "baseline_name": row.baseline_name,
            "n": row.n, "metric": row.metric, "fixture": row.fixture, "scorer": row.scorer, "note": row.note,
            "bar": bar(row.baseline, row.value),
        })
    return rows


def _competition(artifact: ArtifactFile, model: Artifact, policy: Policy) -> list[dict[str, Any]]:
    rows = []
    for index, row in enumerate(model.competition or []):
        label = policy.labels.get(row.label or "")
        rows.append({
            "system": row.system, "metric": row.metric,
            "score": written(artifact, ("competition", index, "score"), row.score),
            "label": row.label, "label_meaning": label.meaning if label else None,
            # Only a label that allows win claims (Direct) is a comparison; every other row is context.
            "context": label is None or not label.win_claims,
            "readout": row.readout, "gate": row.gate, "n": row.n, "aliases": list(row.aliases or []),
            "self": bool(row.is_self),
        })
    return rows


def _rejected(artifact: ArtifactFile, model: Artifact) -> list[dict[str, Any]]:
    rows = []
    for index, row in enumerate(model.rejected_alternatives or []):
        results = [{"gate": gate, "value": written(artifact, ("rejected_alternatives", index, "results", gate), value)}
                   for gate, value in (row.results or {}).items()]
        rows.append({"attempt": row.attempt, "results": results, "decision": row.decision})
    return rows


def _tone(name: str | None, state: Any) -> str:
    """A colour family for the state badge; the badge always shows the state as text too."""
    if state is not None and state.shipped:
        return "shipped"
    for prefix in ("blocked", "candidate", "report", "parked"):
        if (name or "").startswith(prefix):
            return prefix
    return "other"


def _display(artifact: ArtifactFile, model: Artifact, policy: Policy) -> dict[str, Any]:
    state = policy.states.get(model.state or "")
    evidence = _evidence(artifact, model)
    return {
        "state": {"name": model.state, "meaning": state.meaning if state else None,
                  "shipped": bool(state and state.shipped), "tone": _tone(model.state, state)},
        "headline": _headline(evidence),
        "evidence": evidence,
        "competition": _competition(artifact, model, policy),
        "rejected_alternatives": _rejected(artifact, model),
        "blocker_count": len(model.blockers or []),
        "performance": {name: written(artifact, ("performance", name), getattr(model.performance, name, None))
                        for name in ("latency_ms", "ram_gb", "tokens_per_s", "eval_time_s")},
        "weights_size": written(artifact, ("weights", "size"), model.weights.size if model.weights else None),
    }


def _finding_dict(finding: Finding) -> dict[str, Any]:
    return {"code": finding.code, "severity": finding.severity.value, "path": finding.path,
            "line": finding.line, "column": finding.column, "message": finding.message}


def _index_entry(entry: Entry, policy: Policy) -> dict[str, Any]:
    model = entry.artifact.model
    counts = Counter(f.severity for f in entry.findings)
    blocking = [_finding_dict(f) for f in entry.blocking]
    blocking += [{"code": None, "severity": "error", "path": entry.artifact.path, "line": 1, "column": 1,
                  "message": reason} for reason in entry.reasons]
    return {
        "id": entry.id,
        "path": entry.artifact.path,
        "publishable": entry.publishable,
        "page": PAGE.format(id=entry.id) if entry.publishable else None,
        "findings": {severity.value: counts.get(severity, 0) for severity in _SEVERITIES},
        "blocking": blocking,
        "known_issues": [_finding_dict(f) for f in entry.known],
        "data": model.model_dump(mode="json", by_alias=True, exclude_unset=True) if model else None,
        "display": _display(entry.artifact, model, policy) if model else None,
    }


def _policy_source(session: Session, explicit: Path | None) -> str:
    if explicit is not None:
        return str(explicit)
    relative = session.config.policy or DEFAULT_POLICY_PATH
    return relative if (session.root / relative).is_file() else "built-in"


def build(options: SiteOptions) -> Built:
    """Lint the repository and build the index document the site is rendered from."""
    session, repo, result = _load(options)
    entries, rest = _entries(repo, result, session.config.fail_on)
    for entry in entries:
        entry.index = _index_entry(entry, session.policy)
    document = {
        "version": FORMAT_VERSION,
        "tool": {"name": "artifact-lint", "version": __version__},
        "generated_from": {
            "paths": list(session.config.paths),
            "policy": _policy_source(session, options.policy),
            "config": session.config.source,
            "fail_on": session.config.fail_on.value,
            "baseline": str(options.baseline) if options.baseline is not None else None,
            "files": [entry.artifact.path for entry in entries],
        },
        "policy": session.policy.model_dump(mode="json"),
        "artifacts": [entry.index for entry in entries],
    }
    return Built(session, repo, result, entries, rest, document)


# --------------------------------------------------------------------------- reporting


def report_withheld(built: Built, stream: TextIO) -> None:
    """Which findings stopped which page, on stderr; and the findings that block nothing."""
    threshold = built.session.config.fail_on
    for entry in built.withheld:
        print(f"artifact-lint: no page for `{entry.label}` ({entry.artifact.path}); stopped by:", file=stream)
        for finding in entry.blocking:
            print(f"  {finding.code} {finding.path}:{finding.line}:{finding.column}: [{finding.severity.value}]"
                  f" {finding.message}", file=stream)
        for reason in entry.reasons:
            print(f"  {entry.artifact.path}:1:1: {reason}", file=stream)
    outside = [f for f in built.unattributed if f.severity.rank >= threshold.rank]
    if outside:
        paths = ", ".join(sorted({f.path for f in outside}))
        print(f"artifact-lint: {len(outside)} finding(s) in files that belong to no artifact ({paths})"
              " block no page; `artifact-lint check` reports them", file=stream)



def run_site(options: SiteOptions) -> int:
    assert options.out is not None
    built = build(options)
    out = check_out(options.out, built.session.root, built.session.config.paths)
    pages = render(built, out, str(options.out).rstrip("/") or "/")
    report_withheld(built, sys.stderr)
    withheld = len(built.withheld)
    print(f"artifact-lint: wrote {len(pages)} page(s) to {options.out} (index and {len(pages) - 1} artifact"
          f" page(s)){f'; {withheld} artifact(s) withheld' if withheld else ''}")
    return 1 if withheld else 0


def run_export(options: SiteOptions) -> int:
    built = build(options)
    text = json.dumps(built.document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    if options.output is not None:
        from artifact_lint.sources.containment import write_text

        # Like `check -o`: inside the root, links resolved; missing folders are created.
        cwd = Path.cwd()
        full = options.output if options.output.is_absolute() else cwd / options.output
        write_text(full, text, built.session.root, "output file", str(options.output))
    else:
        sys.stdout.write(text)
    report_withheld(built, sys.stderr)
    return 1 if built.withheld else 0


__all__ = ["SiteOptions", "attribute", "bar", "build", "run_export", "run_site", "written"]
