"""The public comparison API: model vs database as directives, diff tuples, or a whole script.

```python
from mig.autogen import compare_metadata, produce_migrations
from mig.runtime import MigrationContext

with engine.connect() as conn:
    ctx = MigrationContext.configure(conn, opts={"compare_server_default": True})
    diffs = compare_metadata(ctx, metadata)         # [("add_table", Table), ...]
    script = produce_migrations(ctx, metadata)      # MigrationScript(upgrade_ops, downgrade_ops)
```
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from mig import ops
from mig.autogen.compare import run_comparison
from mig.autogen.context import AutogenContext, AutogenError
from mig.autogen.diffs import to_diffs

if TYPE_CHECKING:
    from mig.runtime import MigrationContext

Metadata = sa.MetaData | Sequence[sa.MetaData]


def _context(
    migration_context: MigrationContext | AutogenContext,
    metadata: Metadata | None,
    opts: dict[str, Any] | None = None,
) -> AutogenContext:
    if isinstance(migration_context, AutogenContext):
        if metadata is not None:
            migration_context.set_metadata(metadata)
        return migration_context
    if not hasattr(migration_context, "opts") or not hasattr(migration_context, "impl"):
        raise AutogenError(
            "expected a mig.runtime MigrationContext (MigrationContext.configure(connection=...)),"
            f" got {type(migration_context).__name__}"
        )
    ctx = AutogenContext(migration_context, metadata, opts=opts)
    if not ctx.metadatas:
        raise AutogenError(
            "no target metadata: pass a MetaData (or a list of them), or set target_metadata "
            "in env.py to the model's MetaData (target_metadata = Base.metadata, say; "
            "env.py hands it to context.configure())"
        )
    return ctx


def compare_to_ops(
    migration_context: MigrationContext | AutogenContext,
    metadata: Metadata | None = None,
    *,
    opts: dict[str, Any] | None = None,
) -> ops.UpgradeOps:
    """The directives that bring the database to the model, in the order they must run.

    ``opts`` override the migration context's autogenerate options (``include_schemas``,
    ``include_name``, ``include_object``, ``compare_type``, ``compare_server_default``,
    ``compare_check_constraints``, ``detect_renames``).
    """
    return run_comparison(_context(migration_context, metadata, opts))


def compare_metadata(
    migration_context: MigrationContext | AutogenContext,
    metadata: Metadata | None = None,
    *,
    opts: dict[str, Any] | None = None,
) -> list[Any]:
    """The differences as Alembic-style diff tuples (see :mod:`mig.autogen.diffs`).

    A difference found but left without a directive (``AutogenContext.skip``) comes last as
    ``("skipped", message)``: the list is empty only when the database matches the model.
    """
    ctx = _context(migration_context, metadata, opts)
    found = to_diffs(run_comparison(ctx))
    return found + [("skipped", message) for message in ctx.skipped]


def produce_migrations(
    migration_context: MigrationContext | AutogenContext,
    metadata: Metadata | None = None,
    *,
    opts: dict[str, Any] | None = None,
) -> ops.MigrationScript:
    """A MigrationScript (``rev_id`` None) whose downgrade is the reverse of its upgrade.

    ``imports`` holds the import lines the script needs beyond SQLAlchemy and ``op`` (for
    example the line that makes ``op.create_enum_type`` available).
    """
    ctx = _context(migration_context, metadata, opts)
    upgrade = run_comparison(ctx)
    downgrade = upgrade.reverse()
    downgrade.downgrade_token = ctx.options.downgrade_token
    return ops.MigrationScript(None, upgrade, downgrade, imports=sorted(ctx.imports))
