"""Where each value and each key of a loaded file stands, addressed by path.

`Positions` is the one interface: look a position up (`value`, `key`, `find`, `has`),
record one (`set`, `drop`), walk them (`items`), keep a part (`under`), and pack them
into plain lists and back (`pack`, `unpack`: the registry cache's JSON, and pickles
sent between processes).

Behind it a map has one of two forms. A map from the YAML loader holds the composed
node graph and walks it on each lookup: most files are never reported on, and
recording every position of every file up front cost about 15% of a `check` run.
The first use that needs every position (an edit, `items`, `pack`) records them all
into two dicts, the plain form, which every other map has from the start.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from artifact_lint.model.findings import START, Position

PathKey = tuple[str | int, ...]
# What `pack` gives: the paths of the values, the numbers of their positions in turn
# (line, column, line, column...), then the same for the keys.
Packed = tuple[list[PathKey], list[int], list[PathKey], list[int]]

# `tuple.__new__` makes a Position without running NamedTuple's Python-level
# `__new__`: recording every position of a file makes about a hundred.
_new_position: Callable[[type[Position], tuple[int, int]], Position] = tuple.__new__


class Positions:
    """Positions of values and keys, by path tuples like ("evidence", 0, "gate").

    A value's path is the keys and indexes leading to it; a key's path is the path of
    its value. The top level's value has the path (); it has no key."""

    __slots__ = ("_root", "_values", "_keys")

    def __init__(self) -> None:
        """An empty map (a file with no value yet)."""
        self._root: Node | None = None  # the lazy form while set; the dicts are empty then
        self._values: dict[PathKey, Position] = {}
        self._keys: dict[PathKey, Position] = {}

    @classmethod
    def of_graph(cls, root: Node) -> Positions:
        """The positions of a composed YAML node graph, found in it when asked."""
        positions = cls()
        positions._root = root
        return positions

    @classmethod
    def unpack(cls, value_paths: Sequence[Sequence[str | int]], value_numbers: Sequence[int],
               key_paths: Sequence[Sequence[str | int]], key_numbers: Sequence[int]) -> Positions:
        """The map `pack` gave these four parts of (paths may be lists, as JSON has them)."""
        positions = cls()
        positions._values = _unpacked(value_paths, value_numbers)
        positions._keys = _unpacked(key_paths, key_numbers)
        return positions

    def pack(self) -> Packed:
        """Every position as plain lists, in the order they were recorded (see `Packed`)."""
        values, keys = self._dicts()
        return (list(values), [n for position in values.values() for n in position],
                list(keys), [n for position in keys.values() for n in position])

    # --- looking up

    def find(self, path: PathKey, *, key: bool = False) -> Position | None:
        """The position of the value at exactly `path` (of its key with `key=True`), or None."""
        root = self._root
        if root is None:
            return (self._keys if key else self._values).get(path)
        node: Node = root
        key_node: Node | None = None
        for part in path:
            child, key_node = _child(node, part)
            if child is None:
                return None
            node = child
        found = key_node if key else node
        return _position(found) if found is not None else None

    def has(self, path: PathKey) -> bool:
        """Whether a value stands at exactly `path`."""
        return self.find(path) is not None

    def value(self, path: PathKey) -> Position:
        """Where the value at `path` starts; else where its nearest known ancestor's does."""
        while path:
            found = self.find(path)
            if found is not None:
                return found
            path = path[:-1]
        return self.find(()) or START

    def key(self, path: PathKey) -> Position:
        """Where the key of `path` stands; else its nearest ancestor's; line 1 column 1 at the top."""
        while path:
            found = self.find(path, key=True)
            if found is not None:
                return found
            path = path[:-1]
        return START

    def items(self, *, key: bool = False) -> Iterator[tuple[PathKey, Position]]:
        """Every value's path and position (every key's with `key=True`), in the order recorded."""
        values, keys = self._dicts()
        return iter((keys if key else values).items())

    def under(self, names: Iterable[str]) -> Positions:
        """A plain map of the top level's position and every position under the
        top-level keys `names`, in file order (no node graph: cheap to pickle)."""
        wanted = set(names)
        part = Positions()
        root = self._root
        if root is None:
            part._values = {p: v for p, v in self._values.items() if not p or p[0] in wanted}
            part._keys = {p: v for p, v in self._keys.items() if p and p[0] in wanted}
            return part
        values, keys = part._values, part._keys
        values[()] = _position(root)
        if root.__class__ is MappingNode:
            for key_node, value_node in root.value:
                if key_node.value in wanted:
                    child = (key_node.value,)
                    keys[child] = _position(key_node)
                    _record(value_node, child, values, keys)
        return part

    # --- recording

    def set(self, path: PathKey, position: Position, *, key: bool = False) -> None:
        """Record where the value at `path` stands (its key with `key=True`)."""
        values, keys = self._dicts()
        (keys if key else values)[path] = position

    def drop(self, path: PathKey) -> None:
        """Forget every position at and under `path`, of values and keys."""
        depth = len(path)
        for store in self._dicts():
            for found in [p for p in store if p[:depth] == path]:
                del store[found]

    # --- comparing, showing, pickling

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Positions):
            return NotImplemented
        return self._dicts() == other._dicts()

    def __repr__(self) -> str:
        values, keys = self._dicts()
        return f"Positions(values={values!r}, keys={keys!r})"

    def __getstate__(self) -> Packed:
        # Positions, never the node graph: paths and plain numbers pickle fast and small.
        return self.pack()

    def __setstate__(self, state: Packed) -> None:
        self._root = None
        self._values = _unpacked(state[0], state[1])
        self._keys = _unpacked(state[2], state[3])

    def _dicts(self) -> tuple[dict[PathKey, Position], dict[PathKey, Position]]:
        """The plain form, recorded from the node graph on first use."""
        root = self._root
        if root is not None:
            _record(root, (), self._values, self._keys)
            self._root = None
        return self._values, self._keys


def _unpacked(paths: Sequence[Sequence[str | int]], numbers: Sequence[int]) -> dict[PathKey, Position]:
    return dict(zip(map(tuple, paths), map(Position, numbers[::2], numbers[1::2]), strict=True))


def _position(node: Node) -> Position:
    mark = node.start_mark
    return _new_position(Position, (mark.line + 1, mark.column + 1))


def _child(node: Node, part: str | int) -> tuple[Node | None, Node | None]:
    """The value node at `part` below `node`, and its key node for a mapping entry."""
    if node.__class__ is MappingNode:
        for key_node, value_node in node.value:
            if key_node.value == part and key_node.__class__ is ScalarNode:
                return value_node, key_node
    elif node.__class__ is SequenceNode and type(part) is int and 0 <= part < len(node.value):
        return node.value[part], None
    return None, None


def _record(node: Node, path: PathKey, values: dict[PathKey, Position], keys: dict[PathKey, Position]) -> None:
    """Every position under `node` (at `path`) into the dicts, in the order the builder visits the nodes.
    (A plain recursive function: a nested one that calls itself is a reference cycle,
    which would keep the dicts until the cyclic collector runs, and it is off during a check.)"""
    mark = node.start_mark
    values[path] = _new_position(Position, (mark.line + 1, mark.column + 1))
    if node.__class__ is MappingNode:
        for key_node, value_node in node.value:
            child = path + (key_node.value,)
            mark = key_node.start_mark
            keys[child] = _new_position(Position, (mark.line + 1, mark.column + 1))
            _record(value_node, child, values, keys)
    elif node.__class__ is SequenceNode:
        for index, item in enumerate(node.value):
            _record(item, path + (index,), values, keys)
