"""`artifact-lint server`: the language server, end to end over stdio (pytest-lsp).

Each test starts the server as a subprocess, initializes it on a copy of the fixture
repository and talks to it as an editor would: open, change, save, close, code actions,
hover. Diagnostics are awaited by the buffer version they were published for.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest_lsp = pytest.importorskip("pytest_lsp", reason="pytest-lsp is not installed (pip install -e '.[test]')")

from conftest import build_fixture_repo  # noqa: E402
from lsprotocol import types  # noqa: E402
from pygls.protocol import default_converter  # noqa: E402
from pygls.uris import from_fs_path  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient  # noqa: E402

ARTIFACT = "artifacts/gemma-2b-invoice-fields.yaml"
TIMEOUT = 60  # the first lint loads the repository; a slow CI machine may take a while


class Client(LanguageClient):
    """A test client that keeps every publishDiagnostics with its version."""

    published: list[types.PublishDiagnosticsParams]
    messages: list[types.ShowMessageParams]


def make_client() -> Client:
    client = Client(converter_factory=default_converter)
    client.published = []
    client.messages = []

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def publish(params: types.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = params.diagnostics
        client.published.append(params)

    @client.feature(types.WINDOW_SHOW_MESSAGE)
    def show(params: types.ShowMessageParams) -> None:
        client.messages.append(params)

    @client.feature(types.WINDOW_LOG_MESSAGE)
    def log(params: types.LogMessageParams) -> None:
        pass

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        return None

    return client


CONFIG = ClientServerConfig(server_command=[sys.executable, "-m", "artifact_lint", "server"],
                            client_factory=make_client)


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: Client, tmp_path: Path):  # type: ignore[no-untyped-def]
    root = build_fixture_repo(tmp_path)
    lsp_client.root = root  # type: ignore[attr-defined]
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=types.ClientCapabilities(
            workspace=types.WorkspaceClientCapabilities(
                did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True)),
            text_document=types.TextDocumentClientCapabilities(
                publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True)),
        ),
        root_uri=from_fs_path(str(root)),
        workspace_folders=[types.WorkspaceFolder(uri=from_fs_path(str(root)), name="repo")],
    ))
    yield
    await lsp_client.shutdown_session()


def uri_of(client: Client, relative: str) -> str:
    return from_fs_path(str(client.root / relative))  # type: ignore[attr-defined]


async def published(client: Client, uri: str, version: int) -> list[types.Diagnostic]:
    """The diagnostics published for `uri` at `version` (waiting for them)."""

    async def wait() -> list[types.Diagnostic]:
        while True:
            for params in reversed(client.published):
                if params.uri == uri and params.version == version:
                    return list(params.diagnostics)
            await asyncio.sleep(0.01)

    return await asyncio.wait_for(wait(), TIMEOUT)


def open_document(client: Client, relative: str, text: str, version: int = 1, language: str = "yaml") -> str:
    uri = uri_of(client, relative)
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri, language_id=language, version=version, text=text)))
    return uri


def change_document(client: Client, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))


async def republished_after(client: Client, uri: str, before: int) -> list[types.Diagnostic]:
    """The diagnostics of `uri` in the first publication after the first `before` ones
    (a change the server noticed on its own, with no version to wait for)."""

    async def first() -> list[types.Diagnostic]:
        while True:
            fresh = [p for p in client.published[before:] if p.uri == uri]
            if fresh:
                return list(fresh[-1].diagnostics)
            await asyncio.sleep(0.01)

    return await asyncio.wait_for(first(), TIMEOUT)


def codes(diagnostics: list[types.Diagnostic]) -> list[str]:
    return sorted(str(d.code) for d in diagnostics)


async def opened_with_state(client: Client, state: str) -> str:
    """The sample artifact opened with `state`, a state the policy lacks: once AL101 is published."""
    root = client.root  # type: ignore[attr-defined]
    text = (root / ARTIFACT).read_text().replace("state: candidate-current-best", f"state: {state}")
    uri = open_document(client, ARTIFACT, text)
    assert "AL101" in codes(await published(client, uri, 1))
    return uri


def apply_edits(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP text edits (UTF-16 positions, lines at LF) to `text`."""
    lines = text.split("\n")

    def offset(position: types.Position) -> int:
        before = sum(len(line) + 1 for line in lines[:position.line])
        line = lines[position.line] if position.line < len(lines) else ""
        units = 0
        column = 0
        while column < len(line) and units < position.character:
            units += 2 if ord(line[column]) > 0xFFFF else 1
            column += 1
        return before + column

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[:offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end):]
    return text


@pytest.mark.asyncio
async def test_invalid_state_quick_fix_clears_the_diagnostic(client: Client) -> None:
    text = (client.root / ARTIFACT).read_text().replace(  # type: ignore[attr-defined]
        "state: candidate-current-best", "state: Parked")
    uri = open_document(client, ARTIFACT, text)
    diagnostics = await published(client, uri, 1)
    (al101,) = [d for d in diagnostics if d.code == "AL101"]
    assert al101.severity == types.DiagnosticSeverity.Error
    assert al101.source == "artifact-lint"
    assert al101.code_description is None
    # line 3 `state: Parked`: the range is the value, 0-based
    assert al101.range == types.Range(start=types.Position(line=2, character=7),
                                      end=types.Position(line=2, character=13))

    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=al101.range,
        context=types.CodeActionContext(diagnostics=[al101])))
    assert actions
    quick = [a for a in actions if isinstance(a, types.CodeAction) and a.kind == types.CodeActionKind.QuickFix]
    assert len(quick) == 1
    fix = quick[0]
    assert fix.is_preferred and "(unsafe)" not in fix.title and "parked" in fix.title
    assert list(fix.diagnostics or []) == [al101]
    assert fix.edit is not None and fix.edit.changes is not None
    (edit,) = fix.edit.changes[uri]
    assert edit.range == al101.range and edit.new_text == "parked"

    fixed = apply_edits(text, fix.edit.changes[uri])
    assert "state: parked\n" in fixed
    # Asked for source.fixAll (as editors do on save): every safe fix of the file, in one action.
    fix_all = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=types.Range(
            start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
        context=types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.SourceFixAll])))
    assert fix_all and [a.kind for a in fix_all] == ["source.fixAll.artifact-lint"]  # type: ignore[union-attr]
    assert apply_edits(text, fix_all[0].edit.changes[uri]) == fixed  # type: ignore[union-attr,index]
    change_document(client, uri, 2, fixed)
    after = await published(client, uri, 2)
    assert "AL101" not in codes(after)
    assert after == []


@pytest.mark.asyncio
async def test_the_buffer_is_linted_not_the_disk(client: Client) -> None:
    path = client.root / ARTIFACT  # type: ignore[attr-defined]
    on_disk = path.read_text()
    uri = open_document(client, ARTIFACT, on_disk)
    assert await published(client, uri, 1) == []
    change_document(client, uri, 2, on_disk.replace("label: Directional", "label: directonal"))
    diagnostics = await published(client, uri, 2)
    assert codes(diagnostics) == ["AL201"]
    assert path.read_text() == on_disk  # nothing was saved, and the disk is clean
    # Back to the text on disk: clean again.
    change_document(client, uri, 3, on_disk)
    assert await published(client, uri, 3) == []


@pytest.mark.asyncio
async def test_hover_shows_the_rule_documentation(client: Client) -> None:
    text = (client.root / ARTIFACT).read_text().replace(  # type: ignore[attr-defined]
        "state: candidate-current-best", "state: Parked")
    uri = open_document(client, ARTIFACT, text)
    (al101,) = [d for d in await published(client, uri, 1) if d.code == "AL101"]
    on_value = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=2, character=9)))
    assert on_value is not None and isinstance(on_value.contents, types.MarkupContent)
    assert on_value.contents.kind == types.MarkupKind.Markdown
    assert on_value.contents.value.startswith("# AL101 invalid-state\n")
    assert "## Use instead" in on_value.contents.value
    assert on_value.range == al101.range
    # On the key of the field: the same documentation.
    on_key = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=2, character=2)))
    assert on_key is not None and on_key.contents.value == on_value.contents.value  # type: ignore[union-attr]
    # Nowhere near a finding: nothing.
    elsewhere = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=0, character=2)))
    assert elsewhere is None


@pytest.mark.asyncio
async def test_broken_yaml_is_al001_and_the_server_keeps_going(client: Client) -> None:
    text = (client.root / ARTIFACT).read_text()  # type: ignore[attr-defined]
    uri = open_document(client, ARTIFACT, "id: [unclosed\nstate: parked\n")
    diagnostics = await published(client, uri, 1)
    assert codes(diagnostics) == ["AL001"]
    assert diagnostics[0].severity == types.DiagnosticSeverity.Error
    change_document(client, uri, 2, "\t- not: yaml: at: all\n")
    assert codes(await published(client, uri, 2)) == ["AL001"]
    change_document(client, uri, 3, text)
    assert await published(client, uri, 3) == []


@pytest.mark.asyncio
async def test_findings_about_other_files_are_not_published_for_the_edited_file(client: Client) -> None:
    # As with `check --stdin-filename`: a state the registry document disagrees with is
    # AL601 at the document's row, never at the edited file; the file gets its own findings.
    root = client.root  # type: ignore[attr-defined]
    other = "artifacts/terminal-replay.yaml"
    document = "docs/factory/public-artifacts.md"
    document_uri = open_document(client, document, (root / document).read_text(), language="markdown")
    assert await published(client, document_uri, 1) == []
    edited = (root / other).read_text().replace("state: parked", "state: blocked")
    uri = open_document(client, other, edited)
    assert codes(await published(client, uri, 1)) == ["AL103"]

    async def document_republished() -> list[types.Diagnostic]:
        while True:
            fresh = [p for p in client.published if p.uri == document_uri and p.diagnostics]
            if fresh:
                return list(fresh[-1].diagnostics)
            await asyncio.sleep(0.01)

    # The open document is linted again once the edits pause: now it disagrees with the buffer.
    assert codes(await asyncio.wait_for(document_republished(), TIMEOUT)) == ["AL601"]
    # A duplicate id is AL006 at both files; the buffer's URI gets its own one only.
    duplicate = (root / ARTIFACT).read_text().split("\n", 1)[0] + "\n" + edited.split("\n", 1)[1]
    change_document(client, uri, 2, duplicate)
    assert codes(await published(client, uri, 2)).count("AL006") == 1
    assert not any(p.uri == uri_of(client, ARTIFACT) for p in client.published)


@pytest.mark.asyncio
async def test_positions_count_utf16_code_units(client: Client) -> None:
    # An emoji before the finding on the same line: two UTF-16 code units, one character.
    row = ("  - system: DocParse-XL-13B\n    metric: vendor document suite\n    score: 91%\n"
           "    label: Directional\n    readout: A different suite and size class, shown for context.\n")
    text = (client.root / ARTIFACT).read_text()  # type: ignore[attr-defined]
    assert row in text
    text = text.replace(row, '  - {system: "😀 DocParse", metric: suite, score: 91%, label: Directonal,'
                             ' readout: context only}\n')
    uri = open_document(client, ARTIFACT, text)
    diagnostics = await published(client, uri, 1)
    (al201,) = [d for d in diagnostics if d.code == "AL201"]
    line = text.split("\n")[al201.range.start.line]
    assert "😀" in line
    code_points = line.index("Directonal")
    assert al201.range.start.character == code_points + 1  # the emoji is two UTF-16 units
    assert al201.range.end.character == al201.range.start.character + len("Directonal")


@pytest.mark.asyncio
async def test_public_copy_markdown_is_linted_from_the_buffer(client: Client) -> None:
    root = client.root  # type: ignore[attr-defined]
    card = "docs/hf-cards/gemma-2b-invoice-fields.md"
    (root / card).parent.mkdir(parents=True)
    (root / card).write_text("# Gemma-2B invoice fields\n\nField exact 0.734 on the public slice.\n")
    uri = open_document(client, card, (root / card).read_text(), language="markdown")
    assert await published(client, uri, 1) == []
    claim = "# Gemma-2B invoice fields\n\nIt beats DocParse-XL-13B on invoices.\n"
    change_document(client, uri, 2, claim)
    diagnostics = await published(client, uri, 2)
    assert "AL202" in codes(diagnostics)
    (al202,) = [d for d in diagnostics if d.code == "AL202"]
    assert al202.range.start.line == 2
    assert (root / card).read_text() != claim


@pytest.mark.asyncio
async def test_unsafe_fix_is_titled_unsafe_and_not_preferred(client: Client) -> None:
    text = (client.root / ARTIFACT).read_text() + "website: /artifact/gemma-2b-invoice-fields\n"  # type: ignore
    uri = open_document(client, ARTIFACT, text)
    (al505,) = [d for d in await published(client, uri, 1) if d.code == "AL505"]
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=al505.range,
        context=types.CodeActionContext(diagnostics=[al505])))
    assert actions
    (unsafe,) = [a for a in actions if isinstance(a, types.CodeAction) and a.kind == types.CodeActionKind.QuickFix]
    assert unsafe.title.endswith("(unsafe)") and not unsafe.is_preferred
    fixed = apply_edits(text, unsafe.edit.changes[uri])  # type: ignore[union-attr,index]
    assert fixed.endswith('website: "/artifacts/gemma-2b-invoice-fields"\n')  # quoted, as --fix writes it


@pytest.mark.asyncio
async def test_a_saved_policy_change_is_picked_up(client: Client) -> None:
    root = client.root  # type: ignore[attr-defined]
    uri = await opened_with_state(client, "shelved")
    (root / "rules").mkdir(exist_ok=True)
    from artifact_lint.model.policy import default_policy_text

    policy = default_policy_text().decode() + ""
    policy = policy.replace("states:\n", "states:\n  shelved: {meaning: \"Kept, not worked on.\"}\n", 1)
    (root / "rules" / "policy.yaml").write_text(policy)
    before = len(client.published)
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[types.FileEvent(
        uri=uri_of(client, "rules/policy.yaml"), type=types.FileChangeType.Created)]))

    assert "AL101" not in codes(await republished_after(client, uri, before))


@pytest.mark.asyncio
async def test_closing_clears_the_diagnostics_and_other_files_get_none(client: Client) -> None:
    root = client.root  # type: ignore[attr-defined]
    uri = await opened_with_state(client, "Parked")
    client.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))

    async def cleared() -> None:
        while not (client.published[-1].uri == uri and not client.published[-1].diagnostics):
            await asyncio.sleep(0.01)

    await asyncio.wait_for(cleared(), TIMEOUT)
    # A YAML file outside the artifact folders is not an artifact: nothing is published.
    (root / ".github").mkdir()
    (root / ".github" / "ci.yml").write_text("name: ci\n")
    other = open_document(client, ".github/ci.yml", "name: ci\nstate: Parked\n")
    marker = open_document(client, ARTIFACT, (root / ARTIFACT).read_text(), version=7)
    await published(client, marker, 7)  # linted after the YAML file: had it been linted, it would be published
    assert not any(p.uri == other for p in client.published)


@pytest.mark.asyncio
async def test_the_registry_document_is_linted_from_its_buffer(client: Client) -> None:
    root = client.root  # type: ignore[attr-defined]
    document = "docs/factory/public-artifacts.md"
    text = (root / document).read_text()
    uri = open_document(client, document, text, language="markdown")
    assert await published(client, uri, 1) == []
    drifted = text.replace("| `parked` | Demo.", "| `blocked` | Demo.")
    change_document(client, uri, 2, drifted)
    diagnostics = await published(client, uri, 2)
    assert codes(diagnostics) == ["AL601"]
    assert diagnostics[0].range.start.line == drifted.split("\n").index(
        next(line for line in drifted.split("\n") if "`terminal-replay`" in line))
    # The artifact file, opened now, is linted against the document's buffer: AL601 is
    # the document's finding, never published for the artifact file.
    artifact = open_document(client, "artifacts/terminal-replay.yaml",
                             (root / "artifacts/terminal-replay.yaml").read_text())
    assert await published(client, artifact, 1) == []


def test_check_never_imports_the_language_server(base_repo: Path) -> None:
    code = ("import sys; from artifact_lint.commands.cli import app;"
            " app(['check', '-f', 'concise'], standalone_mode=False);"
            " print(sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol', 'cattrs')"
            " or m.startswith('artifact_lint.server')))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=base_repo, capture_output=True, text=True, timeout=120,
                          env={**os.environ})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_positions_are_converted_to_each_encoding() -> None:
    from artifact_lint.server.diagnostics import Lines

    text = "a: x\r\nb: 😀é z\rc: w"
    utf16 = Lines(text)
    assert [line for line in utf16.lines] == ["a: x", "b: 😀é z", "c: w"]
    assert utf16.at(2, 7) == types.Position(line=1, character=7)  # `z`: the emoji is two units
    assert Lines(text, types.PositionEncodingKind.Utf8).at(2, 7) == types.Position(line=1, character=10)
    assert Lines(text, types.PositionEncodingKind.Utf32).at(2, 7) == types.Position(line=1, character=6)
    assert utf16.index(types.Position(line=1, character=7)) == (2, 7)
    assert utf16.offset(text.index("z")) == types.Position(line=1, character=7)
    assert utf16.at(9, 1) == types.Position(line=2, character=0)  # past the end: the last line
    bom = Lines("\ufeffid: x\n")  # the loader's columns start after a BOM; the buffer's hold it
    assert bom.at(1, 5) == types.Position(line=0, character=5)


@pytest.mark.asyncio
async def test_a_saved_configuration_is_read_again(client: Client) -> None:
    root = client.root  # type: ignore[attr-defined]
    uri = await opened_with_state(client, "Parked")
    settings = '[tool.artifact-lint]\nignore = ["AL101"]\n'
    (root / "pyproject.toml").write_text(settings)
    pyproject = open_document(client, "pyproject.toml", settings, language="toml")
    before = len(client.published)
    client.text_document_did_save(types.DidSaveTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=pyproject)))

    assert "AL101" not in codes(await republished_after(client, uri, before))
    assert not any(p.uri == pyproject for p in client.published)


def test_the_benchmark_runs_on_a_small_corpus(tmp_path: Path) -> None:
    """`bench/lsp.py` end to end at N = 4 (no time is asserted)."""
    bench = Path(__file__).resolve().parents[1] / "bench" / "lsp.py"
    out = tmp_path / "figures.json"
    proc = subprocess.run([sys.executable, str(bench), "-n", "4", "--changes", "4", "--corpus", str(tmp_path / "c"),
                           "--json", str(out)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    import json

    figures = json.loads(out.read_text())
    assert figures["artifact"]["runs"] == 4 and figures["registry"]["runs"] >= 1


def test_severities_codes_and_ranges_of_diagnostics() -> None:
    from artifact_lint.model.findings import Finding, Severity
    from artifact_lint.server.diagnostics import Lines, Spans, to_diagnostic

    text = "id: x\nstate: 'Parked'  # quoted\nnotes:\n  - one\n"
    lines, spans = Lines(text), Spans(text, ".yaml")
    made = {severity: to_diagnostic(Finding("AL101", "invalid-state", severity, "a.yaml", 2, 8, "m", "state"),
                                    lines, spans) for severity in Severity}
    assert made[Severity.ERROR].severity == types.DiagnosticSeverity.Error
    assert made[Severity.WARNING].severity == types.DiagnosticSeverity.Warning
    assert made[Severity.INFO].severity == types.DiagnosticSeverity.Information
    diagnostic = made[Severity.ERROR]
    assert (diagnostic.code, diagnostic.source, diagnostic.code_description) == ("AL101", "artifact-lint", None)
    # the quoted scalar, quotes included, not the comment after it
    assert diagnostic.range == types.Range(start=types.Position(line=1, character=7),
                                           end=types.Position(line=1, character=15))
    # a finding on a collection (the list under `notes`) runs to the end of its first line
    on_list = to_diagnostic(Finding("AL004", "unknown-field", Severity.ERROR, "a.yaml", 4, 3, "m", "notes"),
                            lines, spans)
    assert on_list.range.end == types.Position(line=3, character=7)
