"""DDL constructs SQLAlchemy has no element for, compiled per dialect with ``@compiles``.

Each element here carries what its statement needs; the default compilation below is the
SQL-standard spelling (PostgreSQL's), and the dialect modules register their own spelling
for the same element with ``@compiles(Element, "<dialect name>")``. Because these are real
SQLAlchemy DDL elements, online execution goes through ``Connection.execute`` (events,
echo, percent escaping) and offline rendering is just ``element.compile(dialect=...)``.
Every identifier goes through the dialect's ``IdentifierPreparer``, so any name is quoted
by the database's rules and cannot inject SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import sqltypes
from sqlalchemy.sql.compiler import DDLCompiler
from sqlalchemy.sql.ddl import ExecutableDDLElement
from sqlalchemy.sql.schema import DefaultClause, FetchedValue
from sqlalchemy.sql.type_api import TypeEngine

from mig.ddl.schema_map import compiled_schema

# -- helpers shared by every dialect's compilation ---------------------------------------


def quote(compiler: DDLCompiler, name: str) -> str:
    """One identifier, quoted when the dialect's rules say so."""
    return compiler.preparer.quote(name)


def table_name(compiler: DDLCompiler, name: str, schema: str | None) -> str:
    """``schema.table`` with each part quoted as needed, the schema as the connection's
    ``schema_translate_map`` makes it (as SQLAlchemy names a Table's)."""
    schema = compiled_schema(compiler.preparer, schema)
    prefix = f"{compiler.preparer.quote_schema(schema)}." if schema else ""
    return prefix + compiler.preparer.quote(name)


def alter_table(compiler: DDLCompiler, name: str, schema: str | None) -> str:
    return f"ALTER TABLE {table_name(compiler, name, schema)}"


def render_type(compiler: DDLCompiler, type_: TypeEngine) -> str:
    return compiler.dialect.type_compiler_instance.process(type_)


def render_default(compiler: DDLCompiler, default: Any) -> str:
    """A server default as SQL: a string becomes a quoted literal, SQL is rendered as is."""
    if isinstance(default, DefaultClause):
        default = default.arg
    if isinstance(default, str):
        return compiler.sql_compiler.render_literal_value(default, sqltypes.STRINGTYPE)
    return compiler.sql_compiler.process(default, literal_binds=True)


def render_comment(compiler: DDLCompiler, comment: str) -> str:
    return compiler.sql_compiler.render_literal_value(comment, sqltypes.STRINGTYPE)


def has_default(value: Any) -> bool:
    """Whether an ``existing_server_default`` describes a real default (False = unknown)."""
    return value is not False and value is not None and not _is_fetched(value)


def _is_fetched(value: Any) -> bool:
    return isinstance(value, FetchedValue) and not isinstance(value, DefaultClause)


# -- the elements -----------------------------------------------------------------------


class AlterTableElement(ExecutableDDLElement):
    """Base of the ``ALTER TABLE <name> ...`` statements."""

    def __init__(self, table: str, schema: str | None = None) -> None:
        self.table = table
        self.schema = schema


class RenameTable(AlterTableElement):
    def __init__(self, table: str, new_name: str, schema: str | None = None) -> None:
        super().__init__(table, schema)
        self.new_name = new_name


class AddColumn(AlterTableElement):
    """``ADD COLUMN``: ``column`` is attached to a stub table so its spec compiles.

    ``checks`` are CHECK constraints to declare inline, after the column's specification,
    where the database cannot add them with ALTER afterwards (SQLite).
    """

    def __init__(
        self,
        table: str,
        column: sa.Column,
        schema: str | None = None,
        *,
        if_not_exists: bool | None = None,
        checks: Sequence[sa.CheckConstraint] = (),
    ) -> None:
        super().__init__(table, schema)
        self.column = column
        self.if_not_exists = bool(if_not_exists)
        self.checks = list(checks)


class DropColumn(AlterTableElement):
    def __init__(
        self, table: str, column: str, schema: str | None = None, *, if_exists: bool | None = None
    ) -> None:
        super().__init__(table, schema)
        self.column = column
        self.if_exists = bool(if_exists)


class AlterColumnElement(AlterTableElement):
    """Base of the one-change-per-statement column alterations.

    ``existing_*`` describe the column as it is, for databases that restate it (SQL Server
    restates the type to change nullability, MySQL the whole column).
    """

    def __init__(
        self,
        table: str,
        column: str,
        schema: str | None = None,
        *,
        existing_type: TypeEngine | None = None,
        existing_nullable: bool | None = None,
        existing_server_default: Any = False,
        existing_comment: str | None = None,
    ) -> None:
        super().__init__(table, schema)
        self.column = column
        self.existing_type = existing_type
        self.existing_nullable = existing_nullable
        self.existing_server_default = existing_server_default
        self.existing_comment = existing_comment


class ColumnNullable(AlterColumnElement):
    def __init__(
        self, table: str, column: str, nullable: bool, schema: str | None = None, **existing: Any
    ) -> None:
        super().__init__(table, column, schema, **existing)
        self.nullable = nullable


class ColumnType(AlterColumnElement):
    def __init__(
        self,
        table: str,
        column: str,
        type_: TypeEngine,
        schema: str | None = None,
        *,
        using: Any = None,
        **existing: Any,
    ) -> None:
        super().__init__(table, column, schema, **existing)
        self.type_ = sqltypes.to_instance(type_)
        self.using = using


class ColumnDefault(AlterColumnElement):
    """Set (``default`` given) or drop (``default`` None) the column's server default."""

    def __init__(
        self, table: str, column: str, default: Any, schema: str | None = None, **existing: Any
    ) -> None:
        super().__init__(table, column, schema, **existing)
        self.default = default


class ColumnName(AlterColumnElement):
    def __init__(
        self, table: str, column: str, new_name: str, schema: str | None = None, **existing: Any
    ) -> None:
        super().__init__(table, column, schema, **existing)
        self.new_name = new_name


class ColumnComment(AlterColumnElement):
    """Set (a string) or drop (None) a column comment."""

    def __init__(
        self,
        table: str,
        column: str,
        comment: str | None,
        schema: str | None = None,
        **existing: Any,
    ) -> None:
        super().__init__(table, column, schema, **existing)
        self.comment = comment


class DropConstraintByName(AlterTableElement):
    """Drop a constraint known only by name (and optionally its kind, for MySQL)."""

    def __init__(
        self,
        table: str,
        name: Any,
        type_: str | None = None,
        schema: str | None = None,
        *,
        if_exists: bool | None = None,
    ) -> None:
        super().__init__(table, schema)
        self.name = name
        self.type_ = type_
        self.if_exists = bool(if_exists)


class DropIndexByName(ExecutableDDLElement):
    """``DROP INDEX``: the table is only needed where the syntax names it (MySQL, SQL Server)."""

    def __init__(
        self,
        name: Any,
        table: str | None = None,
        schema: str | None = None,
        *,
        if_exists: bool | None = None,
    ) -> None:
        self.name = name
        self.table = table
        self.schema = schema
        self.if_exists = bool(if_exists)


class RawDDL(ExecutableDDLElement):
    """Text already built from quoted parts (SQL Server's dynamic constraint drops)."""

    def __init__(self, sql: str) -> None:
        self.sql = sql


# -- default (SQL-standard / PostgreSQL) spelling ----------------------------------------


def constraint_name(compiler: DDLCompiler, name: Any) -> str:
    """A constraint or index name; a ``conv()`` name is taken as final."""
    return compiler.preparer.quote(str(name))


@compiles(RawDDL)
def _raw(element: RawDDL, compiler: DDLCompiler, **kw: Any) -> str:
    return element.sql


@compiles(RenameTable)
def _rename_table(element: RenameTable, compiler: DDLCompiler, **kw: Any) -> str:
    return (
        f"{alter_table(compiler, element.table, element.schema)} "
        f"RENAME TO {quote(compiler, element.new_name)}"
    )


def column_spec(compiler: DDLCompiler, column: sa.Column) -> str:
    return compiler.get_column_specification(column)


@compiles(AddColumn)
def _add_column(element: AddColumn, compiler: DDLCompiler, **kw: Any) -> str:
    guard = "IF NOT EXISTS " if element.if_not_exists else ""
    return (
        f"{alter_table(compiler, element.table, element.schema)} "
        f"ADD COLUMN {guard}{column_spec(compiler, element.column)}"
    )


@compiles(DropColumn)
def _drop_column(element: DropColumn, compiler: DDLCompiler, **kw: Any) -> str:
    guard = "IF EXISTS " if element.if_exists else ""
    return (
        f"{alter_table(compiler, element.table, element.schema)} "
        f"DROP COLUMN {guard}{quote(compiler, element.column)}"
    )


def alter_column(compiler: DDLCompiler, element: AlterColumnElement) -> str:
    return (
        f"{alter_table(compiler, element.table, element.schema)} "
        f"ALTER COLUMN {quote(compiler, element.column)}"
    )


@compiles(ColumnNullable)
def _nullable(element: ColumnNullable, compiler: DDLCompiler, **kw: Any) -> str:
    action = "DROP NOT NULL" if element.nullable else "SET NOT NULL"
    return f"{alter_column(compiler, element)} {action}"


@compiles(ColumnType)
def _type(element: ColumnType, compiler: DDLCompiler, **kw: Any) -> str:
    return f"{alter_column(compiler, element)} TYPE {render_type(compiler, element.type_)}"


@compiles(ColumnDefault)
def _default(element: ColumnDefault, compiler: DDLCompiler, **kw: Any) -> str:
    if element.default is None:
        return f"{alter_column(compiler, element)} DROP DEFAULT"
    return (
        f"{alter_column(compiler, element)} SET DEFAULT {render_default(compiler, element.default)}"
    )


@compiles(ColumnName)
def _name(element: ColumnName, compiler: DDLCompiler, **kw: Any) -> str:
    return (
        f"{alter_table(compiler, element.table, element.schema)} "
        f"RENAME COLUMN {quote(compiler, element.column)} TO {quote(compiler, element.new_name)}"
    )


@compiles(ColumnComment)
def _comment(element: ColumnComment, compiler: DDLCompiler, **kw: Any) -> str:
    target = (
        f"{table_name(compiler, element.table, element.schema)}.{quote(compiler, element.column)}"
    )
    text = "NULL" if element.comment is None else render_comment(compiler, element.comment)
    return f"COMMENT ON COLUMN {target} IS {text}"


@compiles(DropConstraintByName)
def _drop_constraint(element: DropConstraintByName, compiler: DDLCompiler, **kw: Any) -> str:
    guard = "IF EXISTS " if element.if_exists else ""
    return (
        f"{alter_table(compiler, element.table, element.schema)} "
        f"DROP CONSTRAINT {guard}{constraint_name(compiler, element.name)}"
    )


@compiles(DropIndexByName)
def _drop_index(element: DropIndexByName, compiler: DDLCompiler, **kw: Any) -> str:
    guard = "IF EXISTS " if element.if_exists else ""
    schema = compiled_schema(compiler.preparer, element.schema)
    name = constraint_name(compiler, element.name)
    if schema:
        name = f"{compiler.preparer.quote_schema(schema)}.{name}"
    return f"DROP INDEX {guard}{name}"
