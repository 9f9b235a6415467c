"""The input formats: which files hold artifact metadata, and how each is parsed.

One row a format, in `INPUT_FORMATS`. Discovery (which files are artifact files), the
loader (which parser reads a file), the fixer and the language server (which files they
rewrite), suppression comments (which files may hold them) and the pre-commit hook's
`files` pattern (tests/test_input_formats.py) all read this table, so adding a format is
adding its row here, with a parser returning a `loader.Document` (positions included),
plus its tests.

The parsers are named, not imported: the loader imports this table, and a parser is
imported once, at its first file (`parser`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from artifact_lint.sources.loader import Document, Limits

Parser = Callable[[str, "Limits"], "Document"]


class InputFormat(NamedTuple):
    """A file format artifact metadata may be written in."""

    name: str  # as messages name it
    suffixes: tuple[str, ...]  # lower case, with the dot; matched case-insensitively
    parse: str  # "module:function": function(text, limits) -> Document, raising loader.LoadFailure
    comments: bool  # whether a file may hold comments, and so suppression directives
    fixable: bool  # whether `--fix` and the language server rewrite such files (in YAML or JSON syntax)
    mapping: str = ""  # how messages say what the one mapping at the top level is called


YAML = InputFormat("YAML", (".yaml", ".yml"), "artifact_lint.sources.loader:parse_yaml", comments=True, fixable=True)
JSON = InputFormat("JSON", (".json",), "artifact_lint.sources.loader:parse_json", comments=False, fixable=True,
                   mapping="a JSON object")
INPUT_FORMATS = (YAML, JSON)

BY_SUFFIX = {suffix: fmt for fmt in INPUT_FORMATS for suffix in fmt.suffixes}
SUFFIXES = tuple(BY_SUFFIX)  # `str.endswith` takes the tuple
FIXABLE_SUFFIXES = tuple(suffix for suffix, fmt in BY_SUFFIX.items() if fmt.fixable)
_PARSERS: dict[str, Parser] = {}


def format_of(suffix: str) -> InputFormat:
    """The format of a file with this (lower-case) suffix; YAML for any other, as the
    policy, the rule files and standard input are read."""
    return BY_SUFFIX.get(suffix, YAML)


def parser(fmt: InputFormat) -> Parser:
    """The function that parses `fmt`, imported at the first call."""
    found = _PARSERS.get(fmt.parse)
    if found is None:
        module, _, function = fmt.parse.partition(":")
        found = _PARSERS[fmt.parse] = getattr(importlib.import_module(module), function)
    return found


def suffix_list(formats: tuple[InputFormat, ...] = INPUT_FORMATS) -> str:
    """`.yaml, .yml or .json`, as messages list the suffixes."""
    suffixes = [suffix for fmt in formats for suffix in fmt.suffixes]
    return ", ".join(suffixes[:-1]) + " or " + suffixes[-1] if len(suffixes) > 1 else "".join(suffixes)


def name_list(formats: tuple[InputFormat, ...]) -> str:
    """`YAML and JSON`, as messages name the formats."""
    names = [fmt.name for fmt in formats]
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)
