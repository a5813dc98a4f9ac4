"""Batch mode: rebuild a table with every change of a ``batch_alter_table`` block applied.

The move-and-copy recipe: take the table as it is (reflected, or ``copy_from``), apply the
block's directives to it (:mod:`mig.ddl.batch_rebuild`, which keeps the table's constraints
and indexes as ``create_*`` directives, :mod:`mig.ddl.batch_state`), create the new table
under a temporary name, copy the rows (casting columns whose type changed), drop the old
table, rename the new one into place and recreate the indexes. Named and unnamed
constraints are carried through; a ``naming_convention`` names the unnamed ones so the
block can drop them by that name.

When nothing in the block needs a rebuild (``recreate="auto"`` on a database that can
ALTER), the directives simply run one by one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

from mig import ops
from mig.ddl.batch_rebuild import TEMP_PREFIX, RebuildPlan
from mig.ddl.batch_state import ColumnSpec
from mig.ddl.errors import BatchError, OfflineBatchError, UnsupportedOperationError

if TYPE_CHECKING:
    from mig.ddl.impl import DefaultImpl

__all__ = ["TEMP_PREFIX", "ColumnSpec", "RebuildPlan", "run_batch", "source_table"]


def run_batch(impl: DefaultImpl, batch: ops.BatchAlterTableOp, reason: str | None = None) -> None:
    """Carry out a whole batch block on ``impl``.

    ``reason`` is set when the rebuild stands in for one directive (SQLite auto-batch): it
    names that directive in errors.
    """
    needs_rebuild = impl.requires_recreate_in_batch(batch)
    if batch.recreate == "never" and needs_rebuild:
        raise UnsupportedOperationError(
            "batch_alter_table",
            impl.dialect_name,
            "use recreate='auto' so the table can be rebuilt",
            f"recreate='never' but {batch.table_name!r} needs a rebuild for these changes",
        )
    if batch.recreate == "always" or needs_rebuild:
        plan = RebuildPlan(impl, source_table(impl, batch, reason), batch)
        for op in batch.ops:
            plan.apply(op)
        plan.reorder(batch.partial_reordering)
        plan.run()
        return
    for op in batch.ops:
        impl.run(op)


def source_table(
    impl: DefaultImpl, batch: ops.BatchAlterTableOp, reason: str | None = None
) -> sa.Table:
    """The table as it is now: ``copy_from``, or reflected from the connection."""
    md = sa.MetaData(naming_convention=batch.naming_convention or None)
    if batch.copy_from is not None:
        return batch.copy_from.to_metadata(md, schema=batch.schema or batch.copy_from.schema)
    if impl.as_sql or impl.connection is None:
        what = reason or f"batch_alter_table({batch.table_name!r})"
        raise OfflineBatchError(
            f"{what} rebuilds the table on {impl.dialect_name}, and offline (--sql) mode "
            f"cannot reflect it: use op.batch_alter_table({batch.table_name!r}, "
            "copy_from=sa.Table(...)) describing the table as it is"
        )
    # Under a schema_translate_map the table is reflected, and rebuilt, under the schema its
    # statements reach: reflection names a foreign key's table there, and SQLite leaves out
    # a foreign key whose table seems to be in another schema than its own.
    in_catalog = impl.catalog_schema(batch.schema)
    if not sa.inspect(impl.connection).has_table(batch.table_name, schema=in_catalog):
        raise BatchError(
            f"batch_alter_table: table {batch.table_name!r} does not exist on {impl.dialect_name}"
        )
    return sa.Table(
        batch.table_name,
        md,
        *[a._copy() if hasattr(a, "_copy") else a for a in batch.reflect_args],
        schema=in_catalog,
        autoload_with=impl.connection,
        **batch.reflect_kwargs,
    )
