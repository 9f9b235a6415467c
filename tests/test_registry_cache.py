"""The registry cache gives exactly what parsing gives, and never trusts a bad entry."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import pytest
from conftest import build_fixture_repo
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from artifact_lint.commands.cli import app
from artifact_lint.sources.registry import cache as registry_cache
from artifact_lint.sources.registry.cache import decode, encode, entry_path, read_registry_cached
from artifact_lint.sources.registry.reader import read_registry

ROOT = Path(__file__).resolve().parents[1]
UPSTREAM = ROOT.parent / "shared" / "corpus" / "upstream"


def _documents() -> list[Path]:
    found = [ROOT / "docs" / "factory" / "public-artifacts.md",
             ROOT / "tests" / "fixtures" / "base" / "docs" / "factory" / "public-artifacts.md"]
    if UPSTREAM.is_dir():
        found += sorted(UPSTREAM.rglob("*.md"))
    return found


@pytest.mark.parametrize("document", _documents(), ids=lambda p: p.parent.name + "/" + p.name)
def test_a_cached_document_equals_the_parsed_one(document: Path, tmp_path: Path) -> None:
    text = document.read_text(encoding="utf-8")
    parsed = read_registry(text)
    assert parsed.artifacts  # the document has something to cache
    assert decode(json.loads(json.dumps(encode(parsed))), text) == parsed
    first = read_registry_cached(text, tmp_path)  # a miss: parses and writes the entry
    assert entry_path(tmp_path, text).is_file()
    second = read_registry_cached(text, tmp_path)  # a hit
    assert first == second == parsed


def test_a_hit_does_not_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = _documents()[0].read_text(encoding="utf-8")
    expected = read_registry_cached(text, tmp_path)

    def no_parsing(_text: str) -> None:
        raise AssertionError("parsed although the entry was there")

    monkeypatch.setattr("artifact_lint.sources.registry.reader.read_registry", no_parsing)
    assert read_registry_cached(text, tmp_path) == expected


def test_another_text_is_another_entry(tmp_path: Path) -> None:
    text = _documents()[0].read_text(encoding="utf-8")
    changed = text.replace("report-only", "parked", 1)
    assert entry_path(tmp_path, text) != entry_path(tmp_path, changed)
    read_registry_cached(text, tmp_path)
    assert read_registry_cached(changed, tmp_path) == read_registry(changed)


@pytest.mark.parametrize("content", ["", "{", "[]", '{"format": 2}', '{"format": 99, "artifacts": []}',
                                     '{"format": 2, "list_rows": [[1]], "list_table_line": null,'
                                     ' "states": [], "labels": [], "artifacts": []}'])
def test_a_bad_entry_is_a_miss(content: str, tmp_path: Path) -> None:
    text = _documents()[0].read_text(encoding="utf-8")
    entry = entry_path(tmp_path, text)
    entry.write_text(content, encoding="utf-8")
    assert read_registry_cached(text, tmp_path) == read_registry(text)


def _rewrite(entry: Path, change) -> None:  # type: ignore[no-untyped-def]
    """Apply `change` to the JSON an entry holds and write it back as a forger would: with
    the body's SHA-256 computed again when the entry carries one (so that only the
    shape checks stand between the entry and the rules)."""
    raw = json.loads(entry.read_bytes())
    if isinstance(raw, dict) and "sha256" in raw:
        body = raw["body"]
        change(body)
        encoded = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        digest = hashlib.sha256(encoded).hexdigest()
        entry.write_bytes(b'{"format":%d,"sha256":"%s","body":%s}' % (raw["format"], digest.encode(), encoded))
    else:
        change(raw)
        entry.write_text(json.dumps(raw), encoding="utf-8")


def _body(entry: Path) -> dict:  # type: ignore[type-arg]
    raw = json.loads(entry.read_bytes())
    return raw["body"] if "sha256" in raw else raw  # type: ignore[no-any-return]


def test_an_entry_of_an_older_format_is_a_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Format 5 wraps the body with its SHA-256; format 4 (the decision an entry records) was
    the bare body. An entry written before must never stand in, even under the same name."""
    assert registry_cache.FORMAT == 5
    text = _documents()[0].read_text(encoding="utf-8")
    old = encode(read_registry(text))
    old["format"] = 4
    entry = entry_path(tmp_path, text)
    entry.write_text(json.dumps(old), encoding="utf-8")  # what format 4 wrote
    assert read_registry_cached(text, tmp_path) == read_registry(text)
    written = json.loads(entry.read_text(encoding="utf-8"))
    assert written["format"] == 5 and written["body"]["format"] == 5  # parsed and written again
    monkeypatch.setattr(registry_cache, "FORMAT", 4)
    assert entry_path(tmp_path, text) != entry  # and another format names another entry


def test_an_entry_whose_body_does_not_match_its_digest_is_a_miss(tmp_path: Path) -> None:
    text = _documents()[0].read_text(encoding="utf-8")
    read_registry_cached(text, tmp_path)
    entry = entry_path(tmp_path, text)
    good = entry.read_bytes()
    assert good.startswith(b'{"format":5,"sha256":"')
    for damaged in (good[:-1], good[: len(good) // 2], good.replace(b"Direct", b"Dirent", 1), good + b" "):
        entry.write_bytes(damaged)
        assert read_registry_cached(text, tmp_path) == read_registry(text)
        assert entry.read_bytes() == good


@pytest.mark.parametrize("tamper", [
    lambda positions: positions[1].append(7),  # a number without its pair
    lambda positions: positions[1].__setitem__(0, "2"),  # a line that is not a number
    lambda positions: positions[1].__setitem__(0, True),  # a line that is a boolean
    lambda positions: positions[1].__setitem__(0, 1.5),  # a line that is not whole
    lambda positions: positions[1].__setitem__(0, 0),  # a line before the first
    lambda positions: positions[0][0].append(["deeper"]),  # a path part that cannot be a key
    lambda positions: positions[0].__setitem__(0, "path"),  # a path that is text, not a list of parts
    lambda positions: positions.pop(),  # three lists of four
    lambda positions: positions.append([]),  # five lists
])
def test_an_entry_with_malformed_positions_is_a_miss(tamper, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = _documents()[0].read_text(encoding="utf-8")
    read_registry_cached(text, tmp_path)
    entry = entry_path(tmp_path, text)
    good = _body(entry)
    _rewrite(entry, lambda raw: tamper(raw["artifacts"][0]["positions"]))
    assert read_registry_cached(text, tmp_path) == read_registry(text)
    assert _body(entry) == good  # a miss: parsed and written again


# Valid JSON, every value of another type than `encode` writes (issue 15): each was a
# TypeError, AttributeError or ValidationError in a rule, and is a miss now.
WRONG_TYPES = {
    "row id a number": lambda raw: raw["list_rows"][0].__setitem__(0, 5),
    "row state null": lambda raw: raw["list_rows"][0].__setitem__(2, None),
    "row state a mapping": lambda raw: raw["list_rows"][1].__setitem__(2, {"a": 1}),
    "row id a list": lambda raw: raw["list_rows"][1].__setitem__(0, [1]),
    "row line text": lambda raw: raw["list_rows"][0].__setitem__(5, "3"),
    "row a mapping": lambda raw: raw["list_rows"].__setitem__(0, {"id": "x"}),
    "rows a mapping": lambda raw: raw.__setitem__("list_rows", {}),
    "table line text": lambda raw: raw.__setitem__("list_table_line", "1"),
    "state name a number": lambda raw: raw["states"].append([1, "meaning", 3]),
    "label meaning null": lambda raw: raw["labels"].append(["Direct", None, 3]),
    "artifacts null": lambda raw: raw.__setitem__("artifacts", None),
    "artifact a list": lambda raw: raw["artifacts"].__setitem__(0, []),
    "artifact id a number": lambda raw: raw["artifacts"][0].__setitem__("id", 7),
    "artifact data a list": lambda raw: raw["artifacts"][0].__setitem__("data", []),
    "artifact data a number": lambda raw: raw["artifacts"][0].__setitem__("data", 5),
    "artifact data text": lambda raw: raw["artifacts"][0].__setitem__("data", "x"),
    "artifact state a number": lambda raw: raw["artifacts"][0].__setitem__("list_state", 1),
    "artifact status a list": lambda raw: raw["artifacts"][0].__setitem__("status_line_state", ["x"]),
    "artifact decision a mapping": lambda raw: raw["artifacts"][0].__setitem__("decision", {}),
    "artifact without data": lambda raw: raw["artifacts"][0].pop("data"),
    "artifact with more": lambda raw: raw["artifacts"][0].__setitem__("extra", 1),
    "format text": lambda raw: raw.__setitem__("format", "5"),
    "unknown key": lambda raw: raw.__setitem__("more", []),
}


@pytest.mark.parametrize("tamper", list(WRONG_TYPES.values()), ids=list(WRONG_TYPES))
def test_an_entry_of_the_wrong_types_is_a_miss(tamper, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = _documents()[0].read_text(encoding="utf-8")
    read_registry_cached(text, tmp_path)
    entry = entry_path(tmp_path, text)
    _rewrite(entry, tamper)
    assert read_registry_cached(text, tmp_path) == read_registry(text)


@pytest.mark.parametrize("tamper", list(WRONG_TYPES.values()), ids=list(WRONG_TYPES))
def test_a_check_with_an_entry_of_the_wrong_types_goes_on(tamper, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_fixture_repo(tmp_path)
    folder = tmp_path / "cache"
    monkeypatch.setenv("ARTIFACT_LINT_CACHE_DIR", str(folder))
    monkeypatch.chdir(root)
    expected = CliRunner().invoke(app, ["check", "-f", "json"])  # writes the entry
    (entry,) = folder.glob("registry-*.json")
    _rewrite(entry, tamper)
    result = CliRunner().invoke(app, ["check", "-f", "json"])
    assert (result.exit_code, result.stdout) == (expected.exit_code, expected.stdout), result.output


def _in_time(action, seconds: float = 10.0):  # type: ignore[no-untyped-def]
    """`action()`'s result, or a failure when it takes longer than `seconds` (it is left
    to finish in a daemon thread)."""
    import threading

    box: list[object] = []
    thread = threading.Thread(target=lambda: box.append(action()), daemon=True)
    thread.start()
    thread.join(seconds)
    return box


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_an_entry_that_is_a_named_pipe_is_a_miss_at_once(tmp_path: Path) -> None:
    text = _documents()[0].read_text(encoding="utf-8")
    entry = entry_path(tmp_path, text)
    os.mkfifo(entry)
    done = _in_time(lambda: read_registry_cached(text, tmp_path))
    if not done:  # let the waiting reader go before failing
        os.close(os.open(entry, os.O_WRONLY | os.O_NONBLOCK))
    assert done == [read_registry(text)], "reading a named pipe entry waited for a writer"


def test_an_entry_that_is_a_link_or_a_folder_is_a_miss(tmp_path: Path) -> None:
    text = _documents()[0].read_text(encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    read_registry_cached(text, elsewhere)
    good = entry_path(elsewhere, text)
    folder = tmp_path / "cache"
    folder.mkdir()
    entry = entry_path(folder, text)
    entry.symlink_to(good)  # even a link to a good entry: entries are never links
    assert read_registry_cached(text, folder) == read_registry(text)
    assert not entry.is_symlink() and entry.is_file()  # the miss wrote a regular entry in the link's place
    assert json.loads(good.read_bytes())["format"] == 5  # and the link's target is untouched
    entry.unlink()
    entry.mkdir()
    assert read_registry_cached(text, folder) == read_registry(text)


_ENDLESS = """
import os, resource, sys, json
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
from pathlib import Path
from artifact_lint.sources.registry.cache import entry_path, read_registry_cached
from artifact_lint.sources.registry.reader import read_registry
text, folder = Path(sys.argv[1]).read_text(encoding="utf-8"), Path(sys.argv[2])
entry = entry_path(folder, text)
entry.symlink_to(sys.argv[3])
print(json.dumps(read_registry_cached(text, folder) == read_registry(text)))
"""


@pytest.mark.skipif(not os.path.exists("/dev/zero") or os.name != "posix", reason="no /dev/zero here")
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_an_entry_that_links_to_an_endless_device_is_a_miss_at_once(device: str, tmp_path: Path) -> None:
    import subprocess
    import sys

    folder = tmp_path / "cache"
    folder.mkdir()
    try:
        done = subprocess.run([sys.executable, "-c", _ENDLESS, str(_documents()[0]), str(folder), device],
                              capture_output=True, timeout=30, text=True)
    except subprocess.TimeoutExpired:
        pytest.fail(f"an entry linking to {device} was read without end")
    assert (done.returncode, done.stdout.strip()) == (0, "true"), done.stderr[-2000:]


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
def test_an_entry_that_links_to_a_device_is_never_opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins
    import stat

    text = _documents()[0].read_text(encoding="utf-8")
    entry = entry_path(tmp_path, text)
    entry.symlink_to("/dev/zero")
    opened: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def refuse_devices(opener):  # type: ignore[no-untyped-def]
        def guarded(path, *args, **kwargs):  # type: ignore[no-untyped-def]
            if isinstance(path, (str, os.PathLike)) and os.path.exists(path) \
                    and not stat.S_ISREG(os.stat(path).st_mode) and not os.path.isdir(path):
                opened.append(os.fspath(path))
                raise OSError("opened a device")
            return opener(path, *args, **kwargs)
        return guarded

    monkeypatch.setattr(builtins, "open", refuse_devices(real_open))
    monkeypatch.setattr(os, "open", refuse_devices(real_os_open))
    assert read_registry_cached(text, tmp_path) == read_registry(text)
    assert opened == []


def test_an_entry_over_the_size_bound_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = _documents()[0].read_text(encoding="utf-8")
    read_registry_cached(text, tmp_path)
    entry = entry_path(tmp_path, text)
    size = entry.stat().st_size
    monkeypatch.setattr(registry_cache, "max_entry_size", lambda _text: size - 1)
    opened: list[object] = []
    monkeypatch.setattr(registry_cache, "decode", lambda *args: opened.append(args))
    assert read_registry_cached(text, tmp_path) == read_registry(text)
    assert opened == []
    assert entry.stat().st_size == size  # and nothing larger than the bound is written either


def test_an_unwritable_folder_only_costs_the_parse(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    text = _documents()[0].read_text(encoding="utf-8")
    assert read_registry_cached(text, blocker / "cache") == read_registry(text)


def test_old_entries_are_pruned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry_cache, "KEEP", 2)
    text = _documents()[0].read_text(encoding="utf-8")
    for index in range(4):
        read_registry_cached(text + f"\n<!-- {index} -->\n", tmp_path)
    assert len(list(tmp_path.glob("registry-*.json"))) == 2


def test_check_uses_the_folder_and_no_cache_leaves_it_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_fixture_repo(tmp_path)
    folder = tmp_path / "cache"
    monkeypatch.setenv("ARTIFACT_LINT_CACHE_DIR", str(folder))
    monkeypatch.chdir(root)
    fresh = CliRunner().invoke(app, ["check", "-f", "json", "--no-cache"])
    assert not folder.exists()
    first = CliRunner().invoke(app, ["check", "-f", "json"])
    assert len(list(folder.glob("registry-*.json"))) == 1
    second = CliRunner().invoke(app, ["check", "-f", "json"])
    assert fresh.exit_code == first.exit_code == second.exit_code
    assert fresh.stdout == first.stdout == second.stdout
    assert not any(p.name.startswith("registry-") for p in root.rglob("*"))  # nothing in the repository


def test_the_default_folder_is_outside_the_repository(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ARTIFACT_LINT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert registry_cache.cache_folder() == tmp_path / "artifact-lint"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert registry_cache.cache_folder() == Path(os.path.expanduser("~")) / ".cache" / "artifact-lint"


FRAGMENTS = [
    "| Artifact | Type | State |\n", "|---|---|---|\n", "| `a` | T | `s` |\n", "### `a`\n", "### `b`\n",
    "Status: ", "`blocked`", "Measured evidence:\n", "| Gate | Stock | Ours | n |\n", "| g | 0.5 | - | 12 |\n",
    "| h | 1e999 | 58% | x |\n", "Release blockers:\n", "| Blocker | Unblock |\n", "| b | u |\n",
    "Committed surface:\n", "- `specialists/a/x.md`\n", "Competitive context:\n",
    "| System | Score | Label |\n", "| S-7B | 0.4 | `Direct` |\n", "**", "\n", "\r", "> ", "  ",
    "Next release action:\n", "```\n", "\udcff", "\x00", "|", "`", "\\", "Website page: /a\n",
    "- HF repo: `https://huggingface.co/o/a`\n", "- Cmd: `python3 x.py --y`\n", "Current artifact shape:\n",
    "- Public adapter: `runs/a/b.lora`\n", "A toy screen scored 40/40. ", "Latency was not recorded.\n",
    "| Gate | Ours | R1 | R2 |\n", "| Mean latency | 3.8ms | 0.5 | not run |\n", "| Id | Evidence / readout |\n",
    "| `Ours` | Current candidate. | Direct |\n",
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=8), max_size=40))
def test_any_document_comes_back_from_the_cache_as_parsed(parts: list[str]) -> None:
    text = "".join(parts)
    parsed = read_registry(text)
    with tempfile.TemporaryDirectory() as folder:
        first = read_registry_cached(text, Path(folder))  # writes the entry when JSON can hold it
        second = read_registry_cached(text, Path(folder))  # reads it back
    assert first == parsed
    assert second == parsed


def test_pruning_passes_over_odd_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A dangling link named like an entry used to stop the pruning (stat raised)."""
    monkeypatch.setattr(registry_cache, "KEEP", 1)
    (tmp_path / "registry-dangling.json").symlink_to(tmp_path / "nowhere")
    text = _documents()[0].read_text(encoding="utf-8")
    read_registry_cached(text + "\n<!-- 1 -->\n", tmp_path)
    read_registry_cached(text + "\n<!-- 2 -->\n", tmp_path)
    assert [p.name for p in tmp_path.glob("registry-*.json")] == [entry_path(tmp_path, text + "\n<!-- 2 -->\n").name]
