"""The language server reports a repository's own rules like the built-in ones, and picks
up a rule file saved while it runs (custom-rules.md: "the Language Server")."""

from __future__ import annotations

import pytest

pytest.importorskip("pytest_lsp", reason="pytest-lsp is not installed (pip install -e '.[test]')")

from lsprotocol import types  # noqa: E402
from test_server import (  # noqa: E402,F401 - `client` is the fixture
    ARTIFACT,
    Client,
    client,
    codes,
    open_document,
    published,
    republished_after,
    uri_of,
)

RULES = """\
rules:
  QA001:
    name: unblock-is-long
    summary: Each unblock action says enough.
    given: blockers
    then:
      - {field: unblock, check: min-length, value: 20}
"""


@pytest.mark.asyncio
async def test_custom_findings_are_diagnostics_and_a_saved_rule_file_is_read_again(client: Client) -> None:  # noqa: F811
    root = client.root  # type: ignore[attr-defined]
    (root / "rules").mkdir(exist_ok=True)
    (root / "rules" / "team.yaml").write_text(RULES)
    text = (root / ARTIFACT).read_text()
    short = text.replace("    unblock: Add an end-to-end posting gate on a public set.", "    unblock: Fix.")
    assert short != text
    uri = open_document(client, ARTIFACT, short)
    diagnostics = await published(client, uri, 1)
    assert "QA001" in codes(diagnostics)
    [finding] = [d for d in diagnostics if d.code == "QA001"]
    assert "has 4 characters; at least 20 is expected" in finding.message

    (root / "rules" / "team.yaml").write_text(RULES.replace("value: 20", "value: 2"))
    before = len(client.published)
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[types.FileEvent(
        uri=uri_of(client, "rules/team.yaml"), type=types.FileChangeType.Changed)]))

    assert "QA001" not in codes(await republished_after(client, uri, before))
