"""Regular expressions of rule files that cannot make a run hang on a hostile value.

Python's `re` backtracks: a pattern such as `(a+)+$`, `(a|aa)*b` or `\\s*\\s*x` takes
exponential or high-polynomial time on a value built to defeat it, and the values
come from artifact files anyone can propose. So every pattern of a rule file is
checked when the file is read, and a pattern that can backtrack without bound is
refused there (exit 2 naming the file, line and key), with the reason:

- a back-reference (`\\1`, `(?P=name)`) or a conditional group (`(?(1)a|b)`);
- a repeated part (`*`, `+`, `{m,n}` with n > 1) that can match nothing, that holds
  another variable repeat with no character between them that the inner repeat
  cannot take (`(a+)+` is refused; `(-[a-z0-9]+)*` is fine: `-` is no `[a-z0-9]`), or
  that holds alternatives which can start with the same character (`(a|ab)*`);
- two variable repeats in one sequence that can take the same characters, with
  nothing between them that the first cannot take, where the first could stop
  anywhere, both growing with the value (`\\s*\\s*x`, `a.*b.*c`:
  write `a[^b]*b.*c`); `\\d+\\.\\d+`, `\\w+\\s+\\w+` and `(?:Either )?[A-Z][a-z]+` are fine;
- more than three optional or bounded parts in a row competing for the same
  characters as their neighbours (`a?a?a?a?a?`, `\\w+\\w?\\w?\\w?\\w?x`).

Character sets are compared on a sample alphabet (ASCII, Latin-1, a few letters,
digits and spaces of other scripts, and every character the pattern names), so
the check errs on the side of refusing. What remains is at worst quadratic in the
length of the value (a search tries every start), and that length is bounded: a
value of up to `MAX_TEXT` characters is searched whole; a longer one in overlapping
windows when the pattern's matches are at most `MAX_WIDTH` characters long (exact,
and linear in the value's length), and otherwise it fails the check as too long to
search (`TooLong`, see `custom_checks`). Possessive repeats and atomic groups
(Python 3.11) never backtrack into themselves and do not count as variable
repeats for the sequence check.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

try:  # Python 3.11+
    from re import _parser as _sre  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre

MAX_TEXT = 2_000  # characters of one value a pattern with unbounded matches searches
_FEW = 16  # a repeat whose count varies by this much or more counts as unbounded
_MAX_CHOICES = 3  # parts of bounded length in a row that compete for the same characters
_MAXREPEAT = _sre.MAXREPEAT
# The sample alphabet: ASCII, Latin-1, and letters, digits, spaces and marks of other
# scripts that behave differently under \w, \d, \s and case folding.
_BASE = ("".join(chr(i) for i in range(256)) + "\u0131\u017f\u212a\u0436\u0416\u03c3\u03a3\u4e2d\u0663"
         "\u0966\u2003\u2028\u2029\u3000\u200b\u0301\U0001f600\ufb01\u1e9e")


class UnsafePattern(ValueError):
    """A pattern refused: not a regular expression, or one that can backtrack without bound."""


class _Info(NamedTuple):
    first: int  # the characters a match can start with (bit mask over the alphabet)
    chars: int  # every character a match can take
    nullable: bool  # it can match the empty string
    long: bool  # it holds a repeat whose length varies (room to backtrack)
    unbounded: bool  # ... by an amount that grows with the value (`*`, `+`, `{0,100}`)


class TooLong(ValueError):
    """A value longer than a pattern may search whole (`MAX_TEXT`, for a pattern whose
    matches have no length bound)."""


class SafePattern:
    """A pattern of a rule file, compiled and checked; `search` is bounded per value."""

    __slots__ = ("text", "compiled", "width")

    def __init__(self, text: str, compiled: re.Pattern[str], width: int | None) -> None:
        self.text = text
        self.compiled = compiled
        # How far a match, with what its lookarounds read, can reach; None when unbounded.
        self.width = width

    def search(self, value: str) -> re.Match[str] | None:
        """The first match in `value`. A value of at most `MAX_TEXT` characters is searched
        whole; a longer one in overlapping windows of `MAX_TEXT` when matches are at most
        `MAX_WIDTH` long (the same first match, in time linear in the value's length), and
        otherwise raises `TooLong`."""
        if len(value) <= MAX_TEXT:
            return self.compiled.search(value)
        if self.width is None:
            raise TooLong(len(value))
        margin = 2 * self.width + 2
        start = 0
        while start < len(value):
            end = min(len(value), start + MAX_TEXT + margin)
            # `pos` keeps what precedes the window visible to `\b` and lookbehinds; a match
            # starting in this window's own part ends far enough from `end` to be exact.
            match = self.compiled.search(value, start, end)
            if match is not None and (end == len(value) or match.start() < start + MAX_TEXT):
                return match
            start += MAX_TEXT
        return None


MAX_WIDTH = 500  # the longest match (and lookaround reach) a windowed search allows


def compile_pattern(text: str) -> SafePattern:
    """`text` compiled, once it is known to be safe; `UnsafePattern` says why not."""
    try:
        compiled = re.compile(text)
    except re.error as exc:
        raise UnsafePattern(f"not a regular expression: {exc.msg}"
                            + (f" at position {exc.pos}" if exc.pos is not None else "")) from None
    except (OverflowError, RecursionError, ValueError) as exc:
        raise UnsafePattern(f"not a regular expression: {exc}") from None
    if not any(c in text for c in "*+?{\\("):
        # Plain characters and classes: no backtracking, and a match as long as the text.
        return SafePattern(text, compiled, len(text) if len(text) <= MAX_WIDTH else None)
    try:
        tree = _sre.parse(text)
        _Analysis(tree).check()
        width = _reach(tree)
    except RecursionError:
        raise UnsafePattern("the pattern nests too deeply") from None
    return SafePattern(text, compiled, width if width <= MAX_WIDTH else None)


def _reach(tree: Any) -> int:
    """The longest a match can be plus what its lookarounds can read beyond it (an
    over-estimate; `_MAXREPEAT` or more when unbounded)."""
    total = int(tree.getwidth()[1])
    stack = [list(tree)]
    while stack:
        for op, av in stack.pop():
            name = _name(op)
            if name in ("ASSERT", "ASSERT_NOT"):
                total += int(av[1].getwidth()[1])
            stack.extend(_Analysis._children(name, av))
    return total


def _name(op: Any) -> str:
    return str(op)


def _category(name: str, ch: str) -> bool:
    if name.endswith("NOT_DIGIT"):
        return not ch.isdecimal()
    if name.endswith("DIGIT"):
        return ch.isdecimal()
    if name.endswith("NOT_SPACE"):
        return not (ch.isspace() or ch in "\x1c\x1d\x1e\x1f\x85")
    if name.endswith("SPACE"):
        return ch.isspace() or ch in "\x1c\x1d\x1e\x1f\x85"
    if name.endswith("NOT_WORD"):
        return not (ch.isalnum() or ch == "_")
    if name.endswith("WORD"):
        return ch.isalnum() or ch == "_"
    if name.endswith("NOT_LINEBREAK"):
        return ch != "\n"
    if name.endswith("LINEBREAK"):
        return ch == "\n"
    return True  # unknown: assume it may match anything (refuse rather than pass)


def _variants(ch: str) -> set[str]:
    return {ch, ch.lower(), ch.upper(), ch.casefold(), ch.swapcase()}


class _Alphabet:
    """The characters sets are compared on, with the masks already made (shared by every
    pattern that names no character outside the base alphabet)."""

    def __init__(self, extra: tuple[str, ...]) -> None:
        self.chars = list(dict.fromkeys(_BASE + "".join(extra)))
        self.bit = {ch: 1 << i for i, ch in enumerate(self.chars)}
        self.all = (1 << len(self.chars)) - 1
        self.folded: dict[str, int] = {}
        for ch, bit in self.bit.items():
            key = ch.casefold()
            self.folded[key] = self.folded.get(key, 0) | bit
        self.classes: dict[tuple[str, bool], int] = {}


_ALPHABETS: dict[tuple[str, ...], _Alphabet] = {}


def _alphabet(extra: tuple[str, ...]) -> _Alphabet:
    found = _ALPHABETS.get(extra)
    if found is None:
        found = _ALPHABETS[extra] = _Alphabet(extra)
        if len(_ALPHABETS) > 64:  # patterns naming many scripts: keep the cache small
            _ALPHABETS.clear()
            _ALPHABETS[extra] = found
    return found


class _Analysis:
    def __init__(self, tree: Any) -> None:
        self.tree = tree
        flags = tree.state.flags
        self.ignore_case = bool(flags & re.IGNORECASE) or self._local_ignore_case(list(tree))
        named: list[str] = []
        self._collect(list(tree), named)
        base = _alphabet(())
        extra = []
        for ch in dict.fromkeys(named):
            for variant in _variants(ch) if self.ignore_case else (ch,):
                if len(variant) == 1 and variant not in base.bit:
                    extra.append(variant)
        self.alphabet = _alphabet(tuple(sorted(set(extra))))
        self.bit = self.alphabet.bit
        self.all = self.alphabet.all

    # -- the characters a pattern names, so that sets are compared on them too ---------
    def _local_ignore_case(self, items: list[Any]) -> bool:
        for op, av in items:
            name = _name(op)
            if name == "SUBPATTERN" and av[1] & re.IGNORECASE:
                return True
            for child in self._children(name, av):
                if self._local_ignore_case(child):
                    return True
        return False

    def _collect(self, items: list[Any], out: list[str]) -> None:
        for op, av in items:
            name = _name(op)
            if name in ("LITERAL", "NOT_LITERAL"):
                out.append(chr(av))
            elif name == "IN":
                for item_op, item_av in av:
                    item = _name(item_op)
                    if item == "LITERAL":
                        out.append(chr(item_av))
                    elif item == "RANGE":
                        low, high = item_av
                        out.extend(chr(c) for c in {low, high, (low + high) // 2, min(low + 1, high)})
            for child in self._children(name, av):
                self._collect(child, out)

    @staticmethod
    def _children(name: str, av: Any) -> list[list[Any]]:
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            return [list(av[2])]
        if name == "SUBPATTERN":
            return [list(av[3])]
        if name == "ATOMIC_GROUP":
            return [list(av)]
        if name in ("ASSERT", "ASSERT_NOT"):
            return [list(av[1])]
        if name == "BRANCH":
            return [list(branch) for branch in av[1]]
        if name == "GROUPREF_EXISTS":
            return [list(part) for part in av[1:] if part is not None]
        return []

    # -- character sets as bit masks ---------------------------------------------------
    def _literal(self, code: int) -> int:
        ch = chr(code)
        if not self.ignore_case:
            return self.bit.get(ch, 0)
        mask = 0
        for variant in _variants(ch):
            mask |= self.bit.get(variant, 0) | self.alphabet.folded.get(variant.casefold(), 0)
        return mask

    def _matching(self, test: Any) -> int:
        mask = 0
        for ch, bit in self.bit.items():
            if test(ch):
                mask |= bit
        return mask

    def _in(self, items: list[Any]) -> int:
        key = (repr(items), self.ignore_case)
        cached = self.alphabet.classes.get(key)
        if cached is not None:
            return cached
        negate = bool(items) and _name(items[0][0]) == "NEGATE"
        body = items[1:] if negate else items

        def member(ch: str) -> bool:
            for variant in _variants(ch) if self.ignore_case else (ch,):
                if len(variant) != 1:
                    continue
                code = ord(variant)
                for op, av in body:
                    name = _name(op)
                    if (name == "LITERAL" and code == av) or (name == "RANGE" and av[0] <= code <= av[1]) \
                            or (name == "CATEGORY" and _category(_name(av), variant)):
                        return True
            return False

        mask = self._matching(lambda ch: member(ch) != negate)
        self.alphabet.classes[key] = mask
        return mask

    # -- the checks ----------------------------------------------------------------------
    def check(self) -> None:
        self._sequence(list(self.tree), repeated=False)

    def _item(self, op: Any, av: Any, repeated: bool) -> _Info:
        name = _name(op)
        if name == "LITERAL":
            mask = self._literal(av)
            return _Info(mask, mask, False, False, False)
        if name == "NOT_LITERAL":
            mask = self.all & ~self._literal(av)
            return _Info(mask, mask, False, False, False)
        if name == "ANY":
            return _Info(self.all, self.all, False, False, False)
        if name == "IN":
            mask = self._in(list(av))
            return _Info(mask, mask, False, False, False)
        if name in ("AT",):
            return _Info(0, 0, True, False, False)
        if name in ("ASSERT", "ASSERT_NOT"):
            self._sequence(list(av[1]), repeated=False)
            return _Info(0, 0, True, False, False)
        if name in ("GROUPREF", "GROUPREF_EXISTS", "GROUPREF_IGNORE", "GROUPREF_LOC_IGNORE", "GROUPREF_UNI_IGNORE"):
            raise UnsafePattern("a back-reference or conditional group can take exponential time;"
                                " write the alternatives out")
        if name == "SUBPATTERN":
            return self._sequence(list(av[3]), repeated)[0]
        if name == "ATOMIC_GROUP":
            return self._sequence(list(av), repeated)[0]._replace(long=False, unbounded=False)
        if name == "BRANCH":
            return self._branch([list(b) for b in av[1]], repeated)
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            return self._repeat(name, av, repeated)
        # Anything else (a future opcode) is not known to be safe.
        raise UnsafePattern(f"the construct `{name}` is not supported in rule patterns")

    def _branch(self, branches: list[list[Any]], repeated: bool) -> _Info:
        infos = [self._sequence(branch, repeated)[0] for branch in branches]
        if repeated:
            seen = 0
            for info in infos:
                if info.nullable or info.first & seen:
                    raise UnsafePattern("a repeated group holds alternatives that can start with the same"
                                        " character (or match nothing), which can take exponential time;"
                                        " make each alternative start differently")
                seen |= info.first
        first = chars = 0
        for info in infos:
            first |= info.first
            chars |= info.chars
        return _Info(first, chars, any(i.nullable for i in infos), any(i.long for i in infos),
                     any(i.unbounded for i in infos))

    def _repeat(self, name: str, av: Any, repeated: bool) -> _Info:
        low, high, body = av[0], av[1], list(av[2])
        many = high == _MAXREPEAT or high > 1
        inner, parts = self._sequence(body, repeated or many)
        if many and inner.chars:
            if inner.nullable:
                raise UnsafePattern("a repeated part can match nothing, which can take exponential time;"
                                    " make it take at least one character")
            if inner.long and not _has_barrier(parts):
                raise UnsafePattern("a repeat inside a repeat, with no character between them that the inner"
                                    " one cannot take (as in `(a+)+`), can take exponential time; use a"
                                    " separator the inner repeat excludes, as in `(-[a-z]+)*`")
        consumes = bool(inner.chars)
        long = (high != low and consumes) or inner.long
        unbounded = ((high == _MAXREPEAT or high - low >= _FEW) and consumes) or inner.unbounded
        if name == "POSSESSIVE_REPEAT":
            long = unbounded = False  # it never gives back what it took
        return _Info(inner.first, inner.chars, low == 0 or inner.nullable, long, unbounded)

    def _flat(self, items: list[Any]) -> list[tuple[Any, Any]]:
        """The items of a sequence with plain groups opened (they do not repeat)."""
        out: list[tuple[Any, Any]] = []
        for op, av in items:
            if _name(op) == "SUBPATTERN":
                out.extend(self._flat(list(av[3])))
            else:
                out.append((op, av))
        return out

    def _sequence(self, items: list[Any], repeated: bool) -> tuple[_Info, list[_Info]]:
        """The sequence's info and its items' (plain groups opened), once its checks pass."""
        infos = [self._item(op, av, repeated) for op, av in self._flat(items)]
        choices = 0
        for i, left in enumerate(infos):
            if left.long and _check_pairs(left, infos[i + 1:]):
                choices += 1
        if choices > _MAX_CHOICES:
            raise UnsafePattern(f"more than {_MAX_CHOICES} optional or bounded parts in a row can take the same"
                                " characters as their neighbours (as in `a?a?a?a?a?` or `\\w+\\w?\\w?\\w?\\w?x`),"
                                " which multiplies the time a search takes; write one repeat such as"
                                " `a{0,4}` instead")
        first = chars = 0
        nullable = True
        for info in infos:
            if nullable:
                first |= info.first
            chars |= info.chars
            nullable = nullable and info.nullable
        return _Info(first, chars, nullable, any(info.long for info in infos),
                     any(info.unbounded for info in infos)), infos


def _check_pairs(left: _Info, rest: list[_Info]) -> bool:
    """Refuse a later repeat that competes with `left` for the same characters while
    `left` could stop at any of them (nothing `left` cannot take lies between), when
    both repeats' lengths grow with the value; True when a pair with a part of bounded
    length competes (a constant factor each, which `_sequence` counts)."""
    follow = 0  # the characters that can come right after `left`
    open_ = True  # every item so far can match nothing: `follow` still grows
    bounded_pair = False
    for right in rest:
        if open_:
            follow |= right.first
        if right.long and right.chars & left.chars and follow & left.chars:
            if left.unbounded and right.unbounded:
                raise UnsafePattern("two repeats in a row can take the same characters, with nothing between"
                                    " them that the first cannot take (as in `\\s*\\s*x` or `a.*b.*c`),"
                                    " which can take polynomial time; exclude the separator from the first"
                                    " repeat, as in `a[^b]*b.*c`")
            bounded_pair = True  # a part of bounded length: each such choice doubles the work
        if not right.nullable:
            open_ = False
            if right.chars and not right.chars & left.chars:
                break  # a barrier: `left` cannot take it, so it cannot reach past it
    return bounded_pair


def _has_barrier(parts: list[_Info]) -> bool:
    """Whether a repeated body must take a character that none of its variable repeats can
    take: its iterations then cannot be split in several ways."""
    variable = 0
    for info in parts:
        if info.long:
            variable |= info.chars
    return any(not info.nullable and info.chars and not info.chars & variable for info in parts)
