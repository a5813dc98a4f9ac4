"""Containers: directives grouped per table, per direction, and as a whole migration script.

Reversing a container reverses each member and the order, so ``upgrade_ops.reverse()`` is
the downgrade autogenerate writes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy.sql.schema import SchemaItem, Table

from mig.ops import fields as f
from mig.ops import validate
from mig.ops.base import MigrateOperation
from mig.ops.errors import DirectiveError


class OpContainer(MigrateOperation):
    """A directive that holds an ordered list of directives in ``ops``."""

    ops: list[MigrateOperation]

    def _check_ops(self, ops: Sequence[MigrateOperation]) -> list[MigrateOperation]:
        items = list(ops)
        for item in items:
            if not isinstance(item, MigrateOperation):
                raise DirectiveError(self.op_name, "ops", f"holds {item!r}, not a directive")
        return items

    def is_empty(self) -> bool:
        return not self.ops

    def _reversed_ops(self) -> list[MigrateOperation]:
        return [op.reverse() for op in reversed(self.ops)]

    def walk(self) -> Iterator[MigrateOperation]:
        """Every directive inside, depth first, containers included."""
        for op in self.ops:
            yield op
            if isinstance(op, OpContainer):
                yield from op.walk()


class ModifyTableOps(OpContainer):
    """Directives that all change one table (autogenerate groups them so)."""

    op_name = "modify_table"
    fields = (f.name("table_name"), f.directives("ops"), f.name("schema", required=False))

    def __init__(
        self, table_name: str, ops: Sequence[MigrateOperation], schema: str | None = None
    ) -> None:
        self.table_name = validate.name(self.op_name, "table_name", table_name)
        self.ops = self._check_ops(ops)
        self.schema = validate.name(self.op_name, "schema", schema, optional=True)

    def reverse(self) -> ModifyTableOps:
        return ModifyTableOps(self.table_name, self._reversed_ops(), schema=self.schema)


RECREATE_CHOICES = ("auto", "always", "never")


class BatchAlterTableOp(OpContainer):
    """The directives of one ``with op.batch_alter_table(...)`` block, with its options.

    The executor receives the block whole, so on SQLite (or ``recreate="always"``) it can
    rebuild the table once with every change applied.
    """

    op_name = "batch_alter_table"
    fields = (
        f.name("table_name"),
        f.directives("ops"),
        f.name("schema", required=False),
        f.text_value("recreate", default="auto"),
        f.value("partial_reordering"),
        f.table("copy_from"),
        f.schema_items("table_args"),
        f.mapping("table_kwargs"),
        f.schema_items("reflect_args"),
        f.mapping("reflect_kwargs"),
        f.mapping("naming_convention"),
    )

    def __init__(
        self,
        table_name: str,
        ops: Sequence[MigrateOperation] = (),
        schema: str | None = None,
        recreate: str = "auto",
        partial_reordering: Any = None,
        copy_from: Table | None = None,
        table_args: Sequence[SchemaItem] = (),
        table_kwargs: Mapping[str, Any] | None = None,
        reflect_args: Sequence[SchemaItem] = (),
        reflect_kwargs: Mapping[str, Any] | None = None,
        naming_convention: Mapping[str, Any] | None = None,
    ) -> None:
        op = self.op_name
        self.table_name = validate.name(op, "table_name", table_name)
        self.ops = self._check_ops(ops)
        self.schema = validate.name(op, "schema", schema, optional=True)
        self.recreate = validate.choice(op, "recreate", recreate, RECREATE_CHOICES)
        if partial_reordering is not None:
            partial_reordering = [
                tuple(validate.names(op, "partial_reordering", p, min_count=2))
                for p in partial_reordering
            ]
        self.partial_reordering = partial_reordering
        if copy_from is not None and not isinstance(copy_from, Table):
            raise DirectiveError(
                op, "copy_from", f"must be a sqlalchemy.Table, got {type(copy_from).__name__}"
            )
        self.copy_from = copy_from
        self.table_args = tuple(table_args)
        self.table_kwargs = dict(table_kwargs or {})
        self.reflect_args = tuple(reflect_args)
        self.reflect_kwargs = dict(reflect_kwargs or {})
        self.naming_convention = dict(naming_convention or {})

    def _encode_field(self, field: f.Field, value: Any, path: str) -> Any:
        if field.name == "partial_reordering":
            return [list(p) for p in value]
        return super()._encode_field(field, value, path)

    def reverse(self) -> BatchAlterTableOp:
        return BatchAlterTableOp(
            self.table_name,
            self._reversed_ops(),
            schema=self.schema,
            recreate=self.recreate,
            copy_from=None,
            table_args=self.table_args,
            table_kwargs=self.table_kwargs,
            naming_convention=self.naming_convention,
        )


class UpgradeOps(OpContainer):
    op_name = "upgrade_ops"
    fields = (f.directives("ops"), f.text_value("upgrade_token", default="upgrades"))

    def __init__(
        self, ops: Sequence[MigrateOperation] = (), upgrade_token: str = "upgrades"
    ) -> None:
        self.ops = self._check_ops(ops)
        self.upgrade_token = upgrade_token

    def reverse(self) -> DowngradeOps:
        return DowngradeOps(
            self._reversed_ops(), downgrade_token=self.upgrade_token.replace("upgrade", "downgrade")
        )


class DowngradeOps(OpContainer):
    op_name = "downgrade_ops"
    fields = (f.directives("ops"), f.text_value("downgrade_token", default="downgrades"))

    def __init__(
        self, ops: Sequence[MigrateOperation] = (), downgrade_token: str = "downgrades"
    ) -> None:
        self.ops = self._check_ops(ops)
        self.downgrade_token = downgrade_token

    def reverse(self) -> UpgradeOps:
        return UpgradeOps(
            self._reversed_ops(), upgrade_token=self.downgrade_token.replace("downgrade", "upgrade")
        )


class MigrationScript(MigrateOperation):
    """A whole revision as directives: what autogenerate produces and the template renders."""

    op_name = "migration_script"
    fields = (
        f.text_value("rev_id"),
        f.directive("upgrade_ops"),
        f.directive("downgrade_ops"),
        f.text_value("message"),
        f.value("imports", default=()),
        f.value("head"),
        f.flag("splice"),
        f.value("branch_label"),
        f.text_value("version_path"),
        f.value("depends_on"),
    )

    def __init__(
        self,
        rev_id: str | None,
        upgrade_ops: UpgradeOps,
        downgrade_ops: DowngradeOps,
        message: str | None = None,
        imports: Any = (),
        head: str | None = None,
        splice: bool | None = None,
        branch_label: Any = None,
        version_path: str | None = None,
        depends_on: Any = None,
    ) -> None:
        if not isinstance(upgrade_ops, UpgradeOps):
            raise DirectiveError(self.op_name, "upgrade_ops", "must be an UpgradeOps")
        if not isinstance(downgrade_ops, DowngradeOps):
            raise DirectiveError(self.op_name, "downgrade_ops", "must be a DowngradeOps")
        self.rev_id = rev_id
        self.upgrade_ops = upgrade_ops
        self.downgrade_ops = downgrade_ops
        self.message = message
        self.imports = tuple(sorted(set(imports)))
        self.head = head
        self.splice = splice
        self.branch_label = branch_label
        self.version_path = version_path
        self.depends_on = depends_on

    def _encode_field(self, field: f.Field, value: Any, path: str) -> Any:
        if field.name == "imports":
            return list(value)
        return super()._encode_field(field, value, path)
