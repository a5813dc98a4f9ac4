"""Named ENUM types (``op.create_enum_type`` & co.): what every dialect but PostgreSQL says.

Only PostgreSQL has named enum types; :class:`mig.ddl.postgresql.PostgresqlImpl` overrides
these methods with the SQL. Everywhere else each directive is refused in one line before
anything is sent, as ``create_exclude_constraint`` is: the database's own enum
(``sa.Enum`` rendered inline with the column) is the way out.

``ALTER TYPE ... ADD VALUE`` must run outside the migration's transaction (before
PostgreSQL 12 it cannot run inside one; since, a value added inside one cannot be used
until it commits): :meth:`EnumTypeMethods.outside_transaction` says so, and the executor
(:mod:`mig.ddl.dispatch`) runs the directive in the migration context's autocommit block.
"""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from mig import ops
from mig.ddl.errors import UnsupportedOperationError

ENUM_TYPE_METHODS: dict[type, str] = {
    ops.CreateEnumTypeOp: "create_enum_type",
    ops.DropEnumTypeOp: "drop_enum_type",
    ops.AddEnumValueOp: "add_enum_value",
    ops.DropEnumValueOp: "drop_enum_value",
    ops.RenameEnumValueOp: "rename_enum_value",
    ops.RebuildEnumTypeOp: "rebuild_enum_type",
}
"""Directive class -> the Impl method that carries it out (merged into DIRECTIVE_METHODS)."""


class EnumTypeMethods:
    """The named-type methods of ``DefaultImpl``: refused, naming the dialect."""

    outside_transaction_ops: ClassVar[tuple[type, ...]] = ()
    """Directive classes this dialect runs outside the migration's transaction."""

    dialect_name: str

    def outside_transaction(self, operation: ops.MigrateOperation) -> bool:
        """Whether ``operation`` must run in the migration context's autocommit block."""
        return isinstance(operation, self.outside_transaction_ops)

    def _no_named_types(self, op: ops.MigrateOperation) -> NoReturn:
        raise UnsupportedOperationError(
            op.op_name,
            self.dialect_name,
            "use the database's own enum type (sa.Enum renders inline there)",
            "named ENUM types exist only on PostgreSQL",
        )

    def create_enum_type(self, op: ops.CreateEnumTypeOp) -> Any:
        self._no_named_types(op)

    def drop_enum_type(self, op: ops.DropEnumTypeOp) -> Any:
        self._no_named_types(op)

    def add_enum_value(self, op: ops.AddEnumValueOp) -> Any:
        self._no_named_types(op)

    def drop_enum_value(self, op: ops.DropEnumValueOp) -> Any:
        self._no_named_types(op)

    def rename_enum_value(self, op: ops.RenameEnumValueOp) -> Any:
        self._no_named_types(op)

    def rebuild_enum_type(self, op: ops.RebuildEnumTypeOp) -> Any:
        self._no_named_types(op)
