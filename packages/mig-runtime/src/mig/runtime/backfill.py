"""Running ``op.backfill``: batches by primary key, each committed with its progress.

Online, the table is reflected (its key, and the columns ``values`` names, are checked:
a one-line error names what is wrong), then inside the context's committing block
(:meth:`MigrationContext.committing_block`) each batch's UPDATE and its progress row
(``backfill_progress.py``) commit together. A rerun after a crash finds the progress row
and goes on after the last committed batch. Offline, ``backfill_offline.py`` writes a loop
that commits per batch.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from mig.ops import BackfillOp, Operations
from mig.runtime.backfill_offline import write_offline
from mig.runtime.backfill_progress import BackfillProgress, ProgressTable
from mig.runtime.backfill_sql import (
    BackfillStatements,
    bound_value,
    retarget,
    set_values,
    where_clause,
)
from mig.runtime.errors import MigRuntimeError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from mig.runtime.migration import MigrationContext

log = logging.getLogger("mig.runtime.backfill")


class BackfillError(MigRuntimeError, ValueError):
    """A backfill cannot run as written: no key, unknown column, no such table (found while
    its step runs, so it fails the step: exit 1, like any other failing step)."""

    exit_code = 1


def _reflected(connection: Connection, op: BackfillOp) -> sa.Table:
    try:
        return sa.Table(op.table_name, sa.MetaData(), schema=op.schema, autoload_with=connection)
    except sa.exc.NoSuchTableError:
        raise BackfillError(f"op.backfill(): table {_name(op)!r} does not exist") from None


def _name(op: BackfillOp) -> str:
    return f"{op.schema}.{op.table_name}" if op.schema else op.table_name


def _key_columns(table: sa.TableClause, op: BackfillOp) -> tuple[Any, ...]:
    names = op.primary_key or [c.name for c in getattr(table, "primary_key", ())]
    if not names:
        raise BackfillError(
            f"op.backfill(): table {_name(op)!r} has no primary key to walk in batches "
            "(give primary_key=[...] naming unique, non-null columns)"
        )
    missing = [n for n in names if n not in table.c]
    if missing:
        raise BackfillError(
            f"op.backfill(): primary_key names column {missing[0]!r}, not in {_name(op)!r}"
        )
    return tuple(table.c[n] for n in names)


def _check_values(table: sa.TableClause, op: BackfillOp) -> None:
    for name in op.values:
        if name not in table.c:
            raise BackfillError(f"op.backfill(): values name column {name!r}, not in {_name(op)!r}")


def statements_for(
    table: sa.TableClause, op: BackfillOp, dialect_name: str, offline: bool
) -> BackfillStatements:
    """The batch statements of ``op`` on ``table`` (reflected, or built from the directive)."""
    key = _key_columns(table, op)
    _check_values(table, op)
    return BackfillStatements(
        table=table,
        key=key,
        values=set_values(table, op.values, offline),
        where=retarget(where_clause(op.where), table),
        batch_size=op.batch_size,
        dialect_name=dialect_name,
    )


def offline_table(op: BackfillOp) -> sa.TableClause:
    """Offline there is no database to reflect: the table as the directive names it."""
    if not op.primary_key:
        raise BackfillError(
            f"op.backfill(): offline (--sql) mode cannot read the primary key of "
            f"{_name(op)!r}: pass primary_key=[...] (or a Table that has one)"
        )
    names = list(dict.fromkeys([*op.primary_key, *op.values]))
    return sa.table(op.table_name, *[sa.column(n) for n in names], schema=op.schema)


def _report(ctx: MigrationContext, progress: BackfillProgress) -> None:
    if log.isEnabledFor(logging.INFO):
        log.info("%s", progress)
    hook = ctx.options.run.on_backfill_progress
    if hook is not None:
        hook(progress)


def run_backfill(operations: Operations, op: BackfillOp) -> None:
    """The executor of :class:`BackfillOp` (registered on the op facade)."""
    ctx: MigrationContext = operations.migration_context
    if ctx.as_sql:
        statements = statements_for(offline_table(op), op, ctx.dialect.name, offline=True)
        step = ctx.current_step
        with ctx.committing_block():
            write_offline(ctx.impl, statements, _name(op), step, ctx.next_backfill_index())
        return
    _run_online(ctx, op)


def _run_online(ctx: MigrationContext, op: BackfillOp) -> None:
    connection = ctx.connection
    assert isinstance(connection, sa.Connection)
    statements = statements_for(_reflected(connection, op), op, ctx.dialect.name, offline=False)
    step = ctx.current_step
    index = ctx.next_backfill_index()
    progress_table = ProgressTable.for_version_table(ctx.version_table, ctx.version_table_schema)
    revision = step.revision if step is not None else None
    direction = step.direction if step is not None else None
    ctx.forget_step_progress()  # the step's progress rows go with its version row
    with ctx.committing_block() as commit:
        last: tuple[Any, ...] | None = None
        rows = 0
        resumed = False
        if revision is not None and direction is not None:
            progress_table.ensure(connection)
            state = progress_table.load(connection, revision, direction, index, statements.key)
            if state is None:
                progress_table.start(connection, revision, direction, index)
            else:
                resumed, last, rows = True, state.last_key, state.rows_done
                if state.done:
                    _report(
                        ctx, BackfillProgress(revision, direction, _name(op), 0, rows, True, True)
                    )
                    return
            commit()
        batches = 0
        while True:
            last_values = None if last is None else statements.values_of(last, bound_value)
            upper_row = connection.execute(statements.next_upper(last_values)).first()
            upper = None if upper_row is None else tuple(upper_row)
            upper_values = None if upper is None else statements.values_of(upper, bound_value)
            result = connection.execute(statements.update(last_values, upper_values))
            rows += max(result.rowcount, 0)
            batches += 1
            done = upper is None
            if revision is not None and direction is not None:
                progress_table.record(
                    connection, revision, direction, index, upper or last, rows, done
                )
            commit()
            _report(
                ctx, BackfillProgress(revision, direction, _name(op), batches, rows, done, resumed)
            )
            if done:
                break
            last = upper


Operations.implementation_for(BackfillOp)(run_backfill)
