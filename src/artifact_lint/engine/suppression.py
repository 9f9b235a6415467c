"""Inline suppressions: `# artifact-lint: disable=CODE[,CODE] reason="..."`.

A directive at the end of a line covers findings whose value starts on that
line; alone on its line it covers the next line; `disable-file=` in the file's
opening comment block covers the whole file. A reason is required: a directive
without one, or naming an unknown code, suppresses nothing and is AL902.

Only a real comment is a directive: in YAML, text inside a scalar (a block
scalar's `|`/`>` lines, a quoted value over several lines) is a value, whatever
it says, so the scalars' spans as libyaml scans them are left out; JSON has no
comments at all (per-file-ignores and the baseline suppress there, cli.md).
Lines are counted as an editor and the loader count them: they end at LF, CRLF
or CR, never at U+2028 and the other separators `str.splitlines` also takes.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

from artifact_lint.model.findings import Finding, Position
from artifact_lint.sources.input_formats import BY_SUFFIX, YAML

_DIRECTIVE = re.compile(
    r"(?:^|\s)(?:#|<!--)\s*artifact-lint:\s*(?P<kind>disable-file|disable)\b\s*=?\s*"
    r"(?P<codes>[^\"\n]*?)\s*(?:\breason\s*=\s*\"(?P<reason>[^\"\n]*)\")?\s*(?:-->)?\s*$"
)
_CODE = re.compile(r"^[A-Z]{1,4}[0-9]{0,3}$")  # built-in (AL) or custom (HX001) codes and prefixes
_LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass
class Directive:
    path: str
    position: Position
    whole_file: bool
    own_line: bool  # alone on its line: it covers the next line
    codes: tuple[str, ...]
    reason: str | None
    used: set[str] = field(default_factory=set)

    def covers(self, finding: Finding) -> str | None:
        """The code of this directive that suppresses `finding`, if any."""
        if finding.path != self.path:
            return None
        line = self.position.line
        if not self.whole_file and finding.line != line and not (self.own_line and finding.line == line + 1):
            return None
        return next((code for code in self.codes if finding.code.startswith(code)), None)


def _opening_comment_lines(lines: list[str]) -> int:
    """How many lines the file's opening block of comments (and blank lines) spans."""
    count = 0
    for line in lines:
        stripped = line.strip()
        if stripped and not stripped.startswith(("#", "<!--", "---", "%")):
            break
        count += 1
    return count


def _lines(text: str) -> tuple[list[str], list[int]]:
    """The text's lines as an editor shows them (ends at LF, CRLF, CR) and where each starts."""
    lines, starts, start = [], [], 0
    for end in _LINE_END.finditer(text):
        lines.append(text[start:end.start()])
        starts.append(start)
        start = end.end()
    if start < len(text):
        lines.append(text[start:])
        starts.append(start)
    return lines, starts


class _Scalars:
    """Whether a character of a YAML text lies inside one of its scalars."""

    def __init__(self, text: str) -> None:
        from artifact_lint.sources.loader import scalar_spans

        spans = scalar_spans(text)
        self.starts = [start for start, _ in spans]
        self.ends = [end for _, end in spans]

    def holds(self, offset: int) -> bool:
        index = bisect_right(self.starts, offset) - 1
        return index >= 0 and offset < self.ends[index]


def find_directives(path: str, text: str) -> list[Directive]:
    """Every suppression directive in a file's comments, valid or not."""
    if "artifact-lint:" not in text:  # the common case costs one substring search
        return []
    suffix = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    fmt = BY_SUFFIX.get(f".{suffix}") if suffix else None
    if fmt is not None and not fmt.comments:
        return []
    yaml_file = fmt is YAML
    scalars = None  # scanned at the first directive-like line only
    lines, starts = _lines(text)
    opening = _opening_comment_lines(lines)
    found = []
    for index, line in enumerate(lines):
        if "artifact-lint:" not in line:
            continue
        match = _DIRECTIVE.search(line)
        if not match:
            continue
        column = match.start() + (1 if line[match.start()] in "#<" else 2)
        if yaml_file:
            scalars = scalars or _Scalars(text)
            if scalars.holds(starts[index] + column - 1):
                continue  # words inside a value, not a comment
        codes = tuple(c.strip().upper() for c in re.split(r"[,\s]+", match.group("codes")) if c.strip())
        whole_file = match.group("kind") == "disable-file"
        found.append(Directive(
            path=path,
            position=Position(index + 1, column),
            whole_file=whole_file and index < opening,
            own_line=line[: match.start()].strip() == "",
            codes=codes,
            reason=(match.group("reason") or "").strip() or None,
        ))
    return found


def directive_problems(directive: Directive, known_codes: Iterable[str]) -> list[str]:
    """What is wrong with a directive (AL902), as messages; empty when it is valid."""
    known = list(known_codes)
    problems = []
    if not directive.codes:
        problems.append("names no code; write `disable=AL206 reason=\"...\"`")
    for code in directive.codes:
        if not _CODE.match(code) or not any(k.startswith(code) for k in known):
            problems.append(f"names `{code}`, which is not a rule code (see `artifact-lint rules`)")
    if directive.reason is None:
        problems.append("gives no reason; add `reason=\"why this finding is accepted\"`")
    return problems


def is_valid(directive: Directive, known_codes: Iterable[str]) -> bool:
    return not directive_problems(directive, known_codes)
