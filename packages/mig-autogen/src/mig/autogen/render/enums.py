"""PostgreSQL ENUM type directives (``mig.ops.enum_ops``) as op calls.

They are part of the op API (``op.create_enum_type`` & co.), so the script needs no import
beyond ``from mig.ops import op``, and runs where only mig-runtime is installed.
"""

from __future__ import annotations

from typing import Any

from mig.autogen.render.context import RenderContext
from mig.autogen.render.layout import Kw, Node, call_items, list_of, literal
from mig.autogen.render.registry import renderers
from mig.autogen.render.values import options, render_value
from mig.ops import enum_ops


def _values(values: Any) -> Node:
    return list_of([literal(v) for v in values])


def _columns(context: RenderContext, columns: Any) -> list[Node]:
    if not columns:
        return []
    return [Kw("columns", render_value(context, [dict(c) for c in columns]))]


def _call(context: RenderContext, method: str, items: list[Node]) -> Node:
    return call_items(f"{context.op_module_prefix}{method}", items)


@renderers.dispatch_for(enum_ops.CreateEnumTypeOp)
def create_enum_type(context: RenderContext, op: enum_ops.CreateEnumTypeOp) -> Node:
    items = [literal(op.type_name), _values(op.values), *options(context, schema=op.schema)]
    return _call(context, "create_enum_type", items)


@renderers.dispatch_for(enum_ops.DropEnumTypeOp)
def drop_enum_type(context: RenderContext, op: enum_ops.DropEnumTypeOp) -> Node:
    items: list[Node] = [literal(op.type_name), *options(context, schema=op.schema)]
    if op.values is not None:
        items.append(Kw("values", _values(op.values)))
    return _call(context, "drop_enum_type", items)


@renderers.dispatch_for(enum_ops.AddEnumValueOp)
def add_enum_value(context: RenderContext, op: enum_ops.AddEnumValueOp) -> Node:
    items: list[Node] = [literal(op.type_name), literal(op.value)]
    items += options(context, schema=op.schema, before=op.before, after=op.after)
    if op.values is not None:
        items.append(Kw("values", _values(op.values)))
    items += _columns(context, op.columns)
    return _call(context, "add_enum_value", items)


@renderers.dispatch_for(enum_ops.DropEnumValueOp)
def drop_enum_value(context: RenderContext, op: enum_ops.DropEnumValueOp) -> Node:
    items: list[Node] = [literal(op.type_name), literal(op.value), _values(op.values)]
    items += options(context, schema=op.schema)
    items += _columns(context, op.columns)
    return _call(context, "drop_enum_value", items)


@renderers.dispatch_for(enum_ops.RenameEnumValueOp)
def rename_enum_value(context: RenderContext, op: enum_ops.RenameEnumValueOp) -> Node:
    items: list[Node] = [literal(op.type_name), literal(op.old_value), literal(op.new_value)]
    items += options(context, schema=op.schema)
    return _call(context, "rename_enum_value", items)


@renderers.dispatch_for(enum_ops.RebuildEnumTypeOp)
def rebuild_enum_type(context: RenderContext, op: enum_ops.RebuildEnumTypeOp) -> Node:
    items: list[Node] = [literal(op.type_name), _values(op.values)]
    items += options(context, schema=op.schema)
    if op.old_values is not None:
        items.append(Kw("old_values", _values(op.old_values)))
    items += _columns(context, op.columns)
    return _call(context, "rebuild_enum_type", items)
