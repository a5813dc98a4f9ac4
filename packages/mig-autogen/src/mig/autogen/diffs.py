"""Directives as Alembic-style diff tuples (what ``compare_metadata`` returns).

The tuples are the form Alembic's users already read: ``("add_table", Table)``,
``("remove_column", schema, table, Column)``, ``("modify_type", schema, table, column,
{existing...}, old, new)``, and so on; the changes of one ``alter_column`` come as one
list of tuples, as in Alembic. They are derived from the directives, so both views
of a comparison always agree. Beyond Alembic's kinds: ``("rename_table", schema, old,
new)``, ``("rename_column", schema, table, old, new)``, ``("add_check"/"remove_check",
CheckConstraint)``, and PostgreSQL enum types ``("add_enum", schema, name, values)``,
``("remove_enum", schema, name, values)``, ``("add_enum_value", schema, name, value)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from mig import ops
from mig.ops import enum_ops
from mig.ops.dispatch import Dispatcher

Diff = tuple[Any, ...]
_BUILDERS: Dispatcher[Callable[[Any], list[Any]]] = Dispatcher("diff builder")


def diff_builder(op_cls: type) -> Callable[[Callable[[Any], list[Any]]], Any]:
    """Register how a directive class becomes diff tuples (a project's own directives too)."""

    def register(fn: Callable[[Any], list[Any]]) -> Any:
        _BUILDERS[op_cls] = fn
        return fn

    return register


def to_diffs(directive: ops.MigrateOperation) -> list[Any]:
    """The diff tuples of a directive; a per-table group gives a list of its members' tuples."""
    builder = _BUILDERS.lookup(type(directive))
    if builder is not None:
        return builder(directive)
    return [("directive", directive)]


def _stub(name: str, schema: str | None, columns: list[str]) -> sa.Table:
    return sa.Table(
        name, sa.MetaData(), *[sa.Column(c, sa.types.NullType()) for c in columns], schema=schema
    )


@diff_builder(ops.UpgradeOps)
@diff_builder(ops.DowngradeOps)
@diff_builder(ops.ModifyTableOps)
@diff_builder(ops.BatchAlterTableOp)
def _container(op: ops.OpContainer) -> list[Any]:
    out: list[Any] = []
    for member in op.ops:
        out.extend(to_diffs(member))
    return out


@diff_builder(ops.CreateTableOp)
def _create_table(op: ops.CreateTableOp) -> list[Any]:
    return [("add_table", op.table)]


@diff_builder(ops.DropTableOp)
def _drop_table(op: ops.DropTableOp) -> list[Any]:
    table = op.restore.table if op.restore is not None else _stub(op.table_name, op.schema, [])
    return [("remove_table", table)]


@diff_builder(ops.RenameTableOp)
def _rename_table(op: ops.RenameTableOp) -> list[Any]:
    return [("rename_table", op.schema, op.old_table_name, op.new_table_name)]


@diff_builder(ops.AddColumnOp)
def _add_column(op: ops.AddColumnOp) -> list[Any]:
    return [("add_column", op.schema, op.table_name, op.column)]


@diff_builder(ops.DropColumnOp)
def _drop_column(op: ops.DropColumnOp) -> list[Any]:
    column = op.restore.column if op.restore is not None else sa.Column(op.column_name)
    return [("remove_column", op.schema, op.table_name, column)]


@diff_builder(ops.AlterColumnOp)
def _alter_column(op: ops.AlterColumnOp) -> list[Any]:
    head = (op.schema, op.table_name, op.column_name)
    existing = {
        "existing_type": op.existing_type,
        "existing_nullable": op.existing_nullable,
        "existing_server_default": op.existing_server_default,
        "existing_comment": op.existing_comment,
    }

    def info(*leave_out: str) -> dict[str, Any]:
        return {k: v for k, v in existing.items() if k not in leave_out}

    out: list[Any] = []  # one list per alter_column, as Alembic groups a column's changes
    if op.modify_name is not None:
        out.append(("rename_column", op.schema, op.table_name, op.column_name, op.modify_name))
    if op.modify_type is not None:
        out.append(("modify_type", *head, info("existing_type"), op.existing_type, op.modify_type))
    if op.modify_nullable is not None:
        out.append(
            (
                "modify_nullable",
                *head,
                info("existing_nullable"),
                op.existing_nullable,
                op.modify_nullable,
            )
        )
    if op.modify_server_default is not False:
        out.append(
            (
                "modify_default",
                *head,
                info("existing_server_default"),
                op.existing_server_default,
                op.modify_server_default,
            )
        )
    if op.modify_comment is not False:
        out.append(
            (
                "modify_comment",
                *head,
                info("existing_comment"),
                op.existing_comment,
                op.modify_comment,
            )
        )
    return [out]


@diff_builder(ops.CreateIndexOp)
def _create_index(op: ops.CreateIndexOp) -> list[Any]:
    return [("add_index", op.to_index())]


@diff_builder(ops.DropIndexOp)
def _drop_index(op: ops.DropIndexOp) -> list[Any]:
    if op.restore is not None:
        return [("remove_index", op.restore.to_index())]
    return [
        ("remove_index", sa.Index(op.index_name, _table=_stub(op.table_name or "", op.schema, [])))
    ]


def constraint_of(op: ops.AddConstraintOp) -> sa.Constraint:
    """The SQLAlchemy constraint a create-constraint directive describes, on stub tables."""
    if isinstance(op, ops.CreateForeignKeyOp):
        md = sa.MetaData()
        source = sa.Table(
            op.source_table,
            md,
            *[sa.Column(c, sa.types.NullType()) for c in op.local_cols],
            schema=op.source_schema,
        )
        prefix = f"{op.referent_schema}." if op.referent_schema else ""
        fk = sa.ForeignKeyConstraint(
            op.local_cols,
            [f"{prefix}{op.referent_table}.{c}" for c in op.remote_cols],
            name=op.constraint_name,
            onupdate=op.onupdate,
            ondelete=op.ondelete,
            deferrable=op.deferrable,
            initially=op.initially,
            match=op.match,
        )
        source.append_constraint(fk)
        return fk
    if isinstance(op, ops.CreateCheckConstraintOp):
        table = _stub(op.table_name, op.schema, [])
        condition = sa.text(op.condition) if isinstance(op.condition, str) else op.condition
        ck = sa.CheckConstraint(condition, name=op.constraint_name)
        table.append_constraint(ck)
        return ck
    columns = list(getattr(op, "columns", []))
    table = _stub(op.table_name, op.schema, columns)
    kind = (
        sa.PrimaryKeyConstraint if isinstance(op, ops.CreatePrimaryKeyOp) else sa.UniqueConstraint
    )
    constraint = kind(*columns, name=op.constraint_name)
    table.append_constraint(constraint)
    return constraint


_ADD_KIND = {ops.CreateForeignKeyOp: "add_fk", ops.CreateCheckConstraintOp: "add_check"}
_REMOVE_KIND = {"foreignkey": "remove_fk", "check": "remove_check"}


@diff_builder(ops.AddConstraintOp)
def _add_constraint(op: ops.AddConstraintOp) -> list[Any]:
    return [(_ADD_KIND.get(type(op), "add_constraint"), constraint_of(op))]


@diff_builder(ops.DropConstraintOp)
def _drop_constraint(op: ops.DropConstraintOp) -> list[Any]:
    kind = _REMOVE_KIND.get(op.type_ or "", "remove_constraint")
    if op.restore is not None:
        return [(kind, constraint_of(op.restore))]
    table = _stub(op.table_name, op.schema, [])
    constraint = sa.UniqueConstraint(name=op.constraint_name)
    table.append_constraint(constraint)
    return [(kind, constraint)]


@diff_builder(ops.CreateTableCommentOp)
def _table_comment(op: ops.CreateTableCommentOp) -> list[Any]:
    table = _stub(op.table_name, op.schema, [])
    table.comment = op.comment
    return [("add_table_comment", table, op.existing_comment)]


@diff_builder(ops.DropTableCommentOp)
def _drop_table_comment(op: ops.DropTableCommentOp) -> list[Any]:
    table = _stub(op.table_name, op.schema, [])
    return [("remove_table_comment", table)]


@diff_builder(enum_ops.CreateEnumTypeOp)
def _create_enum(op: enum_ops.CreateEnumTypeOp) -> list[Any]:
    return [("add_enum", op.schema, op.type_name, list(op.values))]


@diff_builder(enum_ops.DropEnumTypeOp)
def _drop_enum(op: enum_ops.DropEnumTypeOp) -> list[Any]:
    return [("remove_enum", op.schema, op.type_name, list(op.values or []))]


@diff_builder(enum_ops.AddEnumValueOp)
def _add_enum_value(op: enum_ops.AddEnumValueOp) -> list[Any]:
    return [("add_enum_value", op.schema, op.type_name, op.value)]


@diff_builder(enum_ops.DropEnumValueOp)
def _drop_enum_value(op: enum_ops.DropEnumValueOp) -> list[Any]:
    return [("remove_enum_value", op.schema, op.type_name, op.value)]


@diff_builder(enum_ops.RenameEnumValueOp)
def _rename_enum_value(op: enum_ops.RenameEnumValueOp) -> list[Any]:
    return [("rename_enum_value", op.schema, op.type_name, op.old_value, op.new_value)]


@diff_builder(enum_ops.RebuildEnumTypeOp)
def _rebuild_enum(op: enum_ops.RebuildEnumTypeOp) -> list[Any]:
    return [("rebuild_enum", op.schema, op.type_name, list(op.old_values or []), list(op.values))]


@diff_builder(ops.AlterIdentityOp)
def _alter_identity(op: ops.AlterIdentityOp) -> list[Any]:
    existing = op.existing or {}
    return [
        ("modify_identity", op.schema, op.table_name, op.column_name, existing.get(k), k, v)
        for k, v in op.changes.items()
    ]
