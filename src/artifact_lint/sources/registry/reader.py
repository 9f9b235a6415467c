"""Read the human registry document (`docs/factory/public-artifacts.md`).

The document is parsed once with markdown-it-py into blocks (`registry_markdown`);
each detail section is read into an artifact by `registry_entry`. The result is:

* the "Current Public Artifact List" table, row by row (`ListRow`);
* the document's own "Artifact States" (`State | Meaning`) and labels
  (`Label | Meaning`) tables (`PolicyRow`), when present;
* one `DocArtifact` per artifact id of the list table and of every
  ``### `<id>` `` detail section, whose `document` holds a dict in the shape of
  an artifact file and `Positions` that point into the Markdown.

Reading is total: any text yields a `RegistryDocument` (possibly empty), and
a malformed table or section only loses the part that cannot be read.

How a detail section maps onto the artifact fields: see `registry_entry`.
"""

from __future__ import annotations

from typing import Any

from artifact_lint.sources.registry.entry import LABELS, Builder
from artifact_lint.sources.registry.markdown import (
    NEWLINE,
    SPACES,
    Block,
    Table,
    norm,
    parse_inline,
    parser,
    read_blocks,
    text_at,
)
from artifact_lint.sources.registry.results import DocArtifact, ListRow, PolicyRow, RegistryDocument
from artifact_lint.sources.registry.tables import columns_of

__all__ = ["DocArtifact", "ListRow", "PolicyRow", "RegistryDocument", "read_registry"]


# --- the whole document -------------------------------------------------------------------

_ID_HEADER = ("artifact", "artifact id", "id", "name")
_LIST_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": _ID_HEADER,
    "type": ("type", "kind"),
    "state": ("state", "status"),
    "public_value": ("public value",),
    "next_release_action": ("next release action", "next action"),
    "publishable_now": ("publishable now",),
}


def _policy_rows(table: Table) -> list[PolicyRow]:
    rows = []
    for row in table.rows:
        name = text_at(row, 0)
        if name:
            rows.append(PolicyRow(name, text_at(row, 1), row.line))
    return rows


def _looks_like_list(table: Table) -> bool:
    names = table.names
    return bool(names) and (names[0] in _ID_HEADER or "state" in names[:4])


def _find_list_table(blocks: list[Block]) -> Table | None:
    under: list[Table] = []
    heading_level: int | None = None
    first_shaped: Table | None = None
    for block in blocks:
        if block.kind == "heading":
            if "artifact list" in norm(block.text):
                heading_level = block.level
            elif heading_level is not None and block.level <= heading_level:
                heading_level = None
        elif block.kind == "table" and block.table is not None:
            if heading_level is not None:
                under.append(block.table)
            if first_shaped is None and block.table.names[:3] == ["artifact", "type", "state"]:
                first_shaped = block.table
    shaped = [t for t in under if _looks_like_list(t)]
    if shaped:
        return shaped[0]
    if first_shaped is not None:
        return first_shaped
    return under[0] if under else None


def _heading_id(block: Block, list_ids: set[str], reserved: set[str]) -> str | None:
    """The artifact id a detail heading names: ``### `id` `` (or a listed id in plain text)."""
    children = [c for c in block.children if not (c.type == "text" and not c.content.strip())]
    if len(children) == 1 and children[0].type == "code_inline":
        candidate = children[0].content.strip()
        if candidate and not SPACES.search(candidate) and len(candidate) <= 200 and (
                candidate in list_ids or candidate not in reserved):
            return candidate
        return None
    text = block.text
    return text if text in list_ids else None


def _text_lines(text: str) -> list[str]:
    return NEWLINE.split(text)


def read_registry(text: str) -> RegistryDocument:
    """Read a registry document; any text gives a result, never an exception."""
    if not isinstance(text, str):
        text = ""
    source = text[1:] if text.startswith("\ufeff") else text
    lines = _text_lines(source)
    md = parser()
    env: dict[str, Any] = {}
    tokens = md.parse(source, env)
    parse_inline(md, env, tokens)  # tables hold no `inline` tokens: `cell_text` reads them
    blocks = read_blocks(tokens, lines, md, env)

    states: list[PolicyRow] = []
    labels: list[PolicyRow] = []
    for block in blocks:
        if block.kind == "table" and block.table is not None:
            names = block.table.names
            if names[:2] in (["state", "meaning"], ["status", "meaning"]):
                states.extend(_policy_rows(block.table))
            elif names[:2] in (["label", "meaning"], ["comparability label", "meaning"]):
                labels.extend(_policy_rows(block.table))

    list_table = _find_list_table(blocks)
    list_rows: list[ListRow] = []
    builders: list[Builder] = []
    if list_table is not None:
        columns = columns_of(list_table.names, _LIST_COLUMNS)
        columns.setdefault("id", 0)
        for row in list_table.rows:
            artifact_id = text_at(row, columns["id"])
            if not artifact_id:
                continue
            cells = {key: text_at(row, index) for key, index in columns.items()}
            list_rows.append(ListRow(artifact_id, cells.get("type", ""), cells.get("state", ""),
                                     cells.get("public_value", ""),
                                     cells.get("next_release_action", ""), row.line))
            builder = Builder(artifact_id, text, lines)
            builder.from_list_row(row, columns)
            builders.append(builder)

    list_ids = {row.id for row in list_rows}
    without_detail: dict[str, list[Builder]] = {}
    for builder in builders:
        without_detail.setdefault(builder.id, []).append(builder)
    reserved = {row.name for row in states} | {row.name for row in labels}
    index = 0
    while index < len(blocks):
        block = blocks[index]
        section_id = _heading_id(block, list_ids, reserved) if block.kind == "heading" else None
        if section_id is None:
            index += 1
            continue
        end = index + 1
        while end < len(blocks):
            other = blocks[end]
            if other.kind == "heading" and (
                    other.level < block.level
                    or _heading_id(other, list_ids, reserved) is not None
                    or (other.level == block.level
                        and LABELS.get(norm(other.text)) is None)):
                break
            end += 1
        waiting = without_detail.get(section_id)
        if waiting:
            builder = waiting.pop(0)
        else:  # an id without a list row, or a second section for the same id
            builder = Builder(section_id, text, lines)
            builders.append(builder)
        builder.from_detail(block, blocks[index + 1:end])
        index = end

    return RegistryDocument(
        list_rows=list_rows,
        list_table_line=list_table.line if list_table is not None else None,
        states=states,
        labels=labels,
        artifacts=[builder.finish() for builder in builders],
    )
