"""PostgreSQL ENUM types as directives: create, drop, add, rename and take out values, rebuild.

A named enum type is a schema object of its own on PostgreSQL: it is created before the
table that uses it and dropped after the last one that used it is gone, and a value added
in the model becomes ``ALTER TYPE ... ADD VALUE``. PostgreSQL cannot drop a value, so the
inverse of adding one rebuilds the type without it (rename the old type, create the new
one, convert each column that uses it, drop the old one).

They live here, beside every other directive, so that a deployment running migrations
with mig-runtime alone can run a revision that uses ``op.create_enum_type``; mig-ddl
compiles them (PostgreSQL only) and autogenerate merely produces them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.dialects import postgresql as pg

from mig.ops import fields as f
from mig.ops.base import MigrateOperation
from mig.ops.errors import DirectiveError, IrreversibleOperationError


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


def _value(op_name: str, value: Any, argument: str = "value") -> str:
    """An enum label: any string, the empty one included (PostgreSQL accepts it)."""
    if not isinstance(value, str):
        raise DirectiveError(op_name, argument, f"must be a string, got {value!r}")
    return value


_COLUMN_KEYS = {"table", "column", "schema", "default", "array"}


def _columns(op_name: str, columns: Any) -> tuple[dict[str, Any], ...]:
    """The columns of the type, each ``{"table", "column", "schema"?, "default"?, "array"?}``.

    ``array: True`` marks a column of the type's array (``mood[]``), converted as one.
    """
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


def _label(name: str) -> f.Field:
    """An enum label as a field: written as is (it may be empty, which ``f.name`` refuses)."""
    return f.Field(name, lambda v, p: v, f.name(name).decode, required=True)


_LABEL = _label("value")


class _ColumnsField(MigrateOperation):
    """Shared encoding of the ``columns`` field (a tuple of dicts, written as a list)."""

    columns: tuple[dict[str, Any], ...]

    def _encode_field(self, field: f.Field, value: Any, path: str) -> Any:
        if field.name == "columns":
            return [dict(c) for c in value]
        return super()._encode_field(field, value, path)


class CreateEnumTypeOp(MigrateOperation):
    """``op.create_enum_type("mood", ["sad", "ok"], schema=None)``: ``CREATE TYPE ... AS ENUM``."""

    op_name = "create_enum_type"
    fields = (f.name("type_name"), f.names("values"), f.name("schema", required=False))

    def __init__(self, type_name: str, values: Sequence[str], schema: str | None = None) -> None:
        self.type_name = _name(self.op_name, "type_name", type_name)
        self.values = _values(self.op_name, "values", values)
        self.schema = _name(self.op_name, "schema", schema, optional=True)

    def to_type(self) -> pg.ENUM:
        """The type as SQLAlchemy's PostgreSQL ENUM (not created by table events)."""
        return pg.ENUM(*self.values, name=self.type_name, schema=self.schema, create_type=False)

    def reverse(self) -> DropEnumTypeOp:
        return DropEnumTypeOp(self.type_name, schema=self.schema, values=self.values)


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

    def to_type(self) -> pg.ENUM:
        return pg.ENUM(name=self.type_name, schema=self.schema, create_type=False)

    def reverse(self) -> CreateEnumTypeOp:
        if self.values is None:
            raise IrreversibleOperationError(
                self.op_name, f"the values of enum type {self.type_name!r} are not known"
            )
        return CreateEnumTypeOp(self.type_name, self.values, schema=self.schema)


class AddEnumValueOp(_ColumnsField):
    """``op.add_enum_value("mood", "happy", before="ok")``: ``ALTER TYPE ... ADD VALUE``.

    ``values`` (the type's values before this one) and ``columns`` (each ``{"table",
    "column", "schema"?, "default"?}``, the columns of type ``type_name``) are only needed
    by the inverse, which rebuilds the type without the value and converts those columns.
    """

    op_name = "add_enum_value"
    fields = (
        f.name("type_name"),
        _LABEL,
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
        self.value = _value(op, value)
        self.schema = _name(op, "schema", schema, optional=True)
        if before is not None and after is not None:
            raise DirectiveError(op, "before", "give before or after, not both")
        self.before = _name(op, "before", before, optional=True)
        self.after = _name(op, "after", after, optional=True)
        self.values = None if values is None else _values(op, "values", values)
        self.columns = _columns(op, columns)

    def reverse(self) -> DropEnumValueOp:
        if self.values is None:
            raise IrreversibleOperationError(
                self.op_name,
                f"the values of enum type {self.type_name!r} before {self.value!r} was added "
                "are not known (pass values=[...])",
            )
        return DropEnumValueOp(
            self.type_name,
            self.value,
            self.values,
            schema=self.schema,
            columns=self.columns,
            restore=self,
        )


class DropEnumValueOp(_ColumnsField):
    """Take a value out of an ENUM type by rebuilding it with ``values``.

    PostgreSQL has no ``DROP VALUE``: the type is renamed aside, created again with
    ``values``, each of ``columns`` is converted (``USING col::text::type``), and the old
    type dropped. A row that still holds the removed value stops it first, with
    ``EnumValueInUseError`` naming the column (see :class:`RebuildEnumTypeOp`).
    ``restore`` is the add_enum_value that undoes it, where one is known (the reverse of an
    add keeps the add, so reversing twice gives back its ``before``/``after``); without one
    the value is added back at the end.
    """

    op_name = "drop_enum_value"
    fields = (
        f.name("type_name"),
        _LABEL,
        f.names("values"),
        f.name("schema", required=False),
        f.value("columns", default=()),
        f.directive("restore"),
    )

    def __init__(
        self,
        type_name: str,
        value: str,
        values: Sequence[str],
        schema: str | None = None,
        columns: Sequence[Mapping[str, Any]] = (),
        restore: AddEnumValueOp | None = None,
    ) -> None:
        op = self.op_name
        self.type_name = _name(op, "type_name", type_name)
        self.value = _value(op, value)
        self.values = _values(op, "values", values)
        if value in self.values:
            raise DirectiveError(op, "values", f"still holds the dropped value {value!r}")
        self.schema = _name(op, "schema", schema, optional=True)
        self.columns = _columns(op, columns)
        if restore is not None and not isinstance(restore, AddEnumValueOp):
            raise DirectiveError(op, "restore", "must be an AddEnumValueOp")
        self.restore = restore

    def reverse(self) -> AddEnumValueOp:
        if self.restore is not None:
            return self.restore
        return AddEnumValueOp(
            self.type_name,
            self.value,
            schema=self.schema,
            values=self.values,
            columns=self.columns,
        )


class RenameEnumValueOp(MigrateOperation):
    """``op.rename_enum_value("mood", "ok", "fine")``: ``ALTER TYPE ... RENAME VALUE``.

    The rows holding the value hold the new name at once (PostgreSQL 10+): nothing is
    rewritten, which is why a rename is not a removal and an addition.
    """

    op_name = "rename_enum_value"
    fields = (
        f.name("type_name"),
        _label("old_value"),
        _label("new_value"),
        f.name("schema", required=False),
    )

    def __init__(
        self, type_name: str, old_value: str, new_value: str, schema: str | None = None
    ) -> None:
        op = self.op_name
        self.type_name = _name(op, "type_name", type_name)
        self.old_value = _value(op, old_value, "old_value")
        self.new_value = _value(op, new_value, "new_value")
        if old_value == new_value:
            raise DirectiveError(op, "new_value", f"is the old value {old_value!r}")
        self.schema = _name(op, "schema", schema, optional=True)

    def reverse(self) -> RenameEnumValueOp:
        return RenameEnumValueOp(self.type_name, self.new_value, self.old_value, self.schema)


class RebuildEnumTypeOp(_ColumnsField):
    """``op.rebuild_enum_type("mood", ["sad", "ok"], old_values=[...], columns=[...])``.

    Gives the type exactly ``values``, in that order: what ``ADD VALUE`` cannot do (take a
    value out, reorder). The type is renamed to ``<name>_old_mig``, created again, each of
    ``columns`` converted (``ALTER COLUMN ... TYPE ... USING col::text::type``, arrays
    included), and the old type dropped. First, each column is checked: a row holding a
    value ``values`` lacks stops the step with ``EnumValueInUseError`` naming the column
    and the values (offline, a ``DO`` block raises the same). ``old_values`` (the values
    before) make it reversible.
    """

    op_name = "rebuild_enum_type"
    fields = (
        f.name("type_name"),
        f.names("values"),
        f.name("schema", required=False),
        f.value("old_values"),
        f.value("columns", default=()),
    )

    def __init__(
        self,
        type_name: str,
        values: Sequence[str],
        schema: str | None = None,
        old_values: Sequence[str] | None = None,
        columns: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        op = self.op_name
        self.type_name = _name(op, "type_name", type_name)
        self.values = _values(op, "values", values)
        if not self.values:
            raise DirectiveError(op, "values", "is empty: an enum type needs a value")
        self.schema = _name(op, "schema", schema, optional=True)
        self.old_values = None if old_values is None else _values(op, "old_values", old_values)
        self.columns = _columns(op, columns)

    def reverse(self) -> RebuildEnumTypeOp:
        if self.old_values is None:
            raise IrreversibleOperationError(
                self.op_name,
                f"the values of enum type {self.type_name!r} before the rebuild are not known "
                "(pass old_values=[...])",
            )
        return RebuildEnumTypeOp(
            self.type_name,
            self.old_values,
            schema=self.schema,
            old_values=self.values,
            columns=self.columns,
        )


ENUM_DIRECTIVES = (
    CreateEnumTypeOp,
    DropEnumTypeOp,
    AddEnumValueOp,
    DropEnumValueOp,
    RenameEnumValueOp,
    RebuildEnumTypeOp,
)
"""The named-type directives (all PostgreSQL-only when executed)."""
