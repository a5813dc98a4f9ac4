"""PostgreSQL ENUM types as directives: create, drop, add a value, and take a value out.

mig-ops has no directive for a named type, and autogenerate needs four: a new enum type is
created before the table that uses it and dropped after the last one that used it is gone;
a value added in the model becomes ``ALTER TYPE ... ADD VALUE``. PostgreSQL cannot drop a
value, so the inverse of adding one rebuilds the type without it (rename the old type,
create the new one, convert each column that uses it, drop the old one).

Importing this module adds ``op.create_enum_type``, ``op.drop_enum_type``,
``op.add_enum_value`` and ``op.drop_enum_value`` to the op API and registers their
executors; ``import mig.autogen`` does that. A migration script that uses them carries
``import mig.autogen.enum_ops`` (autogenerate adds the line to the script's imports).

``ALTER TYPE ... ADD VALUE`` runs in an autocommit block when the migration context offers
one (mig.runtime's does): before PostgreSQL 12 it cannot run inside a transaction at all,
and since then a value added inside a transaction cannot be used until it commits.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

from mig.ddl import UnsupportedOperationError
from mig.ddl.dispatch import impl_of
from mig.ops import DirectiveError, IrreversibleOperationError, MigrateOperation, Operations
from mig.ops import fields as f

SCRIPT_IMPORT = "import mig.autogen.enum_ops  # noqa: F401  (op.create_enum_type & co.)"
"""The import line a script needs for these directives' ``op`` methods."""


def _values(op_name: str, argument: str, values: Any) -> list[str]:
    if isinstance(values, str) or not isinstance(values, Sequence):
        raise DirectiveError(op_name, argument, "must be a list of strings")
    items = list(values)
    if not all(isinstance(v, str) for v in items):
        raise DirectiveError(op_name, argument, "must be a list of strings")
    if len(set(items)) != len(items):
        raise DirectiveError(op_name, argument, f"repeats a value: {items!r}")
    return items


def _name(op_name: str, argument: str, value: Any, optional: bool = False) -> Any:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value:
        raise DirectiveError(op_name, argument, f"must be a non-empty string, got {value!r}")
    return value


@Operations.register_operation("create_enum_type")
class CreateEnumTypeOp(MigrateOperation):
    """``op.create_enum_type("mood", ["sad", "ok"], schema=None)``: ``CREATE TYPE ... AS ENUM``."""

    op_name = "create_enum_type"
    fields = (f.name("type_name"), f.names("values"), f.name("schema", required=False))

    def __init__(self, type_name: str, values: Sequence[str], schema: str | None = None) -> None:
        self.type_name = _name(self.op_name, "type_name", type_name)
        self.values = _values(self.op_name, "values", values)
        self.schema = _name(self.op_name, "schema", schema, optional=True)

    @classmethod
    def create_enum_type(
        cls,
        operations: Operations,
        type_name: str,
        values: Sequence[str],
        schema: str | None = None,
    ) -> Any:
        """Create a PostgreSQL ENUM type."""
        return operations.invoke(cls(type_name, values, schema=schema))

    def to_type(self) -> pg.ENUM:
        return pg.ENUM(*self.values, name=self.type_name, schema=self.schema, create_type=False)

    def reverse(self) -> DropEnumTypeOp:
        return DropEnumTypeOp(self.type_name, schema=self.schema, values=self.values)


@Operations.register_operation("drop_enum_type")
class DropEnumTypeOp(MigrateOperation):
    """``op.drop_enum_type("mood", values=[...])``; ``values`` make it reversible."""

    op_name = "drop_enum_type"
    fields = (
        f.name("type_name"),
        f.name("schema", required=False),
        f.value("values"),
    )

    def __init__(
        self, type_name: str, schema: str | None = None, values: Sequence[str] | None = None
    ) -> None:
        self.type_name = _name(self.op_name, "type_name", type_name)
        self.schema = _name(self.op_name, "schema", schema, optional=True)
        self.values = None if values is None else _values(self.op_name, "values", values)

    @classmethod
    def drop_enum_type(
        cls,
        operations: Operations,
        type_name: str,
        schema: str | None = None,
        values: Sequence[str] | None = None,
    ) -> Any:
        """Drop a PostgreSQL ENUM type."""
        return operations.invoke(cls(type_name, schema=schema, values=values))

    def reverse(self) -> CreateEnumTypeOp:
        if self.values is None:
            raise IrreversibleOperationError(
                self.op_name, f"the values of enum type {self.type_name!r} are not known"
            )
        return CreateEnumTypeOp(self.type_name, self.values, schema=self.schema)


@Operations.register_operation("add_enum_value")
class AddEnumValueOp(MigrateOperation):
    """``op.add_enum_value("mood", "happy", before="ok")``: ``ALTER TYPE ... ADD VALUE``.

    ``columns`` (each ``{"table", "column", "schema"?, "default"?}``) are the columns of
    type ``type_name``; only the inverse needs them, to convert those columns.
    """

    op_name = "add_enum_value"
    fields = (
        f.name("type_name"),
        f.Field("value", lambda v, p: v, f.name("value").decode, required=True),
        f.name("schema", required=False),
        f.name("before", required=False),
        f.name("after", required=False),
        f.value("values"),
        f.value("columns", default=()),
    )

    def __init__(
        self,
        type_name: str,
        value: str,
        schema: str | None = None,
        before: str | None = None,
        after: str | None = None,
        values: Sequence[str] | None = None,
        columns: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        op = self.op_name
        self.type_name = _name(op, "type_name", type_name)
        if not isinstance(value, str):
            raise DirectiveError(op, "value", f"must be a string, got {value!r}")
        self.value = value
        self.schema = _name(op, "schema", schema, optional=True)
        if before is not None and after is not None:
            raise DirectiveError(op, "before", "give before or after, not both")
        self.before = _name(op, "before", before, optional=True)
        self.after = _name(op, "after", after, optional=True)
        self.values = None if values is None else _values(op, "values", values)
        """The type's values before this one is added (what the inverse restores)."""
        self.columns = _columns(op, columns)

    def _encode_field(self, field: f.Field, value: Any, path: str) -> Any:
        if field.name == "columns":
            return [dict(c) for c in value]
        return super()._encode_field(field, value, path)

    @classmethod
    def add_enum_value(cls, operations: Operations, type_name: str, value: str, **kw: Any) -> Any:
        """Add a value to a PostgreSQL ENUM type (in an autocommit block)."""
        return operations.invoke(cls(type_name, value, **kw))

    def reverse(self) -> DropEnumValueOp:
        if self.values is None:
            raise IrreversibleOperationError(
                self.op_name,
                f"the values of enum type {self.type_name!r} before {self.value!r} was added "
                "are not known (pass values=[...])",
            )
        return DropEnumValueOp(
            self.type_name, self.value, self.values, schema=self.schema, columns=self.columns
        )


@Operations.register_operation("drop_enum_value")
class DropEnumValueOp(MigrateOperation):
    """Take a value out of an ENUM type by rebuilding it with ``values``.

    PostgreSQL has no ``DROP VALUE``: the type is renamed aside, created again with
    ``values``, each of ``columns`` is converted (``USING col::text::type``; a row that
    still holds the removed value makes this fail, as it should), and the old type dropped.
    """

    op_name = "drop_enum_value"
    fields = (
        f.name("type_name"),
        f.Field("value", lambda v, p: v, f.name("value").decode, required=True),
        f.names("values"),
        f.name("schema", required=False),
        f.value("columns", default=()),
    )

    def __init__(
        self,
        type_name: str,
        value: str,
        values: Sequence[str],
        schema: str | None = None,
        columns: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        op = self.op_name
        self.type_name = _name(op, "type_name", type_name)
        if not isinstance(value, str):
            raise DirectiveError(op, "value", f"must be a string, got {value!r}")
        self.value = value
        self.values = _values(op, "values", values)
        if value in self.values:
            raise DirectiveError(op, "values", f"still holds the dropped value {value!r}")
        self.schema = _name(op, "schema", schema, optional=True)
        self.columns = _columns(op, columns)

    def _encode_field(self, field: f.Field, value: Any, path: str) -> Any:
        if field.name == "columns":
            return [dict(c) for c in value]
        return super()._encode_field(field, value, path)

    @classmethod
    def drop_enum_value(
        cls, operations: Operations, type_name: str, value: str, values: Sequence[str], **kw: Any
    ) -> Any:
        """Rebuild a PostgreSQL ENUM type without ``value``."""
        return operations.invoke(cls(type_name, value, values, **kw))

    def reverse(self) -> AddEnumValueOp:
        return AddEnumValueOp(
            self.type_name,
            self.value,
            schema=self.schema,
            values=self.values,
            columns=self.columns,
        )


_COLUMN_KEYS = {"table", "column", "schema", "default"}


def _columns(op_name: str, columns: Any) -> tuple[dict[str, Any], ...]:
    out = []
    for item in columns or ():
        if not isinstance(item, Mapping) or not {"table", "column"} <= set(item):
            raise DirectiveError(
                op_name, "columns", f"holds {item!r}, not {{'table': ..., 'column': ...}}"
            )
        unknown = sorted(set(item) - _COLUMN_KEYS)
        if unknown:
            raise DirectiveError(op_name, "columns", f"unknown key {unknown[0]!r}")
        out.append({k: v for k, v in item.items() if v is not None})
    return tuple(out)


# -- executors ----------------------------------------------------------------------------


def _pg_impl(operations: Operations, op: MigrateOperation) -> Any:
    impl = impl_of(operations, op)
    if impl.dialect_name != "postgresql":
        raise UnsupportedOperationError(
            op.op_name,
            impl.dialect_name,
            "use the database's own enum type (sa.Enum renders inline there)",
            "named ENUM types exist only on PostgreSQL",
        )
    return impl


def _sql(text: str) -> sa.TextClause:
    """SQL text whose colons are literal (an enum value may hold one)."""
    return sa.text(text.replace(":", "\\:"))


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _type_name(impl: Any, name: str, schema: str | None) -> str:
    return impl.dialect.identifier_preparer.format_type(
        pg.ENUM(name=name, schema=schema, create_type=False)
    )


@Operations.implementation_for(CreateEnumTypeOp)
def _create_enum_type(operations: Operations, op: CreateEnumTypeOp) -> None:
    impl = _pg_impl(operations, op)
    impl.execute(pg.CreateEnumType(op.to_type()))


@Operations.implementation_for(DropEnumTypeOp)
def _drop_enum_type(operations: Operations, op: DropEnumTypeOp) -> None:
    impl = _pg_impl(operations, op)
    impl.execute(pg.DropEnumType(pg.ENUM(name=op.type_name, schema=op.schema, create_type=False)))


def add_enum_value_sql(impl: Any, op: AddEnumValueOp) -> str:
    sql = (
        f"ALTER TYPE {_type_name(impl, op.type_name, op.schema)} "
        f"ADD VALUE IF NOT EXISTS {_literal(op.value)}"
    )
    if op.before is not None:
        sql += f" BEFORE {_literal(op.before)}"
    elif op.after is not None:
        sql += f" AFTER {_literal(op.after)}"
    return sql


@Operations.implementation_for(AddEnumValueOp)
def _add_enum_value(operations: Operations, op: AddEnumValueOp) -> None:
    impl = _pg_impl(operations, op)
    block = getattr(operations.migration_context, "autocommit_block", None)
    with block() if block is not None else contextlib.nullcontext():
        impl.execute(_sql(add_enum_value_sql(impl, op)))


def drop_enum_value_sql(impl: Any, op: DropEnumValueOp) -> list[str]:
    prep = impl.dialect.identifier_preparer
    aside = f"{op.type_name}_old_mig"
    name = _type_name(impl, op.type_name, op.schema)
    out = [
        f"ALTER TYPE {name} RENAME TO {prep.quote(aside)}",
        f"CREATE TYPE {name} AS ENUM ({', '.join(_literal(v) for v in op.values)})",
    ]
    for col in op.columns:
        table = prep.format_table(sa.table(col["table"], schema=col.get("schema")))
        column = prep.quote(col["column"])
        head = f"ALTER TABLE {table} ALTER COLUMN {column}"
        if col.get("default") is not None:
            out.append(f"{head} DROP DEFAULT")
        out.append(f"{head} TYPE {name} USING {column}::text::{name}")
        if col.get("default") is not None:
            out.append(f"{head} SET DEFAULT {col['default']}")
    out.append(f"DROP TYPE {_type_name(impl, aside, op.schema)}")
    return out


@Operations.implementation_for(DropEnumValueOp)
def _drop_enum_value(operations: Operations, op: DropEnumValueOp) -> None:
    impl = _pg_impl(operations, op)
    for statement in drop_enum_value_sql(impl, op):
        impl.execute(_sql(statement))


ENUM_DIRECTIVES = (CreateEnumTypeOp, DropEnumTypeOp, AddEnumValueOp, DropEnumValueOp)
