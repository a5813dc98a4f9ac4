"""PostgreSQL: transactional DDL, ``ALTER COLUMN ... TYPE ... USING``, ENUM types, EXCLUDE.

What differs from the default:
- DDL is transactional: a failed migration step leaves nothing behind.
- ``alter_column(type_=..., postgresql_using="expr")`` adds ``USING expr`` to the type change.
- A native ENUM used by ``create_table`` / ``add_column`` is created first
  (``CREATE TYPE``); online it is skipped when the type already exists, offline when this
  run's SQL has already created it.
- ``create_enum_type`` / ``drop_enum_type`` (mig.ops.enum_ops) are compiled here; the
  value directives (add, rename, drop, rebuild) and ``alter_identity`` in
  :mod:`mig.ddl.pg_types`; ``ADD VALUE`` runs in an autocommit block.
- ``create_exclude_constraint`` renders ``EXCLUDE USING <method> (...)``.
- Server defaults are compared without PostgreSQL's ``::type`` casts.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import DDLCompiler
from sqlalchemy.sql.elements import ClauseElement

from mig import ops
from mig.ddl import elements as el
from mig.ddl.compare import COMMON_TYPE_SYNONYMS
from mig.ddl.impl import DefaultImpl, plain_column_hook
from mig.ddl.pg_types import PostgresqlTypeMethods

_CAST = re.compile(r"::[a-z_][\w ]*(\(\d+(,\s*\d+)?\))?(\[\])?", re.IGNORECASE)
_SIMPLE_NAME = re.compile(r"^\w+$")


@compiles(el.ColumnType, "postgresql")
def _type(element: el.ColumnType, compiler: DDLCompiler, **kw: Any) -> str:
    sql = f"{el.alter_column(compiler, element)} TYPE {el.render_type(compiler, element.type_)}"
    if element.using is not None:
        using = element.using
        text = (
            using
            if isinstance(using, str)
            else compiler.sql_compiler.process(using, literal_binds=True)
        )
        sql += f" USING {text}"
    return sql


class PostgresqlImpl(PostgresqlTypeMethods, DefaultImpl):
    __dialect__ = "postgresql"
    transactional_ddl = True
    detached_column_ddl = True
    alter_type_first = True
    type_synonyms = {
        **COMMON_TYPE_SYNONYMS,
        "FLOAT": "DOUBLE",
        "SERIAL": "INTEGER",
        "BIGSERIAL": "BIGINT",
    }

    def __init__(self, dialect: Any, connection: Any = None, **kw: Any) -> None:
        super().__init__(dialect, connection, **kw)
        self._offline_types: set[tuple[str | None, str]] = set()
        """Offline: the ENUM types this run's script has created, as (schema, name). The
        script cannot ask the catalog, and a second CREATE TYPE would stop psql, so each
        type is created once per run (per Impl): two columns of one table, or a later
        step's table, using a type already written get no second CREATE TYPE."""
        if connection is None and hasattr(dialect, "_backslash_escapes"):
            # Offline there is no server to ask: assume standard_conforming_strings=on, the
            # default since PostgreSQL 9.1, so a backslash in a literal stays one backslash
            # (SQLAlchemy 2.0 would double it, 2.1 does not).
            dialect._backslash_escapes = False

    def column_type_element(self, op: ops.AlterColumnOp, ex: dict[str, Any]) -> ClauseElement:
        return el.ColumnType(
            op.table_name,
            op.column_name,
            op.modify_type,
            op.schema,
            using=op.kw.get("postgresql_using"),
            **ex,
        )

    # -- ENUM types -----------------------------------------------------------------------

    def _create_enums(self, columns: Any, schema: str | None) -> None:
        for column in columns:
            declared = column.type
            if not isinstance(declared, sa.types.SchemaType) and not declared._variant_mapping:
                continue  # only an Enum (or a variant naming one) can be a native ENUM here
            type_ = declared.dialect_impl(self.dialect)
            if not isinstance(type_, pg.ENUM) or not type_.create_type or not type_.name:
                continue
            enum_schema = type_.schema or schema
            if self.as_sql:
                written = (type_.schema, type_.name)  # what CREATE TYPE names
                if written in self._offline_types:
                    continue
                self._offline_types.add(written)
            elif self.connection is not None:
                in_catalog = self.catalog_schema(enum_schema)
                if self.dialect.has_type(self.connection, type_.name, schema=in_catalog):
                    continue
            self.execute(pg.CreateEnumType(type_))

    def before_create_table(self, table: sa.Table) -> None:
        self._create_enums(table.columns, table.schema)

    @plain_column_hook  # a plain column's type is no ENUM
    def before_add_column(self, table: sa.Table, column: sa.Column) -> None:
        self._create_enums([column], table.schema)

    # -- named ENUM types: op.create_enum_type & co. (mig.ops.enum_ops) ---------------------

    outside_transaction_ops = (ops.AddEnumValueOp,)

    def create_enum_type(self, op: ops.CreateEnumTypeOp) -> None:
        self.execute(pg.CreateEnumType(op.to_type()))
        self._offline_types.add((op.schema, op.type_name))  # a later create_table reuses it

    def drop_enum_type(self, op: ops.DropEnumTypeOp) -> None:
        self.execute(pg.DropEnumType(op.to_type()))
        self._offline_types.discard((op.schema, op.type_name))

    # -- EXCLUDE --------------------------------------------------------------------------

    def build_constraint(self, op: ops.AddConstraintOp) -> sa.Constraint:
        if not isinstance(op, ops.CreateExcludeConstraintOp):
            return super().build_constraint(op)
        table = self.stub_table(op.table_name, op.schema)
        items = []
        for expr, operator in op.elements:
            if isinstance(expr, str) and _SIMPLE_NAME.match(expr):
                if expr not in table.c:
                    table.append_column(sa.Column(expr, sa.types.NullType()))
                items.append((table.c[expr], operator))
            else:
                items.append((sa.text(expr) if isinstance(expr, str) else expr, operator))
        where = sa.text(op.where) if isinstance(op.where, str) else op.where
        constraint = pg.ExcludeConstraint(
            *items,
            name=op.constraint_name,
            using=op.using,
            where=where,
            deferrable=op.deferrable,
            initially=op.initially,
            **op.kw,
        )
        table.append_constraint(constraint)
        return constraint

    # -- comparison -----------------------------------------------------------------------

    def normalize_default(self, text: str) -> str:
        previous = None
        text = text.strip()
        while previous != text:
            previous = text
            text = _CAST.sub("", text).strip()
            if text.startswith("(") and text.endswith(")"):
                text = super().normalize_default(text)
        return super().normalize_default(text)
