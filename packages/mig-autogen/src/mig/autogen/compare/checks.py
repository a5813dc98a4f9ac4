"""Named CHECK constraints (opt-in: ``compare_check_constraints=True``).

Only constraints with a name in the model are created or changed: an unnamed one cannot
be dropped later, and its database name is the database's invention. A database check
is dropped when the model has no check of that name and none with the same condition
(unnamed model checks, and those SQLAlchemy adds for ``Boolean``/``Enum`` types, match by
condition). Conditions are compared loosely (case, spaces, quotes, parentheses and casts
ignored); a database that rewrites a condition more deeply (PostgreSQL turns ``IN (...)``
into ``= ANY (ARRAY[...])``) will show it as changed.
MariaDB's own ``json_valid`` checks on JSON columns are never reported.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from mig import ops
from mig.autogen.compare.computed import expression_text, normalize_sql
from mig.autogen.compare.registry import comparator
from mig.autogen.compare.state import TableDiff
from mig.autogen.context import AutogenContext


def _is_system_check(info: dict[str, Any], column_names: list[str]) -> bool:
    text = normalize_sql(info.get("sqltext") or "")
    return info.get("name") in column_names and text.startswith("json_valid")


def _create(ctx: AutogenContext, diff: TableDiff, ck: sa.CheckConstraint) -> ops.MigrateOperation:
    return ops.CreateCheckConstraintOp(
        str(ck.name),
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


@comparator("table", order=40, name="check_constraints")
def compare_checks(ctx: AutogenContext, diff: TableDiff) -> None:
    if not ctx.compare_check_constraints:
        return
    parents = diff.parent_names
    model = [c for c in diff.model.constraints if isinstance(c, sa.CheckConstraint)]
    model = [
        c
        for c in sorted(model, key=lambda c: str(c.name))
        if ctx.run_object_filters(c, c.name, "check_constraint", False, None)
    ]
    conn = [
        info
        for info in diff.reflected.check_constraints
        if not _is_system_check(info, diff.reflected.column_names)
        and ctx.run_name_filters(info.get("name"), "check_constraint", parents)
    ]
    model_text = {id(c): normalize_sql(expression_text(ctx, c.sqltext)) for c in model}
    by_name = {str(c.name): c for c in model if isinstance(c.name, str)}
    matched: set[int] = set()
    for info in conn:
        text = normalize_sql(info.get("sqltext") or "")
        ck = by_name.get(info.get("name") or "")
        if ck is None:
            ck = next(
                (c for c in model if id(c) not in matched and model_text[id(c)] == text), None
            )
        if ck is None:
            if info.get("name"):
                diff.emit("drop_check", _drop(diff, info))
            continue
        matched.add(id(ck))
        if model_text[id(ck)] != text and info.get("name") and isinstance(ck.name, str):
            diff.emit("drop_check", _drop(diff, info))
            diff.emit("add_check", _create(ctx, diff, ck))
    for ck in model:
        if id(ck) in matched or not isinstance(ck.name, str):
            continue
        if getattr(ck, "_type_bound", False):
            continue  # comes and goes with its column's type
        diff.emit("add_check", _create(ctx, diff, ck))
