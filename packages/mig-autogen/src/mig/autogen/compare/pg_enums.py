"""PostgreSQL ENUM types: created before the tables that use them, dropped after.

A named enum type is a schema object of its own on PostgreSQL. Compared here:

- a type the model uses and the database lacks: ``create_enum_type`` before everything else;
- values the model added: ``add_enum_value`` (placed ``BEFORE``/``AFTER`` a neighbour so
  the order matches the model; run in an autocommit block, see :mod:`mig.ops.enum_ops`);
- a value replaced by another at the same position (same number of values): a rename,
  ``rename_enum_value`` (the rows follow); ``detect_renames=False`` turns this guess off;
- values the model removed or reordered: ``rebuild_enum_type`` with the model's values
  and every column of the type (arrays included), which checks first that no row holds a
  removed value;
- a type the model no longer uses, whose every column in the database is going away in this
  migration (dropped table or column, changed type): ``drop_enum_type`` after everything else.

Because the type is now created by its own directive, the columns of the migration's
create_table/add_column directives (and of the restores the downgrade uses) get
``create_type=False``, so the type is not created twice (offline SQL would fail on it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

from mig import ops
from mig.autogen.compare.registry import comparator
from mig.autogen.compare.state import SchemaPlan
from mig.autogen.compare.tables import normalize_schema
from mig.autogen.context import AutogenContext
from mig.ops import enum_ops

EnumKey = tuple[str | None, str]


def _enum_of(type_: Any) -> sa.Enum | None:
    while isinstance(type_, sa.TypeDecorator):
        type_ = type_.impl_instance
    if isinstance(type_, sa.ARRAY):
        type_ = type_.item_type
    if isinstance(type_, sa.Enum) and type_.native_enum and type_.name:
        return type_
    return None


def model_enums(ctx: AutogenContext, plan: SchemaPlan) -> dict[EnumKey, sa.Enum]:
    out: dict[EnumKey, sa.Enum] = {}
    for table in plan.model.values():
        for column in table.columns:
            enum = _enum_of(column.type)
            if enum is None:
                continue
            key = (normalize_schema(ctx, enum.schema), str(enum.name))
            out.setdefault(key, enum)
    return out


EnumColumn = tuple[str | None, str, str, str | None, bool]
"""A reflected column of an enum type: (schema, table, column, default, is an array)."""


def _reflected_enum_columns(
    ctx: AutogenContext, plan: SchemaPlan
) -> dict[EnumKey, list[EnumColumn]]:
    """Enum key -> the reflected columns of that type."""
    out: dict[EnumKey, list[EnumColumn]] = {}
    for reflected in plan.reflected.values():
        for info in reflected.columns:
            type_ = info["type"]
            array = isinstance(type_, sa.ARRAY)
            if array:
                type_ = type_.item_type
            if not isinstance(type_, pg.ENUM) or not type_.name:
                continue
            key = (normalize_schema(ctx, type_.schema), str(type_.name))
            out.setdefault(key, []).append(
                (reflected.schema, reflected.name, info["name"], info.get("default"), array)
            )
    return out


def _column_info(columns: list[EnumColumn]) -> list[dict[str, Any]]:
    return [
        {"schema": s, "table": t, "column": c, "default": d, "array": a or None}
        for s, t, c, d, a in columns
    ]


def _renames(ctx: AutogenContext, current: list[str], wanted: list[str]) -> list[tuple[str, str]]:
    """Values replaced at the same position, when both sides have as many values."""
    if not ctx.detect_renames or len(current) != len(wanted):
        return []
    return [
        (old, new)
        for old, new in zip(current, wanted, strict=True)
        if old != new and old not in wanted and new not in current
    ]


def _going_away(plan: SchemaPlan) -> set[tuple[str | None, str, str]]:
    """Reflected columns this migration drops or retypes: (schema, table, column)."""
    out: set[tuple[str | None, str, str]] = set()
    for key in plan.removed:
        reflected = plan.removed[key]
        out.update((reflected.schema, reflected.name, c) for c in reflected.column_names)
    for diff in plan.table_diffs.values():
        table = diff.reflected
        out.update((table.schema, table.name, c) for c in diff.dropped_columns)
        for op in diff.ops():
            if isinstance(op, ops.AlterColumnOp) and op.modify_type is not None:
                if _enum_of(op.existing_type) is not None:
                    out.add((table.schema, table.name, op.column_name))
    return out


_USERS_SQL = sa.text(
    """
    SELECT tn.nspname AS type_schema, t.typname AS type_name,
           cn.nspname AS table_schema, c.relname AS table_name, a.attname AS column_name
    FROM pg_catalog.pg_attribute a
    JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
    JOIN pg_catalog.pg_namespace cn ON cn.oid = c.relnamespace
    JOIN pg_catalog.pg_type t ON t.oid = a.atttypid OR t.typarray = a.atttypid
    JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace
    WHERE t.typtype = 'e' AND t.typname = ANY(:names) AND a.attnum > 0
      AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
    """
)


def _all_users(
    ctx: AutogenContext, keys: list[EnumKey]
) -> dict[EnumKey, set[tuple[str | None, str, str]]]:
    """Every column of the database using each type (tables the comparison did not see
    included): one catalog query, run only when a type is about to be dropped."""
    out: dict[EnumKey, set[tuple[str | None, str, str]]] = {}
    assert ctx.connection is not None
    rows = ctx.connection.execute(_USERS_SQL, {"names": sorted({k[1] for k in keys})})
    for row in rows:
        key = (normalize_schema(ctx, row.type_schema), row.type_name)
        table_schema = normalize_schema(ctx, row.table_schema)
        out.setdefault(key, set()).add((table_schema, row.table_name, row.column_name))
    return out


def _value_ops(
    key: EnumKey,
    wanted: list[str],
    current: list[str],
    columns: list[EnumColumn],
) -> list[enum_ops.AddEnumValueOp]:
    out: list[enum_ops.AddEnumValueOp] = []
    values = list(current)
    column_info = _column_info(columns)
    for i, value in enumerate(wanted):
        if value in values:
            continue
        following = next((v for v in wanted[i + 1 :] if v in values), None)
        preceding = next((v for v in reversed(wanted[:i]) if v in values), None)
        kw: dict[str, Any] = {}
        if following is not None:
            kw["before"] = following
        elif preceding is not None and preceding != values[-1]:
            kw["after"] = preceding
        out.append(
            enum_ops.AddEnumValueOp(
                key[1], value, schema=key[0], values=list(values), columns=column_info, **kw
            )
        )
        if following is not None:
            values.insert(values.index(following), value)
        elif preceding is not None:
            values.insert(values.index(preceding) + 1, value)
        else:
            values.append(value)
    return out


def _column_directives(plan: SchemaPlan) -> Iterator[sa.Column]:
    for op in plan.directives():
        for item in [op, *(op.walk() if isinstance(op, ops.OpContainer) else ())]:
            yield from _columns_of(item)


def _columns_of(op: Any) -> Iterator[sa.Column]:
    if isinstance(op, ops.CreateTableOp):
        yield from op.table.columns
    elif isinstance(op, ops.AddColumnOp):
        yield op.column
    if isinstance(op, ops.DropTableOp | ops.DropColumnOp) and op.restore is not None:
        yield from _columns_of(op.restore)


def _external_type(enum: sa.Enum) -> pg.ENUM:
    return pg.ENUM(
        *enum.enums,
        name=enum.name,
        schema=enum.schema,
        create_type=False,
        metadata=enum.metadata,
    )


def mark_types_external(plan: SchemaPlan) -> None:
    """Named enum types in the migration's columns: created by their own directives."""
    for column in _column_directives(plan):
        type_ = column.type
        if isinstance(type_, sa.ARRAY):
            enum = _enum_of(type_.item_type)
            if enum is not None:
                type_.item_type = _external_type(enum)
            continue
        if isinstance(type_, sa.Enum) and _enum_of(type_) is not None:
            column.type = _external_type(type_)


@comparator("schema", order=50, name="postgresql_enums")
def compare_enums(ctx: AutogenContext, plan: SchemaPlan) -> None:
    if ctx.dialect is None or ctx.dialect.name != "postgresql":
        return
    wanted = model_enums(ctx, plan)
    existing: dict[EnumKey, list[str]] = {}
    for info in ctx.inspector.get_enums(schema="*"):
        key = (normalize_schema(ctx, info["schema"]), info["name"])
        if key[0] in plan.schemas:
            existing[key] = list(info["labels"])
    used_by = _reflected_enum_columns(ctx, plan)

    for key in sorted(wanted, key=_sort_key):
        enum = wanted[key]
        values = list(enum.enums)
        if key not in existing:
            plan.pre.append(enum_ops.CreateEnumTypeOp(key[1], values, schema=enum.schema))
            continue
        current = list(existing[key])
        for old, new in _renames(ctx, current, values):
            plan.pre.append(enum_ops.RenameEnumValueOp(key[1], old, new, schema=enum.schema))
            current[current.index(old)] = new
        removed = [v for v in current if v not in values]
        kept_model = [v for v in values if v in current]
        kept_db = [v for v in current if v in values]
        columns = used_by.get(key, [])
        if removed or kept_model != kept_db:
            plan.pre.append(
                enum_ops.RebuildEnumTypeOp(
                    key[1],
                    values,
                    schema=enum.schema,
                    old_values=current,
                    columns=_column_info(columns),
                )
            )
            continue
        plan.pre.extend(_value_ops(key, values, current, columns))

    going = _going_away(plan)
    candidates = []
    for key in sorted(existing, key=_sort_key):
        if key in wanted:
            continue
        users = {(s, t, c) for s, t, c, _, _ in used_by.get(key, [])}
        if users and users <= going:
            candidates.append(key)
    if candidates:
        in_use = _all_users(ctx, candidates)
        for key in candidates:
            if in_use.get(key, set()) <= going:
                plan.post.append(
                    enum_ops.DropEnumTypeOp(key[1], schema=key[0], values=existing[key])
                )

    mark_types_external(plan)


def _sort_key(key: EnumKey) -> tuple[str, str]:
    return key[0] or "", key[1]
