"""Hover: on a finding's range, or on the key of a field with findings, the rule's
documentation as `artifact-lint explain CODE` prints it (Markdown)."""

from __future__ import annotations

from lsprotocol import types

from artifact_lint.engine.rule_set import Rule
from artifact_lint.engine.rule_set import by_code as rules_by_code
from artifact_lint.server.diagnostics import Snapshot, contains, under


def hover(snapshot: Snapshot, position: types.Position, rules: list[Rule]) -> types.Hover | None:
    hits = [(finding, diagnostic.range) for finding, diagnostic in snapshot.pairs
            if contains(diagnostic.range, position)]
    if not hits and snapshot.pairs:
        line, column = snapshot.lines.index(position)
        path = snapshot.spans.key_at(line, column)
        if path is not None:
            span = next(s for s in snapshot.spans.keys if s.path == path)
            key_range = types.Range(start=snapshot.lines.at(*span.start), end=snapshot.lines.at(*span.end))
            hits = [(finding, key_range) for finding, _ in snapshot.pairs if under(finding.field, path)]
    if not hits:
        return None
    from artifact_lint.reporters.catalogue import rule_markdown

    by_code = rules_by_code(rules)
    codes = dict.fromkeys(finding.code for finding, _ in hits)
    docs = [rule_markdown(by_code[code]) for code in codes if code in by_code]
    if not docs:
        return None
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n---\n\n".join(docs)),
                       range=hits[0][1])
