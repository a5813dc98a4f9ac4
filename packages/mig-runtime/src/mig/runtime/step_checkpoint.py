"""Where a step stands when it commits part way: its directives already committed.

Why: an ``--online`` segment (``CREATE INDEX CONCURRENTLY``), an ``autocommit_block`` or an
``op.backfill`` commits the step's transaction in the middle of the step, so the
directives before it are in the database for good. If the process dies later in the step,
the rerun runs the whole script again, and those directives would run twice (an
``add_column`` then fails with "column already exists", an ``op.execute("INSERT ...")``
inserts twice). So each mid-step commit also commits a *checkpoint*: the number of the
step's top-level directives that had finished before the one that commits. The rerun of
the same step skips that many directives (the one that committed runs again: its own
forms are guarded, see ``lock_light.py`` and ``backfill.py``).

The checkpoint is the row with ``op_index = -1`` of the backfill progress table
(``<version_table>_backfill``, see ``backfill_progress.py``), ``rows_done`` holding the
count; it is deleted with the step's other progress rows in the transaction that writes
the step's version row. The checkpoints are read once per run (one catalog query when
the table does not exist, the common case), so a run that never commits mid-step pays
nothing per step. The rerun must run the same script: a script edited between the crash
and the rerun would skip by position, and the log says which directives it skips.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from mig.ddl.schema_map import catalog_schema
from mig.ops import Operations
from mig.runtime.backfill_progress import ProgressTable

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

log = logging.getLogger("mig.runtime.migration")

CHECKPOINT_INDEX = -1
"""The ``op_index`` of a step's checkpoint row (backfills use 0, 1, ...)."""


class StepCheckpoints:
    """Counts a step's top-level directives, skips those a crashed run committed."""

    def __init__(self, table: ProgressTable) -> None:
        self.table = table
        self._saved: dict[tuple[str, str], int] = {}
        self._step: tuple[str, str] | None = None
        self._count = 0
        self._depth = 0
        self._skip_below = 0
        self.current: int | None = None
        """The index of the top-level directive running now (None between directives)."""

    def load(self, connection: Connection) -> None:
        """Read every step's checkpoint (once, at the start of a run)."""
        self._saved = {}
        schema = catalog_schema(connection, self.table.schema)  # where CREATE TABLE put it
        if not sa.inspect(connection).has_table(self.table.name, schema=schema):
            return
        c = self.table.table.c
        rows = connection.execute(
            sa.select(c.revision, c.direction, c.rows_done).where(c.op_index == CHECKPOINT_INDEX)
        )
        self._saved = {(r.revision, r.direction): int(r.rows_done) for r in rows}

    def start_step(self, revision: str, direction: str) -> bool:
        """Begin counting a step's directives; True if it resumes a crashed run (whose
        checkpoint the caller then removes at the step's end)."""
        self._step = (revision, direction)
        self._count = self._depth = 0
        self.current = None
        self._skip_below = self._saved.pop(self._step, 0)
        if self._skip_below:
            log.info(
                "resuming %s %s: its first %d directive(s) were committed before the run "
                "that stopped; they are skipped",
                direction,
                revision,
                self._skip_below,
            )
        return bool(self._skip_below)

    def end_step(self) -> None:
        self._step, self.current = None, None

    def enter_directive(self, operation: Any) -> bool | None:
        """Before one op of the step: whether to run it, and whether it is counted.

        ``None``: run it, uncounted (outside a step, or a directive another one runs);
        ``False``: skip it (a crashed run committed it); ``True``: run it as the step's
        current directive, until :meth:`leave_directive`. (Two plain calls, not a context
        manager: every directive of every step passes here.)
        """
        if self._step is None or self._depth:
            return None
        index = self._count
        self._count += 1
        if index < self._skip_below:
            log.info("skipping %s (#%d): committed before the crash", operation.op_name, index)
            return False
        self.current, self._depth = index, 1
        return True

    def leave_directive(self) -> None:
        """After a directive :meth:`enter_directive` counted (it ran, or failed)."""
        self.current, self._depth = None, 0

    def before_commit(self, connection: Connection) -> bool:
        """Record, in the transaction about to commit, how many of the step's directives
        that commit makes permanent: those before the running one (or, between directives,
        all so far). Returns whether a row was written (False outside a step)."""
        if self._step is None:
            return False
        done = self.current if self.current is not None else self._count
        revision, direction = self._step
        self.table.ensure(connection)
        c = self.table.table.c
        key = sa.and_(
            c.revision == revision, c.direction == direction, c.op_index == CHECKPOINT_INDEX
        )
        updated = connection.execute(self.table.table.update().where(key).values(rows_done=done))
        if not updated.rowcount:
            connection.execute(
                self.table.table.insert().values(
                    revision=revision,
                    direction=direction,
                    op_index=CHECKPOINT_INDEX,
                    last_key=None,
                    rows_done=done,
                    done=False,
                )
            )
        return True


class StepOperations(Operations):
    """The op facade of a run: each top-level directive passes the step's checkpoints."""

    def invoke(self, operation: Any) -> Any:
        checkpoints = getattr(self.migration_context, "step_checkpoints", None)
        if checkpoints is None:
            return self.invoke_directive(operation)
        counted = checkpoints.enter_directive(operation)
        if counted is None:
            return self.invoke_directive(operation)
        if not counted:
            return None
        try:
            return self.invoke_directive(operation)
        finally:
            checkpoints.leave_directive()

    def invoke_directive(self, operation: Any) -> Any:
        """Run one directive (``--online`` runs it in its lock-light form instead)."""
        return Operations.invoke(self, operation)
