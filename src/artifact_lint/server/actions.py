"""Code actions: the fixes rules attach to their findings, as edits of the editor's buffer.

A fix is made by `fixer.fix_text`, the code `--fix` runs, on the buffer's text: only the
characters of the value change (anchors, tags, quoting and comments stay), and a fix the
file would not survive (an alias, a value that is not one scalar) is not offered. Safe
fixes are preferred quick fixes; unsafe ones say so in their title and are never
preferred. `source.fixAll.artifact-lint` applies every safe fix of the file at once.
"""

from __future__ import annotations

from collections.abc import Iterable

from lsprotocol import types

from artifact_lint.model.findings import Finding
from artifact_lint.server.diagnostics import Snapshot, overlaps
from artifact_lint.sources.input_formats import FIXABLE_SUFFIXES
from artifact_lint.sources.loader import Limits

FIX_ALL = f"{types.CodeActionKind.SourceFixAll.value}.artifact-lint"
KINDS = [types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll, FIX_ALL]


def _fixable(finding: Finding) -> bool:
    return finding.fix is not None and isinstance(finding.fix.replacement, str)


def _wanted(kind: str, only: Iterable[str] | None) -> bool:
    """Whether the client asked for actions of `kind` (`only` lists kinds or their parents)."""
    if only is None:
        return True
    return any(kind == wanted or kind.startswith(f"{wanted}.") for wanted in only)


def fixed_edit(snapshot: Snapshot, findings: list[Finding], limits: Limits) -> tuple[types.TextEdit, int] | None:
    """One edit of the buffer applying the fixes of `findings`, and how many it applies;
    None when none can be applied."""
    if snapshot.suffix not in FIXABLE_SUFFIXES:
        return None
    from artifact_lint.commands.fixer import fix_text

    before = snapshot.text
    after, applied, _ = fix_text(before, findings, snapshot.suffix, limits)
    if not applied or after == before:
        return None
    begin, end = _changed(before, after)
    if len(applied) == 1:  # the whole value, where the change stays inside it
        begin, end = _value_span(snapshot, applied[0], before, after, begin, end)
    growth = len(after) - len(before)
    edit = types.TextEdit(range=types.Range(start=snapshot.lines.offset(begin), end=snapshot.lines.offset(end)),
                          new_text=after[begin:end + growth])
    return edit, len(applied)


def _changed(before: str, after: str) -> tuple[int, int]:
    """The span of `before` that differs from `after` (common prefix and suffix left out)."""
    begin = 0
    limit = min(len(before), len(after))
    while begin < limit and before[begin] == after[begin]:
        begin += 1
    end = 0
    while end < limit - begin and before[len(before) - 1 - end] == after[len(after) - 1 - end]:
        end += 1
    return begin, len(before) - end


def _value_span(snapshot: Snapshot, finding: Finding, before: str, after: str, begin: int,
                end: int) -> tuple[int, int]:
    """The span of the fixed value's text, when the change lies inside it."""
    start = (finding.line, finding.column)
    value_end = snapshot.spans.by_start.get(start)
    if value_end is None or value_end[0] != start[0]:
        return begin, end
    first = snapshot.char_offset(*start)
    last = snapshot.char_offset(*value_end)
    if first <= begin and end <= last:
        return first, last
    return begin, end


def code_actions(snapshot: Snapshot, wanted: types.Range, context: types.CodeActionContext,
                 limits: Limits) -> list[types.CodeAction]:
    only = [str(kind.value if isinstance(kind, types.CodeActionKind) else kind) for kind in context.only] \
        if context.only else None
    uri = snapshot.uri
    actions: list[types.CodeAction] = []
    if _wanted(types.CodeActionKind.QuickFix.value, only):
        for finding, diagnostic in snapshot.pairs:
            fix = finding.fix
            if fix is None or not _fixable(finding) or not overlaps(diagnostic.range, wanted):
                continue
            made = fixed_edit(snapshot, [finding], limits)
            if made is None:
                continue
            edit, _ = made
            theirs = [d for d in context.diagnostics if d.code == finding.code and d.range == diagnostic.range]
            actions.append(types.CodeAction(
                title=f"{finding.code}: {fix.description}" + ("" if fix.safe else " (unsafe)"),
                kind=types.CodeActionKind.QuickFix,
                diagnostics=theirs or [diagnostic],
                is_preferred=fix.safe,
                edit=types.WorkspaceEdit(changes={uri: [edit]}),
            ))
    if _wanted(FIX_ALL, only) and not (only is None and not actions):
        safe = [finding for finding, _ in snapshot.pairs if _fixable(finding) and finding.fix.safe]  # type: ignore[union-attr]
        made = fixed_edit(snapshot, safe, limits) if safe else None
        if made is not None:
            edit, count = made
            actions.append(types.CodeAction(
                title=f"artifact-lint: apply {count} safe fix{'es' if count != 1 else ''} in this file",
                kind=FIX_ALL,
                diagnostics=[d for f, d in snapshot.pairs if f in safe],
                edit=types.WorkspaceEdit(changes={uri: [edit]}),
            ))
    return actions
