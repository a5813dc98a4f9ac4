"""Directives on whole tables: create, drop, rename, and table comments."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.schema import SchemaItem

from mig.ops import fields as f
from mig.ops import validate
from mig.ops.base import MigrateOperation
from mig.ops.codec.schema import encode_table_items
from mig.ops.errors import DirectiveError, IrreversibleOperationError
from mig.ops.index_ops import unbound_expression


def _copy_item(item: SchemaItem) -> SchemaItem:
    """A detached copy, so one Column can seed several tables (create, then restore)."""
    if isinstance(item, sa.Index):
        exprs = [unbound_expression(e) for e in item.expressions]
        return sa.Index(item.name, *exprs, unique=bool(item.unique), **item.dialect_kwargs)
    if isinstance(item, sa.PrimaryKeyConstraint):
        # by column name: a copy bound to the source table's Column objects would leave the
        # new table's columns without primary_key (and so without SERIAL/AUTO_INCREMENT)
        return sa.PrimaryKeyConstraint(
            *[c.name for c in item.columns], name=item.name, **item.dialect_kwargs
        )
    return item._copy() if hasattr(item, "_copy") else item


def _constraint_key(c: sa.Constraint) -> tuple[str, ...]:
    """Kind, name, then content: ``Table.constraints`` is a set, so unnamed constraints
    need more than their (absent) name to come out in the same order in every process."""
    content = [col.name for col in c.columns] if not isinstance(c, sa.CheckConstraint) else []
    if isinstance(c, sa.ForeignKeyConstraint):
        content += [e.target_fullname for e in c.elements]
    if isinstance(c, sa.CheckConstraint):
        content.append(str(c.sqltext))
    return (type(c).__name__, str(c.name), *content)


def _carried_by_columns(constraint: sa.Constraint) -> bool:
    """True for constraints a copied Column brings along (or that need no restating)."""
    if getattr(constraint, "_column_flag", False) or getattr(constraint, "_type_bound", False):
        return True
    if isinstance(constraint, sa.PrimaryKeyConstraint):
        return constraint.name is None
    if isinstance(constraint, sa.ForeignKeyConstraint):
        return all(fk in fk.parent.constraints for fk in constraint.elements)
    return False


class CreateTableOp(MigrateOperation):
    """``op.create_table(name, *columns, **kw)``: columns, constraints and indexes of a new table.

    The ``sqlalchemy.Table`` is built when the directive is, so a bad column list fails here;
    ``table`` is that Table (what ``op.create_table`` returns).
    """

    op_name = "create_table"
    accepts_kw = True
    fields = (
        f.name("table_name"),
        f.schema_items("columns", required=True),
        f.name("schema", required=False),
        f.flag("if_not_exists"),
    )

    def __init__(
        self,
        table_name: str,
        columns: Sequence[SchemaItem],
        schema: str | None = None,
        if_not_exists: bool | None = None,
        **kw: Any,
    ) -> None:
        self.table_name = validate.name(self.op_name, "table_name", table_name)
        self.schema = validate.name(self.op_name, "schema", schema, optional=True)
        self.if_not_exists = if_not_exists
        self.kw = kw
        items = list(columns)
        for item in items:
            if not isinstance(item, SchemaItem):
                raise DirectiveError(
                    self.op_name, "columns", f"holds {item!r}, not a Column or constraint"
                )
        try:
            self.table = sa.Table(table_name, sa.MetaData(), *items, schema=schema, **kw)
        except (sa.exc.ArgumentError, TypeError) as exc:
            raise DirectiveError(self.op_name, "columns", str(exc).splitlines()[0]) from None
        self.columns = items

    def _encode_field(self, field: f.Field, value: Any, path: str) -> Any:
        if field.name == "columns":  # encoded from the built table: FKs and flags resolved
            return encode_table_items(self.table, path)
        return super()._encode_field(field, value, path)

    @classmethod
    def from_table(cls, table: sa.Table, *, if_not_exists: bool | None = None) -> CreateTableOp:
        """The directive that creates ``table`` as it is (columns, constraints, indexes)."""
        items: list[SchemaItem] = [_copy_item(c) for c in table.columns]
        if table.primary_key is not None and table.primary_key.name is not None:
            for column in items:  # the named PrimaryKeyConstraint below carries the key
                column.primary_key = False
        constraints = sorted(table.constraints, key=_constraint_key)
        items += [_copy_item(c) for c in constraints if not _carried_by_columns(c)]
        indexes = sorted(table.indexes, key=lambda i: str(i.name))
        items += [_copy_item(i) for i in indexes if not getattr(i, "_column_flag", False)]
        kw = dict(table.dialect_kwargs)
        if table.comment is not None:
            kw["comment"] = table.comment
        return cls(table.name, items, schema=table.schema, if_not_exists=if_not_exists, **kw)

    def reverse(self) -> DropTableOp:
        """The drop; ``if_not_exists`` becomes its ``if_exists``, and the create it keeps
        to restore carries no flag, so reversing the drop gives this directive back."""
        return DropTableOp(
            self.table_name,
            schema=self.schema,
            if_exists=self.if_not_exists,
            restore=self._with_if_not_exists(None),
        )

    def _with_if_not_exists(self, flag: bool | None) -> CreateTableOp:
        if flag == self.if_not_exists:
            return self
        twin = copy.copy(self)
        twin.if_not_exists = flag
        return twin


class DropTableOp(MigrateOperation):
    """``op.drop_table(name)``; ``restore`` is the create_table that undoes it, when known."""

    op_name = "drop_table"
    accepts_kw = True
    fields = (
        f.name("table_name"),
        f.name("schema", required=False),
        f.flag("if_exists"),
        f.directive("restore"),
    )

    def __init__(
        self,
        table_name: str,
        schema: str | None = None,
        if_exists: bool | None = None,
        restore: CreateTableOp | None = None,
        **kw: Any,
    ) -> None:
        self.table_name = validate.name(self.op_name, "table_name", table_name)
        self.schema = validate.name(self.op_name, "schema", schema, optional=True)
        self.if_exists = if_exists
        if restore is not None and not isinstance(restore, CreateTableOp):
            raise DirectiveError(self.op_name, "restore", "must be a CreateTableOp")
        self.restore = restore
        self.kw = kw

    @classmethod
    def from_table(cls, table: sa.Table, *, if_exists: bool | None = None) -> DropTableOp:
        """A drop that remembers the table, so it can be reversed."""
        return cls(
            table.name,
            schema=table.schema,
            if_exists=if_exists,
            restore=CreateTableOp.from_table(table),
        )

    def reverse(self) -> CreateTableOp:
        if self.restore is None:
            raise IrreversibleOperationError(
                self.op_name,
                f"table {self.table_name!r} was dropped without its columns "
                "(build it with DropTableOp.from_table)",
            )
        return self.restore._with_if_not_exists(self.if_exists or self.restore.if_not_exists)


class RenameTableOp(MigrateOperation):
    op_name = "rename_table"
    fields = (f.name("old_table_name"), f.name("new_table_name"), f.name("schema", required=False))

    def __init__(self, old_table_name: str, new_table_name: str, schema: str | None = None) -> None:
        self.old_table_name = validate.name(self.op_name, "old_table_name", old_table_name)
        self.new_table_name = validate.name(self.op_name, "new_table_name", new_table_name)
        self.schema = validate.name(self.op_name, "schema", schema, optional=True)

    @property
    def table_name(self) -> str:
        return self.old_table_name

    def reverse(self) -> RenameTableOp:
        return RenameTableOp(self.new_table_name, self.old_table_name, schema=self.schema)


class CreateTableCommentOp(MigrateOperation):
    """Set a table's comment; ``existing_comment`` (the one replaced) makes it reversible."""

    op_name = "create_table_comment"
    fields = (
        f.name("table_name"),
        f.Field("comment", lambda v, p: v, f.text_value("comment").decode, required=True),
        f.text_value("existing_comment"),
        f.name("schema", required=False),
    )

    def __init__(
        self,
        table_name: str,
        comment: str,
        schema: str | None = None,
        existing_comment: str | None = None,
    ) -> None:
        self.table_name = validate.name(self.op_name, "table_name", table_name)
        if not isinstance(comment, str):
            raise DirectiveError(self.op_name, "comment", f"must be a string, got {comment!r}")
        self.comment = comment
        self.existing_comment = existing_comment
        self.schema = validate.name(self.op_name, "schema", schema, optional=True)

    def reverse(self) -> MigrateOperation:
        if self.existing_comment is None:
            return DropTableCommentOp(
                self.table_name, schema=self.schema, existing_comment=self.comment
            )
        return CreateTableCommentOp(
            self.table_name,
            self.existing_comment,
            schema=self.schema,
            existing_comment=self.comment,
        )


class DropTableCommentOp(MigrateOperation):
    op_name = "drop_table_comment"
    fields = (
        f.name("table_name"),
        f.text_value("existing_comment"),
        f.name("schema", required=False),
    )

    def __init__(
        self, table_name: str, schema: str | None = None, existing_comment: str | None = None
    ) -> None:
        self.table_name = validate.name(self.op_name, "table_name", table_name)
        self.schema = validate.name(self.op_name, "schema", schema, optional=True)
        self.existing_comment = existing_comment

    def reverse(self) -> CreateTableCommentOp:
        if self.existing_comment is None:
            raise IrreversibleOperationError(
                self.op_name,
                f"the comment of table {self.table_name!r} is not known (pass existing_comment)",
            )
        return CreateTableCommentOp(self.table_name, self.existing_comment, schema=self.schema)
