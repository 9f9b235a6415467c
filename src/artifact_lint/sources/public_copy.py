"""Public copy beyond the metadata file (artifact-format §7): what the claims rules read.

Overclaims live in model cards, Hugging Face cards, package-index headlines and the
prose of the registry document more than in metadata fields. This module reads those
files into `CopyText`s (one paragraph, heading, list item or table cell, with the file,
line and column it starts at) and `IndexClaim`s (a `vs_<system>_<metric>` headline key of
a package index), and says which artifact each belongs to:

1. the files its `surface` names (Markdown, text, JSON) and the Markdown files of its
   package folder (`prompt.md` is a prompt, not copy);
2. its part of the registry document: the detail section's paragraphs and list items
   that are not already its fields, and any other paragraph or list item that names its
   id in backticks (in document mode the list row and the fields are the artifact);
3. files matched by the `public-copy` config table (glob -> id template);
4. the package index (`package-index`): each entry belongs to the artifact whose id or
   package folder it names; its strings are prose, its `vs_*` headline keys are claims.

Markdown is read with markdown-it-py's stock CommonMark parser (tables on): code
blocks, HTML comments and YAML front matter are not copy. A table whose header has a
`Delta`/`vs` column puts two systems side by side: each row whose delta cell holds a win
cue becomes one sentence, "<delta> over <other system> (<row label>)".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from artifact_lint.model.findings import Position
from artifact_lint.sources.loader import field_path

if TYPE_CHECKING:
    from markdown_it.token import Token

    from artifact_lint.model.repository import ArtifactFile, Repository

COPY_SUFFIXES = (".md", ".markdown", ".txt", ".json")
PACKAGE_COPY = ("model_card.md", "readme.md")  # lower-cased names; prompt.md is not copy
NOT_COPY = ("decision.json",)  # the decision record gates the package; its words are not public copy
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n.*?^(?:---|\.\.\.)[ \t]*$", re.S | re.M)
_DELTA_HEADER = re.compile(r"^(?:delta|δ|Δ|diff(?:erence)?|gain|vs\.?|versus)$", re.I)
_VS_KEY = re.compile(r"^vs_(?P<rest>[a-z0-9_]+?)(?:_(?P<suffix>pp|x|ratio))?$", re.I)
MAX_COPY_BYTES = 1 << 20  # a public-copy file larger than this is not read (1 MiB)


class CopyText(NamedTuple):
    """One block of public copy: where it starts and its plain text."""

    path: str  # root-relative POSIX path of the file
    line: int
    column: int
    text: str
    kind: str = "block"  # "block" (paragraph, heading, list item), "cell", "row" (side by side), "value" (JSON)

    def position_of(self, offset: int) -> Position:
        """The position of the character at `offset` in `text` (lines split at \\n)."""
        before = self.text[:offset]
        breaks = before.count("\n")
        if not breaks:
            return Position(self.line, self.column + offset)
        return Position(self.line + breaks, offset - before.rfind("\n"))


class IndexClaim(NamedTuple):
    """A package index headline `vs_<system>_<metric>[_pp|_x|_ratio]: value`."""

    path: str
    line: int
    column: int
    key: str
    field: str  # the key's path in the index (`packages[0].headline.vs_x_accuracy_pp`)
    words: str  # `<system>_<metric>` with underscores as spaces
    suffix: str | None  # "pp", "x", "ratio" or None
    value: Any


class Headline(NamedTuple):
    """A package index headline figure that is not a `vs_*` claim (`overall_accuracy: "95.5%"`)."""

    path: str
    line: int
    column: int
    key: str
    field: str
    value: Any


class PublicCopy(NamedTuple):
    texts: list[CopyText]
    claims: list[IndexClaim]
    headlines: list[Headline] = []


# --------------------------------------------------------------------------- reading files


@lru_cache(maxsize=1)
def _markdown() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table")


def _plain(children: list[Token] | None) -> str:
    parts: list[str] = []
    for child in children or []:
        if child.type in ("text", "code_inline", "html_inline"):
            parts.append(child.content if child.type != "html_inline" else "")
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append(_plain(child.children))
    return "".join(parts).strip()


def _column(lines: list[str], line: int, text: str) -> int:
    """Where `text` (its first words) starts on 1-based `line`, else column 1."""
    if 0 < line <= len(lines) and text:
        head = text.split("\n", 1)[0][:24]
        found = lines[line - 1].find(head)
        if found >= 0:
            return found + 1
        word = head.split(" ", 1)[0]
        found = lines[line - 1].find(word) if word else -1
        while found > 0 and lines[line - 1][found - 1] in "*_`[~":  # the emphasis the text starts in
            found -= 1
        if found >= 0:
            return found + 1
    return 1


def markdown_copy(path: str, text: str) -> list[CopyText]:
    """The sentences-bearing blocks of a Markdown file, each with its position."""
    front = _FRONT_MATTER.match(text)
    skipped = text[:front.end()].count("\n") if front else 0
    body = ("\n" * skipped) + text[front.end():] if front else text
    lines = body.splitlines()
    tokens = _markdown().parse(body)
    found: list[CopyText] = []
    table: list[list[tuple[str, int, int]]] = []
    row: list[tuple[str, int, int]] = []
    for index, token in enumerate(tokens):
        if token.type == "table_open":
            table = []
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close":
            table.append(row)
        elif token.type == "table_close":
            rows = list(_side_by_side(path, table))
            if rows:  # the row stands for its delta cell: one claim, over the other system
                spots = {(r.line, r.column) for r in rows}
                found = [t for t in found if t.kind != "cell" or (t.line, t.column) not in spots]
                found.extend(rows)
        elif token.type == "inline" and token.map is not None:
            plain = _plain(token.children)
            if not plain:
                continue
            line = token.map[0] + 1
            column = _column(lines, line, plain)
            cell = bool(index) and tokens[index - 1].type in ("th_open", "td_open")
            if cell:
                row.append((plain, line, column))
            found.append(CopyText(path, line, column, plain, "cell" if cell else "block"))
    return found


def _side_by_side(path: str, table: list[list[tuple[str, int, int]]]) -> Iterator[CopyText]:
    """A Delta/vs column puts the first value column's system beside the others: each
    row whose delta holds a win cue is a claim over the other systems."""
    from artifact_lint.analysis.claims import find_cues

    if len(table) < 2:
        return
    header = [cell[0] for cell in table[0]]
    deltas = [i for i, name in enumerate(header) if _DELTA_HEADER.match(name.strip())]
    if not deltas or len(header) < 3:
        return
    delta = deltas[0]
    others = [name for i, name in enumerate(header) if i not in (0, 1, delta) and name.strip()]
    if not others:
        return
    for cells in table[1:]:
        if delta >= len(cells) or not find_cues(cells[delta][0]):
            continue
        text, line, column = cells[delta]
        label = cells[0][0] if cells else ""
        yield CopyText(path, line, column, f"{text} over {', '.join(others)} ({label})", "row")


def json_copy(path: str, data: Any, positions: Any) -> list[CopyText]:
    """Every string value of a JSON document (keys are not copy), with its position."""
    found: list[CopyText] = []

    def walk(value: Any, where: tuple[str | int, ...]) -> None:
        if isinstance(value, str):
            if value.strip():
                at = positions.value(where) if positions is not None else Position(1, 1)
                found.append(CopyText(path, at.line, at.column + 1, value, "value"))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, (*where, key))
        elif isinstance(value, list):
            for number, item in enumerate(value):
                walk(item, (*where, number))

    walk(data, ())
    return found


def index_claims(path: str, entry: dict[str, Any], where: tuple[str | int, ...], positions: Any) -> list[IndexClaim]:
    """The `vs_*` headline keys of one package-index entry."""
    return [item for item in _index_keys(path, entry, where, positions) if isinstance(item, IndexClaim)]


def index_headlines(path: str, entry: dict[str, Any], where: tuple[str | int, ...],
                    positions: Any) -> list[Headline]:
    """The other figures of an entry's `headline` mapping (AL206 checks them)."""
    return [item for item in _index_keys(path, entry, where, positions) if isinstance(item, Headline)]


def _index_keys(path: str, entry: dict[str, Any], where: tuple[str | int, ...],
                positions: Any) -> list[IndexClaim | Headline]:
    found: list[IndexClaim | Headline] = []

    def walk(value: Any, at: tuple[str | int, ...], headline: bool) -> None:
        if not isinstance(value, dict):
            return
        for key, item in value.items():
            if not isinstance(key, str):
                continue
            spot = positions.key((*at, key)) if positions is not None else Position(1, 1)
            match = _VS_KEY.match(key)
            if match and not isinstance(item, (dict, list)):
                found.append(IndexClaim(path, spot.line, spot.column, key, field_path((*at, key)),
                                        match["rest"].replace("_", " "), match["suffix"], item))
            elif headline and isinstance(item, (int, float, str)) and not isinstance(item, bool):
                found.append(Headline(path, spot.line, spot.column, key, field_path((*at, key)), item))
            else:
                walk(item, (*at, key), headline or key == "headline")

    walk(entry, where, False)
    return found


# Words an adoption claim holds (AL207); a file holding none of them, and no win cue,
# need not be parsed at all.
def has_adoption_words(text: str) -> bool:
    """Whether `text` holds a word every adoption claim holds (AL207): substring tests
    in one expression, cheaper than a pattern or a loop over the words."""
    lowered = text.lower()
    return ("download" in lowered or "install" in lowered or "user" in lowered or "customer" in lowered
            or "most" in lowered or " by " in lowered)


def may_hold_claims(text: str) -> bool:
    """False only when no sentence of `text` can hold a win cue or an adoption claim: a
    substring test before the Markdown parse, which costs most of reading a card."""
    from artifact_lint.analysis.claims import may_hold_cues

    return has_adoption_words(text) or may_hold_cues(text)


# --------------------------------------------------------------------------- whose copy


def read_text(repo: Repository, relative: str) -> str | None:
    """A public-copy file's text, or None when it is missing, outside the root, not a
    regular file, too large or not UTF-8 (public copy is best effort: other rules say
    when a surface path is missing). An editor's open buffer of the file is read instead
    of the disk (`Repository.buffers`)."""
    path = repo.inside(relative)
    if path is None:
        return None
    buffer = repo.buffers.get(relative)
    if buffer is not None:
        return buffer.removeprefix("\ufeff") if len(buffer.encode("utf-8", "surrogatepass")) <= MAX_COPY_BYTES \
            else None
    try:
        if not path.is_file() or path.stat().st_size > MAX_COPY_BYTES:
            return None
        return path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


def read_copy_file(repo: Repository, relative: str) -> list[CopyText]:
    """The public copy of one file, by its suffix; cached on the repository."""
    cache = repo.copy_cache
    if relative not in cache:
        cache[relative] = _read_copy_file(repo, relative)
    return cache[relative]


def _read_copy_file(repo: Repository, relative: str) -> list[CopyText]:
    suffix = Path(relative).suffix.lower()
    name = relative.rsplit("/", 1)[-1].lower()
    if suffix not in COPY_SUFFIXES or relative == repo.config.package_index or name in NOT_COPY \
            or name.startswith("prompt"):
        return []  # the index is read by entry; a prompt is model input; a decision record is data
    text = read_text(repo, relative)
    if text is None:
        return []
    if not may_hold_claims(text):
        return []  # no cue word anywhere: no sentence of it can claim a win or adoption
    if suffix in (".md", ".markdown"):
        return markdown_copy(relative, text)
    if suffix == ".txt":
        return [CopyText(relative, 1, 1, text)] if text.strip() else []
    from artifact_lint.sources.loader import LoadError, load_text

    document = load_text(text.encode("utf-8"), ".json")
    if isinstance(document, LoadError):
        return []
    return json_copy(relative, document.data, document.positions)


def configured_copy(repo: Repository) -> dict[str, list[str]]:
    """Artifact id (as the `public-copy` template resolves it) -> the files matched.
    Computed once per repository; AL208 reports ids no artifact has."""
    if repo.configured_copy is not None:
        return repo.configured_copy
    result: dict[str, list[str]] = {}
    for pattern, template in repo.config.public_copy.items():
        for relative in _glob(repo, pattern):
            result.setdefault(_resolve(template, relative), []).append(relative)
    repo.configured_copy = result
    return result


def _glob(repo: Repository, pattern: str) -> list[str]:
    if "{id}" in pattern:
        pattern = pattern.replace("{id}", "*")
    root = repo.root
    try:
        matches = sorted(p for p in root.glob(pattern) if p.is_file())
    except (OSError, ValueError):
        return []
    found = []
    for path in matches:
        relative = path.relative_to(root).as_posix()
        if repo.inside(relative) is not None:
            found.append(relative)
    return found


def _resolve(template: str, relative: str) -> str:
    name = relative.rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return template.replace("{stem}", stem).replace("{name}", name).replace("{id}", stem)


def package_index(repo: Repository) -> tuple[dict[str, list[CopyText]], dict[str, list[IndexClaim]],
                                             dict[str, list[Headline]]]:
    """Per artifact id or package path: the index entry's prose, its `vs_*` claims and its
    other headline figures."""
    if repo.index_copy is not None:
        return repo.index_copy  # type: ignore[no-any-return]
    texts: dict[str, list[CopyText]] = {}
    claims: dict[str, list[IndexClaim]] = {}
    headlines: dict[str, list[Headline]] = {}
    relative = repo.config.package_index
    text = read_text(repo, relative) if relative else None
    if text is not None:
        from artifact_lint.sources.loader import LoadError, load_text

        document = load_text(text.encode("utf-8"), ".json")
        if not isinstance(document, LoadError):
            for where, entry in _index_entries(document.data):
                owners = [str(entry[k]).strip().rstrip("/") for k in ("id", "package_path", "package")
                          if isinstance(entry.get(k), str)]
                entry_texts = json_copy(relative, entry, None)
                entry_texts = [_positioned(t, document.positions, where, entry) for t in entry_texts]
                entry_claims = index_claims(relative, entry, where, document.positions)
                entry_headlines = index_headlines(relative, entry, where, document.positions)
                for owner in owners:
                    texts.setdefault(owner, []).extend(entry_texts)
                    claims.setdefault(owner, []).extend(entry_claims)
                    headlines.setdefault(owner, []).extend(entry_headlines)
    repo.index_copy = (texts, claims, headlines)
    return repo.index_copy


def _positioned(copy: CopyText, positions: Any, where: tuple[str | int, ...], entry: dict[str, Any]) -> CopyText:
    """`json_copy` of an entry without positions, placed at the entry's string values."""
    for path in _string_paths(entry, where):
        value = _value_at(entry, path[len(where):])
        if value == copy.text:
            at = positions.value(path)
            return CopyText(copy.path, at.line, at.column + 1, copy.text, copy.kind)
    return copy


def _string_paths(value: Any, at: tuple[str | int, ...]) -> Iterator[tuple[str | int, ...]]:
    if isinstance(value, str):
        yield at
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _string_paths(item, (*at, key))
    elif isinstance(value, list):
        for number, item in enumerate(value):
            yield from _string_paths(item, (*at, number))


def _value_at(value: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        value = value[part]
    return value


def _index_entries(data: Any) -> Iterator[tuple[tuple[str | int, ...], dict[str, Any]]]:
    """The entries of a package index: `{"packages": [...]}`, a list, or a mapping of entries."""
    if isinstance(data, dict) and isinstance(data.get("packages"), list):
        for number, entry in enumerate(data["packages"]):
            if isinstance(entry, dict):
                yield ("packages", number), entry
    elif isinstance(data, list):
        for number, entry in enumerate(data):
            if isinstance(entry, dict):
                yield (number,), entry
    elif isinstance(data, dict):
        for key, entry in data.items():
            if isinstance(entry, dict) and isinstance(entry.get("id", key), str):
                yield (key,), {"id": key, **entry}


class _DocumentProse(NamedTuple):
    """The registry document's copy blocks, filed once per process by artifact id."""

    sections: dict[str, list[CopyText]]  # id -> the blocks of its detail section
    mentions: dict[str, list[CopyText]]  # id -> other paragraphs and list items naming it in backticks
    rows: dict[str, list[CopyText]]  # id -> the cells of its list-table row


_BACKTICKED = re.compile(r"`([^`\n]+)`")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ARTIFACT_HEADING = re.compile(r"^`([^`]+)`$")


def document_copy(repo: Repository, artifact_id: str, own_fields: list[str] | None) -> list[CopyText]:
    """The registry document's prose about one artifact: the paragraphs, headings and list
    items of its detail section and every other one naming its id in backticks, and (for
    an artifact read from its own file) the cells of its list-table row. Tables of the
    section are its rows (evidence, competition, blockers), read as data, not as prose.
    `own_fields` (document mode, where the entry is the artifact) are its prose fields:
    blocks they already hold are left out."""
    prose = _document_prose(repo)
    if prose is None:
        return []
    section = [block for block in prose.sections.get(artifact_id, ()) if block.kind == "block"]
    if own_fields is not None:
        section = [block for block in section if not any(block.text in field for field in own_fields)]
    row = prose.rows.get(artifact_id, []) if own_fields is None else []
    return [*section, *prose.mentions.get(artifact_id, ()), *row]


def _document_prose(repo: Repository) -> _DocumentProse | None:
    registry = repo.registry
    if registry is None or registry.document is None:
        return None
    cached = repo.copy_cache.get("\x00document")
    if cached is None:
        cached = repo.copy_cache["\x00document"] = _file_prose(registry.path, registry.text,
                                                                registry.document.list_rows)
    return cached  # type: ignore[no-any-return]


_TABLE_LINE = re.compile(r"^ {0,3}\|")


def _file_prose(path: str, text: str, list_rows: list[Any]) -> _DocumentProse:
    """One pass over the document: each paragraph, heading and list item filed under the
    artifact section it stands in (a `### \\`id\\`` heading, until a heading of its level
    or above) and under the ids it names in backticks; the list table's rows from the
    registry reader. Tables are the entries' data, not prose: their lines are blanked
    (line numbers kept) before markdown-it reads the rest, which on a large registry is
    most of the document and most of the parsing time."""
    lines = text.splitlines()
    prose_only = "\n".join("" if _TABLE_LINE.match(line) else line for line in lines)
    headings: list[tuple[int, int, str | None]] = []  # (line, level, artifact id or None)
    fenced = False
    for number, line in enumerate(lines, 1):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        match = None if fenced else _HEADING.match(line)
        if match:
            artifact = _ARTIFACT_HEADING.match(match.group(2))
            headings.append((number, len(match.group(1)), artifact.group(1) if artifact else None))
    prose = _DocumentProse({}, {}, {})
    current: list[tuple[int, str | None]] = []  # open headings: (level, artifact id)
    position = 0
    for block in markdown_copy(path, prose_only):
        while position < len(headings) and headings[position][0] <= block.line:
            _, level, artifact_id = headings[position]
            current = [(lv, ident) for lv, ident in current if lv < level] + [(level, artifact_id)]
            position += 1
        section = next((ident for _, ident in reversed(current) if ident is not None), None)
        if section is not None:
            prose.sections.setdefault(section, []).append(block)
        raw = lines[block.line - 1] if 0 < block.line <= len(lines) else ""
        for artifact_id in set(_BACKTICKED.findall(raw)) - {section}:
            prose.mentions.setdefault(artifact_id, []).append(block)
    for row in list_rows:
        line = lines[row.line - 1] if 0 < row.line <= len(lines) else ""
        cells = [CopyText(path, row.line, _column(lines, row.line, value), value, "cell")
                 for value in (row.public_value, row.next_release_action) if value]
        if cells and line:
            prose.rows.setdefault(row.id, []).extend(cells)
    return prose


def copy_files(artifact: ArtifactFile, repo: Repository) -> list[str]:
    """The files (root-relative, each once) whose copy speaks for `artifact`: its `surface`
    files, its package's cards and the `public-copy` matches of its id; not the registry
    document or the package index, which are read by entry."""
    model = artifact.model
    artifact_id = artifact.id
    if model is None or not artifact_id:
        return []
    files: list[str] = []
    for item in model.surface or []:
        text = item.strip().removeprefix("./") if isinstance(item, str) else ""
        if text and "://" not in text and Path(text).suffix.lower() in COPY_SUFFIXES:
            files.append(text)
    if model.package:
        package = repo.package_for(model.package)
        if package is not None:
            files += [f for f in package.files if f.rsplit("/", 1)[-1].lower() in PACKAGE_COPY]
    files += configured_copy(repo).get(artifact_id, [])
    return list(dict.fromkeys(files))


def copy_of(artifact: ArtifactFile, repo: Repository) -> PublicCopy:
    """Every public text and index claim that speaks for `artifact` beyond its own fields."""
    model = artifact.model
    artifact_id = artifact.id
    if model is None or not artifact_id:
        return PublicCopy([], [])
    texts: list[CopyText] = []
    for relative in copy_files(artifact, repo):
        texts += read_copy_file(repo, relative)
    own = None
    if artifact.origin == "registry-doc":
        own = [text for text in (model.public_value, model.publishable_now, model.next_release_action,
                                 model.summary, *(model.notes or [])) if isinstance(text, str)]
    texts += document_copy(repo, artifact_id, own)
    index_texts, index_claims_by_owner, headlines_by_owner = package_index(repo)
    owners = [artifact_id, (model.package or "").strip().rstrip("/")]
    claims: list[IndexClaim] = []
    headlines: list[Headline] = []
    for owner in dict.fromkeys(o for o in owners if o):
        texts += index_texts.get(owner, [])
        claims += index_claims_by_owner.get(owner, [])
        headlines += headlines_by_owner.get(owner, [])
    return PublicCopy(list(dict.fromkeys(texts)), list(dict.fromkeys(claims)), list(dict.fromkeys(headlines)))
