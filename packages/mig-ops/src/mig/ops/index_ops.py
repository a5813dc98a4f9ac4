"""Directives on indexes: create and drop."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.visitors import replacement_traverse

from mig.ops import fields as f
from mig.ops import validate
from mig.ops.base import MigrateOperation
from mig.ops.errors import DirectiveError, IrreversibleOperationError


def unbound_expression(expr: Any) -> Any:
    """An index element detached from its table: a column by name, an expression with its
    columns replaced by free ``sa.column`` references (a copy still bound to the model's
    Table cannot be attached to the minimal table a directive builds)."""
    if isinstance(expr, str):
        return expr
    if isinstance(expr, sa.Column):
        return expr.name

    def free(element: Any) -> Any:
        if isinstance(element, sa.Column) and element.table is not None:
            return sa.column(element.name, element.type)
        return None

    return replacement_traverse(expr, {}, free)


class CreateIndexOp(MigrateOperation):
    """``op.create_index(name, table, columns, unique=..., **dialect_kw)``.

    ``columns`` holds names, or SQL expressions (``sa.text("lower(email)")``) for a
    functional index. ``index_name`` may be None when a naming convention supplies it.
    """

    op_name = "create_index"
    accepts_kw = True
    fields = (
        f.name("index_name", required=False),
        f.name("table_name"),
        f.expressions("columns"),
        f.name("schema", required=False),
        f.flag("unique", default=False),
        f.flag("if_not_exists"),
    )

    def __init__(
        self,
        index_name: str | None,
        table_name: str,
        columns: Sequence[str | Any],
        schema: str | None = None,
        unique: bool = False,
        if_not_exists: bool | None = None,
        **kw: Any,
    ) -> None:
        self.index_name = validate.name(self.op_name, "index_name", index_name, optional=True)
        self.table_name = validate.name(self.op_name, "table_name", table_name)
        self.columns = validate.expressions(self.op_name, "columns", columns)
        self.schema = validate.name(self.op_name, "schema", schema, optional=True)
        if not isinstance(unique, bool):
            raise DirectiveError(self.op_name, "unique", f"must be True or False, got {unique!r}")
        self.unique = unique
        self.if_not_exists = if_not_exists
        self.kw = kw

    @classmethod
    def from_index(cls, index: sa.Index) -> CreateIndexOp:
        table = index.table
        if table is None:
            raise DirectiveError(
                cls.op_name, "index", f"index {index.name!r} is not attached to a table"
            )
        columns = [unbound_expression(e) for e in index.expressions]
        return cls(
            None if index.name is None else str(index.name),
            table.name,
            columns,
            schema=table.schema,
            unique=bool(index.unique),
            **index.dialect_kwargs,
        )

    def to_index(self) -> sa.Index:
        """The index on a minimal table holding the named columns (for DDL compilation)."""
        names = [c for c in self.columns if isinstance(c, str)]
        # INCLUDE columns (postgresql_include, mssql_include) are looked up on the table by
        # name when the index compiles: the stub must hold them too.
        for key, value in self.kw.items():
            if key.endswith("_include") and isinstance(value, list | tuple):
                names += [c for c in value if isinstance(c, str) and c not in names]
        table = sa.Table(
            self.table_name,
            sa.MetaData(),
            *[sa.Column(n, sa.types.NullType()) for n in names],
            schema=self.schema,
        )
        exprs = [table.c[c] if isinstance(c, str) else c for c in self.columns]
        return sa.Index(self.index_name, *exprs, unique=self.unique, _table=table, **self.kw)

    def reverse(self) -> DropIndexOp:
        if self.index_name is None:
            raise IrreversibleOperationError(
                self.op_name, f"the index on {self.table_name!r} has no name to drop it by"
            )
        return DropIndexOp(
            self.index_name, table_name=self.table_name, schema=self.schema, restore=self
        )


class DropIndexOp(MigrateOperation):
    """``op.drop_index(name, table_name=...)``; ``restore`` is the create_index that undoes it."""

    op_name = "drop_index"
    accepts_kw = True
    fields = (
        f.name("index_name"),
        f.name("table_name", required=False),
        f.name("schema", required=False),
        f.flag("if_exists"),
        f.directive("restore"),
    )

    def __init__(
        self,
        index_name: str,
        table_name: str | None = None,
        schema: str | None = None,
        if_exists: bool | None = None,
        restore: CreateIndexOp | None = None,
        **kw: Any,
    ) -> None:
        self.index_name = validate.name(self.op_name, "index_name", index_name)
        self.table_name = validate.name(self.op_name, "table_name", table_name, optional=True)
        self.schema = validate.name(self.op_name, "schema", schema, optional=True)
        self.if_exists = if_exists
        if restore is not None and not isinstance(restore, CreateIndexOp):
            raise DirectiveError(self.op_name, "restore", "must be a CreateIndexOp")
        self.restore = restore
        self.kw = kw

    @classmethod
    def from_index(cls, index: sa.Index) -> DropIndexOp:
        create = CreateIndexOp.from_index(index)
        if create.index_name is None:
            raise DirectiveError(cls.op_name, "index", "an index without a name cannot be dropped")
        return cls(
            create.index_name, table_name=create.table_name, schema=create.schema, restore=create
        )

    def reverse(self) -> CreateIndexOp:
        if self.restore is None:
            raise IrreversibleOperationError(
                self.op_name,
                f"the columns of index {self.index_name!r} are not known "
                "(build it with DropIndexOp.from_index)",
            )
        return self.restore
