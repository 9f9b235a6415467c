"""`--format sarif`: one SARIF 2.1.0 log, ready for GitHub code scanning, with content fingerprints.

The log holds one run. `tool.driver.rules` describes every rule (not only the
ones that fired), so `ruleIndex` is stable and code scanning can show a rule's
help for any alert. Each result points at a repository-relative POSIX path
under the `%SRCROOT%` base id, percent-encoded as a relative URI reference
(`a b#c.yaml` is `a%20b%23c.yaml`: a raw `#` or `%` would be read as a fragment or
an escape, and a `:` in the first segment as a scheme).

Fingerprints
------------
`partialFingerprints` carries a hash of what a finding is *about*, not where it
sits: the rule code, the file path, the field path inside the file and the
offending value (`Finding.value`, canonical JSON). When a finding has neither a
field nor a value, its message stands in for them. The line and column are
left out on purpose, so a finding whose line moves (a comment added above it, a
key reordered) keeps its fingerprint and code scanning keeps the same alert.
Findings with the same key in one run are told apart by a `:N` occurrence
suffix, as CodeQL does. The hash is written under our own key
(`artifactLint/v1`) and under `primaryLocationLineHash`, the key GitHub matches
alerts on; because it is present, `upload-sarif` keeps it instead of computing
a line-content hash of its own.

Suppressed findings (`per-file-ignores`) are included with a `suppressions`
entry of kind `external`, so code scanning records them as suppressed rather
than losing them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from artifact_lint import __version__
from artifact_lint.engine.lint import Result
from artifact_lint.model.findings import Finding, content_key
from artifact_lint.reporters._safe import JSON_ERRORS, json_text

ENCODING_ERRORS = JSON_ERRORS  # `\uXXXX`; ASCII on a stream that is not UTF-8

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "artifactLint/v1"
GITHUB_FINGERPRINT_KEY = "primaryLocationLineHash"

LEVEL = {"error": "error", "warning": "warning", "info": "note"}
# GitHub's `problem.severity` for non-security rules.
PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "info": "recommendation"}
CATEGORY = {
    "0": "format",
    "1": "state",
    "2": "claims",
    "3": "blockers",
    "4": "packages",
    "5": "publication",
    "6": "registry-document",
    "9": "suppressions",
}


def information_uri() -> str | None:
    """The project's home page from the installed package metadata, when it declares one."""
    try:
        from importlib.metadata import metadata

        for entry in metadata("artifact-lint").get_all("Project-URL") or []:
            _, _, url = str(entry).partition(",")  # typeshed gives the headers as Any
            url = url.strip()
            if url.startswith(("https://", "http://")):
                return url
        # The first Home-page, as `Message.get` gives it (the protocol declares `get` from Python 3.12 only).
        home = (metadata("artifact-lint").get_all("Home-page") or [None])[0]
        if home and home.startswith(("https://", "http://")):
            return str(home)
    except Exception:  # noqa: BLE001 - metadata is optional (e.g. running from a checkout)
        return None
    return None


def fingerprints(findings: list[Finding]) -> list[str]:
    """One fingerprint a finding, `digest:N` with N counting equal digests in order."""
    seen: dict[str, int] = {}
    out = []
    for finding in findings:
        key = content_key(finding)
        seen[key] = seen.get(key, 0) + 1
        out.append(f"{key}:{seen[key]}")
    return out


def _plain(markdown: str) -> str:
    """Rule documentation as plain text: headings lose their `#`s, the rest stays."""
    return re.sub(r"^#{1,6} +(.+)$", r"\1:", markdown, flags=re.M).strip()


def _tags(rule: Any) -> list[str]:
    tags = ["release-policy"]
    category = CATEGORY.get(rule.code[2:3]) if rule.code.startswith("AL") else "custom"
    if category:
        tags.append(category)
    if getattr(rule, "fix", None):
        tags.append(f"fix-{rule.fix}")
    return tags


def rule_descriptor(rule: Any) -> dict[str, Any]:
    severity = rule.severity.value
    sections = rule.sections() if hasattr(rule, "sections") else {}
    full = sections.get("What it does") or rule.summary
    doc = (rule.doc or "").strip()
    markdown = f"**{rule.code} {rule.name}**: {rule.summary}\n\n{doc}".strip()
    text = f"{rule.code} {rule.name}: {rule.summary}\n\n{_plain(doc)}".strip()
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _plain(full), "markdown": full},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": LEVEL[severity]},
        "properties": {
            "tags": _tags(rule),
            "precision": "very-high",
            "problem.severity": PROBLEM_SEVERITY[severity],
        },
    }


def _placeholder_descriptor(finding: Finding) -> dict[str, Any]:
    """For a finding whose rule is not in the list given (never from the command line)."""
    return {
        "id": finding.code,
        "name": finding.name,
        "shortDescription": {"text": f"{finding.code} {finding.name}"},
        "defaultConfiguration": {"level": LEVEL[finding.severity.value]},
        "properties": {"tags": ["release-policy"]},
    }


def artifact_uri(path: str) -> str:
    """A repository-relative path as a relative URI reference: `a b#c%41.yaml` -> `a%20b%23c%2541.yaml`.

    Every byte of the UTF-8 path but letters, digits, `-._~` and `/` is percent-encoded;
    a name that is not UTF-8 on disk (held as lone surrogates) gets its own bytes back.
    """
    posix = Path(path).as_posix()
    try:
        raw = posix.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = posix.encode("utf-8", "surrogatepass")
    return quote(raw, safe="/")


def _region(finding: Finding) -> dict[str, int]:
    region = {"startLine": max(finding.line, 1), "startColumn": max(finding.column, 1)}
    end_line, end_column = finding.end_line, finding.end_column
    if end_line is not None and end_line >= region["startLine"]:
        region["endLine"] = end_line
        if end_column is not None and end_column >= 1 and (
                end_line > region["startLine"] or end_column >= region["startColumn"]):
            region["endColumn"] = end_column
    elif end_line is None and end_column is not None and end_column >= region["startColumn"]:
        region["endColumn"] = end_column  # endLine defaults to startLine
    return region


def _result(finding: Finding, index: int, fingerprint: str, *, suppressed: bool) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": index,
        "level": LEVEL[finding.severity.value],
        "message": {"text": finding.message},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": artifact_uri(finding.path), "uriBaseId": SRCROOT},
                "region": _region(finding),
            },
        }],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint, GITHUB_FINGERPRINT_KEY: fingerprint},
    }
    properties: dict[str, object] = {key: value for key, value in
                                      (("field", finding.field), ("artifact", finding.artifact)) if value is not None}
    if finding.fix is not None:
        properties["fix"] = {"safe": finding.fix.safe, "description": finding.fix.description}
    if properties:
        result["properties"] = properties
    if suppressed:
        result["suppressions"] = [{
            "kind": "external",
            "justification": "ignored by `per-file-ignores` in the artifact-lint configuration",
        }]
    return result


def _srcroot(result: Result) -> dict[str, Any]:
    base: dict[str, Any] = {"description": {"text": "The root of the linted repository."}}
    root = getattr(result, "root", None)
    if root is not None:
        base["uri"] = Path(root).resolve().as_uri().rstrip("/") + "/"
    return base


def as_sarif(result: Result, rules: list[Any]) -> dict[str, Any]:
    if not rules:
        from artifact_lint.engine.rule_set import load_rules

        rules = load_rules()
    descriptors = [rule_descriptor(rule) for rule in rules]
    index = {rule.code: i for i, rule in enumerate(rules)}
    for finding in [*result.findings, *result.suppressed]:
        if finding.code not in index:
            index[finding.code] = len(descriptors)
            descriptors.append(_placeholder_descriptor(finding))

    driver: dict[str, Any] = {"name": "artifact-lint", "version": __version__,
                              "semanticVersion": __version__}
    uri = information_uri()
    if uri:
        driver["informationUri"] = uri
    driver["rules"] = descriptors

    everything = [(f, False) for f in result.findings] + [(f, True) for f in result.suppressed]
    prints = fingerprints([f for f, _ in everything])
    results = [_result(f, index[f.code], fp, suppressed=s) for (f, s), fp in zip(everything, prints, strict=True)]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            "originalUriBaseIds": {SRCROOT: _srcroot(result)},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }


def write(result: Result, rules: list[Any], stream: IO[str], **_: Any) -> None:
    stream.write(json_text(as_sarif(result, rules), indent=2, allow_nan=False) + "\n")
