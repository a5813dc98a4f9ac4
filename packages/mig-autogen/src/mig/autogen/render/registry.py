"""Which renderer renders which directive, and turning what renderers return into lines.

Every directive class of mig.ops has a renderer registered here by the modules of this
package; a project that adds its own directive registers one the same way::

    from mig.autogen.render import renderers

    @renderers.dispatch_for(CreateSequenceOp)
    def render_create_sequence(context, op):
        return f"op.create_sequence({op.sequence_name!r})"

A renderer returns a node of :mod:`mig.autogen.render.layout` (laid out to fit the line
length), a string of code (used as it is), a :class:`Block`, a :class:`Comment`, or a list
of these (several statements).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from mig.autogen.render.context import RenderContext
from mig.autogen.render.layout import INDENT, Atom, Node, layout, parse_expression
from mig.ops import MigrateOperation
from mig.ops.dispatch import Dispatcher


class RenderError(Exception):
    """A directive cannot be rendered (no renderer is registered for its class)."""

    #: the ``mig`` command's exit status: 2, a usage or configuration mistake
    exit_code = 2


@dataclass(frozen=True)
class Comment:
    """A ``# text`` line."""

    text: str


@dataclass(frozen=True)
class Block:
    """``<prefix><header><suffix>`` followed by an indented body (a ``with`` block)."""

    header: Node
    body: Sequence[Any]
    prefix: str = "with "
    suffix: str = ":"


@dataclass(frozen=True)
class Blank:
    """An empty line (after a batch block, as Alembic leaves one)."""


BLANK = Blank()

Renderer = Callable[[RenderContext, Any], Any]
_R = TypeVar("_R", bound=Renderer)


@dataclass
class RendererRegistry:
    """Directive class -> renderer, looked up along the class's MRO."""

    _by_class: Dispatcher[Renderer] = field(default_factory=lambda: Dispatcher("renderer"))
    _batchable: Dispatcher[bool] = field(default_factory=lambda: Dispatcher("batch form"))

    def dispatch_for(self, op_cls: type, *, batchable: bool = False) -> Callable[[_R], _R]:
        """Register ``fn(context, op)`` as the renderer of ``op_cls`` (and its subclasses).

        ``batchable`` says the directive has a ``batch_op.<method>`` form, so that with
        ``render_as_batch`` it is rendered inside the table's batch block; the renderer
        then checks ``context.in_batch``.
        """

        def register(fn: _R) -> _R:
            self._by_class[op_cls] = fn
            self._batchable[op_cls] = batchable
            return fn

        return register

    register = dispatch_for

    def renderer_for(self, op: MigrateOperation) -> Renderer:
        fn = self._by_class.lookup(type(op))
        if fn is not None:
            return fn
        name = type(op).__name__
        raise RenderError(
            f"no renderer for {getattr(op, 'op_name', '') or name}: register one with "
            f"mig.autogen.render.renderers.dispatch_for({name})"
        )

    def is_batchable(self, op: MigrateOperation) -> bool:
        return bool(self._batchable.lookup(type(op)))

    def render(self, context: RenderContext, op: MigrateOperation) -> list[Any]:
        """The statements of one directive, with the rename note above it when marked.

        Notes a renderer left in ``context.todos`` while rendering it (a type that could
        only be written as its database type) become comment lines above it too.
        """
        outer, context.todos = context.todos, []
        try:
            result = self.renderer_for(op)(context, op)
        finally:
            todos, context.todos = context.todos, outer
        statements = list(result) if isinstance(result, list | tuple) else [result]
        return rename_note(op) + [Comment(text) for text in todos] + statements


renderers = RendererRegistry()
"""The registry the built-in renderers are in; register renderers of your directives here."""


def rename_note(op: MigrateOperation) -> list[Any]:
    """Comment lines above a rename that autogenerate inferred rather than was told.

    Compare marks such directives with ``op.info["detected_rename"]``; a rename the model
    stated explicitly carries no mark and gets no comment.
    """
    info = getattr(op, "info", None)
    if not isinstance(info, dict) or not info.get("detected_rename"):
        return []
    what = _renamed(op)
    return [
        Comment(f"Rename detected: {what}; review it."),
        Comment("Turn detection off with context.configure(..., detect_renames=False)."),
    ]


def _renamed(op: Any) -> str:
    schema = f"{op.schema}." if getattr(op, "schema", None) else ""
    if hasattr(op, "new_table_name"):
        return f"table {schema}{op.old_table_name} -> {op.new_table_name}"
    if getattr(op, "modify_name", None):
        return f"column {schema}{op.table_name}.{op.column_name} -> {op.modify_name}"
    return f"{op.op_name} on {schema}{getattr(op, 'table_name', '?')}"


def emit(context: RenderContext, statements: Sequence[Any], indent: int) -> list[str]:
    """Lines of the statements at ``indent`` levels (each level four spaces)."""
    lines: list[str] = []
    pad = INDENT * indent
    for statement in statements:
        if isinstance(statement, Node):
            lines += layout(statement, indent, line_length=context.line_length)
        elif isinstance(statement, Comment):
            lines.append(f"{pad}# {statement.text}")
        elif isinstance(statement, Blank):
            lines.append("")
        elif isinstance(statement, Block):
            lines += layout(
                statement.header,
                indent,
                prefix=statement.prefix,
                suffix=statement.suffix,
                line_length=context.line_length,
            )
            body = emit(context, statement.body, indent + 1)
            lines += body if any(line.strip() for line in body) else [f"{pad}{INDENT}pass"]
        elif isinstance(statement, str):
            node = parse_expression(statement) if "\n" not in statement.strip() else None
            if node is not None and not isinstance(node, Atom):
                lines += layout(node, indent, line_length=context.line_length)
            else:
                lines += [f"{pad}{line}" if line.strip() else "" for line in statement.splitlines()]
        elif isinstance(statement, list | tuple):
            lines += emit(context, statement, indent)
        else:
            raise RenderError(f"a renderer returned {type(statement).__name__}, not code")
    return lines
