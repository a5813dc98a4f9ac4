"""Columns: added, removed, renamed, and altered (nullability here; the rest per module).

Added columns are copied from the model without their ``unique``/``index`` flags and
foreign keys: those are compared (and created) by the index and foreign-key comparators,
so each appears exactly once in the migration. Removed columns carry their reflected
definition, so the downgrade can add them back.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.schema import DefaultClause

from mig import ops
from mig.autogen.compare import renames
from mig.autogen.compare.registry import comparator, run
from mig.autogen.compare.state import ColumnDiff, TableDiff
from mig.autogen.context import AutogenContext

MYSQL = ("mysql", "mariadb")


def added_column(column: sa.Column) -> sa.Column:
    """A detached copy of a model column for ``add_column``.

    ``Column._copy`` of a column bound to a table leaves its foreign keys behind (they
    belong to the table's constraints); the unique/index flags are cleared here.
    """
    copy = column._copy()
    copy.unique = None
    copy.index = None
    return copy


def alter_op(diff: ColumnDiff) -> ops.AlterColumnOp:
    """An alter_column describing the column as it is; comparators add the changes."""
    table, info = diff.table, diff.info
    reflected = diff.reflected
    default = reflected.server_default
    kw: dict[str, Any] = {}
    if table.reflected.dialect_name in MYSQL and info.get("autoincrement") is True:
        kw["existing_autoincrement"] = True  # MODIFY restates the column whole
    return ops.AlterColumnOp(
        table.name,
        diff.name,
        schema=table.schema,
        existing_type=reflected.type,
        existing_server_default=default.arg if isinstance(default, DefaultClause) else None,
        existing_nullable=bool(reflected.nullable),
        existing_comment=reflected.comment,
        **kw,
    )


@comparator("table", order=10, name="columns")
def compare_columns(ctx: AutogenContext, diff: TableDiff) -> None:
    reflected = diff.reflected
    parents = diff.parent_names
    conn_names = [n for n in reflected.column_names if ctx.run_name_filters(n, "column", parents)]
    model_names = {c.name for c in diff.model.columns}
    conn_set = set(conn_names)

    added = [
        c
        for c in diff.model.columns
        if c.name not in conn_set and ctx.run_object_filters(c, c.name, "column", False, None)
    ]
    removed = [
        n
        for n in conn_names
        if n not in model_names
        and (
            not ctx.filters_objects
            or ctx.run_object_filters(reflected.column(n), n, "column", True, None)
        )
    ]

    for old, column, detected in renames.match_columns(ctx, diff, added, removed):
        added.remove(column)
        removed.remove(old)
        diff.column_renames[old] = column.name
        op = _compare_pair(ctx, diff, old, column, force=True)
        assert op is not None
        op.modify_name = column.name
        renames.mark(op, detected=detected)
        diff.emit("alter_column", op)

    for column in added:
        diff.emit(
            "add_column", ops.AddColumnOp(diff.name, added_column(column), schema=diff.schema)
        )

    for name in conn_names:
        if name not in model_names:
            continue
        column = diff.model.c[name] if name in diff.model.c else _by_name(diff.model, name)
        if ctx.filters_objects and not ctx.run_object_filters(
            column, name, "column", False, reflected.column(name)
        ):
            continue
        op = _compare_pair(ctx, diff, name, column)
        if op is not None:
            diff.emit("alter_column", op)

    for name in removed:
        diff.dropped_columns.add(name)
        diff.emit(
            "drop_column",
            ops.DropColumnOp.from_column(diff.name, reflected.column(name), schema=diff.schema),
        )


def _by_name(table: sa.Table, name: str) -> sa.Column:
    for column in table.columns:
        if column.name == name:
            return column
    raise KeyError(name)


def _compare_pair(
    ctx: AutogenContext, diff: TableDiff, name: str, model: sa.Column, force: bool = False
) -> ops.AlterColumnOp | None:
    """Run the column comparators; the alter_column when something changed (or ``force``)."""
    column_diff = ColumnDiff(diff, name, model, diff.reflected.column_info(name), alter_op)
    run("column", ctx, column_diff)
    return column_diff.alter if force else column_diff.result()


@comparator("column", order=20, name="nullable")
def compare_nullable(ctx: AutogenContext, diff: ColumnDiff) -> None:
    model = diff.model
    wanted = bool(model.nullable)
    if wanted == bool(diff.info.get("nullable", True)):
        return
    if wanted and (model.identity is not None or diff.info.get("identity")):
        return  # identity columns are NOT NULL whatever the model says
    if wanted and model.primary_key:
        return
    diff.alter.modify_nullable = wanted
