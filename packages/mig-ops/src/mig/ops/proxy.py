"""The ``op`` object migration scripts import, bound per thread and per asyncio task.

The active :class:`~mig.ops.operations.Operations` lives in a context variable: each thread
starts with its own empty context and each asyncio task works on a copy of its parent's, so
two migrations running at once never see each other's ``op``.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from mig.ops.errors import NoActiveMigrationError

if TYPE_CHECKING:
    from mig.ops.operations import Operations

_active: ContextVar[Operations | None] = ContextVar("mig_active_operations", default=None)


def current_operations() -> Operations:
    """The Operations of the migration running in this thread or task."""
    ops = _active.get()
    if ops is None:
        raise NoActiveMigrationError(
            "mig.ops.op was used outside a migration: run it through `mig upgrade`, "
            "or read it as data with mig.ops.record(fn)"
        )
    return ops


class OperationsProxy:
    """Forwards every attribute to the active Operations (``op.add_column(...)``)."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return getattr(current_operations(), name)
        except NoActiveMigrationError as exc:
            raise NoActiveMigrationError(f"op.{name}: {exc}") from None

    def __repr__(self) -> str:
        ops = _active.get()
        return f"<mig.ops.op bound to {ops!r}>" if ops else "<mig.ops.op (no migration running)>"
