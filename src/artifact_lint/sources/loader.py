"""Read YAML and JSON files into plain values plus the position of every node.

YAML is composed, never constructed: the parser (libyaml through PyYAML's
C loader when present, else PyYAML's pure-Python one) builds a node graph,
and `_Builder` turns that graph into plain Python values with YAML 1.2 core
schema rules. No tag is ever executed; a tag outside the core schema is a
load error. Duplicate keys, alias bombs and nesting bombs are load errors too.

Lines are what an editor shows: they end at LF, CRLF or CR only, not at the
other breaks of YAML 1.1 (see `line_breaks`). Where each value and key stands is
kept by `positions.Positions`, found in the node graph when asked.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any, NamedTuple

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from artifact_lint.model.findings import START, Position
from artifact_lint.sources.input_formats import format_of, parser
from artifact_lint.sources.line_breaks import for_libyaml, put_back
from artifact_lint.sources.positions import PathKey as PathKey  # re-exported: callers name paths by it
from artifact_lint.sources.positions import Positions

_CoreLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Sentinel tags set by `_ComposeOnly.resolve`: the parser leaves resolution to us.
_PLAIN = "?plain"
_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_SAFE_TAGS = {
    _STR, _MAP, _SEQ,
    "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null",
}


class _ComposeOnly(_CoreLoader):  # type: ignore[misc,valid-type]
    """A loader whose resolver only says "plain", "string", "map" or "seq"."""

    # The composer calls these two around every node, for path resolvers, which this
    # loader never has. Builtins that accept the same arguments and do nothing spare
    # two Python calls per node (about 7% of composing a file).
    descend_resolver = staticmethod(slice)  # called as (parent, index)
    ascend_resolver = staticmethod(tuple)  # called as ()

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            return _PLAIN if implicit[0] else _STR
        return _MAP if kind is MappingNode else _SEQ


class Limits(NamedTuple):
    max_file_size: int = 1024 * 1024
    max_depth: int = 100
    max_nodes: int = 200_000


@dataclass
class Document:
    """A loaded file: its plain value and where each part of it stands."""

    data: Any
    positions: Positions
    text: str


class LoadError(NamedTuple):
    """Why a file could not be read as one mapping, and where."""

    message: str
    position: Position = START


class LoadFailure(Exception):
    """What a parser (`input_formats`) raises for a file it cannot read: the loader turns
    it into the file's `LoadError` (AL001) at `position`."""

    def __init__(self, message: str, position: Position = START) -> None:
        super().__init__(message)
        self.error = LoadError(message, position)


def field_path(path: PathKey) -> str:
    """("competition", 2, "label") -> "competition[2].label"."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _shown_tag(tag: str) -> str:
    """A tag as the user wrote it: `!!python/object` rather than its expanded form."""
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix):] if tag.startswith(prefix) else tag


def _pos(node: Node) -> Position:
    """Where a node starts (for a load error)."""
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


_INT = re.compile(r"[-+]?[0-9]+\Z")
_OCT = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)\Z")
_NAN = re.compile(r"\.(nan|NaN|NAN)\Z")


def resolve_plain(text: str) -> Any:
    """A plain scalar's value under the YAML 1.2 core schema."""
    if text in ("", "~", "null", "Null", "NULL"):
        return None
    if text in ("true", "True", "TRUE"):
        return True
    if text in ("false", "False", "FALSE"):
        return False
    first = text[0]
    if not (first.isdigit() or first in "+-."):
        return text
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    if _OCT.match(text):
        return int(text[2:], 8)
    if _HEX.match(text):
        return int(text[2:], 16)
    if _INF.match(text):
        return -math.inf if text.startswith("-") else math.inf
    if _NAN.match(text):
        return math.nan
    return text


def _tagged_scalar(node: Node) -> Any:
    """A scalar with an explicit core-schema tag (`!!str 1`, `!!float 2`)."""
    tag, text = node.tag, node.value
    if tag == _STR:
        return text
    value = resolve_plain(text)
    expected = {
        "tag:yaml.org,2002:int": int, "tag:yaml.org,2002:float": (int, float),
        "tag:yaml.org,2002:bool": bool, "tag:yaml.org,2002:null": type(None),
    }[tag]
    if isinstance(value, bool) and expected is not bool:
        value = None  # a bool is no number
    if not isinstance(value, expected):  # type: ignore[arg-type]
        raise LoadFailure(f"`{text}` is not a valid `!!{tag.rsplit(':', 1)[1]}` value", _pos(node))
    return float(value) if tag.endswith("float") else value


# A plain scalar whose first character is not one of these is a string.
_MAYBE_NOT_STRING = frozenset("0123456789+-.~nNtTfF")


class _Builder:
    """Turns a composed node graph into plain values (positions stay in the graph)."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.count = 0

    def build(self, node: Node, depth: int = 0) -> Any:
        self.count += 1
        if self.count > self.limits.max_nodes:
            raise LoadFailure(
                f"more than {self.limits.max_nodes} values once aliases are expanded"
                " (an alias bomb?); raise `max-nodes` if this file is genuine",
                _pos(node),
            )
        if depth > self.limits.max_depth:
            raise LoadFailure(
                f"nested deeper than {self.limits.max_depth} levels", _pos(node)
            )
        tag = node.tag
        kind = node.__class__
        if kind is ScalarNode:
            if tag == _PLAIN:
                text = node.value
                if text and text[0] not in _MAYBE_NOT_STRING:
                    return text
                try:
                    return resolve_plain(text)
                except ValueError:  # an integer longer than Python will convert
                    raise LoadFailure(f"the number starting `{text[:20]}` has too many digits;"
                                       " quote it if it is text", _pos(node)) from None
            if tag == _STR:
                return node.value
        if tag not in _SAFE_TAGS:
            raise LoadFailure(
                f"tag `{_shown_tag(tag)}` is not allowed; artifact files use plain YAML values only"
                " (tags are never executed)",
                _pos(node),
            )
        if kind is ScalarNode:
            if tag in (_MAP, _SEQ):
                raise LoadFailure(f"a scalar cannot carry tag `{tag}`", _pos(node))
            return _tagged_scalar(node)
        if kind is SequenceNode:
            if tag != _SEQ:
                raise LoadFailure(f"a sequence cannot carry tag `{tag}`", _pos(node))
            build, depth = self.build, depth + 1
            return [build(item, depth) for item in node.value]
        if kind is MappingNode:
            if tag != _MAP:
                raise LoadFailure(f"a mapping cannot carry tag `{tag}`", _pos(node))
            return self._mapping(node, depth + 1)
        raise LoadFailure("unexpected YAML node", _pos(node))  # pragma: no cover

    def _mapping(self, node: Node, depth: int) -> dict[str, Any]:
        """A mapping node's value (typed `Node`: `build` tests classes with `is`, which mypy does not narrow)."""
        result: dict[str, Any] = {}
        build = self.build
        for key_node, value_node in node.value:
            if key_node.__class__ is not ScalarNode:
                raise LoadFailure("a mapping key must be a plain word, not a list or mapping",
                                   _pos(key_node))
            key = key_node.value
            if key in result:
                first = next(k for k, _ in node.value if k.__class__ is ScalarNode and k.value == key)
                raise LoadFailure(
                    f"duplicate key `{key}` (first defined on line {_pos(first).line});"
                    " each key may appear once",
                    _pos(key_node),
                )
            result[key] = build(value_node, depth)
        return result


def _decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[:exc.start].decode("utf-8-sig")  # valid up to the bad byte
        raise LoadFailure(
            f"byte 0x{raw[exc.start]:02x} is not valid UTF-8; save the file as UTF-8",
            _offset_position(before, len(before)),  # in characters, as the editor counts
        ) from None
    return text


def _yaml_error_position(exc: yaml.MarkedYAMLError) -> Position:
    mark = exc.problem_mark or exc.context_mark
    return Position(mark.line + 1, mark.column + 1) if mark else START


def _yaml_error_message(exc: yaml.MarkedYAMLError, text: str) -> str:
    parts = [p for p in (exc.context, exc.problem) if p]
    message = "YAML syntax error: " + ("; ".join(parts) or "invalid YAML")
    mark = exc.problem_mark
    if mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t":
        message += " (a tab character; YAML indents with spaces only)"
    return message


def _compose(text: str) -> tuple[Node | None, dict[int, str] | None]:
    given, back = for_libyaml(text)
    loader = _ComposeOnly(given)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    if back is not None and node is not None:
        put_back(node, back)
    return node, back


def compose(text: str) -> Node | None:
    """The node graph of one YAML document (no value is constructed); raises yaml.YAMLError.
    Positions count lines as an editor does (LF, CRLF, CR); marks' indexes are characters."""
    return _compose(text)[0]


def scalar_spans(text: str) -> list[tuple[int, int]]:
    """The character spans of the text's scalars (keys and values, every style), in order,
    as libyaml scans them; a block scalar's span starts after its header line, so that a
    comment on the header line is outside. Stops at a syntax error (what follows is
    not known to be a scalar)."""
    given, _ = for_libyaml(text)
    loader = _CoreLoader(given)
    spans = []
    try:
        while True:
            token = loader.get_token()
            if token is None or token.__class__ is yaml.StreamEndToken:
                break
            if token.__class__ is yaml.ScalarToken:
                start, end = token.start_mark.index, token.end_mark.index
                if token.style in ("|", ">"):
                    breaks = [i for i in (given.find("\n", start, end), given.find("\r", start, end)) if i >= 0]
                    start = min(breaks) if breaks else end
                spans.append((start, end))
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()
    return spans


def parse_yaml(text: str, limits: Limits = Limits()) -> Document:
    """Compose `text` and build its value; raises `LoadFailure`."""
    try:
        node, back = _compose(text)
    except yaml.MarkedYAMLError as exc:
        message = _yaml_error_message(exc, text)
        _, back = for_libyaml(text)  # a message quoting a stand-in shows the character written
        raise LoadFailure(message.translate(back) if back else message, _yaml_error_position(exc)) from None
    except yaml.reader.ReaderError as exc:
        raise LoadFailure(f"character 0x{exc.character:02x} is not allowed in YAML (a control character);"
                           " remove it", _offset_position(text, exc.position)) from None
    except yaml.YAMLError as exc:
        raise LoadFailure(f"YAML error: {exc}") from None
    except RecursionError:
        raise LoadFailure(f"nested deeper than {limits.max_depth} levels") from None
    if node is None:
        return Document(None, Positions(), text)
    try:
        data = _Builder(limits).build(node)
    except RecursionError:
        raise LoadFailure(f"nested deeper than {limits.max_depth} levels") from None
    return Document(data, Positions.of_graph(node), text)


def _offset_position(text: str, offset: int) -> Position:
    """The line and column of the character at `offset`, lines ending at LF, CRLF or CR."""
    crlf = text.count("\r\n", 0, offset)
    line = text.count("\n", 0, offset) + text.count("\r", 0, offset) - crlf + 1
    start = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1
    return Position(line, offset - start + 1)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"`{name}` is not a JSON number; write a finite number or null")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key `{key}`; each key may appear once")
        result[key] = value
    return result


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_JSON_CONSTANT = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)')


def _json_error(text: str, message: str, limits: Limits) -> LoadFailure:
    """Locate a duplicate key or a NaN/Infinity constant that `json` rejected without a position."""
    if message.startswith("duplicate key"):
        try:
            parse_yaml(text, limits)  # the YAML builder stops at the second key, with its position
        except LoadFailure as failure:
            if "duplicate key" in failure.error.message:
                return LoadFailure(message, failure.error.position)
        return LoadFailure(message)
    for match in _JSON_CONSTANT.finditer(text):  # skips string literals, finds the bare constant
        if match.group(1):
            return LoadFailure(message, _offset_position(text, match.start(1)))
    return LoadFailure(message)


# A JSON value as it starts, once `json` has said the text is valid: a string (group 1 is
# set when it is a key), a container, a number or a literal; and a container's end.
_JSON_TOKEN = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"(\s*:)?|[\[{]|[\]}]|-?[0-9][0-9.eE+-]*|true|false|null')


def _json_limit_failure(text: str, limits: Limits) -> LoadFailure | None:
    """The first value, in file order, beyond `max-nodes` or `max-depth`, as the YAML builder
    reports it (the node count first, then the depth); None when there is none. Reads the
    text, not the parsed value, so it works whatever the depth and gives a position."""
    max_nodes, max_depth = limits.max_nodes, limits.max_depth
    count = depth = 0
    for match in _JSON_TOKEN.finditer(text):
        first = text[match.start()]
        if first in "]}":
            depth -= 1
            continue
        if first == '"' and match.group(1) is not None:
            continue  # a key
        count += 1
        if count > max_nodes:
            return LoadFailure(f"more than {max_nodes} values; raise `max-nodes` if this file is genuine",
                                _offset_position(text, match.start()))
        if depth > max_depth:
            return LoadFailure(f"nested deeper than {max_depth} levels", _offset_position(text, match.start()))
        if first in "[{":
            depth += 1
    return None


def _json_within_limits(data: Any, limits: Limits) -> bool:
    """Whether parsed JSON keeps to `max-nodes` and `max-depth` (iterative: any depth)."""
    max_nodes, max_depth = limits.max_nodes, limits.max_depth
    count = 0
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        count += 1
        if count > max_nodes or depth > max_depth:
            return False
        if value.__class__ is dict:
            stack.extend((child, depth + 1) for child in value.values())
        elif value.__class__ is list:
            stack.extend((child, depth + 1) for child in value)
    return True


def _check_json_limits(text: str, data: Any, limits: Limits) -> None:
    """Raise the `LoadFailure` of a JSON file over `max-depth` or `max-nodes`, with its position.

    The same limits as YAML's: without them a file nested a few hundred deep passed the
    loader and ended the run with RecursionError further on. Most files cannot be over
    either limit (fewer brackets than `max-depth`, fewer characters than `max-nodes`),
    and for them this costs two counts of the text."""
    if (text.count("[") + text.count("{") <= limits.max_depth and len(text) <= limits.max_nodes) \
            or _json_within_limits(data, limits):
        return
    failure = _json_limit_failure(text, limits)
    if failure is not None:  # always, as the text parsed
        raise failure


def parse_json(text: str, limits: Limits = Limits()) -> Document:
    """Parse JSON strictly (within the depth and node limits), then compose it as YAML for positions."""
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:  # `json` counts lines at LF only
        raise LoadFailure(f"JSON syntax error: {exc.msg}", _offset_position(text, exc.pos)) from None
    except ValueError as exc:
        raise _json_error(text, str(exc), limits) from None
    except RecursionError:
        # deeper than `json` can go; the text says where the limit was passed
        failure = _json_limit_failure(text, limits)
        raise (failure or LoadFailure(f"nested too deeply for the JSON parser (`max-depth` is {limits.max_depth});"
                                       " nest the file less deeply")) from None
    _check_json_limits(text, data, limits)
    try:
        # libyaml rejects surrogate escapes that JSON allows (`"\ud83d\ude00"`); an
        # escape of the same length keeps every position where it was.
        positions = parse_yaml(_SURROGATE_ESCAPE.sub(r"\\u0058", text), limits).positions
    except LoadFailure:
        positions = Positions()  # valid JSON that libyaml rejects: no positions, still usable
    return Document(data, positions, text)


def load_text(raw: bytes, suffix: str, limits: Limits = Limits()) -> Document | LoadError:
    """Decode and parse one file's bytes; a `LoadError` when it is not one mapping."""
    try:
        text = _decode(raw)
        if not text.strip():
            return LoadError("the file is empty; an artifact file holds one mapping")
        fmt = format_of(suffix)
        doc = parser(fmt)(text, limits)
    except LoadFailure as failure:
        return failure.error
    if doc.data is None and not doc.positions.has(()):
        return LoadError("the file holds only comments; it should hold one mapping")
    if not isinstance(doc.data, dict):
        kind = "null" if doc.data is None else type(doc.data).__name__
        kind = {"list": "a list", "str": "a string", "int": "a number", "float": "a number",
                "bool": "a boolean"}.get(kind, kind)
        return LoadError(f"the top level is {kind}; the file should hold one mapping"
                         f"{f' ({fmt.mapping})' if fmt.mapping else ''}", doc.positions.value(()))
    return doc
