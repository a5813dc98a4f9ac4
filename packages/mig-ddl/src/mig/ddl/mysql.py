"""MySQL and MariaDB: columns are restated whole, constraints dropped by kind.

What differs from the default:
- DDL is not transactional.
- ``alter_column`` on anything but the server default restates the column in one
  ``MODIFY`` (or ``CHANGE`` when it is renamed): type, NULL/NOT NULL, DEFAULT,
  AUTO_INCREMENT and COMMENT. What the directive does not change is taken from its
  ``existing_*`` arguments only, as Alembic does, so online and offline give the same
  column: an unknown nullability is NULL, an unknown default or comment is none. Only the
  type, which MODIFY cannot leave out, is read from the database online when neither
  ``type_`` nor ``existing_type`` gives it; offline it must be given.
- A server-default-only change is ``ALTER COLUMN ... SET DEFAULT`` / ``DROP DEFAULT``.
- ``drop_constraint`` needs ``type_``: ``DROP FOREIGN KEY``, ``DROP PRIMARY KEY``,
  ``DROP INDEX`` (unique), ``DROP CHECK`` (MySQL) or ``DROP CONSTRAINT`` (MariaDB).
- ``drop_index`` names the table: ``DROP INDEX name ON table``.
- MariaDB (its own registered class) accepts ``IF [NOT] EXISTS`` on columns, indexes and
  constraints; MySQL does not, so there mig checks the catalog online and refuses offline.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import DDLCompiler
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.sql.type_api import TypeEngine

from mig import ops
from mig.ddl import elements as el
from mig.ddl.compare import COMMON_TYPE_SYNONYMS
from mig.ddl.errors import MissingArgumentError
from mig.ddl.impl import DefaultImpl

_DIALECTS = ("mysql", "mariadb")


class ModifyColumn(el.AlterTableElement):
    """MySQL's ``MODIFY`` / ``CHANGE``: the whole column definition, restated."""

    def __init__(
        self,
        table: str,
        column: str,
        schema: str | None,
        *,
        new_name: str | None,
        type_: TypeEngine,
        nullable: bool | None,
        default: Any,
        autoincrement: bool | None,
        comment: str | None,
    ) -> None:
        super().__init__(table, schema)
        self.column = column
        self.new_name = new_name
        self.type_ = type_
        self.nullable = nullable
        self.default = default
        self.autoincrement = autoincrement
        self.comment = comment


def _is_mariadb(compiler: DDLCompiler) -> bool:
    return bool(getattr(compiler.dialect, "is_mariadb", False))


@compiles(ModifyColumn, "mysql")
@compiles(ModifyColumn, "mariadb")
def _modify(element: ModifyColumn, compiler: DDLCompiler, **kw: Any) -> str:
    head = el.alter_table(compiler, element.table, element.schema)
    if element.new_name is not None:
        head += (
            f" CHANGE {el.quote(compiler, element.column)} {el.quote(compiler, element.new_name)}"
        )
    else:
        head += f" MODIFY {el.quote(compiler, element.column)}"
    parts = [head, el.render_type(compiler, element.type_)]
    if element.nullable is not None:
        parts.append("NULL" if element.nullable else "NOT NULL")
    if el.has_default(element.default):
        parts.append(f"DEFAULT {el.render_default(compiler, element.default)}")
    if element.autoincrement:
        parts.append("AUTO_INCREMENT")
    if element.comment is not None:
        parts.append(f"COMMENT {el.render_comment(compiler, element.comment)}")
    return " ".join(parts)


@compiles(el.ColumnDefault, "mysql")
@compiles(el.ColumnDefault, "mariadb")
def _default(element: el.ColumnDefault, compiler: DDLCompiler, **kw: Any) -> str:
    if element.default is None:
        return f"{el.alter_column(compiler, element)} DROP DEFAULT"
    text = el.render_default(compiler, element.default)
    return f"{el.alter_column(compiler, element)} SET DEFAULT {text}"


@compiles(el.RenameTable, "mysql")
@compiles(el.RenameTable, "mariadb")
def _rename_table(element: el.RenameTable, compiler: DDLCompiler, **kw: Any) -> str:
    return (
        f"ALTER TABLE {el.table_name(compiler, element.table, element.schema)} "
        f"RENAME {el.table_name(compiler, element.new_name, element.schema)}"
    )


_DROP_BY_TYPE = {
    "foreignkey": "DROP FOREIGN KEY {guard}{name}",
    "primary": "DROP PRIMARY KEY",
    "unique": "DROP INDEX {guard}{name}",
}


@compiles(el.DropConstraintByName, "mysql")
@compiles(el.DropConstraintByName, "mariadb")
def _drop_constraint(element: el.DropConstraintByName, compiler: DDLCompiler, **kw: Any) -> str:
    guard = "IF EXISTS " if element.if_exists else ""
    name = el.constraint_name(compiler, element.name)
    if element.type_ == "check" and not _is_mariadb(compiler):
        template = "DROP CHECK {guard}{name}"
    else:
        template = _DROP_BY_TYPE.get(element.type_ or "", "DROP CONSTRAINT {guard}{name}")
    action = template.format(guard=guard, name=name)
    return f"{el.alter_table(compiler, element.table, element.schema)} {action}"


@compiles(el.DropIndexByName, "mysql")
@compiles(el.DropIndexByName, "mariadb")
def _drop_index(element: el.DropIndexByName, compiler: DDLCompiler, **kw: Any) -> str:
    guard = "IF EXISTS " if element.if_exists else ""
    table = el.table_name(compiler, element.table or "", element.schema)
    return f"DROP INDEX {guard}{el.constraint_name(compiler, element.name)} ON {table}"


class MySQLImpl(DefaultImpl):
    __dialect__ = "mysql"
    transactional_ddl = False
    supports_column_if_exists = False
    supports_constraint_if_exists = False
    batch_inline_constraints = frozenset({"primary", "check"})
    detached_column_ddl = True
    type_synonyms = {**COMMON_TYPE_SYNONYMS, "TINYINT(1)": "BOOLEAN"}

    # -- columns ----------------------------------------------------------------------------

    def alter_column_elements(self, op: ops.AlterColumnOp) -> list[ClauseElement]:
        changes = set(op.changes)
        if not changes:
            return []
        if changes == {"server_default"}:
            return [
                el.ColumnDefault(
                    op.table_name,
                    op.column_name,
                    op.modify_server_default,
                    op.schema,
                    **self.existing(op),
                )
            ]
        type_ = op.modify_type if op.modify_type is not None else self._existing_type(op)
        if type_ is None:
            raise MissingArgumentError(
                op.op_name,
                self.dialect_name,
                "existing_type",
                f"{op.table_name}.{op.column_name} is restated whole in MODIFY/CHANGE "
                "and its type is not known (pass existing_type=...)",
            )
        nullable = op.modify_nullable if op.modify_nullable is not None else op.existing_nullable
        default = (
            op.modify_server_default
            if op.modify_server_default is not False
            else op.existing_server_default
        )
        comment = op.modify_comment if op.modify_comment is not False else op.existing_comment
        autoinc = op.kw.get("autoincrement")
        if autoinc is None:
            autoinc = op.kw.get("existing_autoincrement")
        return [
            ModifyColumn(
                op.table_name,
                op.column_name,
                op.schema,
                new_name=op.modify_name,
                type_=type_,
                nullable=nullable,
                default=default,
                autoincrement=autoinc,
                comment=comment,
            )
        ]

    def _existing_type(self, op: ops.AlterColumnOp) -> TypeEngine | None:
        """``existing_type``, else (online) the column's type as the database reports it.

        Nothing else is read from the database: nullability, default, comment and
        AUTO_INCREMENT come from the directive alone, so that the statement, and the
        column it leaves, are the same online and offline (``--sql``).
        """
        if op.existing_type is not None or self.as_sql or self.connection is None:
            return op.existing_type
        insp = sa.inspect(self.connection)
        for col in insp.get_columns(op.table_name, schema=self.catalog_schema(op.schema)):
            if col["name"] == op.column_name:
                return col["type"]
        return None

    def type_check_elements(
        self, op: ops.AlterColumnOp
    ) -> tuple[list[ClauseElement], list[ClauseElement]]:
        """The old type's CHECK is dropped only where it is still there.

        MySQL keeps a column's CHECK through MODIFY and Alembic never drops it, so histories
        written for MySQL often drop it by hand before the ``alter_column``; dropping it again
        would fail. MariaDB says ``IF EXISTS``; MySQL online looks first; MySQL offline cannot
        look and keeps it, as Alembic does.
        """
        drops, adds = super().type_check_elements(op)
        return [d for d in map(self._if_still_there, drops) if d is not None], adds

    def _if_still_there(self, drop: ClauseElement) -> ClauseElement | None:
        assert isinstance(drop, el.DropConstraintByName)
        if self.supports_constraint_if_exists:
            drop.if_exists = True
            return drop
        if self.as_sql or self.connection is None:
            return None
        schema = self.catalog_schema(drop.schema)
        checks = sa.inspect(self.connection).get_check_constraints(drop.table, schema=schema)
        return drop if str(drop.name) in {c["name"] for c in checks} else None

    # -- constraints and indexes ------------------------------------------------------------

    def drop_constraint(self, op: ops.DropConstraintOp) -> None:
        if op.if_exists and not self.supports_constraint_if_exists:
            self.unsupported(
                op.op_name,
                "MySQL has no IF EXISTS for constraints",
                "drop the if_exists argument",
            )
        super().drop_constraint(op)

    def drop_index(self, op: ops.DropIndexOp) -> None:
        if op.table_name is None:
            raise MissingArgumentError(
                op.op_name, self.dialect_name, "table_name", "DROP INDEX names the table here"
            )
        if op.if_exists and not self.supports_constraint_if_exists:
            insp = None if self.as_sql or self.connection is None else sa.inspect(self.connection)
            if insp is None:
                self.unsupported(
                    op.op_name, "MySQL has no DROP INDEX IF EXISTS", "drop the if_exists argument"
                )
            schema = self.catalog_schema(op.schema)
            names = {i["name"] for i in insp.get_indexes(op.table_name, schema=schema)}
            if op.index_name not in names:
                return
            op = ops.DropIndexOp(op.index_name, op.table_name, schema=op.schema)
        super().drop_index(op)

    # -- comparison -------------------------------------------------------------------------

    def normalize_type_name(self, name: str) -> str:
        text = " ".join(name.upper().split())
        for marker in (" CHARACTER SET ", " COLLATE "):
            if marker in text:
                text = text.split(marker)[0]
        if text.startswith(("TINYINT(1)", "BOOL")):
            return "BOOLEAN"
        for int_type in ("TINYINT", "SMALLINT", "MEDIUMINT", "INTEGER", "INT", "BIGINT"):
            if text.startswith(int_type + "("):
                text = int_type + text[text.index(")") + 1 :]
                break
        return super().normalize_type_name(text)


class MariaDBImpl(MySQLImpl):
    """MariaDB: MySQL's syntax plus IF [NOT] EXISTS, and ``DROP CONSTRAINT`` for checks."""

    __dialect__ = "mariadb"
    supports_column_if_exists = True
    supports_constraint_if_exists = True
