"""Directives as Python source for migration scripts (the op API Alembic users know).

``render_python_code(upgrade_ops)`` gives the body of ``upgrade()``: formatted as ruff and
black format it, and executing it under ``mig.ops.record`` gives back the directives. One
module per concern: ``tables``, ``columns`` and ``types``, ``constraints`` (and indexes),
``alter`` (column directives), ``misc`` (execute, bulk_insert, containers and batch blocks);
``registry`` maps each directive class to its renderer, ``layout`` formats, ``context``
carries options and collected imports.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from mig import ops
from mig.autogen.render import alter, constraints, enums, misc, tables  # noqa: F401  (registers)
from mig.autogen.render.columns import render_column, render_server_default
from mig.autogen.render.context import RenderContext, RenderItem
from mig.autogen.render.layout import DEFAULT_LINE_LENGTH, INDENT
from mig.autogen.render.registry import (
    BLANK,
    Block,
    Comment,
    RendererRegistry,
    RenderError,
    emit,
    renderers,
)
from mig.autogen.render.types import render_type

HEADER = "# mig autogenerate: written from the model; review before applying"
FOOTER = "# end of mig autogenerate"


def render_body(
    context: RenderContext,
    directives: ops.MigrateOperation | Sequence[ops.MigrateOperation],
) -> str:
    """The body of ``upgrade()``/``downgrade()`` for ``directives``.

    The first line is not indented and the others are indented four spaces: the script
    template writes it after four spaces (``    ${upgrades}``).
    """
    if isinstance(directives, ops.OpContainer):
        items = list(directives.ops)
    elif isinstance(directives, ops.MigrateOperation):
        items = [directives]
    else:
        items = list(directives)
    statements: list[Any] = []
    for directive in items:
        statements += renderers.render(context, directive)
    while statements and statements[-1] is BLANK:
        statements.pop()
    body = emit(context, statements, 1)
    if not any(line.strip() for line in body):
        body = [f"{INDENT}pass"]
    return "\n".join([HEADER, *body, f"{INDENT}{FOOTER}"])


def render_python_code(
    up_or_down_ops: ops.MigrateOperation | Sequence[ops.MigrateOperation],
    sqlalchemy_module_prefix: str = "sa.",
    op_module_prefix: str = "op.",
    render_as_batch: bool = False,
    imports: Iterable[str] = (),
    render_item: RenderItem | None = None,
    user_module_prefix: str | None = None,
    migration_context: Any = None,
    *,
    line_length: int = DEFAULT_LINE_LENGTH,
) -> str:
    """Python source for an ``UpgradeOps``/``DowngradeOps`` (or any directive or list).

    ``render_item(kind, obj, context)`` may return the code for a type, column, server
    default, constraint or index itself (a string), or ``False`` for the default. Pass a
    ``set`` as ``imports`` to receive the import lines the code needs (dialect modules, the
    modules of custom types). ``migration_context`` gives the dialect SQL fragments are
    compiled for. ``line_length`` is the formatter's (88 by default, as ruff's and black's).
    """
    context = RenderContext(
        sqlalchemy_module_prefix=sqlalchemy_module_prefix,
        op_module_prefix=op_module_prefix,
        render_as_batch=render_as_batch,
        imports=imports if isinstance(imports, set) else set(imports),
        render_item=render_item,
        user_module_prefix=user_module_prefix,
        migration_context=migration_context,
        line_length=line_length,
    )
    return render_body(context, up_or_down_ops)


__all__ = [
    "BLANK",
    "FOOTER",
    "HEADER",
    "Block",
    "Comment",
    "RenderContext",
    "RenderError",
    "RendererRegistry",
    "render_body",
    "render_column",
    "render_python_code",
    "render_server_default",
    "render_type",
    "renderers",
]
