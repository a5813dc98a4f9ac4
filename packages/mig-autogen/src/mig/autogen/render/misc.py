"""``execute``, ``bulk_insert``, and the containers: per-table groups and batch blocks.

A ``ModifyTableOps`` (autogenerate's group of changes to one table) renders as its
directives one after the other, or, with ``render_as_batch``, inside ``with
op.batch_alter_table(...) as batch_op:`` (directives without a batch form are written
between blocks, in order). A ``BatchAlterTableOp`` always renders as a block.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.sql.elements import TextClause

from mig import ops
from mig.autogen.render.context import RenderContext
from mig.autogen.render.layout import (
    Kw,
    Node,
    call,
    call_items,
    dict_of,
    list_of,
    literal,
    tuple_of,
)
from mig.autogen.render.registry import BLANK, Block, renderers
from mig.autogen.render.tables import render_schema_item, render_table
from mig.autogen.render.types import render_type
from mig.autogen.render.values import options, render_sql, render_value, sql_text
from mig.ops.backfill_ops import DEFAULT_BATCH_SIZE


@renderers.dispatch_for(ops.ExecuteSQLOp, batchable=True)
def execute(context: RenderContext, op: ops.ExecuteSQLOp) -> Node:
    if isinstance(op.sqltext, str):
        sql: Node = literal(op.sqltext)
    elif isinstance(op.sqltext, TextClause) and not op.sqltext._bindparams:
        sql = render_sql(context, op.sqltext)
    else:  # a statement: written as the SQL it compiles to, values inline
        sql = call(context.sa("text"), literal(sql_text(context, op.sqltext)))
    items: list[Node] = [sql]
    if op.execution_options:
        items.append(Kw("execution_options", render_value(context, op.execution_options)))
    return call_items(context.op_name("execute"), items)


@renderers.dispatch_for(ops.BulkInsertOp)
def bulk_insert(context: RenderContext, op: ops.BulkInsertOp) -> Node:
    table = op.table
    columns = [
        call(context.sa("column"), literal(c.name), render_type(context, c.type))
        for c in table.columns
    ]
    schema = getattr(table, "schema", None)
    items: list[Node] = [literal(table.name), *columns, *options(context, schema=schema)]
    rows = list_of([render_value(context, row) for row in op.rows])
    args: list[Node] = [call_items(context.sa("table"), items), rows]
    if not op.multiinsert:
        args.append(Kw("multiinsert", literal(False)))
    return call_items(context.op_name("bulk_insert"), args)


@renderers.dispatch_for(ops.BackfillOp)
def backfill(context: RenderContext, op: ops.BackfillOp) -> Node:
    values = dict_of([(literal(k), render_value(context, v)) for k, v in op.values.items()])
    items: list[Node] = [literal(op.table_name), values]
    if op.where is not None:
        where = op.where
        items.append(
            Kw("where", literal(where) if isinstance(where, str) else render_sql(context, where))
        )
    if op.batch_size != DEFAULT_BATCH_SIZE:
        items.append(Kw("batch_size", literal(op.batch_size)))
    items += options(context, schema=op.schema)
    if op.primary_key is not None:
        items.append(Kw("primary_key", list_of([literal(k) for k in op.primary_key])))
    return call_items(context.op_name("backfill"), items)


# -- containers ------------------------------------------------------------------------------


def render_ops(context: RenderContext, directives: list[ops.MigrateOperation]) -> list[Any]:
    out: list[Any] = []
    for directive in directives:
        out += renderers.render(context, directive)
    return out


@renderers.dispatch_for(ops.UpgradeOps)
@renderers.dispatch_for(ops.DowngradeOps)
def op_list(context: RenderContext, op: ops.OpContainer) -> list[Any]:
    return render_ops(context, op.ops)


@renderers.dispatch_for(ops.ModifyTableOps)
def modify_table(context: RenderContext, op: ops.ModifyTableOps) -> list[Any]:
    if not context.render_as_batch or context.in_batch:
        return render_ops(context, op.ops)
    out: list[Any] = []
    run: list[ops.MigrateOperation] = []
    for directive in [*op.ops, None]:
        if directive is not None and renderers.is_batchable(directive):
            run.append(directive)
            continue
        if run:
            header = call_items(
                context.op_name("batch_alter_table"),
                [literal(op.table_name), *options(context, schema=op.schema)],
            )
            out += batch_block(context, header, run)
            run = []
        if directive is not None:
            out += renderers.render(context, directive)
    return out


def batch_block(context: RenderContext, header: Node, directives: list[Any]) -> list[Any]:
    with context.batch():
        body = render_ops(context, directives)
    return [Block(header, body, prefix="with ", suffix=" as batch_op:"), BLANK]


@renderers.dispatch_for(ops.BatchAlterTableOp)
def batch_alter_table(context: RenderContext, op: ops.BatchAlterTableOp) -> list[Any]:
    items: list[Node] = [literal(op.table_name)]
    items += options(context, schema=op.schema)
    if op.recreate != "auto":
        items.append(Kw("recreate", literal(op.recreate)))
    if op.partial_reordering is not None:
        reordering = [tuple_of([literal(c) for c in p]) for p in op.partial_reordering]
        items.append(Kw("partial_reordering", list_of(reordering)))
    if op.copy_from is not None:
        items.append(Kw("copy_from", render_table(context, op.copy_from)))
    for name in ("table_args", "reflect_args"):
        values = getattr(op, name)
        if values:
            items.append(Kw(name, list_of([render_schema_item(context, v) for v in values])))
    for name in ("table_kwargs", "reflect_kwargs", "naming_convention"):
        values = getattr(op, name)
        if values:
            items.append(Kw(name, render_value(context, values)))
    header = call_items(context.op_name("batch_alter_table"), items)
    return batch_block(context, header, op.ops)
