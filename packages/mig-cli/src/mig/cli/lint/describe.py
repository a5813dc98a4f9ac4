"""What a finding is about, in a few words: ``t.c`` for a column, ``ix_a on t`` for an index.

A registry by directive class (looked up along the class hierarchy) so a project's own
directives can say how they are shown; unknown ones fall back to their table name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.sql.elements import ClauseElement

from mig.ops import (
    AddColumnOp,
    AddConstraintOp,
    AlterColumnOp,
    CreateForeignKeyOp,
    CreateIndexOp,
    DropColumnOp,
    DropConstraintOp,
    DropIndexOp,
    ExecuteSQLOp,
    MigrateOperation,
    RenameTableOp,
)
from mig.ops.dispatch import Dispatcher

Describer = Callable[[Any], str]
_DESCRIBERS: Dispatcher[Describer] = Dispatcher("finding describer")
_SQL_SHOWN = 60


def describer(op_cls: type[MigrateOperation]) -> Callable[[Describer], Describer]:
    """Register how directives of ``op_cls`` are named in findings."""

    def register(fn: Describer) -> Describer:
        _DESCRIBERS[op_cls] = fn
        return fn

    return register


def describe(op: MigrateOperation) -> str:
    fn = _DESCRIBERS.lookup(type(op))
    return fn(op) if fn is not None else _table(op)


def _qualified(schema: str | None, name: str) -> str:
    return f"{schema}.{name}" if schema else name


def _table(op: Any) -> str:
    name = getattr(op, "table_name", None)
    return _qualified(getattr(op, "schema", None), name) if name else ""


@describer(AddColumnOp)
def _add_column(op: AddColumnOp) -> str:
    return f"{_table(op)}.{op.column.name}"


@describer(DropColumnOp)
def _drop_column(op: DropColumnOp) -> str:
    return f"{_table(op)}.{op.column_name}"


@describer(AlterColumnOp)
def _alter_column(op: AlterColumnOp) -> str:
    target = f"{_table(op)}.{op.column_name}"
    return f"{target} -> {op.modify_name}" if op.modify_name else target


@describer(RenameTableOp)
def _rename_table(op: RenameTableOp) -> str:
    return f"{_qualified(op.schema, op.old_table_name)} -> {op.new_table_name}"


@describer(CreateIndexOp)
def _index(op: CreateIndexOp) -> str:
    return f"{op.index_name or '<unnamed index>'} on {_table(op)}"


@describer(DropIndexOp)
def _drop_index(op: DropIndexOp) -> str:
    return f"{op.index_name} on {_table(op)}" if op.table_name else op.index_name


@describer(AddConstraintOp)
def _constraint(op: AddConstraintOp) -> str:
    return f"{op.constraint_name or '<unnamed constraint>'} on {_table(op)}"


@describer(CreateForeignKeyOp)
def _foreign_key(op: CreateForeignKeyOp) -> str:
    return f"{_constraint(op)} -> {_qualified(op.referent_schema, op.referent_table)}"


@describer(DropConstraintOp)
def _drop_constraint(op: DropConstraintOp) -> str:
    return f"{op.constraint_name} on {_table(op)}"


@describer(ExecuteSQLOp)
def _execute(op: ExecuteSQLOp) -> str:
    sql = op.sqltext
    if isinstance(sql, ClauseElement):
        try:
            sql = str(sql)
        except Exception:  # a construct the default dialect cannot compile
            sql = type(sql).__name__
    text = " ".join(str(sql).split())
    return repr(text if len(text) <= _SQL_SHOWN else text[: _SQL_SHOWN - 3] + "...")
