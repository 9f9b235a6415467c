"""Public copy beyond the metadata file (artifact-format §7): what the claims rules read.

Overclaims live in model cards, Hugging Face cards, package-index headlines and the
prose of the registry document more than in metadata fields. Those files are read
into `CopyText`s (one paragraph, heading, list item or table cell, with the file,
line and column it starts at) and `IndexClaim`s (a `vs_<system>_<metric>` headline key of
a package index); this module says which artifact each belongs to:

1. the files its `surface` names (Markdown, text, JSON) and the Markdown files of its
   package folder (`prompt.md` is a prompt, not copy);
2. its part of the registry document: the detail section's paragraphs and list items
   that are not already its fields, and any other paragraph or list item that names its
   id in backticks (in document mode the list row and the fields are the artifact);
3. files matched by the `public-copy` config table (glob -> id template);
4. the package index (`package-index`): each entry belongs to the artifact whose id or
   package folder it names; its strings are prose, its `vs_*` headline keys are claims.

Reading a file into blocks is `copy_text.py`'s part, reading the package index
`package_index.py`'s; this module gathers each artifact's copy and caches what it read
on the repository.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from artifact_lint.sources.copy_cache import markdown_copy_cached
from artifact_lint.sources.copy_text import (
    CopyText,
    DocumentProse,
    document_prose,
    json_copy,
    may_hold_claims,
)
from artifact_lint.sources.files import read_limited
from artifact_lint.sources.loader import Limits, LoadError
from artifact_lint.sources.package_index import Headline, IndexClaim, IndexCopy, read_index

if TYPE_CHECKING:
    from artifact_lint.model.repository import ArtifactFile, Repository

COPY_SUFFIXES = (".md", ".markdown", ".txt", ".json")
PACKAGE_COPY = ("model_card.md", "readme.md")  # lower-cased names; prompt.md is not copy
NOT_COPY = ("decision.json",)  # the decision record gates the package; its words are not public copy
MAX_COPY_BYTES = 1 << 20  # a public-copy file larger than this is not read (1 MiB)
_COPY_LIMITS = Limits(max_file_size=MAX_COPY_BYTES)


class PublicCopy(NamedTuple):
    texts: list[CopyText]
    claims: list[IndexClaim]
    headlines: list[Headline] = []


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
    raw = read_limited(path, _COPY_LIMITS)
    if isinstance(raw, LoadError):
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def read_copy_file(repo: Repository, relative: str) -> list[CopyText]:
    """The public copy of one file, by its suffix; cached on the repository."""
    cache = repo.copy_cache
    texts: list[CopyText] | None = cache.get(relative)
    if texts is None:
        texts = cache[relative] = _read_copy_file(repo, relative)
    return texts


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
    if suffix in (".md", ".markdown"):  # an editor's buffer is never kept in the cache
        return markdown_copy_cached(relative, text, None if relative in repo.buffers else repo.cache_folder)
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


def package_index(repo: Repository) -> IndexCopy:
    """Per artifact id or package path: the index entry's prose, its `vs_*` claims and its
    other headline figures (`package_index.read_index`), read once per repository."""
    copy: IndexCopy | None = repo.index_copy
    if copy is None:
        relative = repo.config.package_index
        text = read_text(repo, relative) if relative else None
        copy = repo.index_copy = read_index(relative, text) if text is not None else ({}, {}, {})
    return copy


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


def _document_prose(repo: Repository) -> DocumentProse | None:
    registry = repo.registry
    if registry is None or registry.document is None:
        return None
    cached: DocumentProse | None = repo.copy_cache.get("\x00document")
    if cached is None:
        folder = None if registry.path in repo.buffers else repo.cache_folder
        cached = repo.copy_cache["\x00document"] = document_prose(
            registry.path, registry.text, registry.document.list_rows,
            lambda path, text: markdown_copy_cached(path, text, folder))
    return cached


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
