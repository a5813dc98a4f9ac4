"""Python source as a small tree of nodes, laid out the way ruff and black lay it out.

Renderers build nodes (a call, a keyword argument, a list, a literal) instead of strings, and
:func:`layout` turns a statement into lines. The rules are the formatters' own, so a
generated script is already formatted and ``ruff format`` (or black) leaves it unchanged:

- a statement that fits in the line length stays on one line;
- otherwise the last bracket pair of the line is split: the opening bracket ends the first
  line, the contents go one level deeper, the closing bracket starts the last line;
- the contents of a call stay on one line when they fit there; the contents of a list,
  tuple or dict display with several items never do (one item per line);
- contents that do not fit are put one item per line, each followed by a comma (the
  trailing comma keeps the formatters from joining them again), and each item that is
  still too long is split the same way.

Nothing here knows about migrations: it is the formatter, nodes in, lines out.
"""

from __future__ import annotations

import ast
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

DEFAULT_LINE_LENGTH = 88
INDENT = "    "


class Node:
    """A piece of an expression that knows its one-line form."""

    def flat(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class Atom(Node):
    """Text that is never split: a name, a literal, code a user hook returned."""

    text: str

    def flat(self) -> str:
        return self.text


@dataclass(frozen=True)
class Kw(Node):
    """``name=value`` (a keyword argument)."""

    name: str
    value: Node

    def flat(self) -> str:
        return f"{self.name}={self.value.flat()}"


@dataclass(frozen=True)
class Pair(Node):
    """``key: value`` (a dict entry)."""

    key: Node
    value: Node

    def flat(self) -> str:
        return f"{self.key.flat()}: {self.value.flat()}"


@dataclass(frozen=True)
class Bracketed(Node):
    """Something followed by a bracket pair holding items: a call or a display.

    ``head`` is the text before the opening bracket (``sa.Column`` for a call, empty for a
    list). ``display`` marks list/tuple/dict/set displays, whose several items the
    formatters always put one per line once the display is split.
    """

    head: str
    open: str
    close: str
    items: tuple[Node, ...] = field(default_factory=tuple)
    display: bool = False

    def _inner(self) -> str:
        text = ", ".join(item.flat() for item in self.items)
        if self.open == "(" and self.display and len(self.items) == 1:
            text += ","  # a one-item tuple keeps its comma
        return text

    def flat(self) -> str:
        return f"{self.head}{self.open}{self._inner()}{self.close}"


def call(func: str, *args: Node | None, **kwargs: Node | None) -> Bracketed:
    """``func(args..., key=value...)``; ``None`` arguments are left out."""
    items: list[Node] = [a for a in args if a is not None]
    items += [Kw(k, v) for k, v in kwargs.items() if v is not None]
    return Bracketed(func, "(", ")", tuple(items))


def call_items(func: str, items: Sequence[Node]) -> Bracketed:
    """A call from an already assembled argument list (positional nodes and ``Kw``)."""
    return Bracketed(func, "(", ")", tuple(items))


def list_of(items: Sequence[Node]) -> Bracketed:
    return Bracketed("", "[", "]", tuple(items), display=True)


def tuple_of(items: Sequence[Node]) -> Bracketed:
    return Bracketed("", "(", ")", tuple(items), display=True)


def dict_of(pairs: Sequence[tuple[Node, Node]]) -> Bracketed:
    return Bracketed("", "{", "}", tuple(Pair(k, v) for k, v in pairs), display=True)


# -- literals ------------------------------------------------------------------------------


def _escape(text: str, quote: str) -> str:
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == quote:
            out.append("\\" + quote)
        elif ch.isprintable():
            out.append(ch)
        else:
            out.append(repr(ch)[1:-1])  # \n, \t, \x00, \u2028 ...
    return "".join(out)


def str_literal(text: str) -> str:
    """A string literal in the formatters' preferred quotes (double, unless that escapes more)."""
    quote = "'" if text.count('"') > text.count("'") else '"'
    return f"{quote}{_escape(text, quote)}{quote}"


_BYTE_ESCAPES = {ord("\\"): "\\\\", ord("\t"): "\\t", ord("\n"): "\\n", ord("\r"): "\\r"}


def bytes_literal(data: bytes) -> str:
    """A bytes literal, quoted like :func:`str_literal`."""
    quote = "'" if data.count(b'"') > data.count(b"'") else '"'
    out = []
    for byte in data:
        if byte in _BYTE_ESCAPES:
            out.append(_BYTE_ESCAPES[byte])
        elif byte == ord(quote):
            out.append("\\" + quote)
        elif 0x20 <= byte < 0x7F:
            out.append(chr(byte))
        else:
            out.append(f"\\x{byte:02x}")
    return f"b{quote}{''.join(out)}{quote}"


def number_literal(value: int | float) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return f'float("{value}")'
    return repr(value)


def literal(value: object) -> Atom:
    """A Python literal for None, bools, numbers, strings and bytes."""
    if value is None or isinstance(value, bool):
        return Atom(repr(value))
    if isinstance(value, int | float):
        return Atom(number_literal(value))
    if isinstance(value, str):
        return Atom(str_literal(value))
    if isinstance(value, bytes):
        return Atom(bytes_literal(value))
    raise TypeError(f"no literal form for {type(value).__name__}")


# -- the layout ------------------------------------------------------------------------------


def width(text: str) -> int:
    """Columns the text takes, counting East Asian wide characters twice, as the formatters do."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def layout(
    node: Node,
    indent: int = 0,
    *,
    prefix: str = "",
    suffix: str = "",
    line_length: int = DEFAULT_LINE_LENGTH,
) -> list[str]:
    """The lines of ``prefix + node + suffix`` at ``indent`` levels, split as ruff/black do."""
    pad = INDENT * indent
    one_line = f"{pad}{prefix}{node.flat()}{suffix}"
    if width(one_line) <= line_length:
        return [one_line]
    if isinstance(node, Kw):
        head = f"{prefix}{node.name}="
        return layout(node.value, indent, prefix=head, suffix=suffix, line_length=line_length)
    if isinstance(node, Pair):
        head = f"{prefix}{node.key.flat()}: "
        return layout(node.value, indent, prefix=head, suffix=suffix, line_length=line_length)
    if not isinstance(node, Bracketed) or not node.items:
        return [one_line]  # nothing to split: the line stays long
    first = f"{pad}{prefix}{node.head}{node.open}"
    last = f"{pad}{node.close}{suffix}"
    inner_pad = pad + INDENT
    inner = node._inner()
    several = len(node.items) > 1 or inner.endswith(",")
    if not (node.display and several) and width(inner_pad + inner) <= line_length:
        return [first, inner_pad + inner, last]
    if not several:
        return [first, *layout(node.items[0], indent + 1, line_length=line_length), last]
    lines = [first]
    for item in node.items:
        lines += layout(item, indent + 1, suffix=",", line_length=line_length)
    lines.append(last)
    return lines


# -- code from elsewhere -------------------------------------------------------------------------


def parse_expression(text: str) -> Node:
    """Nodes for an expression written as text (a type's ``repr``, a ``render_item`` result).

    Re-reading the text lets the layout split it and write its strings in the formatters'
    quotes, so even code from a hook comes out formatted. Text that is not one expression
    made of calls, names, literals and displays is kept as it is.
    """
    try:
        tree = ast.parse(text.strip(), mode="eval")
        return _from_ast(tree.body)
    except (SyntaxError, ValueError):
        return Atom(text)


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None


def _from_ast(node: ast.expr) -> Node:
    if isinstance(node, ast.Constant) and node.value is not ...:
        return literal(node.value)
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and isinstance(node.operand.value, int | float)
        and not isinstance(node.operand.value, bool)
    ):
        return Atom(f"-{number_literal(node.operand.value)}")
    dotted = _dotted(node)
    if dotted is not None:
        return Atom(dotted)
    if isinstance(node, ast.Attribute):  # an attribute of a call: f(x).with_variant
        return Atom(f"{_from_ast(node.value).flat()}.{node.attr}")
    if isinstance(node, ast.Call):
        head = _dotted(node.func)
        if head is None:
            head = _from_ast(node.func).flat()
        items: list[Node] = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                items.append(Atom(f"*{_from_ast(arg.value).flat()}"))
            else:
                items.append(_from_ast(arg))
        for kw in node.keywords:
            value = _from_ast(kw.value)
            items.append(Atom(f"**{value.flat()}") if kw.arg is None else Kw(kw.arg, value))
        return Bracketed(head, "(", ")", tuple(items))
    if isinstance(node, ast.List):
        return list_of([_from_ast(e) for e in node.elts])
    if isinstance(node, ast.Tuple):
        return tuple_of([_from_ast(e) for e in node.elts])
    if isinstance(node, ast.Set) and node.elts:
        return Bracketed("", "{", "}", tuple(_from_ast(e) for e in node.elts), display=True)
    if isinstance(node, ast.Dict) and all(k is not None for k in node.keys):
        return dict_of(
            [(_from_ast(k), _from_ast(v)) for k, v in zip(node.keys, node.values, strict=True)]
        )
    raise ValueError("not a simple expression")
