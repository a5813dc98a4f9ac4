"""Column directives: ``add_column``, ``drop_column``, ``alter_column``.

``alter_column`` keeps the op API's conventions: ``server_default`` and ``comment`` are
written only when they change (``None`` removes them), ``existing_*`` describe the column
as it is, which MySQL needs to restate it and which the downgrade needs to undo the change.
"""

from __future__ import annotations

from typing import Any

from mig import ops
from mig.autogen.render.columns import render_column, render_server_default
from mig.autogen.render.context import RenderContext
from mig.autogen.render.layout import Kw, Node, call_items, literal
from mig.autogen.render.registry import renderers
from mig.autogen.render.types import render_type
from mig.autogen.render.values import options, render_kw

PLACEMENT = ("insert_before", "insert_after")


def _head(context: RenderContext, table_name: str, *args: Node) -> list[Node]:
    return [*([] if context.in_batch else [literal(table_name)]), *args]


def _split_kw(context: RenderContext, kw: dict[str, Any]) -> tuple[list[Node], dict[str, Any]]:
    """Placement options (batch only: they mean nothing outside a rebuild) and the rest."""
    rest = {k: v for k, v in kw.items() if k not in PLACEMENT}
    placement = options(context, **{k: kw.get(k) for k in PLACEMENT}) if context.in_batch else []
    return placement, rest


@renderers.dispatch_for(ops.AddColumnOp, batchable=True)
def add_column(context: RenderContext, op: ops.AddColumnOp) -> Node:
    placement, rest = _split_kw(context, op.kw)
    items = _head(context, op.table_name, render_column(context, op.column))
    items += placement
    if not context.in_batch:
        items += options(context, schema=op.schema)
    items += options(context, if_not_exists=op.if_not_exists)
    items += render_kw(context, rest)
    return call_items(context.op_name("add_column"), items)


@renderers.dispatch_for(ops.DropColumnOp, batchable=True)
def drop_column(context: RenderContext, op: ops.DropColumnOp) -> Node:
    items = _head(context, op.table_name, literal(op.column_name))
    if not context.in_batch:
        items += options(context, schema=op.schema)
    items += options(context, if_exists=op.if_exists)
    items += render_kw(context, op.kw)
    return call_items(context.op_name("drop_column"), items)


@renderers.dispatch_for(ops.AlterColumnOp, batchable=True)
def alter_column(context: RenderContext, op: ops.AlterColumnOp) -> Node:
    items = _head(context, op.table_name, literal(op.column_name))
    if op.modify_name is not None:
        items.append(Kw("new_column_name", literal(op.modify_name)))
    if op.modify_type is not None:
        items.append(Kw("type_", render_type(context, op.modify_type)))
    if op.modify_nullable is not None:
        items.append(Kw("nullable", literal(op.modify_nullable)))
    if op.modify_server_default is not False:
        items.append(Kw("server_default", render_server_default(context, op.modify_server_default)))
    if op.modify_comment is not False:
        items.append(Kw("comment", literal(op.modify_comment)))
    if op.existing_type is not None:
        items.append(Kw("existing_type", render_type(context, op.existing_type)))
    if op.existing_nullable is not None:
        items.append(Kw("existing_nullable", literal(op.existing_nullable)))
    if op.existing_server_default is not False:
        default = render_server_default(context, op.existing_server_default)
        items.append(Kw("existing_server_default", default))
    if op.existing_comment is not None:
        items.append(Kw("existing_comment", literal(op.existing_comment)))
    placement, rest = _split_kw(context, op.kw)
    items += placement
    if not context.in_batch:
        items += options(context, schema=op.schema)
    items += render_kw(context, rest)
    return call_items(context.op_name("alter_column"), items)


@renderers.dispatch_for(ops.AlterIdentityOp)
def alter_identity(context: RenderContext, op: ops.AlterIdentityOp) -> Node:
    items: list[Node] = [literal(op.table_name), literal(op.column_name)]
    items += options(context, schema=op.schema, **op.changes, existing=op.existing)
    return call_items(context.op_name("alter_identity"), items)
