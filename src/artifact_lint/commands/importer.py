"""`artifact-lint import DOC.md --out DIR`: one artifact file per registry entry.

The files are written with ruamel.yaml in the artifact format's field order. A
required field the document does not give is left out and named in the file's
header comment, so `artifact-lint check` reports exactly what is still to write.

Everything the reader took from the document is kept: weights location, self
rows, competitor columns as unlabelled competition rows, prose evidence and
provenance, performance, notes. Measured values keep the text they were written
with: the reader gives `"0.860"` as written, and it is written back as the plain
YAML number `0.860` (not `0.86`, not the string `'0.860'`).
"""

from __future__ import annotations

import io
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from artifact_lint.errors import ToolError
from artifact_lint.model.formats import Artifact
from artifact_lint.model.policy import DEFAULT_POLICY_PATH
from artifact_lint.model.load import documented_artifacts, load_registry
from artifact_lint.model.repository import ArtifactFile
from artifact_lint.model.validation import validate
from artifact_lint.sources.loader import Limits

FIELD_ORDER = [info.alias or name for name, info in Artifact.model_fields.items()]


@dataclass(frozen=True)
class Written:
    path: Path
    status: str  # "created", "updated", "unchanged" or "skipped"


def _ordered(data: dict[str, Any]) -> dict[str, Any]:
    return {key: data[key] for key in FIELD_ORDER if key in data}


class _Verbatim(str):
    """A number as the document wrote it (`0.860`, `1.00`): dumped as a plain YAML number."""


_PLAIN_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)")
# The measured values of each row list: where a number may stand for itself.
_MEASURED = {"evidence": ("value", "baseline"), "competition": ("score",), "claims": ("delta",)}


def _verbatim(value: Any) -> Any:
    return _Verbatim(value) if isinstance(value, str) and _PLAIN_NUMBER.fullmatch(value.strip()) else value


def _with_numbers(data: dict[str, Any]) -> dict[str, Any]:
    """`data` with every measured value that is a number written as text marked `_Verbatim`."""
    out = dict(data)
    for name, keys in _MEASURED.items():
        rows = data.get(name)
        if isinstance(rows, list):
            out[name] = [{key: _verbatim(item) if key in keys else item for key, item in row.items()}
                         if isinstance(row, dict) else row for row in rows]
    rejected = data.get("rejected_alternatives")
    if isinstance(rejected, list):
        out["rejected_alternatives"] = [
            {**row, "results": {k: _verbatim(v) for k, v in row["results"].items()}}
            if isinstance(row, dict) and isinstance(row.get("results"), dict) else row for row in rejected]
    return out


def _represent_null(representer: Any, _value: None) -> Any:
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")  # `x: null`, not `x:`


def _represent_verbatim(representer: Any, value: _Verbatim) -> Any:
    text = value.strip()
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return representer.represent_scalar(tag, text)


def _missing(data: dict[str, Any]) -> list[str]:
    result = validate(Artifact, data)
    return sorted({".".join(str(p) for p in issue.path) for issue in result.of_kind("missing")
                   if len(issue.path) <= 2 and not isinstance(issue.path[-1], int)},
                  key=lambda name: (FIELD_ORDER.index(name.split(".")[0]) if name.split(".")[0] in FIELD_ORDER
                                    else len(FIELD_ORDER), name))


def render_artifact(entry: ArtifactFile, source: str) -> str:
    """The YAML text of one imported artifact (deterministic, so import is idempotent)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

    data = entry.document.data if entry.document else {}
    body = CommentedMap(_ordered(_with_numbers(data)))
    header = [f"Imported from {source} by `artifact-lint import`."]
    missing = _missing(data)
    if missing:
        header.append("The document does not give: " + ", ".join(missing) + ".")
        header.append("Add them here; `artifact-lint check` reports each one until then.")
    body.yaml_set_start_comment("\n".join(header))
    yaml = YAML()
    yaml.representer.add_representer(_Verbatim, _represent_verbatim)
    yaml.representer.add_representer(type(None), _represent_null)
    yaml.width = 4096  # one value per line: clean diffs, no trailing spaces from folding
    yaml.indent(mapping=2, sequence=4, offset=2)
    stream = io.StringIO()
    yaml.dump(body, stream)
    return stream.getvalue()


# Names Windows keeps for devices, with or without an extension: a repository holding
# one cannot be checked out there.
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))}


def _unwritable_name(artifact_id: str, name_max: int) -> str | None:
    """Why `<id>.yaml` cannot be a file name, or None."""
    name = f"{artifact_id}.yaml"
    if "/" in artifact_id or "\\" in artifact_id or "\0" in artifact_id:
        return "holds a path separator or a NUL character"
    if artifact_id.startswith("."):
        return "begins with a dot (a hidden file, or a path step)"
    if not artifact_id.isprintable():
        return "holds a control character"
    if artifact_id.split(".")[0].lower() in _RESERVED:
        return "is a device name Windows reserves"
    size = len(name.encode("utf-8", "surrogateescape"))
    if size > name_max:
        return f"makes a file name of {size} bytes, more than the {name_max} the file system takes"
    return None


def _name_max(folder: Path) -> int:
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    try:
        return os.pathconf(existing, "PC_NAME_MAX")
    except (OSError, ValueError):
        return 255


def _shown_id(artifact_id: str) -> str:
    return artifact_id if len(artifact_id) <= 48 else artifact_id[:40] + f"... ({len(artifact_id)} characters)"


def import_document(document: Path, out: Path, root: Path, *, force: bool = False,
                    limits: Limits = Limits(), notes: list[str] | None = None) -> list[Written]:
    """Write `out/<id>.yaml` for every entry of the registry document.

    Every name and every file is checked before the first file is written (through
    `containment`, with `out` as the folder writes stay in), so an import either
    writes all it should or, with a `ToolError`, nothing. An entry without an id, or
    repeating one, is left out with a note in `notes`."""
    if not document.is_file():
        raise ToolError(f"registry document `{document}` does not exist")
    try:
        registry = load_registry(document.resolve(), root.resolve(), limits)
    except ValueError:
        raise ToolError(f"registry document `{document}` is outside the repository root `{root}`") from None
    if registry.load_error is not None:
        raise ToolError(f"{registry.path}:{registry.load_error.position.line}: {registry.load_error.message}")
    entries = documented_artifacts(registry)
    if not entries:
        raise ToolError(f"{registry.path}: no artifacts found (expected a `Current Public Artifact List`"
                        " table or `### `<id>`` sections)")
    if os.path.lexists(out) and not os.path.isdir(out):
        raise ToolError(f"--out `{out}` exists and is not a folder; name the folder for the artifact files")
    notes = notes if notes is not None else []
    name_max = _name_max(out)
    chosen: list[ArtifactFile] = []
    bad = []
    seen: set[str] = set()
    for entry in entries:
        artifact_id = entry.id or ""
        if not artifact_id:
            notes.append(f"{registry.path}: an entry has no id; it was not imported")
            continue
        if artifact_id in seen:
            notes.append(f"{registry.path}: the id `{_shown_id(artifact_id)}` appears again; only its first"
                         " entry was imported")
            continue
        seen.add(artifact_id)
        why = _unwritable_name(artifact_id, name_max)
        if why:
            bad.append(f"`{_shown_id(artifact_id)}` {why}")
        else:
            chosen.append(entry)
    if bad:
        raise ToolError(f"{registry.path}: {len(bad)} id(s) cannot be file names, so nothing was written: "
                        + "; ".join(bad))
    from artifact_lint.sources.containment import OUTPUT_FOLDER, check, make_folder, replacing

    folder = make_folder(out, "--out", str(out))
    planned = []
    for entry in chosen:
        path = out / f"{entry.id}.yaml"
        target = check(folder / path.name, folder, "artifact file", str(path), OUTPUT_FOLDER)
        text = render_artifact(entry, registry.path)
        if target.existing is not None:
            try:
                current = target.real.read_text(encoding="utf-8", errors="replace")
            except OSError as exc:
                raise ToolError(f"cannot read artifact file `{path}`: {exc.strerror or exc}") from None
            if current == text:
                planned.append((path, target, text, "unchanged"))
                continue
            if not force:
                planned.append((path, target, text, "skipped"))
                continue
            target.refuse_read_only()
            planned.append((path, target, text, "updated"))
        else:
            planned.append((path, target, text, "created"))
    written = []
    for path, target, text, status in planned:
        if status in ("updated", "created"):
            with replacing(target) as stream:
                stream.write(text)
        written.append(Written(path, status))
    return written


def policy_gaps(document: Path, root: Path, policy_states: list[str], policy_labels: list[str],
                limits: Limits = Limits()) -> list[str]:
    """Notes on states and labels the document declares but the policy lacks."""
    registry = load_registry(document.resolve(), root.resolve(), limits)
    if registry.document is None:
        return []
    notes = []
    for row in registry.document.states:
        if row.name not in policy_states:
            notes.append(f"the document's state `{row.name}` is not in the policy; add it to"
                         f" `{DEFAULT_POLICY_PATH}` so the imported files may use it")
    for row in registry.document.labels:
        if row.name not in policy_labels:
            notes.append(f"the document's label `{row.name}` is not in the policy; add it to `{DEFAULT_POLICY_PATH}`")
    return notes


def run_import(document: Path, out: Path, root: Path | None, force: bool) -> int:
    from artifact_lint.engine.session import open_session
    from artifact_lint.model.config import find_root

    cwd = Path.cwd()
    root = find_root((root or cwd).resolve())
    session = open_session(root)
    notes: list[str] = []
    limits = session.config.limits
    results = import_document(document if document.is_absolute() else cwd / document,
                              out if out.is_absolute() else cwd / out, root, force=force, limits=limits, notes=notes)
    for item in results:
        shown = os.path.relpath(item.path, cwd)
        print(f"{item.status:9} {shown}")
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    for note in policy_gaps(document if document.is_absolute() else cwd / document, root,
                            list(session.policy.states), list(session.policy.labels), limits):
        print(f"note: {note}", file=sys.stderr)
    skipped = [r for r in results if r.status == "skipped"]
    if skipped:
        print(f"artifact-lint: {len(skipped)} file(s) exist with other content and were kept;"
              " pass --force to overwrite them", file=sys.stderr)
        return 1
    return 0
