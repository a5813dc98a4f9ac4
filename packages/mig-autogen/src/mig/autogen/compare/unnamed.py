"""Dropping constraints the database keeps without a name (SQLite's unnamed foreign keys and
unique constraints).

``ALTER TABLE ... DROP CONSTRAINT`` needs a name, and SQLite has no such statement anyway:
it rebuilds the table (move and copy). The batch block names the reflected constraints with
a naming convention, so the directive inside it can drop the one that goes by the name the
convention gives it (mig's own name for it, ``naming``, for plain column names). Its restore
is the unnamed constraint again, so the downgrade rebuilds the table with it.
"""

from __future__ import annotations

from collections.abc import Sequence

from mig import ops
from mig.autogen.compare.state import TableDiff

CONVENTIONS = {
    "foreignkey": ("fk", "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s"),
    "unique": ("uq", "uq_%(table_name)s_%(column_0_N_name)s"),
}
"""What the rebuild names unnamed reflected constraints by (as ``naming._own`` does)."""


def emit_rebuild_drop(
    diff: TableDiff,
    phase: str,
    kind: str,
    columns: Sequence[str],
    restore: ops.MigrateOperation,
    referred: str | None = None,
) -> None:
    """Drop the unnamed constraint in a block that rebuilds ``diff``'s table without it;
    the table's other unnamed drops join the same block (one rebuild, not one each)."""
    table = diff.name  # table renames run before everything else
    key, template = CONVENTIONS[kind]
    name = template % {
        "table_name": table,
        "column_0_N_name": "_".join(columns),
        "referred_table_name": referred or "",
    }
    drop = ops.DropConstraintOp(name, table, type_=kind, schema=diff.schema, restore=restore)
    for _, _, op in diff._ops:
        if isinstance(op, ops.BatchAlterTableOp) and getattr(op, "info", {}).get(_MARK):
            op.ops.append(drop)
            op.naming_convention[key] = template
            return
    batch = ops.BatchAlterTableOp(
        table, [drop], schema=diff.schema, recreate="always", naming_convention={key: template}
    )
    batch.info = {_MARK: True}
    diff.emit(phase, batch)


_MARK = "mig_unnamed_drops"
