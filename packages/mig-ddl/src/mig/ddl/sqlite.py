"""SQLite: few ALTERs, so a table rebuild (move-and-copy) does the rest.

SQLite can add, rename and drop a column and rename a table with ALTER; it cannot change a
column's type, nullability or default, nor add or drop a constraint. Alembic fails on those
outside a batch block; mig rebuilds the table for them automatically ("auto-batch"), exactly
as ``op.batch_alter_table`` would. Set the context option ``sqlite_autobatch=False`` to get
the strict behaviour: an :class:`~mig.ddl.errors.UnsupportedOperationError` naming the op.

SQLite keeps no comments: comment directives do nothing here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Transaction
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import DDLCompiler
from sqlalchemy.sql.schema import DefaultClause

from mig import ops
from mig.ddl import elements as el
from mig.ddl import type_checks
from mig.ddl.impl import DefaultImpl, plain_column_hook
from mig.ddl.options import AUTOBATCH_OPTION

# Directives SQLite does in place even inside a batch block with recreate="auto".
_IN_PLACE = (
    ops.CreateIndexOp,
    ops.DropIndexOp,
    ops.CreateTableCommentOp,
    ops.DropTableCommentOp,
    ops.ExecuteSQLOp,
)


def _constant_default(column: sa.Column) -> bool:
    default = column.server_default
    if default is None:
        return True
    if not isinstance(default, DefaultClause):
        return False
    arg = default.arg
    if isinstance(arg, str):
        return True
    text = str(getattr(arg, "text", "")).strip().lower()
    return bool(text) and (text[0] in "'-0123456789" or text in ("null", "true", "false"))


@compiles(el.AddColumn, "sqlite")
def _add_column(element: el.AddColumn, compiler: DDLCompiler, **kw: Any) -> str:
    # SQLite has no ADD CONSTRAINT, but ADD COLUMN takes column constraints: a type's
    # CHECK (Enum, Boolean) is declared here, where the CREATE TABLE text keeps it.
    # (No IF NOT EXISTS here: SQLite has none, online mig looks in the catalog instead.)
    head = (
        f"{el.alter_table(compiler, element.table, element.schema)} "
        f"ADD COLUMN {el.column_spec(compiler, element.column)}"
    )
    return " ".join([head, *[compiler.process(ck, **kw) for ck in element.checks]])


class SQLiteImpl(DefaultImpl):
    __dialect__ = "sqlite"
    # SQLite runs DDL inside transactions; begin_transaction turns off pysqlite's implicit
    # transaction handling and issues BEGIN itself so that it really does.
    transactional_ddl = True
    compare_type_arguments = False  # SQLite enforces neither lengths nor precision
    supports_column_if_exists = False
    batch_inline_constraints = frozenset({"primary", "unique", "foreignkey", "check"})
    detached_column_ddl = True
    inline_add_column_checks = True

    @property
    def autobatch(self) -> bool:
        return self.options.sqlite_autobatch

    def begin_transaction(self, connection: Connection) -> tuple[Transaction, Callable[[], None]]:
        """A transaction that covers DDL too, and what puts the driver back after it.

        pysqlite starts transactions only before DML, so DDL would commit on its own: with
        transactional DDL the driver's implicit handling is switched off and BEGIN issued
        explicitly; the returned function restores the driver's isolation level.
        """
        transaction, restore = super().begin_transaction(connection)
        if not self.transactional_ddl:
            return transaction, restore
        raw = connection.connection.dbapi_connection  # the async adapters accept this too
        if not hasattr(raw, "isolation_level"):
            return transaction, restore
        previous = raw.isolation_level
        raw.isolation_level = None
        connection.exec_driver_sql("BEGIN")

        def put_back() -> None:
            raw.isolation_level = previous
            restore()

        return transaction, put_back

    def rebuild(self, op: Any, reason: str) -> None:
        """Carry out ``op`` by rebuilding its table, or refuse when auto-batch is off."""
        if not self.autobatch:
            self.unsupported(
                op.op_name,
                reason,
                f"use op.batch_alter_table({op.table_name!r}) to rebuild the table "
                f"(or leave the {AUTOBATCH_OPTION} option on)",
            )
        self.batch(
            ops.BatchAlterTableOp(op.table_name, [op], schema=op.schema, recreate="always"),
            reason=f"{op.op_name} on {op.table_name!r} (SQLite auto-batch)",
        )

    # -- columns ----------------------------------------------------------------------------

    def add_column(self, op: ops.AddColumnOp) -> None:
        column = op.column
        if (
            column.primary_key
            or column.unique
            or column.foreign_keys
            or not _constant_default(column)
            or (column.computed is not None and getattr(column.computed, "persisted", False))
        ):
            self.rebuild(op, "ALTER TABLE ADD COLUMN cannot add a key or a non-constant default")
            return
        super().add_column(op)

    @plain_column_hook  # a plain column has no index
    def after_add_column(self, table: sa.Table, column: sa.Column) -> None:
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            self.execute(sa.schema.CreateIndex(index))

    def drop_column(self, op: ops.DropColumnOp) -> None:
        if not self.as_sql and self.connection is not None and self._column_is_bound(op):
            self.rebuild(op, "the column is part of a key, an index or a constraint")
            return
        super().drop_column(op)

    def _column_is_bound(self, op: ops.DropColumnOp) -> bool:
        insp = sa.inspect(self.connection)
        name, schema, col = op.table_name, self.catalog_schema(op.schema), op.column_name
        if not insp.has_table(name, schema=schema):
            return False
        groups = [
            insp.get_pk_constraint(name, schema=schema).get("constrained_columns") or [],
            *[i["column_names"] for i in insp.get_indexes(name, schema=schema)],
            *[u["column_names"] for u in insp.get_unique_constraints(name, schema=schema)],
            *[f["constrained_columns"] for f in insp.get_foreign_keys(name, schema=schema)],
        ]
        if any(col in g for g in groups):
            return True
        return any(col in c["sqltext"] for c in insp.get_check_constraints(name, schema=schema))

    def alter_column(self, op: ops.AlterColumnOp) -> None:
        changes = set(op.changes) - {"comment"}
        if not changes:
            return
        if changes == {"new_column_name"}:
            super().alter_column(op)
            return
        self.rebuild(op, "SQLite cannot ALTER a column's type, nullability or default")

    # -- constraints ------------------------------------------------------------------------

    def add_constraint(self, op: ops.AddConstraintOp) -> None:
        if isinstance(op, ops.CreateExcludeConstraintOp):
            self.build_constraint(op)  # raises: PostgreSQL only
        self.rebuild(op, "SQLite cannot ALTER TABLE ADD CONSTRAINT")

    def drop_constraint(self, op: ops.DropConstraintOp) -> None:
        self.rebuild(op, "SQLite cannot ALTER TABLE DROP CONSTRAINT")

    # -- batch ------------------------------------------------------------------------------

    def requires_recreate_in_batch(self, batch: ops.BatchAlterTableOp) -> bool:
        for op in batch.ops:
            if isinstance(op, _IN_PLACE):
                continue
            if isinstance(op, ops.AddColumnOp):
                col = op.column
                if (
                    not (col.primary_key or col.unique or col.foreign_keys)
                    and _constant_default(col)
                    and not op.kw
                    and not self._brings_type_check(batch, col)
                ):
                    continue
            return True
        return False

    def _brings_type_check(self, batch: ops.BatchAlterTableOp, column: sa.Column) -> bool:
        """Whether the column's type makes a CHECK here: in a batch block the table is then
        rebuilt with it (as Alembic does), where a lone add_column declares it inline."""
        return bool(
            type_checks.type_checks(
                column.type, column.name, batch.table_name, batch.schema, self.dialect
            )
        )
