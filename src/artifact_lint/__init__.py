"""artifact-lint: a release-policy linter for public ML artifacts.

The Python API (see `artifact_lint.api`): `check(root=..., paths=..., config=...) -> Result`,
with `Result`, `Finding`, `Severity` and `ToolError`. They are imported on first use, so
that `artifact-lint --version` stays fast.
"""

from typing import Any

__version__ = "0.1.0"
__all__ = ["Finding", "Result", "Severity", "ToolError", "check", "__version__"]


def __getattr__(name: str) -> Any:
    if name in ("check", "Result"):
        from artifact_lint import api

        return getattr(api, name)
    if name in ("Finding", "Severity"):
        from artifact_lint.model import findings

        return getattr(findings, name)
    if name == "ToolError":
        from artifact_lint.errors import ToolError

        return ToolError
    raise AttributeError(f"module 'artifact_lint' has no attribute {name!r}")
