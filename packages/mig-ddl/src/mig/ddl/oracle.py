"""Oracle: ``MODIFY`` for column changes, ``/`` between statements offline.

What differs from the default:
- DDL is not transactional; offline scripts end each statement with a line holding ``/``
  (SQL*Plus), with no semicolon.
- ``ALTER TABLE t MODIFY c NOT NULL`` / ``MODIFY c <type>`` / ``MODIFY c DEFAULT x``
  (``DEFAULT NULL`` removes it); ``ADD`` has no ``COLUMN`` keyword.
- A column comment is removed with ``COMMENT ON COLUMN ... IS ''``.
- ``alter_identity`` is ``MODIFY c GENERATED ALWAYS|BY DEFAULT AS IDENTITY (options)``,
  which restates whether the identity is ``ALWAYS``: ``always`` or ``existing["always"]``
  must say it.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import DDLCompiler

from mig import ops
from mig.ddl import elements as el
from mig.ddl.errors import MissingArgumentError
from mig.ddl.identity import identity_options_sql
from mig.ddl.impl import DefaultImpl


def _modify(compiler: DDLCompiler, element: el.AlterColumnElement) -> str:
    return (
        f"{el.alter_table(compiler, element.table, element.schema)} "
        f"MODIFY {el.quote(compiler, element.column)}"
    )


@compiles(el.AddColumn, "oracle")
def _add_column(element: el.AddColumn, compiler: DDLCompiler, **kw: Any) -> str:
    return (
        f"{el.alter_table(compiler, element.table, element.schema)} "
        f"ADD {el.column_spec(compiler, element.column)}"
    )


@compiles(el.ColumnNullable, "oracle")
def _nullable(element: el.ColumnNullable, compiler: DDLCompiler, **kw: Any) -> str:
    return f"{_modify(compiler, element)} {'NULL' if element.nullable else 'NOT NULL'}"


@compiles(el.ColumnType, "oracle")
def _type(element: el.ColumnType, compiler: DDLCompiler, **kw: Any) -> str:
    return f"{_modify(compiler, element)} {el.render_type(compiler, element.type_)}"


@compiles(el.ColumnDefault, "oracle")
def _default(element: el.ColumnDefault, compiler: DDLCompiler, **kw: Any) -> str:
    if element.default is None:
        return f"{_modify(compiler, element)} DEFAULT NULL"
    return f"{_modify(compiler, element)} DEFAULT {el.render_default(compiler, element.default)}"


@compiles(el.ColumnComment, "oracle")
def _comment(element: el.ColumnComment, compiler: DDLCompiler, **kw: Any) -> str:
    table = el.table_name(compiler, element.table, element.schema)
    target = f"{table}.{el.quote(compiler, element.column)}"
    text = "''" if element.comment is None else el.render_comment(compiler, element.comment)
    return f"COMMENT ON COLUMN {target} IS {text}"


class OracleImpl(DefaultImpl):
    __dialect__ = "oracle"
    transactional_ddl = False
    command_terminator = ""
    batch_separator = "/"
    begin_text = "SET TRANSACTION READ WRITE"
    detached_column_ddl = True
    supports_column_if_exists = False

    def alter_identity(self, op: ops.AlterIdentityOp) -> None:
        always = op.always if op.always is not None else (op.existing or {}).get("always")
        if always is None:
            raise MissingArgumentError(
                op.op_name,
                "oracle",
                "always= or existing={'always': ...}",
                "MODIFY ... AS IDENTITY restates GENERATED ALWAYS or BY DEFAULT",
            )
        prep = self.dialect.identifier_preparer
        table = prep.format_table(sa.table(op.table_name, schema=op.schema))
        options = identity_options_sql({k: v for k, v in op.changes.items() if k != "always"})
        sql = (
            f"ALTER TABLE {table} MODIFY {prep.quote(op.column_name)} GENERATED "
            f"{'ALWAYS' if always else 'BY DEFAULT'} AS IDENTITY"
        )
        self.execute(sa.text(sql + (f" ({' '.join(options)})" if options else "")))
