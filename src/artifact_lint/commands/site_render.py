"""Rendering and writing the site: the index page and one page per published artifact.

`render` fills the Jinja2 templates (`templates/index.html`, `templates/artifact.html`,
autoescaped, undefined values an error) from the index document `site.build` makes.
Every page is checked before anything is written: inside the output folder with links
resolved, a regular file or nothing yet (`containment`). Pages of artifacts not
published now are removed first, so a withheld artifact never keeps an old page, and
`check_out` refuses an output folder that is the root, above it, or overlaps an
artifacts folder.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from artifact_lint import __version__
from artifact_lint.errors import ToolError

if TYPE_CHECKING:
    from artifact_lint.commands.site import Built, Entry

PAGE = "artifacts/{id}/index.html"


def environment() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(loader=PackageLoader("artifact_lint", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters["pct"] = lambda share: f"{(share or 0.0) * 100:.1f}"
    return env


def check_out(out: Path, root: Path, configured: tuple[str, ...]) -> Path:
    """The output folder with links resolved, refused when writing there would overwrite or
    pollute the sources, or when it is not a folder. Nothing is created here."""
    given = out if out.is_absolute() else Path.cwd() / out
    target = Path(os.path.realpath(given))
    real_root = Path(os.path.realpath(root))
    if target == real_root or target in real_root.parents:
        raise ToolError(f"--out `{out}` is the repository root or above it; choose a folder such as `site/`")
    for relative in configured:
        source = Path(os.path.realpath(real_root / relative))
        pages = target / "artifacts"
        if source == target or source in target.parents or source == pages or pages in source.parents:
            raise ToolError(f"--out `{out}` overlaps the artifact folder `{relative}`; choose a folder such as"
                            " `site/`")
    if os.path.lexists(given) and not os.path.isdir(given):
        raise ToolError(f"--out `{out}` exists and is not a folder")
    return target


def _pages_folder(out: Path, shown: str) -> Path | None:
    """`out/artifacts` when it is a folder inside `out` (links resolved), None when absent; a
    link leading out of `out`, or anything but a folder, is a `ToolError`: nothing is removed
    or written through it."""
    pages = out / "artifacts"
    if not os.path.lexists(pages):
        return None
    if not os.path.realpath(pages).startswith(str(out).rstrip(os.sep) + os.sep):
        raise ToolError(f"site folder `{shown}/artifacts` leads outside the output folder `{shown}` through a link;"
                        " nothing was written or removed")
    if not os.path.isdir(pages):
        raise ToolError(f"site folder `{shown}/artifacts` exists and is not a folder; nothing was written")
    return pages


def _remove_stale(out: Path, published: set[str], shown: str = "") -> None:
    """Remove pages of artifacts not published now, so a withheld artifact never keeps an old
    page: `artifacts/<id>/index.html` and then its folder if empty. A link there is removed
    itself, never what it points at; other files are left alone."""
    shown = shown or str(out)
    pages = _pages_folder(out, shown)
    if pages is None:
        return
    from artifact_lint.sources.containment import remove_empty_folder, remove_file

    for entry in sorted(os.scandir(pages), key=lambda e: e.name):
        if entry.name in published:
            continue
        where = f"{shown}/artifacts/{entry.name}"
        if entry.is_symlink():
            remove_empty_folder(Path(entry.path), out, "stale page", where)  # the link itself
        elif entry.is_dir(follow_symlinks=False):
            remove_file(Path(entry.path) / "index.html", out, "stale page", f"{where}/index.html")
            remove_empty_folder(Path(entry.path), out, "stale page", where)


def _write(path: Path, text: str, out: Path, out_shown: str, relative: str) -> None:
    from artifact_lint.sources.containment import OUTPUT_FOLDER, write_text

    write_text(path, text, out, "page", f"{out_shown}/{relative}", place=OUTPUT_FOLDER, within_shown=out_shown)


def render(built: Built, out: Path, shown: str | None = None) -> list[Path]:
    """Write index.html and one page per published artifact under `out` (a folder, links
    resolved). Every page is checked (inside `out`, links resolved; a regular file or
    nothing yet; a name the file system takes) before a stale page is removed or any is written."""
    from artifact_lint.sources.containment import OUTPUT_FOLDER, check, make_folder

    shown = shown or str(out)
    out = make_folder(out, "--out", shown)
    env = environment()
    published = built.published
    common = {"tool_version": __version__, "paths": built.document["generated_from"]["paths"],
              "policy": built.document["policy"]}
    pages: list[tuple[Path, str, Entry | None]] = [(out / "index.html", "index.html", None)]
    pages += [(out / PAGE.format(id=entry.id), PAGE.format(id=entry.id), entry) for entry in published]
    _pages_folder(out, shown)
    for page, relative, _ in pages:
        check(page, out, "page", f"{shown}/{relative}", OUTPUT_FOLDER, shown)
    _remove_stale(out, {entry.id for entry in published if entry.id}, shown)
    detail = env.get_template("artifact.html")
    for page, relative, entry in pages[1:]:
        assert entry is not None and entry.id is not None and entry.artifact.model is not None
        _write(page, detail.render(entry=entry.index, model=entry.artifact.model, **common), out, shown, relative)
    index = env.get_template("index.html")
    _write(out / "index.html", index.render(entries=[entry.index for entry in published], **common), out, shown,
           "index.html")
    return [page for page, _, _ in pages]
