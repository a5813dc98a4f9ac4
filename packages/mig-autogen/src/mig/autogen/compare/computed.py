"""Computed (generated) and identity columns.

New columns and tables carry their ``Computed``/``Identity`` in the directive. On an
existing column no database can turn an expression or an identity into something else
with ALTER, so a difference is reported as a warning (``AutogenContext.warnings`` and the
``mig.autogen`` logger), not as a directive, as Alembic does: the fix is a new column, or
a hand-written migration.

Expressions are compared loosely (case, spaces, quotes, parentheses and PostgreSQL casts
ignored), since each database reprints them its own way. Identity options are compared
only where the model states them.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from mig.autogen.compare.registry import comparator
from mig.autogen.compare.state import ColumnDiff
from mig.autogen.context import AutogenContext

_CAST = re.compile(r"::\s*[a-z_][\w ]*?(\(\d+(,\s*\d+)?\))?(\[\])?(?=[\s),]|$)", re.IGNORECASE)
_NOISE = re.compile(r"[\s()\"`\[\]]")

IDENTITY_OPTIONS = ("always", "start", "increment", "minvalue", "maxvalue", "cycle", "cache")


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
    if normalize_sql(expression_text(ctx, model.sqltext)) != normalize_sql(reflected["sqltext"]):
        ctx.skip(
            f"computed column {where}: the expression differs from the database's "
            f"({reflected['sqltext']!r}); a computed expression cannot be altered: "
            "no directive generated"
        )
    elif model.persisted is not None and reflected.get("persisted") is not None:
        if bool(model.persisted) != bool(reflected["persisted"]):
            ctx.skip(
                f"computed column {where}: persisted={model.persisted} in the model but "
                f"{reflected['persisted']} in the database; no directive generated"
            )


@comparator("column", order=60, name="identity")
def compare_identity(ctx: AutogenContext, diff: ColumnDiff) -> None:
    model = diff.model.identity
    reflected = diff.info.get("identity")
    where = f"{diff.table.name}.{diff.name}"
    if model is None or reflected is None:
        if model is not None and reflected is None and ctx.dialect.name == "postgresql":
            ctx.skip(
                f"column {where} is an identity column in the model but not in the "
                "database; no directive generated"
            )
        return
    changed = [
        name
        for name in IDENTITY_OPTIONS
        if getattr(model, name, None) is not None
        and reflected.get(name) is not None
        and getattr(model, name) != reflected[name]
    ]
    if changed:
        ctx.skip(
            f"identity column {where}: {', '.join(changed)} differ from the database; "
            "no directive generated"
        )
