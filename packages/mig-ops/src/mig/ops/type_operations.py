"""The op API's declarations for named types and identities (``op.create_enum_type`` & co.).

A mixin of :class:`mig.ops.operations.Operations`, kept apart so that each module stays
one concern: these ops change a type or a column's identity sequence rather than a table.
Each is declared once, as in ``operations.py`` (see :mod:`mig.ops.signatures`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mig.ops.enum_ops import (
    AddEnumValueOp,
    CreateEnumTypeOp,
    DropEnumTypeOp,
    DropEnumValueOp,
    RebuildEnumTypeOp,
    RenameEnumValueOp,
)
from mig.ops.identity_ops import AlterIdentityOp
from mig.ops.signatures import op_method


class TypeOperations:
    """PostgreSQL enum types and identity columns."""

    # -- PostgreSQL enum types ---------------------------------------------------------------

    @op_method(CreateEnumTypeOp)
    def create_enum_type(
        self, type_name: str, values: Sequence[str], schema: str | None = None
    ) -> None:
        """Create a PostgreSQL ENUM type (``CREATE TYPE ... AS ENUM``)."""

    @op_method(DropEnumTypeOp)
    def drop_enum_type(
        self, type_name: str, schema: str | None = None, values: Sequence[str] | None = None
    ) -> None:
        """Drop a PostgreSQL ENUM type; ``values`` make the directive reversible."""

    @op_method(AddEnumValueOp)
    def add_enum_value(
        self,
        type_name: str,
        value: str,
        *,
        schema: str | None = None,
        before: str | None = None,
        after: str | None = None,
        values: Sequence[str] | None = None,
        columns: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        """Add a value to a PostgreSQL ENUM type (``ALTER TYPE ... ADD VALUE``).

        ``values`` (the type's values before) and ``columns`` (the columns of the type)
        are only needed to reverse it.
        """

    @op_method(DropEnumValueOp)
    def drop_enum_value(
        self,
        type_name: str,
        value: str,
        values: Sequence[str],
        *,
        schema: str | None = None,
        columns: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        """Take ``value`` out of a PostgreSQL ENUM type by rebuilding it with ``values``."""

    @op_method(RenameEnumValueOp)
    def rename_enum_value(
        self, type_name: str, old_value: str, new_value: str, *, schema: str | None = None
    ) -> None:
        """Rename a value of a PostgreSQL ENUM type (``ALTER TYPE ... RENAME VALUE``)."""

    @op_method(RebuildEnumTypeOp)
    def rebuild_enum_type(
        self,
        type_name: str,
        values: Sequence[str],
        *,
        schema: str | None = None,
        old_values: Sequence[str] | None = None,
        columns: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        """Give a PostgreSQL ENUM type exactly ``values`` (values out, or reordered).

        The type is created anew and each of ``columns`` converted to it; a row holding a
        value ``values`` lacks stops it first, naming the column. ``old_values`` make it
        reversible.
        """

    # -- identity columns --------------------------------------------------------------------

    @op_method(AlterIdentityOp)
    def alter_identity(
        self,
        table_name: str,
        column_name: str,
        *,
        schema: str | None = None,
        always: bool | None = None,
        start: int | None = None,
        increment: int | None = None,
        minvalue: int | None = None,
        maxvalue: int | None = None,
        cycle: bool | None = None,
        cache: int | None = None,
        existing: Mapping[str, Any] | None = None,
    ) -> None:
        """Change an identity column's options in place (the rows are not touched).

        Only the options given change; ``existing`` (their values before) makes it
        reversible.
        """
