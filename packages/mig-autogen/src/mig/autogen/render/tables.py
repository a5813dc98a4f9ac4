"""Whole-table directives: create, drop, rename, and table comments.

``create_table`` is rendered from the Table the directive built, so what is written is what
mig.ops compares: the columns in order, then the constraints and indexes that the columns'
own flags (``unique=True``, ``index=True``, an unnamed primary key) do not already say, in a
stable order (primary key, foreign keys, unique, check, exclude, indexes; by name within
each kind). Column-level foreign keys are written as table-level ``ForeignKeyConstraint``.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.sql.schema import (
    CheckConstraint,
    ForeignKeyConstraint,
    Index,
    PrimaryKeyConstraint,
    UniqueConstraint,
)

from mig import ops
from mig.autogen.ordering import schema_item_key
from mig.autogen.render.columns import render_column
from mig.autogen.render.constraints import (
    render_check,
    render_exclude,
    render_foreign_key,
    render_index,
    render_primary_key,
    render_unique,
)
from mig.autogen.render.context import RenderContext
from mig.autogen.render.layout import Kw, Node, call_items, literal
from mig.autogen.render.registry import RenderError, renderers
from mig.autogen.render.values import options, render_kw
from mig.ops.dispatch import Dispatcher, find

_KIND_ORDER = {
    PrimaryKeyConstraint: 0,
    ForeignKeyConstraint: 1,
    UniqueConstraint: 2,
    CheckConstraint: 3,
}


def _kind(item: Any) -> int:
    for cls, rank in _KIND_ORDER.items():
        if isinstance(item, cls):
            return rank
    return 5 if isinstance(item, Index) else 4  # 4: ExcludeConstraint and other constraints


def _renders_itself(constraint: Any, table: sa.Table) -> bool:
    """Constraints written as items of create_table, not said by a column flag."""
    if isinstance(constraint, PrimaryKeyConstraint):
        return constraint.name is not None
    if isinstance(constraint, CheckConstraint) and getattr(constraint, "_type_bound", False):
        return False  # Enum/Boolean create it themselves
    if getattr(constraint, "_column_flag", False):
        # Column(unique=True): the flag says it, unless a naming convention named it.
        return isinstance(constraint, UniqueConstraint) and constraint.name is not None
    return True


def table_items(context: RenderContext, table: sa.Table) -> list[Node]:
    """Columns, then constraints and indexes of a table, as create_table arguments."""
    named_pk = table.primary_key is not None and table.primary_key.name is not None
    named_flags = {
        column.name
        for c in table.constraints
        if getattr(c, "_column_flag", False) and isinstance(c, UniqueConstraint) and c.name
        for column in c.columns
    }
    items: list[Node] = [
        render_column(
            context,
            column,
            with_foreign_keys=False,
            primary_key=False if named_pk else None,
            unique=False if column.name in named_flags else None,
        )
        for column in table.columns
    ]
    extra: list[Any] = [c for c in table.constraints if _renders_itself(c, table)]
    extra += [i for i in table.indexes if not getattr(i, "_column_flag", False)]
    extra.sort(key=lambda item: (_kind(item), schema_item_key(item)))
    for item in extra:
        items.append(render_schema_item(context, item))
    return items


SCHEMA_ITEM_RENDERERS: Dispatcher[Any] = Dispatcher(
    "schema item renderer",
    {
        PrimaryKeyConstraint: render_primary_key,
        UniqueConstraint: render_unique,
        ForeignKeyConstraint: render_foreign_key,
        CheckConstraint: render_check,
        Index: render_index,
        ExcludeConstraint: render_exclude,
        sa.Column: render_column,
    },
)
"""Schema item class -> renderer (looked up along the MRO); add entries for your own."""


def render_schema_item(context: RenderContext, item: Any) -> Node:
    """One column, constraint or index of a table."""
    fn = find(SCHEMA_ITEM_RENDERERS, item)
    if fn is not None:
        return fn(context, item)
    raise RenderError(f"cannot render the schema item {type(item).__name__} of a table")


def render_table(context: RenderContext, table: sa.Table) -> Node:
    """``sa.Table("name", sa.MetaData(), ...)`` (a batch block's ``copy_from``)."""
    items: list[Node] = [
        literal(table.name),
        call_items(context.sa("MetaData"), []),
        *table_items(context, table),
    ]
    items += options(context, schema=table.schema, comment=table.comment)
    items += render_kw(context, table.dialect_kwargs)
    return call_items(context.sa("Table"), items)


@renderers.dispatch_for(ops.CreateTableOp)
def create_table(context: RenderContext, op: ops.CreateTableOp) -> Node:
    items: list[Node] = [literal(op.table_name), *table_items(context, op.table)]
    items += options(context, schema=op.schema)
    kw = dict(op.kw)
    comment = kw.pop("comment", None)
    if comment is not None:
        items.append(Kw("comment", literal(comment)))
    items += options(context, if_not_exists=op.if_not_exists)
    items += render_kw(context, kw)
    return call_items(context.op_name("create_table"), items)


@renderers.dispatch_for(ops.DropTableOp)
def drop_table(context: RenderContext, op: ops.DropTableOp) -> Node:
    items: list[Node] = [literal(op.table_name)]
    items += options(context, schema=op.schema, if_exists=op.if_exists)
    items += render_kw(context, op.kw)
    return call_items(context.op_name("drop_table"), items)


@renderers.dispatch_for(ops.RenameTableOp)
def rename_table(context: RenderContext, op: ops.RenameTableOp) -> Node:
    items: list[Node] = [literal(op.old_table_name), literal(op.new_table_name)]
    items += options(context, schema=op.schema)
    return call_items(context.op_name("rename_table"), items)


@renderers.dispatch_for(ops.CreateTableCommentOp, batchable=True)
def create_table_comment(context: RenderContext, op: ops.CreateTableCommentOp) -> Node:
    items: list[Node] = [] if context.in_batch else [literal(op.table_name)]
    items.append(literal(op.comment))
    items += options(context, existing_comment=op.existing_comment)
    if not context.in_batch:
        items += options(context, schema=op.schema)
    return call_items(context.op_name("create_table_comment"), items)


@renderers.dispatch_for(ops.DropTableCommentOp, batchable=True)
def drop_table_comment(context: RenderContext, op: ops.DropTableCommentOp) -> Node:
    items: list[Node] = [] if context.in_batch else [literal(op.table_name)]
    items += options(context, existing_comment=op.existing_comment)
    if not context.in_batch:
        items += options(context, schema=op.schema)
    return call_items(context.op_name("drop_table_comment"), items)
