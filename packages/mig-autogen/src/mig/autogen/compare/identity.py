"""Identity columns: a changed option becomes ``alter_identity``.

The options (start, increment, min/max, cycle, cache, ALWAYS/BY DEFAULT) belong to the
sequence behind the column, and PostgreSQL (and Oracle) change them in place without
touching the rows, so the difference is one ``op.alter_identity(...)`` carrying the old
values for the downgrade. Options are compared only where the model states them.
Elsewhere (SQL Server cannot alter an identity; MySQL/MariaDB and SQLite reflect none) a
difference is reported as skipped, as is a model identity the database's column lacks.
"""

from __future__ import annotations

from mig import ops
from mig.autogen.compare.registry import comparator
from mig.autogen.compare.state import ColumnDiff
from mig.autogen.context import AutogenContext
from mig.ops.identity_ops import IDENTITY_OPTIONS

ALTERS_IDENTITY = ("postgresql", "oracle")
"""Dialects whose mig-ddl Impl runs ``alter_identity``."""


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
    changed = {
        name: getattr(model, name)
        for name in IDENTITY_OPTIONS
        if getattr(model, name, None) is not None
        and reflected.get(name) is not None
        and getattr(model, name) != reflected[name]
    }
    if not changed:
        return
    if ctx.dialect.name not in ALTERS_IDENTITY:
        ctx.skip(
            f"identity column {where}: {', '.join(changed)} differ from the database; "
            f"{ctx.dialect.name} cannot change them in place: no directive generated"
        )
        return
    table = diff.table
    existing = {name: reflected[name] for name in changed}
    if "always" not in changed and reflected.get("always") is not None:
        existing["always"] = reflected["always"]  # Oracle's MODIFY restates it
    op = ops.AlterIdentityOp(table.name, diff.name, table.schema, **changed, existing=existing)
    table.emit("alter_column", op)
