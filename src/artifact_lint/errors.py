"""Errors that stop the tool (exit 2), as opposed to findings (exit 1)."""

from __future__ import annotations


class ToolError(Exception):
    """The tool cannot do its job: bad command line, config, policy or path.

    Its message is the one line the user sees on stderr.
    """


class ConfigError(ToolError):
    pass


class PolicyError(ToolError):
    pass
