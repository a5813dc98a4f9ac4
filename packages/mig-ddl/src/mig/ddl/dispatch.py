"""The executors ``Operations.invoke`` calls: each hands its directive to the running Impl.

Importing ``mig.ddl`` registers one executor per built-in directive class with
``Operations.implementation_for``; a tool that defines its own directive registers its own
executor the same way. Containers run their members through ``invoke`` so that custom
executors of the members are honoured.
"""

from __future__ import annotations

import contextlib
from typing import Any

from mig import ops
from mig.ddl.errors import MissingImplError
from mig.ddl.impl import DIRECTIVE_METHODS, DefaultImpl


def impl_of(
    operations: ops.Operations, operation: ops.MigrateOperation | None = None
) -> DefaultImpl:
    """The Impl of the migration an Operations is bound to."""
    impl = getattr(operations.migration_context, "impl", None)
    if impl is None:
        name = "a directive" if operation is None else operation.op_name or "a directive"
        cls = "OpClass" if operation is None else type(operation).__name__
        raise MissingImplError(
            f"no implementation for {name}: the migration context has no DDL "
            "implementation (.impl); run the migration through mig.runtime, bind "
            f"Operations(mig.ddl.ImplContext(impl)), or register one with "
            f"Operations.implementation_for({cls})"
        )
    return impl


def _execute_directive(operations: ops.Operations, operation: ops.MigrateOperation) -> Any:
    impl = impl_of(operations, operation)
    if not impl.outside_transaction(operation):
        return impl.run(operation)
    # e.g. PostgreSQL's ALTER TYPE ... ADD VALUE: in the context's autocommit block when it
    # offers one (mig-runtime's does; a bare ImplContext has no transaction to leave)
    block = getattr(operations.migration_context, "autocommit_block", None)
    with block() if block is not None else contextlib.nullcontext():
        return impl.run(operation)


def _run_members(operations: ops.Operations, container: ops.OpContainer) -> None:
    for member in container.ops:
        operations.invoke(member)


def register_executors() -> None:
    """Register the executors (idempotent; done when ``mig.ddl`` is imported)."""
    for op_cls in DIRECTIVE_METHODS:
        ops.Operations.implementation_for(op_cls)(_execute_directive)
    for container in (ops.ModifyTableOps, ops.UpgradeOps, ops.DowngradeOps):
        ops.Operations.implementation_for(container)(_run_members)


register_executors()
