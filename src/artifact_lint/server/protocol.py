"""The protocol handlers: `artifact-lint server` speaks LSP over standard input and output.

Every buffer the editor opens or changes is handed to the `Workspace` of its repository
root (the root `check` would find from the workspace folder) and linted there; the
findings at that file, and only those, are published for its URI with the buffer's
version. Edits are coalesced: the handlers note which buffers changed, and one task on
the event loop lints each of them once, with its latest text. When that is done, the
other open buffers of the same repository are linted again a moment later (a cross-file
rule may now say something else about them), and published only when that changed.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from pathlib import Path
from urllib.parse import unquote

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from artifact_lint import __version__
from artifact_lint.errors import ToolError
from artifact_lint.server.actions import KINDS, code_actions
from artifact_lint.server.diagnostics import Snapshot
from artifact_lint.server.hover import hover
from artifact_lint.server.workspace import Workspace

log = logging.getLogger("artifact_lint.server")

OTHERS_DELAY = 0.3  # seconds of quiet before the other open buffers are linted again
WATCHED = ["**/*.{yaml,yml,json,md,markdown,txt}", "**/{pyproject.toml,artifact-lint.toml,.artifact-lint.toml}",
           "**/.gitignore"]


class ArtifactLintServer(LanguageServer):
    """A language server holding one warm `Workspace` per repository root."""

    def __init__(self) -> None:
        super().__init__("artifact-lint", __version__,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.roots: dict[Path, Workspace] = {}
        self.snapshots: dict[str, Snapshot] = {}  # uri -> its latest lint
        self.open_uris: dict[str, tuple[Workspace, str] | None] = {}  # uri -> (workspace, root-relative path)
        self.pending: dict[str, None] = {}  # uris whose buffer changed since they were linted
        self._flush_scheduled = False
        # How many buffer edits each workspace has taken in: a snapshot older than that may be stale.
        self._generation: dict[Workspace, int] = {}
        self._others_handle: asyncio.TimerHandle | None = None
        self._shown_errors: set[str] = set()
        self._builds = 0  # repository builds seen (see `keep_heap_frozen`)

    # ------------------------------------------------------------------ where a file belongs

    @property
    def encoding(self) -> str:
        return str(self.workspace.position_encoding or types.PositionEncodingKind.Utf16)

    def _folders(self) -> list[Path]:
        folders = [Path(path) for folder in self.workspace.folders.values()
                   if (path := to_fs_path(folder.uri))]
        if not folders and self.workspace.root_path:
            folders.append(Path(self.workspace.root_path))
        return folders

    def workspace_for(self, root: Path) -> Workspace:
        if root not in self.roots:
            from artifact_lint.sources.registry.cache import cache_folder

            self.roots[root] = Workspace(root, registry_cache=cache_folder())
        return self.roots[root]

    def locate(self, uri: str, roots: dict[Path, Path] | None = None) -> tuple[Workspace, str] | None:
        """The workspace of a document and its root-relative path; None outside any root.
        `roots` keeps the root found for each folder across calls (a burst of file events)."""
        from artifact_lint.model.config import find_root

        path_text = to_fs_path(uri) if uri.startswith("file:") else None
        if not path_text:
            return None
        path = Path(path_text).absolute()
        roots = {} if roots is None else roots
        try:
            if path.parent not in roots:
                containing = [f for f in self._folders() if f == path or f in path.parents]
                start = max(containing, key=lambda f: len(f.parts)) if containing else path.parent
                root = find_root(start.resolve())
                if root != path.parent.resolve() and root not in path.parent.resolve().parents:
                    root = find_root(path.parent.resolve())
                roots[path.parent] = root
            root = roots[path.parent]
        except ToolError as exc:
            self.show_error(str(exc))
            return None
        try:
            relative = path.parent.resolve().relative_to(root).as_posix()
        except ValueError:
            return None
        relative = path.name if relative == "." else f"{relative}/{path.name}"
        return self.workspace_for(root), relative

    def keep_heap_frozen(self) -> None:
        """After a repository is (re)built, move everything alive into the collector's
        permanent generation. A warm repository of 1,000 artifacts is millions of objects
        that live as long as the server; a full collection would walk them all (about a
        tenth of a second, in the middle of some edit's round trip). What a rebuild drops
        is freed by reference counting (the records hold no cycles), frozen or not."""
        builds = sum(workspace.builds for workspace in self.roots.values())
        if builds != self._builds:
            self._builds = builds
            gc.collect()
            gc.freeze()

    # ------------------------------------------------------------------ messages

    def show_error(self, message: str) -> None:
        """An error the user must act on (a broken configuration), shown once."""
        log.error("%s", message)
        if message in self._shown_errors:
            return
        self._shown_errors.add(message)
        self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error,
                                                         message=f"artifact-lint: {message}"))

    # ------------------------------------------------------------------ linting

    def schedule(self, uri: str) -> None:
        self.pending[uri] = None
        if not self._flush_scheduled:
            self._flush_scheduled = True
            asyncio.get_running_loop().call_soon(self.flush)

    def flush(self) -> None:
        """Lint every buffer that changed, once, with its latest text."""
        self._flush_scheduled = False
        pending, self.pending = list(self.pending), {}
        for uri in pending:
            self.lint_and_publish(uri, hand_over=True)

    def lint_and_publish(self, uri: str, *, hand_over: bool, only_if_changed: bool = False) -> Snapshot | None:
        located = self.open_uris.get(uri)
        if located is None:
            return None
        workspace, relative = located
        document = self.workspace.get_text_document(uri)
        text = document.source
        try:
            if hand_over and workspace.buffers.get(relative) != text:
                self._generation[workspace] = self._generation.get(workspace, 0) + 1
                workspace.change(relative, text)
            findings = workspace.lint(relative)
        except ToolError as exc:
            self.show_error(str(exc))
            findings = None
        except Exception as exc:  # noqa: BLE001 - a bug must not end the session
            log.exception("linting %s failed", relative)
            self.show_error(f"internal error while linting {relative}: {type(exc).__name__}: {exc}")
            findings = None
        if workspace.error is not None:
            self.show_error(workspace.error)
        self.keep_heap_frozen()
        previous = self.snapshots.get(uri)
        if findings is None and previous is None:
            return None  # not a file `check` reports on, and nothing was ever said about it
        snapshot = Snapshot(uri, document.version, relative, text, findings or [], self.encoding)
        snapshot.generation = self._generation.get(workspace, 0)
        self.snapshots[uri] = snapshot
        if only_if_changed and previous is not None and previous.findings == snapshot.findings \
                and previous.text == text:
            return snapshot
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, version=document.version, diagnostics=snapshot.diagnostics))
        if hand_over:
            self._schedule_others()
        return snapshot

    def _schedule_others(self) -> None:
        if self._others_handle is not None:
            self._others_handle.cancel()
        self._others_handle = asyncio.get_running_loop().call_later(OTHERS_DELAY, self.lint_others)

    def lint_others(self) -> None:
        """Lint again each open buffer linted before the last edit of another buffer of its
        workspace: a cross-file rule may now say something else about it."""
        self._others_handle = None
        for uri, located in list(self.open_uris.items()):
            snapshot = self.snapshots.get(uri)
            if located is None or snapshot is None or uri in self.pending:
                continue
            if snapshot.generation < self._generation.get(located[0], 0):
                self.lint_and_publish(uri, hand_over=False, only_if_changed=True)

    def warm_up(self, workspace: Workspace) -> None:
        workspace.ensure()
        if workspace.error is not None:
            self.show_error(workspace.error)
        self.keep_heap_frozen()

    def relint_all(self, workspace: Workspace) -> None:
        """Lint every open buffer of `workspace` again (its settings or files on disk changed);
        a buffer that could not be placed (a broken configuration) is placed again first."""
        self.keep_heap_frozen()
        for uri, located in list(self.open_uris.items()):
            if located is None:
                located = self.open_uris[uri] = self.locate(uri)
                if located is not None:
                    self.lint_and_publish(uri, hand_over=True)
            elif located[0] is workspace:
                self.lint_and_publish(uri, hand_over=False)

    def current(self, uri: str) -> Snapshot | None:
        """The lint of the buffer as it is now (linting it first if it changed)."""
        if uri in self.pending:
            self.pending.pop(uri)
            return self.lint_and_publish(uri, hand_over=True)
        snapshot = self.snapshots.get(uri)
        document = self.workspace.text_documents.get(unquote(uri))
        if snapshot is None or document is None or snapshot.version != document.version:
            return self.lint_and_publish(uri, hand_over=True) if uri in self.open_uris else None
        return snapshot


def make_server() -> ArtifactLintServer:
    server = ArtifactLintServer()

    @server.feature(types.INITIALIZED)
    async def initialized(ls: ArtifactLintServer, params: types.InitializedParams) -> None:
        watch = ls.client_capabilities.workspace
        if watch is not None and watch.did_change_watched_files is not None \
                and watch.did_change_watched_files.dynamic_registration:
            options = types.DidChangeWatchedFilesRegistrationOptions(
                watchers=[types.FileSystemWatcher(glob_pattern=pattern) for pattern in WATCHED])
            try:
                await ls.client_register_capability_async(types.RegistrationParams(registrations=[
                    types.Registration(id="artifact-lint-watched-files",
                                       method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                                       register_options=options)]))
            except Exception:  # noqa: BLE001 - without watchers, saves still reload settings
                log.warning("the client did not register the file watchers", exc_info=True)
        # Load each workspace folder's repository now, so that the first file opened is linted at once.
        from artifact_lint.model.config import find_root

        for folder in ls._folders():
            try:
                workspace = ls.workspace_for(find_root(folder.resolve()))
            except ToolError as exc:
                ls.show_error(str(exc))
                continue
            asyncio.get_running_loop().call_soon(ls.warm_up, workspace)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: ArtifactLintServer, params: types.DidOpenTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.open_uris[uri] = ls.locate(uri)
        ls.schedule(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: ArtifactLintServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        if uri in ls.open_uris:
            ls.schedule(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: ArtifactLintServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        located = ls.open_uris.get(uri) or ls.locate(uri)
        if uri in ls.open_uris:
            ls.open_uris[uri] = located
        if located is not None and located[0].is_settings(located[1]):
            located[0].settings_changed()
            ls.relint_all(located[0])

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: ArtifactLintServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        located = ls.open_uris.pop(uri, None)
        ls.pending.pop(uri, None)
        had = ls.snapshots.pop(uri, None)
        if located is not None:
            workspace, relative = located
            try:
                workspace.close(relative)
            except ToolError as exc:
                ls.show_error(str(exc))
            ls._generation[workspace] = ls._generation.get(workspace, 0) + 1
            ls._schedule_others()
        if had is not None:
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: ArtifactLintServer, params: types.DidChangeWatchedFilesParams) -> None:
        by_workspace: dict[Workspace, list[str]] = {}
        roots: dict[Path, Path] = {}
        for change in params.changes:
            located = ls.locate(change.uri, roots)
            if located is not None:
                by_workspace.setdefault(located[0], []).append(located[1])
        for workspace, paths in by_workspace.items():
            try:
                workspace.disk_changed(paths)
            except ToolError as exc:
                ls.show_error(str(exc))
            ls.relint_all(workspace)

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=KINDS, resolve_provider=False))
    def code_action(ls: ArtifactLintServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        snapshot = ls.current(params.text_document.uri)
        located = ls.open_uris.get(params.text_document.uri)
        if snapshot is None or located is None:
            return None
        return code_actions(snapshot, params.range, params.context, located[0].limits) or None

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: ArtifactLintServer, params: types.HoverParams) -> types.Hover | None:
        snapshot = ls.current(params.text_document.uri)
        located = ls.open_uris.get(params.text_document.uri)
        if snapshot is None or located is None:
            return None
        return hover(snapshot, params.position, located[0].rules)

    return server
