"""What reading the registry document gives (`registry_doc.read_registry`).

Apart from the reader: the rules and the repository use these types and never
need the Markdown parser's own machinery.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from artifact_lint.sources.loader import Document


class ListRow(NamedTuple):
    """One row of the "Current Public Artifact List" table."""

    id: str
    type: str
    state: str
    public_value: str
    next_release_action: str
    line: int  # 1-based line of the row


class PolicyRow(NamedTuple):
    """One row of the document's own states or labels table."""

    name: str
    meaning: str
    line: int


class DocArtifact(NamedTuple):
    """One artifact as the document describes it."""

    id: str
    document: Document  # data: artifact-file-shaped dict; positions: Markdown lines
    status_line_state: str | None  # the detail section's `Status:` state, if any
    list_state: str | None  # the list table's state, if any
    decision: str | None = None  # a decision the detail section records ("model decision: `reject`")

    @property
    def data(self) -> dict[str, Any]:
        data = self.document.data
        return data if isinstance(data, dict) else {}


class RegistryDocument(NamedTuple):
    list_rows: list[ListRow]
    list_table_line: int | None
    states: list[PolicyRow]
    labels: list[PolicyRow]
    artifacts: list[DocArtifact]

    def artifact(self, artifact_id: str) -> DocArtifact | None:
        """The first artifact with this id, if any."""
        for item in self.artifacts:
            if item.id == artifact_id:
                return item
        return None
