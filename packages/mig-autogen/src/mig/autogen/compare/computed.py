"""Computed (generated) columns.

New columns and tables carry their ``Computed`` in the directive. No database can change
a generated column's expression (or whether it is stored) with ALTER, so a change is a
*rewrite*: the column is dropped and added again with the new expression (the database
computes it anew for every row), and the indexes and unique constraints that cover it are
dropped before and created after (``TableDiff.rewritten_columns`` tells the index
comparator). The drop comes in the ``rewrite_drop`` phase, before the add, and carries the
old definition, so the downgrade rewrites it back. ``mig lint`` flags such a pair (MIG015:
it rewrites the table's rows). On PostgreSQL and SQLite the column comes back as the
table's last column.

Turning a plain column into a computed one or back is not done (the values would be
lost or replaced): it is reported as skipped.

Expressions are compared loosely (case, spaces, quotes, parentheses and PostgreSQL casts
ignored), since each database reprints them its own way.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from mig import ops
from mig.autogen.compare.columns import added_column
from mig.autogen.compare.registry import comparator
from mig.autogen.compare.state import ColumnDiff
from mig.autogen.context import AutogenContext

_CAST = re.compile(r"::\s*[a-z_][\w ]*?(\(\d+(,\s*\d+)?\))?(\[\])?(?=[\s),]|$)", re.IGNORECASE)
_NOISE = re.compile(r"[\s()\"`\[\]]")


def normalize_sql(text: str) -> str:
    """A loose canonical form of a SQL expression, for "did the model change it?" checks."""
    text = _CAST.sub("", text)
    return _NOISE.sub("", text).lower()


def expression_text(ctx: AutogenContext, expr: Any) -> str:
    """A model SQL expression as this dialect writes it in DDL (no table prefixes)."""
    if isinstance(expr, str):
        return expr
    try:
        compiled = expr.compile(
            dialect=ctx.dialect, compile_kwargs={"literal_binds": True, "include_table": False}
        )
    except sa.exc.CompileError:
        return str(expr)
    return str(compiled)


@comparator("column", order=50, name="computed")
def compare_computed(ctx: AutogenContext, diff: ColumnDiff) -> None:
    model = diff.model.computed
    reflected = diff.info.get("computed")
    where = f"{diff.table.name}.{diff.name}"
    if model is None and reflected is None:
        return
    if model is None or reflected is None:
        what = "is computed in the database" if model is None else "is computed in the model"
        ctx.skip(
            f"column {where} {what} but not in the "
            f"{'model' if model is None else 'database'}: a column cannot be altered into or "
            "out of a computed column; no directive generated"
        )
        return
    changed = normalize_sql(expression_text(ctx, model.sqltext)) != normalize_sql(
        reflected["sqltext"]
    )
    if (
        model.persisted is not None
        and reflected.get("persisted") is not None
        # not on MySQL/MariaDB: geoalchemy2, if imported, compiles Computed there without
        # STORED, so a persisted column is created VIRTUAL and would differ on every run
        and ctx.dialect.name not in ("mysql", "mariadb")
    ):
        changed = changed or bool(model.persisted) != bool(reflected["persisted"])
    if changed:
        rewrite(diff)


def rewrite(diff: ColumnDiff) -> None:
    """Drop the column and add the model's (see the module docstring)."""
    table = diff.table
    table.rewritten_columns.add(diff.name)
    drop = ops.DropColumnOp.from_column(table.name, diff.reflected, schema=table.schema)
    table.emit("rewrite_drop", drop)
    table.emit("add_column", ops.AddColumnOp(table.name, added_column(diff.model), table.schema))
