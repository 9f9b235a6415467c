"""`--format markdown`: a job summary for `$GITHUB_STEP_SUMMARY`.

A heading, the counts by severity (and suppressed), then one table row a
finding. GitHub refuses a step summary over 1 MiB, so rows stop once the
report reaches `ROW_BUDGET` bytes (about 200 KiB) and a last line says how many
findings were left out; the full list is in the other formats.
"""

from __future__ import annotations

from typing import IO, Any

from artifact_lint import __version__
from artifact_lint.engine.lint import Result
from artifact_lint.model.findings import Finding, Severity
from artifact_lint.reporters._safe import visible

ROW_BUDGET = 200 * 1024
ICON = {"error": ":x:", "warning": ":warning:", "info": ":information_source:"}
_ENTITY = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_PUNCTUATION = set("\\`*_[]~|#!")


def cell(text: object) -> str:
    """Text shown as-is inside one GFM table cell.

    Pipes, newlines and HTML cannot break the row or the page, Markdown punctuation
    (code spans, emphasis, links) is escaped so it renders literally, and control
    characters are shown as escapes (`\\x1b`), never passed on.
    """
    value = visible(str(text), line_breaks=True).replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for ch in value:
        if ch in _ENTITY:
            out.append(_ENTITY[ch])
        elif ch in _PUNCTUATION:
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("<br>")
        else:
            out.append(ch)
    return "".join(out)


def _code(text: str) -> str:
    """A code span's content inside a table cell: only pipes, line breaks and control characters need care."""
    return " ".join(visible(text, line_breaks=True).replace("|", "\\|").splitlines()) or " "


def inline(text: str) -> str:
    """Like `cell`, but keeps the message's balanced `code spans` as code."""
    pieces = text.split("`")
    if len(pieces) < 3 or len(pieces) % 2 == 0 or any(not p.strip() for p in pieces[1::2]):
        return cell(text)
    return "".join(cell(p) if i % 2 == 0 else f"`{_code(p)}`" for i, p in enumerate(pieces))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _row(f: Finding) -> str:
    sev = f.severity.value
    location = f"{f.path}:{f.line}:{f.column}"
    field = f" (field `{f.field}`)" if f.field and "`" not in f.field else ""
    return (f"| {ICON[sev]} {sev} | {cell(f.code)} {cell(f.name)} | {cell(location)} "
            f"| {inline(f.message + field)} |\n")


def render(result: Result, budget: int = ROW_BUDGET) -> str:
    errors, warnings, infos = (result.count(s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
    suppressed = len(result.suppressed)
    parts = [
        "## artifact-lint\n\n",
        f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}, {_plural(infos, 'info')} "
        f"in {_plural(result.files, 'file')} ({suppressed} suppressed)\n\n",
        "| errors | warnings | infos | suppressed | files |\n",
        "|---:|---:|---:|---:|---:|\n",
        f"| {errors} | {warnings} | {infos} | {suppressed} | {result.files} |\n\n",
    ]
    if not result.findings:
        parts.append(":white_check_mark: No findings.\n")
        return "".join(parts)
    parts += ["### Findings\n\n",
              "| severity | code | location | message |\n",
              "|---|---|---|---|\n"]
    size = sum(len(p.encode("utf-8")) for p in parts)
    shown = 0
    for f in result.findings:
        row = _row(f)
        size += len(row.encode("utf-8"))
        if size > budget:
            break
        parts.append(row)
        shown += 1
    left = len(result.findings) - shown
    if left:
        parts.append(f"\n_{left} more finding{'' if left == 1 else 's'} not shown (summary size limit); "
                     "run `artifact-lint check` or see the SARIF or JSON report for all of them._\n")
    parts.append(f"\n<sub>artifact-lint {__version__}</sub>\n")
    return "".join(parts)


def write(result: Result, rules: list[Any], stream: IO[str], **_: Any) -> None:
    stream.write(render(result))
