"""``BatchOperations``: the op API inside ``with op.batch_alter_table(name) as batch_op``.

Methods take the same arguments as on ``op`` minus the table name. Nothing runs until the
block ends: each call adds a directive to the block's :class:`BatchAlterTableOp`, which the
parent Operations then invokes whole.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.sql.schema import Column
from sqlalchemy.sql.type_api import TypeEngine

from mig.ops.base import MigrateOperation
from mig.ops.column_ops import AddColumnOp, AlterColumnOp, DropColumnOp
from mig.ops.constraint_ops import (
    CreateCheckConstraintOp,
    CreateExcludeConstraintOp,
    CreateForeignKeyOp,
    CreatePrimaryKeyOp,
    CreateUniqueConstraintOp,
    DropConstraintOp,
)
from mig.ops.containers import BatchAlterTableOp
from mig.ops.data_ops import ExecuteSQLOp
from mig.ops.index_ops import CreateIndexOp, DropIndexOp
from mig.ops.operations import Operations
from mig.ops.table_ops import CreateTableCommentOp, DropTableCommentOp


def _placement(insert_before: str | None, insert_after: str | None) -> dict[str, str]:
    out = {}
    if insert_before is not None:
        out["insert_before"] = insert_before
    if insert_after is not None:
        out["insert_after"] = insert_after
    return out


class BatchOperations(Operations):
    """The op API for one table inside a batch block."""

    def __init__(self, parent: Operations, batch: BatchAlterTableOp) -> None:
        super().__init__(parent.migration_context)
        self.parent = parent
        self.batch = batch

    @property
    def table_name(self) -> str:
        return self.batch.table_name

    @property
    def schema(self) -> str | None:
        return self.batch.schema

    def invoke(self, operation: MigrateOperation) -> None:
        """Collect the directive into the block; the parent runs the block at its end."""
        self.batch.ops.append(operation)

    def add_column(  # type: ignore[override]
        self,
        column: Column,
        *,
        insert_before: str | None = None,
        insert_after: str | None = None,
        if_not_exists: bool | None = None,
    ) -> None:
        """Add a column; ``insert_before``/``insert_after`` place it when the table is rebuilt."""
        return self.invoke(
            AddColumnOp(
                self.table_name,
                column,
                schema=self.schema,
                if_not_exists=if_not_exists,
                **_placement(insert_before, insert_after),
            )
        )

    def alter_column(  # type: ignore[override]
        self,
        column_name: str,
        *,
        nullable: bool | None = None,
        comment: str | bool | None = False,
        server_default: Any = False,
        new_column_name: str | None = None,
        type_: TypeEngine | type[TypeEngine] | None = None,
        existing_type: TypeEngine | type[TypeEngine] | None = None,
        existing_server_default: Any = False,
        existing_nullable: bool | None = None,
        existing_comment: str | None = None,
        insert_before: str | None = None,
        insert_after: str | None = None,
        **kw: Any,
    ) -> None:
        """Change a column (see ``Operations.alter_column``); it may also be moved."""
        return self.invoke(
            AlterColumnOp(
                self.table_name,
                column_name,
                schema=self.schema,
                existing_type=existing_type,
                existing_server_default=existing_server_default,
                existing_nullable=existing_nullable,
                existing_comment=existing_comment,
                modify_nullable=nullable,
                modify_comment=comment,
                modify_server_default=server_default,
                modify_name=new_column_name,
                modify_type=type_,
                **_placement(insert_before, insert_after),
                **kw,
            )
        )

    def create_check_constraint(  # type: ignore[override]
        self, constraint_name: str | None, condition: str | ClauseElement, **kw: Any
    ) -> None:
        return self.invoke(
            CreateCheckConstraintOp(
                constraint_name, self.table_name, condition, schema=self.schema, **kw
            )
        )

    def create_exclude_constraint(  # type: ignore[override]
        self, constraint_name: str | None, *elements: tuple[Any, str], **kw: Any
    ) -> None:
        return self.invoke(
            CreateExcludeConstraintOp(
                constraint_name, self.table_name, elements, schema=self.schema, **kw
            )
        )

    def create_foreign_key(  # type: ignore[override]
        self,
        constraint_name: str | None,
        referent_table: str,
        local_cols: list[str],
        remote_cols: list[str],
        *,
        referent_schema: str | None = None,
        onupdate: str | None = None,
        ondelete: str | None = None,
        deferrable: bool | None = None,
        initially: str | None = None,
        match: str | None = None,
        **dialect_kw: Any,
    ) -> None:
        return self.invoke(
            CreateForeignKeyOp(
                constraint_name,
                self.table_name,
                referent_table,
                local_cols,
                remote_cols,
                onupdate=onupdate,
                ondelete=ondelete,
                deferrable=deferrable,
                initially=initially,
                match=match,
                source_schema=self.schema,
                referent_schema=referent_schema,
                **dialect_kw,
            )
        )

    def create_index(  # type: ignore[override]
        self, index_name: str | None, columns: Sequence[str | ClauseElement], **kw: Any
    ) -> None:
        return self.invoke(
            CreateIndexOp(index_name, self.table_name, columns, schema=self.schema, **kw)
        )

    def create_primary_key(self, constraint_name: str | None, columns: list[str]) -> None:  # type: ignore[override]
        return self.invoke(
            CreatePrimaryKeyOp(constraint_name, self.table_name, columns, schema=self.schema)
        )

    def create_table_comment(self, comment: str, *, existing_comment: str | None = None) -> None:  # type: ignore[override]
        return self.invoke(
            CreateTableCommentOp(
                self.table_name, comment, schema=self.schema, existing_comment=existing_comment
            )
        )

    def create_unique_constraint(  # type: ignore[override]
        self, constraint_name: str | None, columns: Sequence[str], **kw: Any
    ) -> None:
        return self.invoke(
            CreateUniqueConstraintOp(
                constraint_name, self.table_name, columns, schema=self.schema, **kw
            )
        )

    def drop_column(self, column_name: str, **kw: Any) -> None:  # type: ignore[override]
        return self.invoke(DropColumnOp(self.table_name, column_name, schema=self.schema, **kw))

    def drop_constraint(self, constraint_name: str, type_: str | None = None) -> None:  # type: ignore[override]
        return self.invoke(
            DropConstraintOp(constraint_name, self.table_name, type_=type_, schema=self.schema)
        )

    def drop_index(self, index_name: str, **kw: Any) -> None:  # type: ignore[override]
        return self.invoke(
            DropIndexOp(index_name, table_name=self.table_name, schema=self.schema, **kw)
        )

    def drop_table_comment(self, *, existing_comment: str | None = None) -> None:  # type: ignore[override]
        return self.invoke(
            DropTableCommentOp(
                self.table_name, schema=self.schema, existing_comment=existing_comment
            )
        )

    def execute(
        self, sqltext: str | ClauseElement, *, execution_options: Mapping[str, Any] | None = None
    ) -> None:
        """Run SQL inside the block, in order with the block's other changes."""
        return self.invoke(ExecuteSQLOp(sqltext, execution_options=execution_options))


__all__ = ["BatchAlterTableOp", "BatchOperations"]
