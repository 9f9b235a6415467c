"""Running declarative rules: each rule's check, and one compiled pass for all of them.

A rule file's rule becomes a `CustomCheck`: what it looks at (`given`: the artifact,
each row of one of its row lists, or each package's decision record), the conditions
under which it applies (`when`) and the checks that must hold (`then`). It is the
`check` of an ordinary `Rule`, so the engine, the worker processes, selection,
suppression and every report treat it like a built-in rule.

A hundred rules over a thousand artifacts are a hundred thousand checks, so the
artifact rules of a session are run together (`Batch`): once per artifact, one
Python function generated from all of them reads each value with plain dictionary
lookups, tests it inline, walks each row list once for every rule over it, and
notes only which rule and entry failed where. Each rule's `check` then returns its
part of that pass, kept on the artifact. A failure is worked out again by the rule
itself (`CustomCheck.problems_of`), with its message and position: findings are
few. The generated code holds no text of the rule files: field names, values and
tests are read from tuples by index, so nothing a rule file says becomes code.
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from artifact_lint.custom.checks import MISSING, ROW_LISTS, STAR, Path, Template, get_value, resolve, show
from artifact_lint.custom.value_checks import Test, _Absent, _Bound, _Enum, _InPolicy, _Length, _Pattern, _Required
from artifact_lint.model.findings import Position, Problem

if TYPE_CHECKING:
    from artifact_lint.model.formats import Policy
    from artifact_lint.model.repository import ArtifactFile, Repository


class Condition(NamedTuple):
    parts: Path
    test: Test


class Item(NamedTuple):
    """One `then` entry: a test of the values at `parts`, or (`one_of`) of which of
    several fields under `parts` are present."""

    parts: Path
    test: Test | None
    template: Template | None
    one_of: tuple[Path, ...] = ()
    written: str = ""  # the field as written, for descriptions


class Failure(NamedTuple):
    item: Item
    path: Path
    value: Any
    missing_at: Path | None
    message: str
    key: bool = False  # point at the key (a field that must go) rather than the value


def _holds(test: Test, value: Any, policy: Policy | None) -> bool:
    if isinstance(test, _InPolicy):
        return test.holds_in(value, policy)
    return test.holds(value)


def _passes(test: Test, value: Any, policy: Policy | None) -> bool:
    if isinstance(test, _InPolicy):
        return test.ok_in(value, policy)
    return test.ok(value)


class CustomCheck:
    """A declarative rule's check: `check(artifact, repo)`, or `check(repo)` for `given: decision`."""

    def __init__(self, code: str, given: str, conditions: list[Condition], items: list[Item]) -> None:
        self.code = code
        self.given = given
        self.conditions = conditions
        self.items = items
        self.scope: Literal["artifact", "repository"] = "repository" if given == "decision" else "artifact"
        self.rows = given if given in ROW_LISTS else None
        self.uses_policy = any(isinstance(c.test, _InPolicy) for c in conditions) or any(
            isinstance(i.test, _InPolicy) for i in items)
        self.examples: tuple[str | None, str | None] = (None, None)  # (fail, pass), YAML text

    def __call__(self, *args: Any) -> list[Problem]:
        if self.scope == "repository":
            return self.check_decisions(args[0])
        return self.check_artifact(args[0], args[1])

    def check_artifact(self, artifact: ArtifactFile, repo: Repository) -> list[Problem]:
        """The rule on its own (a `Batch` runs many at once, to the same result)."""
        document = artifact.document
        if document is None or document.data.__class__ is not dict:
            return []
        data = document.data
        policy = repo.policy_for(artifact) if self.uses_policy else None
        if self.rows is None:
            return self.problems_of(artifact, (), data, policy, range(len(self.items)), artifact.id)
        rows = data.get(self.rows)
        if rows.__class__ is not list:
            return []
        problems: list[Problem] = []
        for index, row in enumerate(rows):
            if row.__class__ is dict:
                problems += self.problems_of(artifact, (self.rows, index), row, policy, range(len(self.items)),
                                             artifact.id)
        return problems

    def check_decisions(self, repo: Repository) -> list[Problem]:
        problems = []
        for package in repo.packages:
            record = package.decision
            if record is None or record.document is None or record.document.data.__class__ is not dict:
                continue
            problems += self.problems_of(record, (), record.document.data, repo.policy, range(len(self.items)),
                                         package.path)
        return problems

    def item_fails(self, item: Item, data: Any, policy: Policy | None) -> bool:
        """Whether the `then` entry fails anywhere in `data` (for `Batch`: `*`, `one-of`)."""
        if item.one_of:
            return self._one_of(data, item) is not None
        assert item.test is not None
        return any(not _passes(item.test, value, policy) for _, value, _ in resolve(data, item.parts))

    def applies(self, data: Any, policy: Policy | None) -> bool:
        return all(_holds(c.test, get_value(data, c.parts), policy) for c in self.conditions)

    def problems_of(self, source: Any, base: Path, data: Any, policy: Policy | None, items: Any,
                    ident: str | None) -> list[Problem]:
        """The problems of the `then` entries numbered `items` on the mapping `data` at
        `base` of `source` (an artifact or a decision record), when the rule applies."""
        if self.conditions and not self.applies(data, policy):
            return []
        problems = []
        for number in items:
            for failure in self._failures(self.items[number], data, policy):
                problems.append(self._problem(source, base, failure, ident))
        return problems

    def _failures(self, item: Item, data: Any, policy: Policy | None) -> list[Failure]:
        if item.one_of:
            failure = self._one_of(data, item)
            return [failure] if failure is not None else []
        test = item.test
        assert test is not None
        failures = []
        for path, value, missing_at in resolve(data, item.parts):
            if not _passes(test, value, policy):
                failures.append(Failure(item, path, value, missing_at, test.why(value, _field(path), policy),
                                        key=test.name == "absent"))
        return failures

    def _one_of(self, data: Any, item: Item) -> Failure | None:
        mapping = get_value(data, item.parts) if item.parts else data
        if mapping is MISSING or mapping is None:
            return None  # nothing to choose in
        present = [p for p in item.one_of if get_value(mapping, p) not in (MISSING, None)]
        if len(present) == 1:
            return None
        names = ", ".join(f"`{_field(p)}`" for p in item.one_of)
        where = f" in `{_field(item.parts)}`" if item.parts else ""
        if not present:
            first = (*item.parts, *item.one_of[0])
            return Failure(item, first, MISSING, _first_missing(data, first),
                           f"none of {names} is given{where}; give exactly one")
        second = (*item.parts, *present[1])
        return Failure(item, second, get_value(data, second), None,
                       f"{' and '.join(f'`{_field(p)}`' for p in present)} are all given{where};"
                       " keep exactly one", key=True)

    def _problem(self, source: Any, base: Path, failure: Failure, ident: str | None) -> Problem:
        path = (*base, *failure.path)
        message = failure.message
        if failure.item.template is not None:
            message = failure.item.template.fill({"id": ident or "", "field": _field(path),
                                                  "value": show(failure.value), "code": self.code})
        if failure.missing_at is not None:
            at = _absent_position(source, (*base, *failure.missing_at))
        elif failure.key and isinstance(path[-1], str):
            at = source.position(path, key=True)
        else:
            at = source.position(path)
        return source.problem(path, message, at=at)  # type: ignore[no-any-return]

    # -- what the rule reads and says --------------------------------------------------
    def fields(self) -> list[Path]:
        """Every field path the rule names, from the artifact's top level (`*` for rows)."""
        if self.given == "decision":
            return []
        prefix: Path = (self.rows, STAR) if self.rows else ()
        found = [(*prefix, *c.parts) for c in self.conditions]
        for item in self.items:
            found.append((*prefix, *item.parts))
            found.extend((*prefix, *item.parts, *p) for p in item.one_of)
        return [path for path in found if path]

    def describe(self) -> list[str]:
        """Each `then` entry in words, for `explain`."""
        lines = []
        for item in self.items:
            if item.one_of:
                names = ", ".join(f"`{_field(p)}`" for p in item.one_of)
                where = f" in `{item.written}`" if item.written else ""
                lines.append(f"exactly one of {names}{where} is given")
            else:
                assert item.test is not None
                lines.append(f"`{item.written}` {item.test.describe()}")
        return lines


def _first_missing(data: Any, parts: Path) -> Path | None:
    for _, value, missing_at in resolve(data, parts):
        if value is MISSING:
            return missing_at
    return None


def _field(path: Path) -> str:
    from artifact_lint.sources.loader import field_path

    return field_path(path)


def _absent_position(source: Any, path: Path) -> Position:
    """The key of the mapping that lacks `path`'s last key (line 1, column 1 for a file's
    top level; a registry entry's row or heading)."""
    parent = path[:-1]
    if not parent:
        if getattr(source, "origin", "file") == "file":
            return Position(1, 1)
        return source.position(())  # type: ignore[no-any-return]
    return source.position(parent, key=isinstance(parent[-1], str))  # type: ignore[no-any-return]


# --- many rules in one pass ----------------------------------------------------------------------

_EMPTY: dict[str, list[Problem]] = {}
_FIRST = "\x00"  # where a generated test reads its value first
_BATCHES = itertools.count(1)


class Member:
    """A rule's `check` in a batch: its part of the one pass over the artifact. Reads like
    the rule's `CustomCheck` (`fields`, `examples`, `describe`)."""

    def __init__(self, batch: Batch, custom: CustomCheck) -> None:
        self.batch = batch
        self.custom = custom
        self.code = custom.code

    def __call__(self, artifact: ArtifactFile, repo: Repository) -> list[Problem]:
        key = self.batch.key
        found = artifact._derived.get(key)
        if found is None:
            found = artifact._derived[key] = self.batch.run(artifact, repo)
        return found.get(self.code, [])

    def __getattr__(self, name: str) -> Any:
        return getattr(self.custom, name)


class Batch:
    """The artifact rules of a session, compiled into one function (see the module's doc)."""

    def __init__(self, checks: list[CustomCheck]) -> None:
        self.checks = checks
        # Where an artifact keeps this batch's results: a record reused under other rules
        # (the language server's, after a rule file changed) never reads stale ones.
        self.key = f"custom-rules-{next(_BATCHES)}"
        self.uses_policy = any(c.uses_policy for c in checks)
        self.constants: list[Any] = []
        self._index: dict[int, int] = {}
        lines = ["def run(d, policy, out):",
                 "    states = policy.states if policy is not None else E",
                 "    labels = policy.labels if policy is not None else E"]
        for number, check in enumerate(checks):
            if check.rows is None:
                lines += self._rule(number, check, "d", "()", "    ")
        for rows in ROW_LISTS:
            over = [(n, c) for n, c in enumerate(checks) if c.rows == rows]
            if not over:
                continue
            lines += [f"    rows = d.get({self._const(rows)})", "    if rows.__class__ is list:",
                      "        for i, r in enumerate(rows):", "            if r.__class__ is dict:"]
            for number, check in over:
                lines += self._rule(number, check, "r", f"({self._const(rows)}, i)", " " * 16)
        lines.append("    return out")
        namespace = {"K": tuple(self.constants), "M": MISSING, "G": get_value, "E": {}}
        exec(compile("\n".join(lines), "<custom rules>", "exec"), namespace)  # noqa: S102 - no rule text in it
        self._run = namespace["run"]

    def _const(self, value: Any) -> str:
        """`K[i]`: the value, read by index (never written into the code)."""
        key = id(value)
        if key not in self._index:
            self._index[key] = len(self.constants)
            self.constants.append(value)
        return f"K[{self._index[key]}]"

    def _get(self, data: str, parts: Path) -> str:
        if len(parts) == 1 and isinstance(parts[0], str):
            return f"{data}.get({self._const(parts[0])}, M)"
        return f"G({data}, {self._const(parts)})"

    def _rule(self, number: int, check: CustomCheck, data: str, base: str, indent: str) -> list[str]:
        lines = []
        inner = indent
        if check.conditions:
            tests = " and ".join(self._holds(c, data) for c in check.conditions)
            lines.append(f"{indent}if {tests}:")
            inner = indent + "    "
        for entry, item in enumerate(check.items):
            fails = self._fails(number, item, data)
            lines.append(f"{inner}if {fails}:")
            lines.append(f"{inner}    out.append(({number}, {entry}, {base}))")
        return lines

    def _holds(self, condition: Condition, data: str) -> str:
        value = f"(v := {self._get(data, condition.parts)})"
        test = condition.test
        if isinstance(test, _InPolicy):
            names = "states" if test.kind == "state" else "labels"
            return f"({value}.__class__ is str and v in {names})"
        if isinstance(test, _Required):
            return f"({value} is not M and v is not None and (v.__class__ is not str or v.strip() != ''))"
        if isinstance(test, _Absent):
            return f"({value} is M or v is None)"
        if isinstance(test, _Enum) and test.text:
            return (f"({value} is not M and v is not None and"
                    f" (v in {self._const(test.text)} if v.__class__ is str else {self._const(test)}.test(v)))")
        return f"({value} is not M and v is not None and {self._const(test)}.test(v))"

    def _fails(self, number: int, item: Item, data: str) -> str:
        """An expression true when the entry fails somewhere in `data`: inline for a path of
        keys with at most one `*`, else through the rule's own `item_fails`."""
        test = item.test
        parts = item.parts
        stars = parts.count(STAR)
        if item.one_of or test is None or not parts or stars > 1 or (stars and parts[0] == STAR):
            return f"{self._const(self.checks[number].item_fails)}({self._const(item)}, {data}, policy)"
        if not stars:
            return self._value_fails(test).replace(_FIRST, f"(v := {self._get(data, parts)})")
        cut = parts.index(STAR)
        before, after = parts[:cut], parts[cut + 1:]
        each = "x" if not after else f"(x.get({self._const(after[0])}, M) if x.__class__ is dict else M)" \
            if len(after) == 1 and isinstance(after[0], str) else f"G(x, {self._const(after)})"
        fails = self._value_fails(test).replace(_FIRST, f"(v := {each})")
        slow = f"{self._const(self.checks[number].item_fails)}({self._const(item)}, {data}, policy)"
        return (f"(any({fails} for x in L) if (L := {self._get(data, before)}).__class__ is list"
                f" else (L.__class__ is dict and {slow}))")

    def _value_fails(self, test: Test) -> str:
        """The failure of `test` as an expression of `v`, whose first use (`_FIRST`) reads it."""
        if isinstance(test, _Required):
            return f"({_FIRST} is M or v is None or (v.__class__ is str and v.strip() == ''))"
        if isinstance(test, _Absent):
            return f"({_FIRST} is not M and v is not None)"
        present = f"{_FIRST} is not M and v is not None"
        slow = f"not {self._const(test)}.test(v)"
        if isinstance(test, _InPolicy):
            names = "states" if test.kind == "state" else "labels"
            return f"({present} and not (v.__class__ is str and v in {names}))"
        if isinstance(test, _Enum) and test.text:
            return f"({present} and (v not in {self._const(test.text)} if v.__class__ is str else {slow}))"
        if isinstance(test, _Pattern):
            from artifact_lint.custom.safe_regex import MAX_TEXT

            search = self._const(test.pattern.compiled.search)
            found = "is not None" if test.negate else "is None"
            return f"({present} and ({search}(v) {found} if v.__class__ is str and len(v) <= {MAX_TEXT} else {slow}))"
        if isinstance(test, _Bound):
            inside = (f"{self._const(-math.inf)} < v <= {self._const(test.limit)}" if test.upper
                      else f"{self._const(test.limit)} <= v < {self._const(math.inf)}")
            return f"({present} and (not ({inside}) if v.__class__ is float or v.__class__ is int else {slow}))"
        if isinstance(test, _Length):
            kind = "list" if test.items else "str"
            inside = f"len(v) {'<=' if test.upper else '>='} {test.limit}"
            return f"({present} and (not ({inside}) if v.__class__ is {kind} else {slow}))"
        return f"({present} and {slow})"

    def run(self, artifact: ArtifactFile, repo: Repository) -> dict[str, list[Problem]]:
        """Every batched rule's problems on `artifact`, by code."""
        document = artifact.document
        if document is None or document.data.__class__ is not dict:
            return _EMPTY
        policy = repo.policy_for(artifact) if self.uses_policy else None
        out = self._run(document.data, policy, [])
        if not out:
            return _EMPTY
        # Several entries of a rule may fail on one mapping: each mapping is worked out once.
        grouped: dict[tuple[int, Path], list[int]] = {}
        for number, entry, base in out:
            grouped.setdefault((number, base), []).append(entry)
        data = document.data
        found: dict[str, list[Problem]] = {}
        for (number, base), entries in grouped.items():
            check = self.checks[number]
            subject = data if not base else data[base[0]][base[1]]
            problems = check.problems_of(artifact, base, subject, policy, entries, artifact.id)
            if problems:
                found.setdefault(check.code, []).extend(problems)
        return found
