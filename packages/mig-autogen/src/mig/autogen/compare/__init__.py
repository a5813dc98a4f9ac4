"""Compare a model with a database: the comparators, and the run that drives them.

Importing this package registers the built-in comparators (one module per concern:
``tables``, ``columns``, ``types`` (types and server defaults), ``indexes`` (with unique
constraints), ``foreign_keys``, ``checks``, ``comments``, ``computed`` (computed and
identity columns), ``pg_enums``; ``renames`` is used by ``tables`` and ``columns``).
:func:`run_comparison` reflects the database in bulk and returns the directives, in the
order the migration runs them.
"""

from __future__ import annotations

import gc

from mig import ops
from mig.autogen.compare import (  # noqa: F401  (registration)
    checks,
    columns,
    comments,
    computed,
    foreign_keys,
    identity,
    indexes,
    pg_enums,
    tables,
    types,
)
from mig.autogen.compare.reflect import schemas_to_compare
from mig.autogen.compare.registry import ComparatorRegistry, comparator, comparators, run
from mig.autogen.compare.state import ColumnDiff, SchemaPlan, TableDiff
from mig.autogen.context import AutogenContext

__all__ = [
    "ColumnDiff",
    "ComparatorRegistry",
    "SchemaPlan",
    "TableDiff",
    "comparator",
    "comparators",
    "run_comparison",
]


def run_comparison(ctx: AutogenContext) -> ops.UpgradeOps:
    """Every difference between ``ctx``'s model and database, as an UpgradeOps.

    The cyclic garbage collector is paused while it runs: reflecting a wide schema makes
    hundreds of thousands of small objects that all stay alive until the end, and each
    automatic collection would walk all of them (and the model) again for nothing; on a
    2,000-table schema that was a fifth of the time. It is switched back on afterwards,
    exactly as it was.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        plan = SchemaPlan(schemas=schemas_to_compare(ctx))
        run("schema", ctx, plan)
        return ops.UpgradeOps(plan.directives(), upgrade_token=ctx.opts["upgrade_token"])
    finally:
        if paused:
            gc.enable()
