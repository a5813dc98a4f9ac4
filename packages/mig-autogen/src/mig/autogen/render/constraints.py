"""Constraints and indexes: inside ``create_table`` and as their own directives.

Inside ``create_table`` they are SQLAlchemy schema items (``sa.UniqueConstraint("email",
name="uq_user_email")``); as directives they are op calls (``op.create_unique_constraint(
"uq_user_email", "user", ["email"])``). Index and constraint columns that are expressions
rather than names are rendered as ``sa.text("...")``.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.schema import (
    CheckConstraint,
    ForeignKeyConstraint,
    Index,
    PrimaryKeyConstraint,
    UniqueConstraint,
)

from mig import ops
from mig.autogen.render.columns import FK_OPTIONS, render_sql_literal
from mig.autogen.render.context import RenderContext
from mig.autogen.render.layout import Kw, Node, call_items, list_of, literal, tuple_of
from mig.autogen.render.registry import renderers
from mig.autogen.render.values import options, render_kw, render_name, render_sql
from mig.ops.codec.schema import constraint_columns

# -- schema items inside create_table --------------------------------------------------------


def _common(context: RenderContext, item: Any) -> list[Node]:
    out: list[Node] = []
    if item.name is not None:
        out.append(Kw("name", render_name(context, item.name)))
    out += options(
        context,
        deferrable=getattr(item, "deferrable", None),
        initially=getattr(item, "initially", None),
    )
    return out + render_kw(context, item.dialect_kwargs)


def _names(item: Any) -> list[Node]:
    return [literal(name) for name in constraint_columns(item)]


def render_primary_key(context: RenderContext, item: PrimaryKeyConstraint) -> Node:
    return context.user_item("primary_key", item) or call_items(
        context.sa("PrimaryKeyConstraint"), [*_names(item), *_common(context, item)]
    )


def render_unique(context: RenderContext, item: UniqueConstraint) -> Node:
    return context.user_item("unique", item) or call_items(
        context.sa("UniqueConstraint"), [*_names(item), *_common(context, item)]
    )


def render_check(context: RenderContext, item: CheckConstraint) -> Node:
    return context.user_item("check", item) or call_items(
        context.sa("CheckConstraint"),
        [render_sql_literal(context, item.sqltext), *_common(context, item)],
    )


def render_foreign_key(context: RenderContext, item: ForeignKeyConstraint) -> Node:
    hooked = context.user_item("foreign_key", item)
    if hooked is not None:
        return hooked
    items: list[Node] = [
        list_of(_names(item)),
        list_of([literal(e._get_colspec()) for e in item.elements]),
    ]
    if item.name is not None:
        items.append(Kw("name", render_name(context, item.name)))
    items += options(context, **{name: getattr(item, name, None) for name in FK_OPTIONS})
    if item.use_alter:
        items.append(Kw("use_alter", literal(True)))
    items += render_kw(context, item.dialect_kwargs)
    return call_items(context.sa("ForeignKeyConstraint"), items)


def index_expressions(context: RenderContext, expressions: Any) -> list[Node]:
    """Column names as strings, anything else as ``sa.text()``."""
    out: list[Node] = []
    for expr in expressions:
        if isinstance(expr, str):
            out.append(literal(expr))
        elif isinstance(expr, sa.Column) or (hasattr(expr, "name") and hasattr(expr, "table")):
            out.append(literal(expr.name))
        else:
            out.append(render_sql(context, expr))
    return out


def render_index(context: RenderContext, item: Index) -> Node:
    hooked = context.user_item("index", item)
    if hooked is not None:
        return hooked
    items: list[Node] = [
        render_name(context, item.name),
        *index_expressions(context, item.expressions),
    ]
    if item.unique:
        items.append(Kw("unique", literal(True)))
    items += render_kw(context, item.dialect_kwargs)
    return call_items(context.sa("Index"), items)


def render_exclude(context: RenderContext, item: Any) -> Node:
    """PostgreSQL's ``ExcludeConstraint((col, op), ..., using=, where=)``."""
    hooked = context.user_item("exclude", item)
    if hooked is not None:
        return hooked
    context.imports.add("from sqlalchemy.dialects import postgresql")
    items: list[Node] = [
        tuple_of([exclude_element(context, expr), literal(operator)])
        for expr, _, operator in item._render_exprs
    ]
    if item.name is not None:
        items.append(Kw("name", render_name(context, item.name)))
    if item.using != "gist":
        items.append(Kw("using", literal(item.using)))
    if item.where is not None:
        items.append(Kw("where", render_sql(context, item.where)))
    items += options(context, deferrable=item.deferrable, initially=item.initially)
    items += render_kw(context, item.dialect_kwargs)
    return call_items("postgresql.ExcludeConstraint", items)


def exclude_element(context: RenderContext, expr: Any) -> Node:
    if isinstance(expr, str):
        return literal(expr)
    name = getattr(expr, "name", None)
    if isinstance(name, str) and hasattr(expr, "table"):
        return literal(name)
    return render_sql(context, expr)


# -- directives ------------------------------------------------------------------------------


def _table_args(context: RenderContext, table_name: str) -> list[Node]:
    return [] if context.in_batch else [literal(table_name)]


def _schema(context: RenderContext, schema: str | None) -> list[Node]:
    return [] if context.in_batch or schema is None else [Kw("schema", literal(schema))]


@renderers.dispatch_for(ops.CreateIndexOp, batchable=True)
def create_index(context: RenderContext, op: ops.CreateIndexOp) -> Node:
    items: list[Node] = [
        render_name(context, op.index_name),
        *_table_args(context, op.table_name),
        list_of(index_expressions(context, op.columns)),
    ]
    if op.unique:
        items.append(Kw("unique", literal(True)))
    items += _schema(context, op.schema)
    items += options(context, if_not_exists=op.if_not_exists)
    items += render_kw(context, op.kw)
    return call_items(context.op_name("create_index"), items)


@renderers.dispatch_for(ops.DropIndexOp, batchable=True)
def drop_index(context: RenderContext, op: ops.DropIndexOp) -> Node:
    items: list[Node] = [render_name(context, op.index_name)]
    if not context.in_batch and op.table_name is not None:
        items.append(Kw("table_name", literal(op.table_name)))
    items += _schema(context, op.schema)
    items += options(context, if_exists=op.if_exists)
    items += render_kw(context, op.kw)
    return call_items(context.op_name("drop_index"), items)


@renderers.dispatch_for(ops.CreatePrimaryKeyOp, batchable=True)
def create_primary_key(context: RenderContext, op: ops.CreatePrimaryKeyOp) -> Node:
    # op.create_primary_key takes no dialect options: op.kw cannot be written back.
    items = [
        render_name(context, op.constraint_name),
        *_table_args(context, op.table_name),
        list_of([literal(c) for c in op.columns]),
        *_schema(context, op.schema),
    ]
    return call_items(context.op_name("create_primary_key"), items)


@renderers.dispatch_for(ops.CreateUniqueConstraintOp, batchable=True)
def create_unique_constraint(context: RenderContext, op: ops.CreateUniqueConstraintOp) -> Node:
    items = [
        render_name(context, op.constraint_name),
        *_table_args(context, op.table_name),
        list_of([literal(c) for c in op.columns]),
        *_schema(context, op.schema),
        *render_kw(context, op.kw),
    ]
    return call_items(context.op_name("create_unique_constraint"), items)


@renderers.dispatch_for(ops.CreateForeignKeyOp, batchable=True)
def create_foreign_key(context: RenderContext, op: ops.CreateForeignKeyOp) -> Node:
    items: list[Node] = [
        render_name(context, op.constraint_name),
        *_table_args(context, op.source_table),
        literal(op.referent_table),
        list_of([literal(c) for c in op.local_cols]),
        list_of([literal(c) for c in op.remote_cols]),
    ]
    items += options(
        context,
        onupdate=op.onupdate,
        ondelete=op.ondelete,
        deferrable=op.deferrable,
        initially=op.initially,
        match=op.match,
    )
    if not context.in_batch:
        items += options(context, source_schema=op.source_schema)
    items += options(context, referent_schema=op.referent_schema)
    items += render_kw(context, op.kw)
    return call_items(context.op_name("create_foreign_key"), items)


@renderers.dispatch_for(ops.CreateCheckConstraintOp, batchable=True)
def create_check_constraint(context: RenderContext, op: ops.CreateCheckConstraintOp) -> Node:
    items = [
        render_name(context, op.constraint_name),
        *_table_args(context, op.table_name),
        render_sql_literal(context, op.condition),
        *_schema(context, op.schema),
        *render_kw(context, op.kw),
    ]
    return call_items(context.op_name("create_check_constraint"), items)


@renderers.dispatch_for(ops.CreateExcludeConstraintOp, batchable=True)
def create_exclude_constraint(context: RenderContext, op: ops.CreateExcludeConstraintOp) -> Node:
    items: list[Node] = [
        render_name(context, op.constraint_name),
        *_table_args(context, op.table_name),
        *[tuple_of([exclude_element(context, e), literal(o)]) for e, o in op.elements],
    ]
    if op.where is not None:
        items.append(Kw("where", render_sql_literal(context, op.where)))
    if op.using != "gist":
        items.append(Kw("using", literal(op.using)))
    items += _schema(context, op.schema)
    items += options(context, deferrable=op.deferrable, initially=op.initially)
    items += render_kw(context, op.kw)
    return call_items(context.op_name("create_exclude_constraint"), items)


@renderers.dispatch_for(ops.DropConstraintOp, batchable=True)
def drop_constraint(context: RenderContext, op: ops.DropConstraintOp) -> Node:
    # op.drop_constraint takes no dialect options: op.kw cannot be written back.
    items: list[Node] = [
        render_name(context, op.constraint_name),
        *_table_args(context, op.table_name),
    ]
    if op.type_ is not None:
        items.append(Kw("type_", literal(op.type_)))
    items += _schema(context, op.schema)
    if not context.in_batch:
        items += options(context, if_exists=op.if_exists)
    return call_items(context.op_name("drop_constraint"), items)
