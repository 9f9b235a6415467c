"""Read the registry document in a child process while the parent loads the rest.

Most of a small check is start-up, and reading the Markdown registry document
is about a sixth of it: importing markdown-it-py, then parsing. On Linux
`RegistryPrefetch` forks a child as soon as the configuration names the
document; the child reads it with `load_registry` and sends the result back
pickled through a pipe, while the parent loads the policy, the packages and the
artifact files. The parent never imports markdown-it-py then (the result types
live in `registry_types`).

The result is always exactly `load_registry`'s: if the child fails in any way
(an exception, a signal, output that does not unpickle), the parent reads the
document itself. Elsewhere (no `fork`, or not Linux, where forking a process
that has loaded system frameworks is unsafe) the document is read in process.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from pathlib import Path

from artifact_lint.loader import Limits
from artifact_lint.repository import RegistryFile, load_registry


def can_fork() -> bool:
    return sys.platform.startswith("linux") and hasattr(os, "fork")


class RegistryPrefetch:
    """A `load_registry` that has already started on one document.

    Call it like `load_registry`: for the document it was started on it returns
    the child's result, for any other arguments it reads in process. `close()`
    ends a child whose result was never asked for.
    """

    def __init__(self, path: Path, root: Path, limits: Limits) -> None:
        self._key = (path, root, limits)
        self._pid: int | None = None
        self._pipe: int | None = None
        if can_fork():
            self._start()

    def _start(self) -> None:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns, never runs the parent's cleanup
            status = 1
            try:
                os.close(read_end)
                data = pickle.dumps(load_registry(*self._key), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write_end, "wb") as out:
                    out.write(data)
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        self._pid, self._pipe = pid, read_end

    def running(self, path: Path, root: Path, limits: Limits) -> bool:
        """Whether a child is reading exactly this document."""
        return self._pid is not None and (path, root, limits) == self._key

    def __call__(self, path: Path, root: Path, limits: Limits) -> RegistryFile:
        if (path, root, limits) == self._key:
            prefetched = self._collect()
            if prefetched is not None:
                return prefetched
        return load_registry(path, root, limits)

    def _collect(self) -> RegistryFile | None:
        """The child's result, once; None when there is no child or it failed."""
        if self._pid is None or self._pipe is None:
            return None
        pid, pipe = self._pid, self._pipe
        self._pid = self._pipe = None
        with os.fdopen(pipe, "rb") as source:
            data = source.read()
        _, status = os.waitpid(pid, 0)
        if status != 0 or not data:
            return None
        try:
            result = pickle.loads(data)  # written by our own child, above
        except Exception:  # noqa: BLE001 - any doubt: read the document here
            return None
        return result if isinstance(result, RegistryFile) else None

    def close(self) -> None:
        """Stop and reap a child whose result was not used."""
        if self._pid is None or self._pipe is None:
            return
        pid, pipe = self._pid, self._pipe
        self._pid = self._pipe = None
        os.close(pipe)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
