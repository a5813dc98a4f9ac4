"""Directives on one column: add, drop, alter."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.type_api import TypeEngine

from mig.ops import fields as f
from mig.ops import validate
from mig.ops.base import MigrateOperation
from mig.ops.errors import DirectiveError, IrreversibleOperationError


class AddColumnOp(MigrateOperation):
    """``op.add_column(table, Column(...))``."""

    op_name = "add_column"
    accepts_kw = True
    fields = (
        f.name("table_name"),
        f.column("column"),
        f.name("schema", required=False),
        f.flag("if_not_exists"),
    )

    def __init__(
        self,
        table_name: str,
        column: sa.Column,
        schema: str | None = None,
        if_not_exists: bool | None = None,
        **kw: Any,
    ) -> None:
        self.table_name = validate.name(self.op_name, "table_name", table_name)
        self.column = validate.column(self.op_name, "column", column)
        self.schema = validate.name(self.op_name, "schema", schema, optional=True)
        self.if_not_exists = if_not_exists
        self.kw = kw

    def reverse(self) -> DropColumnOp:
        return DropColumnOp(self.table_name, self.column.name, schema=self.schema, restore=self)


class DropColumnOp(MigrateOperation):
    """``op.drop_column(table, name)``; ``restore`` is the add_column that undoes it."""

    op_name = "drop_column"
    accepts_kw = True
    fields = (
        f.name("table_name"),
        f.name("column_name"),
        f.name("schema", required=False),
        f.flag("if_exists"),
        f.directive("restore"),
    )

    def __init__(
        self,
        table_name: str,
        column_name: str,
        schema: str | None = None,
        if_exists: bool | None = None,
        restore: AddColumnOp | None = None,
        **kw: Any,
    ) -> None:
        self.table_name = validate.name(self.op_name, "table_name", table_name)
        self.column_name = validate.name(self.op_name, "column_name", column_name)
        self.schema = validate.name(self.op_name, "schema", schema, optional=True)
        self.if_exists = if_exists
        if restore is not None and not isinstance(restore, AddColumnOp):
            raise DirectiveError(self.op_name, "restore", "must be an AddColumnOp")
        self.restore = restore
        self.kw = kw

    @classmethod
    def from_column(
        cls, table_name: str, column: sa.Column, schema: str | None = None
    ) -> DropColumnOp:
        """A drop that remembers the column's definition, so it can be reversed."""
        return cls(
            table_name,
            column.name,
            schema=schema,
            restore=AddColumnOp(table_name, column, schema=schema),
        )

    def reverse(self) -> AddColumnOp:
        if self.restore is None:
            raise IrreversibleOperationError(
                self.op_name,
                f"the definition of column {self.table_name}.{self.column_name} is not known "
                "(build it with DropColumnOp.from_column)",
            )
        return self.restore


class AlterColumnOp(MigrateOperation):
    """``op.alter_column(...)``: any of type, nullability, server default, comment and name.

    ``modify_*`` say what changes; ``existing_*`` describe the column as it is, which some
    databases need to restate the column (MySQL) and which ``reverse()`` needs. For server
    default and comment, ``False`` means "not changed" and ``None`` means "remove it".
    """

    op_name = "alter_column"
    accepts_kw = True
    fields = (
        f.name("table_name"),
        f.name("column_name"),
        f.name("schema", required=False),
        f.sql_type("existing_type"),
        f.server_default("existing_server_default"),
        f.flag("existing_nullable"),
        f.comment("existing_comment", default=None),
        f.flag("modify_nullable"),
        f.comment("modify_comment"),
        f.server_default("modify_server_default"),
        f.name("modify_name", required=False),
        f.sql_type("modify_type"),
    )

    def __init__(
        self,
        table_name: str,
        column_name: str,
        schema: str | None = None,
        existing_type: TypeEngine | type[TypeEngine] | None = None,
        existing_server_default: Any = False,
        existing_nullable: bool | None = None,
        existing_comment: str | None = None,
        modify_nullable: bool | None = None,
        modify_comment: str | bool | None = False,
        modify_server_default: Any = False,
        modify_name: str | None = None,
        modify_type: TypeEngine | type[TypeEngine] | None = None,
        **kw: Any,
    ) -> None:
        op = self.op_name
        self.table_name = validate.name(op, "table_name", table_name)
        self.column_name = validate.name(op, "column_name", column_name)
        self.schema = validate.name(op, "schema", schema, optional=True)
        self.existing_type = validate.sql_type(op, "existing_type", existing_type)
        self.existing_server_default = existing_server_default
        self.existing_nullable = existing_nullable
        self.existing_comment = existing_comment
        for arg, value in (("nullable", modify_nullable), ("existing_nullable", existing_nullable)):
            if value is not None and not isinstance(value, bool):
                raise DirectiveError(op, arg, f"must be True, False or None, got {value!r}")
        if modify_comment is True:
            raise DirectiveError(
                op, "comment", "must be a string, None (remove) or False (unchanged)"
            )
        self.modify_nullable = modify_nullable
        self.modify_comment = modify_comment
        self.modify_server_default = modify_server_default
        self.modify_name = validate.name(op, "new_column_name", modify_name, optional=True)
        self.modify_type = validate.sql_type(op, "type_", modify_type)
        self.kw = kw

    @property
    def changes(self) -> dict[str, Any]:
        """What this directive changes, by ``op.alter_column`` argument name."""
        out: dict[str, Any] = {}
        if self.modify_type is not None:
            out["type_"] = self.modify_type
        if self.modify_nullable is not None:
            out["nullable"] = self.modify_nullable
        if self.modify_server_default is not False:
            out["server_default"] = self.modify_server_default
        if self.modify_comment is not False:
            out["comment"] = self.modify_comment
        if self.modify_name is not None:
            out["new_column_name"] = self.modify_name
        return out

    def reverse(self) -> AlterColumnOp:
        where = f"{self.table_name}.{self.column_name}"
        if self.modify_type is not None and self.existing_type is None:
            raise IrreversibleOperationError(
                self.op_name, f"{where}: the type is changed but existing_type is not given"
            )
        if self.modify_server_default is not False and self.existing_server_default is False:
            raise IrreversibleOperationError(
                self.op_name,
                f"{where}: the server default is changed but existing_server_default is not given",
            )
        kw = dict(self.kw)
        if "autoincrement" in kw or "existing_autoincrement" in kw:
            kw["autoincrement"], kw["existing_autoincrement"] = (
                kw.pop("existing_autoincrement", None),
                kw.pop("autoincrement", None),
            )
            kw = {k: v for k, v in kw.items() if v is not None}
        kw.pop("postgresql_using", None)  # a USING clause is for the forward cast only
        nullable_before = self.existing_nullable
        if self.modify_nullable is not None and nullable_before is None:
            nullable_before = not self.modify_nullable
        return AlterColumnOp(
            self.table_name,
            self.modify_name or self.column_name,
            schema=self.schema,
            existing_type=self.modify_type if self.modify_type is not None else self.existing_type,
            existing_server_default=(
                self.existing_server_default
                if self.modify_server_default is False
                else self.modify_server_default
            ),
            existing_nullable=self.modify_nullable
            if self.modify_nullable is not None
            else self.existing_nullable,
            existing_comment=self.existing_comment
            if self.modify_comment is False
            else self.modify_comment,
            modify_nullable=nullable_before if self.modify_nullable is not None else None,
            modify_comment=self.existing_comment if self.modify_comment is not False else False,
            modify_server_default=(
                self.existing_server_default if self.modify_server_default is not False else False
            ),
            modify_name=self.column_name if self.modify_name is not None else None,
            modify_type=self.existing_type if self.modify_type is not None else None,
            **kw,
        )
