"""``BatchOperations``: the op API inside ``with op.batch_alter_table(name) as batch_op``.

It offers only the ops that act on the block's table, each taking the same arguments as
on ``op`` minus the table name and schema; they are generated from the ops' declarations
in :class:`~mig.ops.operations.Operations` (see :mod:`mig.ops.signatures`), so each op is
written once. Nothing runs until the block ends: each call adds a directive to the
block's :class:`BatchAlterTableOp`, which the parent Operations then invokes whole.

An op that does not act on the table (``batch_op.drop_table``) is an AttributeError that
says to call it on ``op`` outside the block, never a statement run on another table.
"""

from __future__ import annotations

from typing import Any, ClassVar

from mig.ops.base import MigrateOperation
from mig.ops.containers import BatchAlterTableOp
from mig.ops.operations import Operations
from mig.ops.signatures import declared_ops

SHARED = (
    "activate",
    "batch_alter_table",
    "context",
    "f",
    "get_bind",
    "get_context",
    "impl",
    "implementation_for",
    "inline_literal",
    "register_operation",
    "run_async",
)
"""Members of Operations that a batch block has as they are (Alembic's shared op API)."""


class BatchOperations:
    """The op API for one table inside a batch block."""

    _implementations: ClassVar[Any] = Operations._implementations

    def __init__(self, parent: Operations, batch: BatchAlterTableOp) -> None:
        self.migration_context = parent.migration_context
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

    def __getattr__(self, name: str) -> Any:
        if not name.startswith("_") and hasattr(Operations, name):
            raise AttributeError(
                f"batch_op.{name}: {name} does not act on the batch block's table "
                f"{self.table_name!r}; call op.{name}(...) outside the "
                "`with op.batch_alter_table(...)` block"
            )
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __repr__(self) -> str:
        return f"<BatchOperations for {self.batch.table_name!r}>"


def _install() -> None:
    """Give BatchOperations the shared members and the batch form of every table op."""
    for name in SHARED:
        setattr(BatchOperations, name, Operations.__dict__[name])
    for name, spec in declared_ops().items():
        if spec.batch is not None:
            setattr(BatchOperations, name, spec.batch_function())


_install()

__all__ = ["BatchAlterTableOp", "BatchOperations"]
