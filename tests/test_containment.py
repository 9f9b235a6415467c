"""`containment`: every write stays in its folder, is refused by type, keeps what it replaces."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from artifact_lint.errors import ToolError
from artifact_lint.sources import containment
from artifact_lint.sources.containment import (
    ReadOnlyFile,
    append_text,
    check,
    remove_empty_folder,
    remove_file,
    write_text,
)


@pytest.fixture
def area(tmp_path: Path) -> Path:
    (tmp_path / "root").mkdir()
    (tmp_path / "outside").mkdir()
    return tmp_path / "root"


def _one_line(exc: pytest.ExceptionInfo[ToolError], *needles: str) -> str:
    message = str(exc.value)
    assert "\n" not in message
    for needle in needles:
        assert needle in message, message
    return message


def test_a_new_file_inside_is_written_with_its_folders(area: Path) -> None:
    old = os.umask(0o022)
    try:
        write_text(area / "a" / "b" / "report.json", "{}\n", area, "output file")
    finally:
        os.umask(old)
    path = area / "a" / "b" / "report.json"
    assert path.read_text() == "{}\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644  # 0666 less the umask, as open() would give
    assert [p.name for p in area.rglob("*")] == ["a", "b", "report.json"]  # no temporary file left


def test_paths_outside_or_leading_outside_are_refused(area: Path) -> None:
    outside = area.parent / "outside"
    with pytest.raises(ToolError) as exc:
        check(outside / "x.json", area, "output file", "../outside/x.json")
    _one_line(exc, "output file `../outside/x.json`", "outside the repository root")
    (area / "reports").symlink_to(outside)
    with pytest.raises(ToolError) as exc:
        write_text(area / "reports" / "x.json", "{}", area, "output file", "reports/x.json")
    _one_line(exc, "`reports/x.json`", "leads outside", "through a link")
    (area / "secret.json").symlink_to(outside / "secret.json")
    with pytest.raises(ToolError):
        write_text(area / "secret.json", "{}", area, "output file")
    assert list(outside.iterdir()) == []


def test_a_link_inside_is_written_through_and_stays_a_link(area: Path) -> None:
    (area / "real").mkdir()
    (area / "real" / "file.yaml").write_text("old\n")
    (area / "link.yaml").symlink_to("real/file.yaml")
    target = write_text(area / "link.yaml", "new\n", area, "artifact file")
    assert target.real == (area / "real" / "file.yaml").resolve()
    assert (area / "link.yaml").is_symlink() and os.readlink(area / "link.yaml") == "real/file.yaml"
    assert (area / "real" / "file.yaml").read_text() == "new\n"


def test_a_link_that_loops_is_refused(area: Path) -> None:
    (area / "a").symlink_to("b")
    (area / "b").symlink_to("a")
    with pytest.raises(ToolError) as exc:
        write_text(area / "a", "x", area, "output file", "a")
    _one_line(exc, "`a`")


def test_non_regular_targets_are_refused_by_type(area: Path) -> None:
    (area / "folder").mkdir()
    with pytest.raises(ToolError) as exc:
        write_text(area / "folder", "x", area, "output file", "folder")
    _one_line(exc, "`folder`", "not a regular file (it is a folder)")
    os.mkfifo(area / "pipe")
    with pytest.raises(ToolError) as exc:  # refused, never opened: no wait for a reader
        write_text(area / "pipe", "x", area, "output file", "pipe")
    _one_line(exc, "`pipe`", "named pipe")
    with pytest.raises(ToolError) as exc:
        append_text(area / "pipe", "x", "job summary", "pipe")
    _one_line(exc, "named pipe")
    (area / "file").write_text("")
    with pytest.raises(ToolError) as exc:
        write_text(area / "file" / "x.json", "x", area, "output file", "file/x.json")
    _one_line(exc, "`file` is not a folder")


def test_a_name_too_long_is_refused_before_anything_is_made(area: Path) -> None:
    with pytest.raises(ToolError) as exc:
        write_text(area / "new" / ("a" * 300 + ".yaml"), "x", area, "artifact file", "new/aaa.yaml")
    _one_line(exc, "305 bytes", "nothing was written")
    assert list(area.iterdir()) == []


def test_mode_owner_and_group_are_kept(area: Path) -> None:
    path = area / "kept.yaml"
    path.write_text("old\n")
    os.chmod(path, 0o640)
    if os.geteuid() == 0:
        os.chown(path, 1234, 2345)
    before = path.stat()
    write_text(path, "new\n", area, "artifact file")
    after = path.stat()
    assert path.read_text() == "new\n" and after.st_ino != before.st_ino  # replaced, not truncated
    assert stat.S_IMODE(after.st_mode) == 0o640
    assert (after.st_uid, after.st_gid) == (before.st_uid, before.st_gid)


def test_a_read_only_file_is_refused_by_its_mode_even_for_root(area: Path) -> None:
    path = area / "locked.yaml"
    path.write_text("old\n")
    os.chmod(path, 0o444)
    # root may write any file (os.access says so): the mode bits decide, not the permission.
    assert os.access(path, os.W_OK) == (os.geteuid() == 0)
    target = check(path, area, "artifact file", "locked.yaml")
    assert target.read_only
    with pytest.raises(ReadOnlyFile) as exc:
        write_text(path, "new\n", area, "artifact file", "locked.yaml")
    _one_line(exc, "`locked.yaml` is read-only (mode 0444)")
    assert path.read_text() == "old\n" and stat.S_IMODE(path.stat().st_mode) == 0o444


def _full_device(folder: Path, name: str) -> tuple[int, Path]:
    """A 'temporary file' that is /dev/full: every write ends with ENOSPC, as on a full disk."""
    return os.open("/dev/full", os.O_WRONLY), folder / f".{name}.full.tmp"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_no_space_left_is_one_line_and_the_target_is_untouched(area: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = area / "report.json"
    path.write_text("old\n")
    monkeypatch.setattr(containment, "_temporary", _full_device)
    with pytest.raises(ToolError) as exc:
        write_text(path, "x" * 100_000, area, "output file", "report.json")
    _one_line(exc, "cannot write output file `report.json`", "no space left on the device")
    assert path.read_text() == "old\n"


def test_permission_denied_in_the_folder_is_one_line(area: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(folder: Path, name: str) -> tuple[int, Path]:
        raise PermissionError(errno.EACCES, "Permission denied", str(folder))

    monkeypatch.setattr(containment, "_temporary", denied)
    with pytest.raises(ToolError) as exc:
        write_text(area / "report.json", "x", area, "output file", "report.json")
    _one_line(exc, "`report.json`", "permission denied", "its folder")


@pytest.fixture
def immutable(area: Path) -> Iterator[Path]:
    """A folder nobody, root included, may add a file to (`chattr +i`)."""
    folder = area / "locked"
    folder.mkdir()
    (folder / "file.yaml").write_text("old\n")
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True, timeout=60).returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        yield folder
    finally:
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True, timeout=60)


def test_a_folder_that_takes_no_new_file_is_one_line(area: Path, immutable: Path) -> None:
    with pytest.raises(ToolError) as exc:
        write_text(immutable / "file.yaml", "new\n", area, "artifact file", "locked/file.yaml")
    _one_line(exc, "cannot write artifact file `locked/file.yaml`", "operation not permitted")
    assert (immutable / "file.yaml").read_text() == "old\n"


def test_append_keeps_what_is_there_and_refuses_folders(area: Path) -> None:
    summary = area / "summary.md"
    summary.write_text("## before\n")
    append_text(summary, "## after\n", "job summary")
    assert summary.read_text() == "## before\n## after\n"
    with pytest.raises(ToolError) as exc:
        append_text(area, "x", "job summary ($GITHUB_STEP_SUMMARY)", str(area))
    _one_line(exc, "job summary", "is not a regular file (it is a folder)")


def test_removal_never_goes_through_a_link(area: Path) -> None:
    outside = area.parent / "outside"
    (outside / "proj").mkdir()
    (outside / "proj" / "index.html").write_text("theirs")
    (area / "pages").mkdir()
    (area / "pages" / "old").symlink_to(outside / "proj")
    with pytest.raises(ToolError) as exc:  # through the link: refused
        remove_file(area / "pages" / "old" / "index.html", area, "stale page", "pages/old/index.html")
    _one_line(exc, "`pages/old/index.html` leads outside", "nothing was removed")
    assert (outside / "proj" / "index.html").read_text() == "theirs"
    assert remove_empty_folder(area / "pages" / "old", area, "stale page")
    assert not os.path.lexists(area / "pages" / "old") and (outside / "proj" / "index.html").exists()
    (area / "pages" / "page.html").symlink_to(outside / "proj" / "index.html")
    assert remove_file(area / "pages" / "page.html", area, "stale page")  # the link itself
    assert (outside / "proj" / "index.html").read_text() == "theirs"


def test_a_file_this_user_may_not_write_is_read_only_too(area: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As another user sees a 0644 file owned by someone else (the tests may run as root)."""
    path = area / "theirs.yaml"
    path.write_text("old\n")
    monkeypatch.setattr(containment.os, "access", lambda *args, **kwargs: False)
    with pytest.raises(ReadOnlyFile) as exc:
        write_text(path, "new\n", area, "artifact file", "theirs.yaml")
    _one_line(exc, "`theirs.yaml` is read-only (this user may not write it)")
    assert path.read_text() == "old\n"
