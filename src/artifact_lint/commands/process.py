"""The process a command runs in: start-up, the cyclic garbage collector, the exit.

Every switch that concerns the whole process is here, each with what it buys:

- `start()`, before the command line is parsed: pydantic is told to load no plugin
  (its documented `PYDANTIC_DISABLE_PLUGINS`; scanning every installed package's entry
  points costs ~30 ms, a tenth of a small check), and the cyclic collector is off:
  start-up (pydantic, typer, our modules) makes many long-lived objects and little
  garbage, which the collector would only go through again and again (1.6% of the
  instructions of a small check).
- `command_started()`, once the command is parsed: what start-up made lives as long as
  the process, so it is frozen (the collector's first pass would take about 5 ms)
  and the collector is on again.
- `holding_files()`, around a check: every loaded file stays in memory until the
  report is out, so the collector would only rescan a growing heap (about a fifth of
  the run time at 1,000 files); reference counting still frees what is dropped.
- `finish(code)`, when a check's report is out: under the console entry point
  (`start(fast_exit=True)`), the process ends there, without freeing the loaded files
  object by object (6-9 ms at 1,000 files, and the interpreter's teardown about 35 ms;
  mypy's `hard_exit` does the same). Elsewhere (tests, the Python API) it returns.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

_fast_exit = False  # whether `finish` ends the process (the console entry point)


def start(*, fast_exit: bool = False) -> None:
    """What the console entry point does before the command runs (bench/hotspots.py does
    it too, without `fast_exit`, so that it times the same start-up)."""
    global _fast_exit
    _fast_exit = fast_exit
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    gc.disable()


def command_started() -> None:
    """The command line is parsed: freeze what start-up made, and collect from now on."""
    if not gc.isenabled():  # off since `start`
        gc.freeze()
        gc.enable()


@contextmanager
def holding_files() -> Iterator[None]:
    """The collector off while a check holds every file it loaded."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def finish(code: int) -> None:
    """A check's report is out: end the process now, with `code`, under the console
    entry point; elsewhere, return."""
    if _fast_exit:
        exit_now(code)


def exit_now(code: int) -> NoReturn:
    """Exit without freeing the heap object by object. Every file artifact-lint writes
    is closed by now; only the standard streams' buffers are left to flush."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # the reader went away (a broken pipe), or the stream is closed
            code = code or 2
    os._exit(code)
