"""Plain columns: an ``ADD COLUMN`` that needs nothing but the column itself.

``add_column`` skips building a stub Table for such a column when the Impl's add-column
hooks are marked as doing nothing for it (:func:`plain_column_hook`), which costs less than
compiling the statement with a Table.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.base import SchemaEventTarget

PLAIN_COLUMN_HOOKS: set[Callable[..., Any]] = set()
"""``before_add_column`` / ``after_add_column`` functions that do nothing for a plain column
(see :func:`is_plain_column`). ``add_column`` skips the stub Table only when both hooks of
the Impl's class are in here, so a subclass overriding either still gets its table."""


def plain_column_hook(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Mark an add-column hook as a no-op for plain columns (adds it to PLAIN_COLUMN_HOOKS)."""
    PLAIN_COLUMN_HOOKS.add(fn)
    return fn


def is_plain_column(column: sa.Column) -> bool:
    """Whether ``ADD COLUMN`` for this column needs nothing but the column itself.

    A plain column is detached, is no part of a key, index or constraint, has no comment,
    no Sequence, and a type that hooks no schema events (no ENUM/Boolean constraint or
    type, no variants). Its specification compiles the same with or without a Table, and
    no statement rides on it, so ``add_column`` can skip building a stub Table and copying
    the column, which cost more than compiling the statement.
    """
    type_ = column.type
    return (
        column.table is None
        and not column.primary_key
        and not column.foreign_keys
        and not column.constraints
        and not column.index
        and not column.unique
        and column.comment is None
        and not isinstance(column.default, sa.Sequence)
        and not isinstance(type_, SchemaEventTarget)
        and not type_._variant_mapping
    )


@functools.cache
def _plain_hooks(cls: type) -> bool:
    return (
        cls.before_add_column in PLAIN_COLUMN_HOOKS and cls.after_add_column in PLAIN_COLUMN_HOOKS
    )
