"""Positions behind one interface (`sources/positions.py`): the node-graph form and the plain form
answer alike, and pack, unpack and pickle to the same map."""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable

import pytest

from artifact_lint.model.findings import START, Position
from artifact_lint.sources.loader import compose, parse_yaml
from artifact_lint.sources.positions import PathKey, Positions

SAMPLE = """\
id: x
evidence:
  - gate: g
    value: 0.5
  - &row {gate: h, value: 1}
copy: *row
surface: [a, b]
"""

PROBES: list[PathKey] = [("evidence", 5), ("id", "deeper"), ("surface", "a"), ("nothing",)]


def _graph() -> Positions:
    node = compose(SAMPLE)
    assert node is not None
    return Positions.of_graph(node)


def _plain() -> Positions:
    positions = _graph()
    list(positions.items())  # records every position: the plain form from here on
    return positions


def _paths(positions: Positions) -> list[PathKey]:
    return [*(p for p, _ in positions.items()), *(p for p, _ in positions.items(key=True)), *PROBES]


def test_the_loader_gives_the_node_graph_form() -> None:
    assert parse_yaml(SAMPLE).positions == _graph()
    assert parse_yaml("# only a comment\n").positions == Positions()


def test_the_node_graph_form_answers_as_the_recorded_one() -> None:
    lazy, plain = _graph(), _plain()
    values, keys = dict(plain.items()), dict(plain.items(key=True))
    for path in _paths(plain):
        assert lazy.value(path) == plain.value(path)
        assert lazy.key(path) == plain.key(path)
        assert lazy.find(path) == values.get(path) and lazy.find(path, key=True) == keys.get(path)
        assert lazy.has(path) == (path in values)
    assert lazy.value(("copy", "gate")) == Position(5, 17)  # an alias points at its anchor
    assert lazy == plain and dict(lazy.items()) == values and dict(lazy.items(key=True)) == keys


def test_every_position_in_the_order_the_file_has_them() -> None:
    positions = _graph()
    assert [p for p, _ in positions.items()][:5] == [(), ("id",), ("evidence",), ("evidence", 0),
                                                    ("evidence", 0, "gate")]
    assert [p for p, _ in positions.items(key=True)][:3] == [("id",), ("evidence",), ("evidence", 0, "gate")]
    assert all(type(position) is Position for _, position in positions.items())


@pytest.mark.parametrize("form", [_graph, _plain])
def test_lookups_fall_back_to_the_nearest_ancestor(form: Callable[[], Positions]) -> None:
    positions = form()
    assert positions.value(("evidence", 0, "baseline")) == positions.value(("evidence", 0)) == Position(3, 5)
    assert positions.key(("evidence", 0, "baseline")) == positions.key(("evidence",)) == Position(2, 1)  # items: no key
    assert positions.key(("id", "deeper")) == positions.key(("id",)) == Position(1, 1)
    assert positions.value(()) == Position(1, 1) and positions.find((), key=True) is None
    assert Positions().value(("x",)) == START and Positions().key(("x",)) == START


@pytest.mark.parametrize("form", [_graph, _plain])
def test_set_and_drop(form: Callable[[], Positions]) -> None:
    positions = form()
    positions.set(("package",), Position(9, 3))
    positions.set(("package",), Position(9, 1), key=True)
    assert positions.value(("package",)) == Position(9, 3) and positions.key(("package",)) == Position(9, 1)
    assert [p for p, _ in positions.items()][-1] == ("package",)
    positions.drop(("evidence",))
    assert not any(p[:1] == ("evidence",) for p, _ in [*positions.items(), *positions.items(key=True)])
    assert positions.has(("id",)) and positions.value(("evidence", 0)) == Position(1, 1)


@pytest.mark.parametrize("form", [_graph, _plain])
def test_under_some_keys(form: Callable[[], Positions]) -> None:
    positions, full = form(), _plain()
    part = positions.under(("id", "surface"))
    assert list(part.items()) == [(p, v) for p, v in full.items() if not p or p[0] in ("id", "surface")]
    assert list(part.items(key=True)) == [(p, v) for p, v in full.items(key=True) if p[0] in ("id", "surface")]
    assert b"yaml.nodes" not in pickle.dumps(part)


@pytest.mark.parametrize("form", [_graph, _plain])
def test_pack_and_unpack_give_the_same_map_also_through_json(form: Callable[[], Positions]) -> None:
    positions = form()
    packed = positions.pack()
    assert Positions.unpack(*packed) == _plain()
    through_json = Positions.unpack(*json.loads(json.dumps(packed)))  # paths come back as lists
    assert through_json == _plain() and list(through_json.items()) == list(_plain().items())
    assert through_json.find(("evidence", 0, "gate"), key=True) == Position(3, 5)
    with pytest.raises(ValueError):
        Positions.unpack(packed[0], packed[1][:-2], packed[2], packed[3])


@pytest.mark.parametrize("form", [_graph, _plain])
def test_a_pickle_holds_positions_only_and_answers_alike(form: Callable[[], Positions]) -> None:
    original = form()
    data = pickle.dumps(original)
    assert b"yaml.nodes" not in data
    copied = pickle.loads(data)
    passed_on = pickle.loads(pickle.dumps(copied))
    for path in _paths(_plain()):
        assert copied.value(path) == passed_on.value(path) == original.value(path)
        assert copied.key(path) == passed_on.key(path) == original.key(path)
        assert copied.has(path) == original.has(path)
    assert type(copied.value(("id",))) is Position
    assert passed_on == original and list(passed_on.items()) == list(original.items())


def test_equality_and_repr() -> None:
    assert Positions() == Positions() and Positions() != _graph()
    assert Positions().__eq__(object()) is NotImplemented
    assert repr(Positions()) == "Positions(values={}, keys={})"
    assert "('evidence', 0, 'gate'): Position(line=3, column=5)" in repr(_graph())
