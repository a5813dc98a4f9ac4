"""Columns as Python source: ``sa.Column("name", type, ..., nullable=False)``.

What is rendered is what reaches the database (and what mig.ops compares): name, type,
foreign keys, computed and identity settings, primary key flag, autoincrement, server
defaults, nullability, unique/index flags, comment, key and dialect options. Python-side
defaults (``default=``, ``onupdate=``) never reach the database and are not rendered.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.schema import Computed, DefaultClause, FetchedValue, Identity

from mig.autogen.render.context import RenderContext
from mig.autogen.render.layout import Kw, Node, call, call_items, literal
from mig.autogen.render.types import render_type
from mig.autogen.render.values import render_kw, render_name, render_sql, render_value, sql_text

IDENTITY_OPTIONS = (
    "always",
    "on_null",
    "start",
    "increment",
    "minvalue",
    "maxvalue",
    "nominvalue",
    "nomaxvalue",
    "cycle",
    "cache",
    "order",
)
FK_OPTIONS = ("onupdate", "ondelete", "deferrable", "initially", "match")


def render_column(
    context: RenderContext,
    column: sa.Column,
    *,
    with_foreign_keys: bool = True,
    primary_key: bool | None = None,
    unique: bool | None = None,
) -> Node:
    """A Column. Inside ``create_table`` its foreign keys are table constraints instead
    (``with_foreign_keys=False``), and a named primary key carries the key
    (``primary_key=False``)."""
    hooked = context.user_item("column", column)
    if hooked is not None:
        return hooked
    items: list[Node] = [literal(column.name), render_type(context, column.type)]
    if with_foreign_keys:
        for fk in sorted(column.foreign_keys, key=lambda fk: fk._get_colspec()):
            items.append(render_column_foreign_key(context, fk))
    if column.computed is not None:
        items.append(render_computed(context, column.computed))
    if column.identity is not None:
        items.append(render_identity(context, column.identity))
    if column.key != column.name:
        items.append(Kw("key", literal(column.key)))
    if column.primary_key if primary_key is None else primary_key:
        items.append(Kw("primary_key", literal(True)))
    if column.autoincrement != "auto":
        items.append(Kw("autoincrement", render_value(context, column.autoincrement)))
    default = column.server_default
    if default is not None and not isinstance(default, Computed | Identity):
        items.append(Kw("server_default", render_server_default(context, default)))
    if column.server_onupdate is not None and column.computed is None:
        items.append(Kw("server_onupdate", render_server_default(context, column.server_onupdate)))
    items.append(Kw("nullable", literal(bool(column.nullable))))
    if column.unique if unique is None else unique:
        items.append(Kw("unique", literal(True)))
    if column.index:
        items.append(Kw("index", literal(True)))
    if column.comment is not None:
        items.append(Kw("comment", literal(column.comment)))
    items += render_kw(context, column.dialect_kwargs)
    return call_items(context.sa("Column"), items)


def render_server_default(context: RenderContext, default: Any) -> Node:
    """``"literal"``, ``sa.text("sql")``, ``sa.FetchedValue()`` or None.

    ``False`` ("unchanged" in ``alter_column``) is never passed here.
    """
    hooked = context.user_item("server_default", default)
    if hooked is not None:
        return hooked
    if default is None:
        return literal(None)
    if isinstance(default, DefaultClause):
        default = default.arg
    elif isinstance(default, FetchedValue):
        return call(context.sa("FetchedValue"))
    if isinstance(default, str):
        return literal(default)
    return render_sql(context, default)


def render_computed(context: RenderContext, computed: Computed) -> Node:
    hooked = context.user_item("computed", computed)
    if hooked is not None:
        return hooked
    persisted = (
        Kw("persisted", literal(computed.persisted)) if computed.persisted is not None else None
    )
    return call(context.sa("Computed"), render_sql_literal(context, computed.sqltext), persisted)


def render_identity(context: RenderContext, identity: Identity) -> Node:
    hooked = context.user_item("identity", identity)
    if hooked is not None:
        return hooked
    items: list[Node] = []
    for name in IDENTITY_OPTIONS:
        value = getattr(identity, name, None)
        if value is None or (name == "always" and value is False):
            continue
        items.append(Kw(name, render_value(context, value)))
    return call_items(context.sa("Identity"), items)


def render_column_foreign_key(context: RenderContext, fk: sa.ForeignKey) -> Node:
    """``sa.ForeignKey("users.id", ondelete="CASCADE")`` inside an added column."""
    source = fk.constraint if fk.constraint is not None else fk
    items: list[Node] = [literal(fk._get_colspec())]
    name = getattr(source, "name", None) or fk.name
    if name is not None:
        items.append(Kw("name", render_name(context, name)))
    for option in FK_OPTIONS:
        value = getattr(source, option, None)
        if value is not None:
            items.append(Kw(option, render_value(context, value)))
    if getattr(fk, "use_alter", False):
        items.append(Kw("use_alter", literal(True)))
    return call_items(context.sa("ForeignKey"), items)


def render_sql_literal(context: RenderContext, element: Any) -> Node:
    """A SQL fragment as a plain string, where SQLAlchemy accepts one (CHECK, Computed)."""
    return literal(sql_text(context, element))
