"""Directives in words, for schema-diff reports: ``add column users.email: VARCHAR(80) NOT NULL``.

Each directive class has a describer returning a :class:`Difference` (what is done, to
which object, the details). A project's own directive registers one with
``@describer(MyOp)``; without one, a directive is described by its op name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

from mig import ops
from mig.ops import enum_ops
from mig.ops.codec.sql import encode_sql
from mig.ops.dispatch import Dispatcher


@dataclass(frozen=True)
class Difference:
    """One difference, as a report shows it."""

    sign: str
    """``+`` something is created, ``-`` dropped, ``~`` changed."""
    action: str
    """``add column``, ``drop index``, ``alter column`` ..."""
    object: str
    """``users.email``, ``ix_users_email on users`` ..."""
    detail: str
    directive: ops.MigrateOperation
    schema: str | None = None
    table: str | None = None

    @property
    def summary(self) -> str:
        text = f"{self.action} {self.object}"
        return f"{text}: {self.detail}" if self.detail else text


Describer = Callable[[Any, "Dialect | None"], Difference]
_DESCRIBERS: Dispatcher[Describer] = Dispatcher("describer")


def describer(op_cls: type) -> Callable[[Describer], Describer]:
    """Register ``fn(directive, dialect) -> Difference`` for a directive class."""

    def register(fn: Describer) -> Describer:
        _DESCRIBERS[op_cls] = fn
        return fn

    return register


def differences(
    directive: ops.MigrateOperation, dialect: Dialect | None = None
) -> Iterator[Difference]:
    """The differences a directive stands for; containers give their members'."""
    if isinstance(directive, ops.OpContainer):
        for member in directive.ops:
            yield from differences(member, dialect)
        return
    fn = _DESCRIBERS.lookup(type(directive))
    if fn is not None:
        yield fn(directive, dialect)
        return
    table = getattr(directive, "table_name", None)
    yield Difference(
        "~",
        getattr(directive, "op_name", "") or type(directive).__name__,
        _qualified(getattr(directive, "schema", None), table) if isinstance(table, str) else "",
        "",
        directive,
        getattr(directive, "schema", None),
        table if isinstance(table, str) else None,
    )


# -- helpers ---------------------------------------------------------------------------------


def _qualified(schema: str | None, name: str) -> str:
    return f"{schema}.{name}" if schema else name


def type_text(type_: Any, dialect: Dialect | None) -> str:
    """A type as the database spells it (``VARCHAR(80)``)."""
    type_ = sa.types.to_instance(type_)
    try:
        return str(type_.compile(dialect=dialect))
    except Exception:  # a type this dialect cannot compile, or no dialect at all
        return repr(type_)


def sql_text(element: Any, dialect: Dialect | None) -> str:
    if isinstance(element, str):
        return element
    if dialect is not None:
        try:
            return str(element.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
        except Exception:  # fall back to the generic SQL below
            pass
    return encode_sql(element, "sql")


def default_text(default: Any, dialect: Dialect | None) -> str:
    if default is None:
        return "none"
    arg = getattr(default, "arg", default)
    if isinstance(arg, str):
        return repr(arg)
    return sql_text(arg, dialect)


def column_text(column: sa.Column, dialect: Dialect | None) -> str:
    parts = [type_text(column.type, dialect)]
    if column.computed is not None:
        parts.append(f"GENERATED ({sql_text(column.computed.sqltext, dialect)})")
    if not column.nullable:
        parts.append("NOT NULL")
    if column.server_default is not None and column.computed is None and column.identity is None:
        parts.append(f"DEFAULT {default_text(column.server_default, dialect)}")
    if column.primary_key:
        parts.append("PRIMARY KEY")
    return " ".join(parts)


def _columns(items: Any, dialect: Dialect | None) -> str:
    return ", ".join(c if isinstance(c, str) else sql_text(c, dialect) for c in items)


def _of(op: Any, verb: str, sign: str, name: str | None, detail: str = "") -> Difference:
    table = getattr(op, "table_name", None)
    where = _qualified(op.schema, table) if table else ""
    obj = f"{name} on {where}" if name and where else (name or where)
    return Difference(sign, verb, obj, detail, op, op.schema, table)


# -- tables ------------------------------------------------------------------------------------


@describer(ops.CreateTableOp)
def _create_table(op: ops.CreateTableOp, dialect: Dialect | None) -> Difference:
    names = ", ".join(c.name for c in op.table.columns)
    count = len(op.table.columns)
    detail = f"{count} column{'s' if count != 1 else ''}: {names}" if count else ""
    return Difference(
        "+",
        "create table",
        _qualified(op.schema, op.table_name),
        detail,
        op,
        op.schema,
        op.table_name,
    )


@describer(ops.DropTableOp)
def _drop_table(op: ops.DropTableOp, dialect: Dialect | None) -> Difference:
    return Difference(
        "-", "drop table", _qualified(op.schema, op.table_name), "", op, op.schema, op.table_name
    )


@describer(ops.RenameTableOp)
def _rename_table(op: ops.RenameTableOp, dialect: Dialect | None) -> Difference:
    return Difference(
        "~",
        "rename table",
        _qualified(op.schema, op.old_table_name),
        f"to {op.new_table_name}",
        op,
        op.schema,
        op.old_table_name,
    )


@describer(ops.CreateTableCommentOp)
def _table_comment(op: ops.CreateTableCommentOp, dialect: Dialect | None) -> Difference:
    detail = repr(op.comment)
    if op.existing_comment is not None:
        detail += f" (was {op.existing_comment!r})"
    return Difference(
        "~",
        "set comment on table",
        _qualified(op.schema, op.table_name),
        detail,
        op,
        op.schema,
        op.table_name,
    )


@describer(ops.DropTableCommentOp)
def _drop_table_comment(op: ops.DropTableCommentOp, dialect: Dialect | None) -> Difference:
    detail = "" if op.existing_comment is None else f"was {op.existing_comment!r}"
    return Difference(
        "~",
        "drop comment on table",
        _qualified(op.schema, op.table_name),
        detail,
        op,
        op.schema,
        op.table_name,
    )


# -- columns -----------------------------------------------------------------------------------


def _column_name(op: Any, name: str) -> str:
    return _qualified(op.schema, f"{op.table_name}.{name}")


@describer(ops.AddColumnOp)
def _add_column(op: ops.AddColumnOp, dialect: Dialect | None) -> Difference:
    return Difference(
        "+",
        "add column",
        _column_name(op, op.column.name),
        column_text(op.column, dialect),
        op,
        op.schema,
        op.table_name,
    )


@describer(ops.DropColumnOp)
def _drop_column(op: ops.DropColumnOp, dialect: Dialect | None) -> Difference:
    detail = "" if op.restore is None else column_text(op.restore.column, dialect)
    return Difference(
        "-",
        "drop column",
        _column_name(op, op.column_name),
        detail,
        op,
        op.schema,
        op.table_name,
    )


def _nullability(value: bool | None) -> str:
    return "?" if value is None else ("NULL" if value else "NOT NULL")


@describer(ops.AlterColumnOp)
def _alter_column(op: ops.AlterColumnOp, dialect: Dialect | None) -> Difference:
    changes: list[str] = []
    if op.modify_name is not None:
        changes.append(f"rename to {op.modify_name}")
    if op.modify_type is not None:
        before = "?" if op.existing_type is None else type_text(op.existing_type, dialect)
        changes.append(f"type {before} -> {type_text(op.modify_type, dialect)}")
    if op.modify_nullable is not None:
        before = op.existing_nullable
        if before is None:
            before = not op.modify_nullable
        changes.append(f"{_nullability(before)} -> {_nullability(op.modify_nullable)}")
    if op.modify_server_default is not False:
        before = (
            "?"
            if op.existing_server_default is False
            else default_text(op.existing_server_default, dialect)
        )
        after = default_text(op.modify_server_default, dialect)
        changes.append(f"server default {before} -> {after}")
    if op.modify_comment is not False:
        changes.append(f"comment {op.existing_comment!r} -> {op.modify_comment!r}")
    action = "rename column" if changes and changes[0].startswith("rename") else "alter column"
    return Difference(
        "~",
        action,
        _column_name(op, op.column_name),
        "; ".join(changes),
        op,
        op.schema,
        op.table_name,
    )


# -- indexes and constraints ---------------------------------------------------------------


@describer(ops.CreateIndexOp)
def _create_index(op: ops.CreateIndexOp, dialect: Dialect | None) -> Difference:
    detail = f"({_columns(op.columns, dialect)})" + (" unique" if op.unique else "")
    verb = "create unique index" if op.unique else "create index"
    return _of(op, verb, "+", op.index_name, detail)


@describer(ops.DropIndexOp)
def _drop_index(op: ops.DropIndexOp, dialect: Dialect | None) -> Difference:
    detail = "" if op.restore is None else f"({_columns(op.restore.columns, dialect)})"
    return _of(op, "drop index", "-", op.index_name, detail)


@describer(ops.CreatePrimaryKeyOp)
def _create_pk(op: ops.CreatePrimaryKeyOp, dialect: Dialect | None) -> Difference:
    return _of(op, "add primary key", "+", op.constraint_name, f"({', '.join(op.columns)})")


@describer(ops.CreateUniqueConstraintOp)
def _create_unique(op: ops.CreateUniqueConstraintOp, dialect: Dialect | None) -> Difference:
    return _of(op, "add unique constraint", "+", op.constraint_name, f"({', '.join(op.columns)})")


@describer(ops.CreateForeignKeyOp)
def _create_fk(op: ops.CreateForeignKeyOp, dialect: Dialect | None) -> Difference:
    target = _qualified(op.referent_schema, op.referent_table)
    detail = f"({', '.join(op.local_cols)}) -> {target}({', '.join(op.remote_cols)})"
    if op.ondelete:
        detail += f" ON DELETE {op.ondelete}"
    if op.onupdate:
        detail += f" ON UPDATE {op.onupdate}"
    return _of(op, "add foreign key", "+", op.constraint_name, detail)


@describer(ops.CreateCheckConstraintOp)
def _create_check(op: ops.CreateCheckConstraintOp, dialect: Dialect | None) -> Difference:
    detail = f"CHECK ({sql_text(op.condition, dialect)})"
    return _of(op, "add check constraint", "+", op.constraint_name, detail)


@describer(ops.CreateExcludeConstraintOp)
def _create_exclude(op: ops.CreateExcludeConstraintOp, dialect: Dialect | None) -> Difference:
    elements = ", ".join(f"{sql_text(e, dialect)} WITH {o}" for e, o in op.elements)
    return _of(op, "add exclude constraint", "+", op.constraint_name, f"({elements})")


@describer(ops.DropConstraintOp)
def _drop_constraint(op: ops.DropConstraintOp, dialect: Dialect | None) -> Difference:
    kinds = {"foreignkey": "foreign key", "primary": "primary key", "unique": "unique constraint"}
    verb = "drop " + kinds.get(op.type_ or "", f"{op.type_ or ''} constraint".strip())
    return _of(op, verb, "-", op.constraint_name)


# -- data and SQL -------------------------------------------------------------------------------


@describer(ops.ExecuteSQLOp)
def _execute(op: ops.ExecuteSQLOp, dialect: Dialect | None) -> Difference:
    return Difference("~", "execute", "SQL", sql_text(op.sqltext, dialect), op)


@describer(ops.BackfillOp)
def _backfill(op: ops.BackfillOp, dialect: Dialect | None) -> Difference:
    where = f" where {sql_text(op.where, dialect)}" if op.where is not None else ""
    detail = f"set {', '.join(op.values)}{where} in batches of {op.batch_size}"
    return _of(op, "backfill", "~", None, detail)


@describer(ops.BulkInsertOp)
def _bulk_insert(op: ops.BulkInsertOp, dialect: Dialect | None) -> Difference:
    schema = getattr(op.table, "schema", None)
    count = len(op.rows)
    return Difference(
        "+",
        "insert into",
        _qualified(schema, op.table.name),
        f"{count} row{'s' if count != 1 else ''}",
        op,
        schema,
        op.table.name,
    )


# -- PostgreSQL enum types -----------------------------------------------------------------------


def _enum(op: Any, sign: str, action: str, detail: str) -> Difference:
    return Difference(sign, action, _qualified(op.schema, op.type_name), detail, op, op.schema)


@describer(enum_ops.CreateEnumTypeOp)
def _create_enum(op: enum_ops.CreateEnumTypeOp, dialect: Dialect | None) -> Difference:
    return _enum(op, "+", "create enum type", f"({', '.join(map(repr, op.values))})")


@describer(enum_ops.DropEnumTypeOp)
def _drop_enum(op: enum_ops.DropEnumTypeOp, dialect: Dialect | None) -> Difference:
    return _enum(op, "-", "drop enum type", "")


@describer(enum_ops.AddEnumValueOp)
def _add_enum_value(op: enum_ops.AddEnumValueOp, dialect: Dialect | None) -> Difference:
    return _enum(op, "~", "add value to enum type", repr(op.value))


@describer(enum_ops.DropEnumValueOp)
def _drop_enum_value(op: enum_ops.DropEnumValueOp, dialect: Dialect | None) -> Difference:
    return _enum(op, "~", "drop value from enum type", repr(op.value))


@describer(enum_ops.RenameEnumValueOp)
def _rename_enum_value(op: enum_ops.RenameEnumValueOp, dialect: Dialect | None) -> Difference:
    return _enum(op, "~", "rename value of enum type", f"{op.old_value!r} -> {op.new_value!r}")


@describer(enum_ops.RebuildEnumTypeOp)
def _rebuild_enum(op: enum_ops.RebuildEnumTypeOp, dialect: Dialect | None) -> Difference:
    before = "" if op.old_values is None else f"({', '.join(map(repr, op.old_values))}) -> "
    return _enum(op, "~", "rebuild enum type", f"{before}({', '.join(map(repr, op.values))})")


@describer(ops.AlterIdentityOp)
def _alter_identity(op: ops.AlterIdentityOp, dialect: Dialect | None) -> Difference:
    existing = op.existing or {}
    detail = "; ".join(
        f"{name} {existing[name]!r} -> {value!r}" if name in existing else f"{name} {value!r}"
        for name, value in op.changes.items()
    )
    name = _qualified(op.schema, f"{op.table_name}.{op.column_name}")
    return Difference("~", "alter identity", name, detail, op, op.schema, op.table_name)
