"""CHECK constraints: named ones (opt-in, ``compare_check_constraints=True``), and the
CHECKs of ``Boolean``/``Enum`` types (``create_constraint=True``), always.

Only constraints with a name in the model are created or changed: an unnamed one cannot
be dropped later, and its database name is the database's invention. A database check
is dropped when the model has no check of that name and none with the same condition
(unnamed model checks match by condition). Conditions are compared loosely (case, spaces,
quotes, parentheses and casts ignored); a database that rewrites a condition more deeply
(PostgreSQL turns ``IN (...)`` into ``= ANY (ARRAY[...])``) will show it as changed.

A type's CHECK belongs to its column's type: it is matched by its final name (the type's
``name=`` through the naming convention), never by its condition (the type comparison
covers that), and created when the database lacks it on a column whose type this
migration leaves alone (``add_column`` and ``alter_column`` create their own through
mig-ddl). A missing one is a difference even with ``compare_check_constraints`` off, as a
changed type is. MariaDB's own ``json_valid`` checks on JSON columns are never reported.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import visitors

from mig import ops
from mig.autogen.compare.computed import expression_text, normalize_sql
from mig.autogen.compare.registry import comparator
from mig.autogen.compare.state import TableDiff
from mig.autogen.context import AutogenContext
from mig.autogen.ordering import sorted_items
from mig.ddl import type_checks


def _is_system_check(info: dict[str, Any], column_names: list[str]) -> bool:
    text = normalize_sql(info.get("sqltext") or "")
    return info.get("name") in column_names and text.startswith("json_valid")


def _create(
    ctx: AutogenContext, diff: TableDiff, ck: sa.CheckConstraint, name: str | None = None
) -> ops.MigrateOperation:
    return ops.CreateCheckConstraintOp(
        name or str(ck.name),
        diff.name,
        expression_text(ctx, ck.sqltext),
        schema=diff.schema,
        **ck.dialect_kwargs,
    )


def _drop(diff: TableDiff, info: dict[str, Any]) -> ops.MigrateOperation:
    restore = ops.CreateCheckConstraintOp(
        info["name"], diff.name, info["sqltext"], schema=diff.schema
    )
    return ops.DropConstraintOp(
        info["name"], diff.name, type_="check", schema=diff.schema, restore=restore
    )


def _type_checks(ctx: AutogenContext, diff: TableDiff) -> dict[str, sa.CheckConstraint]:
    """The model's named type CHECKs (Boolean/Enum ``create_constraint=True``) that this
    database creates, by their final name, on columns the database already has and whose
    type this migration does not change (``add_column`` and ``alter_column`` bring theirs)."""
    retyped = {
        op.column_name
        for _, _, op in diff._ops
        if isinstance(op, ops.AlterColumnOp) and op.modify_type is not None
    }
    existing = set(diff.reflected.column_names)
    out: dict[str, sa.CheckConstraint] = {}
    for ck in sorted_items(diff.model.constraints):
        if not type_checks.is_type_check(ck) or not type_checks.creates(ck, ctx.dialect):
            continue
        name = type_checks.check_name(ck)
        if name is None or not ctx.run_object_filters(ck, name, "check_constraint", False, None):
            continue
        column = _bound_column(ck)
        if column is None or column not in existing or column in retyped:
            continue
        out[name] = ck
    return out


def _bound_column(ck: sa.CheckConstraint) -> str | None:
    """The column whose type made ``ck`` (the one its condition names)."""
    names = {e.name for e in visitors.iterate(ck.sqltext) if isinstance(e, sa.Column)}
    return next(iter(names)) if len(names) == 1 else None


@comparator("table", order=40, name="check_constraints")
def compare_checks(ctx: AutogenContext, diff: TableDiff) -> None:
    """Named CHECKs (opt-in); a missing type CHECK is always a difference, as its type is."""
    parents = diff.parent_names
    conn = [
        info
        for info in diff.reflected.check_constraints
        if not _is_system_check(info, diff.reflected.column_names)
        and ctx.run_name_filters(info.get("name"), "check_constraint", parents)
    ]
    typed = _type_checks(ctx, diff)
    conn_names = {info.get("name") for info in conn}
    for name, ck in typed.items():
        if name not in conn_names:
            diff.emit("add_check", _create(ctx, diff, ck, name))
    if not ctx.compare_check_constraints:
        return
    model = [
        c
        for c in sorted_items(diff.model.constraints)
        if isinstance(c, sa.CheckConstraint)
        and not type_checks.is_type_check(c)
        and ctx.run_object_filters(c, c.name, "check_constraint", False, None)
    ]
    model_text = {id(c): normalize_sql(expression_text(ctx, c.sqltext)) for c in model}
    by_name = {str(c.name): c for c in model if isinstance(c.name, str)}
    type_texts = {
        normalize_sql(expression_text(ctx, c.sqltext))
        for c in diff.model.constraints
        if type_checks.is_type_check(c)
    }
    matched: set[int] = set()
    for info in conn:
        text = normalize_sql(info.get("sqltext") or "")
        if info.get("name") in typed or (info.get("name") is None and text in type_texts):
            continue  # a type CHECK: it follows its column's type, compared as a type
        ck = by_name.get(info.get("name") or "")
        if ck is None:
            ck = next(
                (c for c in model if id(c) not in matched and model_text[id(c)] == text), None
            )
        if ck is None:
            if info.get("name") and not _type_bound_name(ctx, diff, info):
                diff.emit("drop_check", _drop(diff, info))
            continue
        matched.add(id(ck))
        if model_text[id(ck)] != text and info.get("name") and isinstance(ck.name, str):
            diff.emit("drop_check", _drop(diff, info))
            diff.emit("add_check", _create(ctx, diff, ck))
    for ck in model:
        if id(ck) in matched or not isinstance(ck.name, str):
            continue
        diff.emit("add_check", _create(ctx, diff, ck))


def _type_bound_name(ctx: AutogenContext, diff: TableDiff, info: dict[str, Any]) -> bool:
    """Whether a database CHECK carries the name of one of the model's type CHECKs (on a
    column being added or retyped, whose directive takes care of it)."""
    names = {
        type_checks.check_name(c) for c in diff.model.constraints if type_checks.is_type_check(c)
    }
    return info.get("name") in names
