"""Lines as an editor shows them, for libyaml: they end at LF, CRLF or CR only.

libyaml (YAML 1.1) also ends a line at NEL (U+0085), LINE SEPARATOR (U+2028) and
PARAGRAPH SEPARATOR (U+2029), which shifted every later position by a line (and folded
a NEL inside a quoted value into a space). YAML 1.2 counts them as ordinary characters,
and so does the loader: `for_libyaml` gives libyaml the text with each of them replaced
by a private-use character the text does not hold (one character for one, so every
column stays), and `put_back` puts them back in the composed values.
"""

from __future__ import annotations

from yaml.nodes import MappingNode, Node, ScalarNode

# Line breaks to libyaml (YAML 1.1), ordinary characters to YAML 1.2 and to editors.
_YAML11_BREAKS = ("\x85", "\u2028", "\u2029")


def _stand_ins(text: str) -> dict[int, str] | None:
    """A table (for `str.translate`) from each YAML-1.1-only line break to a private-use
    character that `text` does not hold; None when the text has none of them."""
    if not ("\u2028" in text or "\x85" in text or "\u2029" in text):
        return None
    table: dict[int, str] = {}
    candidate = 0xE000
    for separator in _YAML11_BREAKS:
        while chr(candidate) in text:
            candidate += 1
        table[ord(separator)] = chr(candidate)
        candidate += 1
    return table


def for_libyaml(text: str) -> tuple[str, dict[int, str] | None]:
    """The text libyaml is given, and the table (for `str.translate`) that puts the
    separators back; None when there is nothing to put back."""
    table = _stand_ins(text)
    if table is None:
        return text, None
    return text.translate(table), {ord(stand_in): chr(separator) for separator, stand_in in table.items()}


def put_back(node: Node, back: dict[int, str]) -> None:
    """Every scalar of the graph with its separators back (each node once: aliases share them)."""
    seen: set[int] = set()
    stack = [node]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.__class__ is ScalarNode:
            node.value = node.value.translate(back)
        elif node.__class__ is MappingNode:
            for key_node, value_node in node.value:
                stack.append(key_node)
                stack.append(value_node)
        else:
            stack.extend(node.value)
