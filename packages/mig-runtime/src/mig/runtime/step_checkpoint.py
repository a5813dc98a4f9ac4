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
nothing per step.

The row's ``last_key`` records what was committed: the script's checksum and each
committed directive's :meth:`~mig.ops.MigrateOperation.target` (its op and the names it
acts on). A rerun of the same script skips by count. A script edited since (often to fix
what stopped the run) is resumed only if it still begins with those directives; otherwise
the step stops with :class:`EditedAfterCheckpoint` before running anything, instead of
skipping directives that were never run. A row written before ``last_key`` was kept
(``NULL``) is trusted by count, as before.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from mig.ddl.schema_map import catalog_schema
from mig.ops import Operations
from mig.runtime.backfill_progress import ProgressTable
from mig.runtime.errors import EditedAfterCheckpoint
from mig.runtime.history import step_checksum

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

log = logging.getLogger("mig.runtime.migration")

CHECKPOINT_INDEX = -1
"""The ``op_index`` of a step's checkpoint row (backfills use 0, 1, ...)."""


class StepCheckpoints:
    """Counts a step's top-level directives, skips those a crashed run committed."""

    def __init__(self, table: ProgressTable) -> None:
        self.table = table
        self._saved: dict[tuple[str, str], tuple[int, str | None]] = {}
        self._step: tuple[str, str] | None = None
        self._source: Any = None  # the running step (its script's checksum, when needed)
        self._entered: list[Any] = []  # the step's top-level directives so far, in order
        self._expected: list[str] | None = None  # targets to match while skipping
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
            sa.select(c.revision, c.direction, c.rows_done, c.last_key).where(
                c.op_index == CHECKPOINT_INDEX
            )
        )
        self._saved = {(r.revision, r.direction): (int(r.rows_done), r.last_key) for r in rows}

    def start_step(self, revision: str, direction: str, step: Any = None) -> bool:
        """Begin counting a step's directives; True if it resumes a crashed run (whose
        checkpoint the caller then removes at the step's end, after :meth:`check_resumed`).

        ``step`` gives the script's checksum (``history.step_checksum``), read only when a
        checkpoint is written or resumed.
        """
        self._step, self._source = (revision, direction), step
        self._count = self._depth = 0
        self.current = None
        self._entered = []
        self._skip_below, recorded = self._saved.pop(self._step, (0, None))
        self._expected = None
        if not self._skip_below:
            return False
        committed = _parse(recorded)
        if committed is not None:
            checksum = committed.get("checksum")
            if checksum is None or checksum != step_checksum(step):  # edited, or unknown
                self._expected = [str(t) for t in committed.get("done", [])]
        log.info(
            "resuming %s %s: its first %d directive(s) were committed before the run "
            "that stopped; they are skipped%s",
            direction,
            revision,
            self._skip_below,
            " (the script was edited since: each is checked against what ran)"
            if self._expected is not None
            else "",
        )
        return True

    def check_resumed(self) -> None:
        """At the end of a step resumed with an edited script: it still had at least the
        directives that were skipped (a shorter script would leave their changes behind)."""
        if self._expected is not None and self._count < self._skip_below:
            self._refuse(self._count, "(none)")

    def end_step(self) -> None:
        self._step, self._source, self.current = None, None, None
        self._entered, self._expected = [], None

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
        self._entered.append(operation)
        if index < self._skip_below:
            if self._expected is not None and (
                index >= len(self._expected) or _target(operation) != self._expected[index]
            ):
                self._refuse(index, _target(operation))
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
        committed = json.dumps(
            {
                "checksum": step_checksum(self._source),
                "done": [_target(op) for op in self._entered[:done]],
            }
        )
        self.table.ensure(connection)
        c = self.table.table.c
        key = sa.and_(
            c.revision == revision, c.direction == direction, c.op_index == CHECKPOINT_INDEX
        )
        updated = connection.execute(
            self.table.table.update().where(key).values(rows_done=done, last_key=committed)
        )
        if not updated.rowcount:
            connection.execute(
                self.table.table.insert().values(
                    revision=revision,
                    direction=direction,
                    op_index=CHECKPOINT_INDEX,
                    last_key=committed,
                    rows_done=done,
                    done=False,
                )
            )
        return True

    def _refuse(self, index: int, found: str) -> None:
        assert self._step is not None
        revision, direction = self._step
        expected = self._expected or []
        ran = expected[index] if index < len(expected) else "(none)"
        verb = "upgrade" if direction == "up" else "downgrade"
        raise EditedAfterCheckpoint(
            f"{revision} was edited after a run that stopped part way through its {verb} "
            f"had committed its first {self._skip_below} directive(s) "
            f"({', '.join(expected)}): directive #{index} is now {found}, it ran as {ran}; "
            f"restore those directive(s) as they ran (later ones may change), or undo them "
            f"by hand and delete the row of {revision} with op_index = {CHECKPOINT_INDEX} "
            f"from {self.table.name}"
        )


def _target(operation: Any) -> str:
    """A directive's target (``MigrateOperation.target``), or its op name for another kind."""
    target = getattr(operation, "target", None)
    return target() if callable(target) else str(getattr(operation, "op_name", operation))


def _parse(recorded: str | None) -> dict[str, Any] | None:
    """The ``last_key`` of a checkpoint row; None when absent (an older mig) or unreadable."""
    if not recorded:
        return None
    try:
        value = json.loads(recorded)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


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
