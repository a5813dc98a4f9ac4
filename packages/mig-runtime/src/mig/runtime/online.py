"""OnlineExecution: a run against a live connection, its transactions and its lock.

The version table is written in the same transaction as the step it records where the
database has transactional DDL, and right after the step where it does not, so the table
never claims a step that did not finish. How a transaction that covers DDL is begun is the
Impl's business (:meth:`mig.ddl.impl.DefaultImpl.begin_transaction`: SQLite's explicit
BEGIN lives there).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Connection, Transaction

from mig.runtime.execution import Execution
from mig.runtime.history import history_row
from mig.runtime.lock import MigrationLock, lock_name

if TYPE_CHECKING:
    from mig.runtime.protocol import Step

log = logging.getLogger("mig.runtime.migration")


class OnlineExecution(Execution):
    """Statements run on the connection; the context's transaction and lock live here."""

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self._transaction: Transaction | None = None
        self._held_lock: MigrationLock | None = None  # kept until the run's transaction ends
        self._applied_by: tuple[str | None] | None = None  # asked once per context

    @property
    def connection(self) -> Connection:
        connection = self.ctx.connection
        assert connection is not None
        return connection

    # -- transactions --------------------------------------------------------------------

    @property
    def in_run_transaction(self) -> bool:
        """Whether the transaction this context began (for the run or a step) is open."""
        return self._transaction is not None and self._transaction.is_active

    @property
    def defers_versions(self) -> bool:
        return not self.ctx.per_step and self.in_run_transaction

    @contextmanager
    def transaction(self) -> Iterator[None]:
        connection = self.connection
        if self.in_run_transaction:
            yield  # already inside the run's transaction (stamp() called from env.py)
            return
        if connection.in_transaction():
            connection.commit()  # a read done before (version table, lock) must not hold the run
        restore = self._begin()
        try:
            yield
        except BaseException:
            if self._transaction is not None and self._transaction.is_active:
                self._transaction.rollback()
            raise
        else:
            if self._transaction is not None and self._transaction.is_active:
                self._transaction.commit()
            elif connection.in_transaction():
                connection.commit()
        finally:
            self._transaction = None
            restore()
            self._release_held_lock()  # the run is committed (or rolled back): others may go

    def _begin(self) -> Callable[[], None]:
        """Begin a transaction that really covers DDL; returns what undoes the set-up."""
        self._transaction, restore = self.ctx.impl.begin_transaction(self.connection)
        return restore

    @contextmanager
    def outside_transaction(self) -> Iterator[None]:
        """Commit the run so far; run the block in AUTOCOMMIT; begin again after."""
        connection = self.connection
        had_transaction = self.in_run_transaction
        if had_transaction:
            assert self._transaction is not None
            self._transaction.commit()
        elif connection.in_transaction():
            connection.commit()
        previous = connection.get_execution_options().get(
            "isolation_level", connection.default_isolation_level
        )
        connection.execution_options(isolation_level="AUTOCOMMIT")
        try:
            yield
        finally:
            if connection.in_transaction():  # SQLAlchemy autobegins even in AUTOCOMMIT
                connection.commit()
            connection.execution_options(isolation_level=previous)
            if had_transaction:
                self._begin()

    def commit_so_far(self) -> None:
        if self.in_run_transaction:
            assert self._transaction is not None
            self._transaction.commit()
            self._begin()

    # -- the lock ------------------------------------------------------------------------

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the migration lock (unless turned off) around a run or a stamp.

        On failure the open transaction is rolled back before the lock is released: a
        database such as PostgreSQL refuses every statement, the unlock included, inside a
        failed transaction. On success inside the run's transaction (one transaction for
        the whole run), the lock is kept until that transaction has committed
        (:meth:`transaction` releases it): released before, it would let the next process
        read the version table as it was before this run and apply the same steps again.
        """
        options = self.ctx.options.run
        if not options.migration_lock or self._held_lock is not None:
            yield  # turned off, or still held from an earlier run or stamp in this transaction
            return
        connection = self.connection
        table = self.ctx.version_table_object
        # GET_LOCK (MySQL) and advisory keys are not per file: name the database too
        database = None if connection.dialect.name == "sqlite" else connection.engine.url.database
        lock = MigrationLock.for_connection(
            connection, lock_name(table.name, table.schema, database)
        )
        lock.acquire(options.migration_lock_timeout, self._notify)
        try:
            yield
        except BaseException:
            if self.in_run_transaction:
                assert self._transaction is not None
                self._transaction.rollback()
            elif connection.in_transaction():
                connection.rollback()
            lock.release()
            raise
        if self.in_run_transaction:
            self._held_lock = lock  # released by transaction() once it has committed
        else:
            lock.release()

    def _release_held_lock(self) -> None:
        lock, self._held_lock = self._held_lock, None
        if lock is not None:
            lock.release()

    def _notify(self, message: str) -> None:
        log.warning(message)
        notify = self.ctx.options.run.notify
        if notify is not None:
            notify(message)

    # -- the version and history tables --------------------------------------------------

    def current_heads(self) -> tuple[str, ...]:
        self.ctx.flush_versions()  # what the run has applied so far, as the table must say
        return self.ctx.version_table_object.heads(self.connection)

    def ensure_tables(self) -> None:
        self.ctx.version_table_object.ensure(self.connection)
        if self.ctx.history_table is not None:
            self.ctx.history_table.ensure(self.connection)

    def write_version(
        self, before: frozenset[str] | tuple[str, ...], after: frozenset[str] | tuple[str, ...]
    ) -> None:
        self.ctx.version_table_object.apply(self.connection, before, after)

    def write_history(self, rows: list[dict[str, Any]]) -> None:
        history = self.ctx.history_table
        assert history is not None
        history.insert_rows(self.connection, rows)

    def history_row(
        self, step: Step, direction: str, checksum: str | None, seconds: float
    ) -> dict[str, Any]:
        history = self.ctx.history_table
        assert history is not None
        if self._applied_by is None:
            self._applied_by = (history.current_user(self.connection),)
        return history_row(step.revision, direction, checksum, seconds, self._applied_by[0])
