"""`artifact-lint server`: a Language Server over standard input and output.

- `protocol.py`: the LSP handlers (pygls), which buffers to lint and when to publish;
- `workspace.py`: one repository kept loaded, the open buffers laid over the disk, and
  what each edit loads again; linting goes through `session` and `engine`, as `check`;
- `diagnostics.py`: findings as diagnostics (ranges in the editor's code units);
- `actions.py`: quick fixes from the fixes rules attach (`fixer.fix_text`);
- `hover.py`: a rule's documentation, as `explain` prints it.

Nothing here is imported unless the `server` command runs: pygls and lsprotocol stay
out of every other command's start-up.
"""

from __future__ import annotations


def run() -> int:
    """Serve one client on standard input and output until it says `exit`."""
    from artifact_lint.server.protocol import make_server

    make_server().start_io()
    return 0
