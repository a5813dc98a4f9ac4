"""Sending a one-transaction run's DDL without waiting for each reply (psycopg pipeline mode).

A long upgrade is mostly small DDL statements; sent one at a time, each costs a round trip
during which the client waits for the server and the server then waits for the client to
prepare the next step. When the whole run is one transaction, nothing needs a DDL
statement's reply before the end of the run: a failure anywhere rolls everything back. So on
drivers that can pipeline (psycopg 3 with a libpq that has pipeline mode), the run's DDL
statements are queued and the server works on them while the client imports and compiles
the next steps.

Only DDL is pipelined (SQLAlchemy marks it: ``context.isddl``); it never returns rows. Any
other statement (a data migration's SELECT, the version table, the lock) first drains the
pipeline, so it sees every earlier statement applied and reads its rows as usual; so does
a commit (autocommit blocks, the end of the run) through :meth:`StatementPipeline.sync`.
A rollback discards what is queued.

Errors. The server's reply to a failed statement arrives at the next drain, possibly while a
later step runs. Every queued statement is remembered with its cursor and the step that
sent it; the failing one is the first whose cursor got no result, and
:class:`~mig.runtime.errors.StepFailed` names that step and that statement, exactly as it
would without the pipeline. Turn it off with ``context.configure(ddl_pipeline=False)``.

Sending past SQLAlchemy. SQLAlchemy's ``Connection.execute`` builds an execution context and
a result for every statement, about 100 us of client CPU, which is most of what a small
step costs. While nothing but mig watches the connection (no other ``before_execute`` /
``*_cursor_execute`` listeners, no SQL logging, no ``schema_translate_map``), the Impl hands
its compiled DDL to :class:`DirectDDL`, which queues it on a fresh driver cursor with the
same parameters SQLAlchemy would pass (an empty mapping where the text holds a ``%``, so
the driver un-doubles ``%%`` exactly as before) and counts it for the step's report.
Anything else, or any statement while someone else listens, takes SQLAlchemy's path.

A failure is reported once by the server but it dooms the whole transaction: PostgreSQL
refuses every later statement with ``InFailedSqlTransaction``, which names neither the step
nor the reason. Code that catches the first report (a script's ``except DBAPIError`` in a
later step, a lookup that treats an error as "unknown") must not turn the run's real error
into that echo, so the pipeline remembers its failure until the transaction rolls back:
every later statement on the connection, and every later drain (the end of the run, before
callbacks, before an autocommit block), raises the same tagged error again instead of
sending anything.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mig.runtime.errors import StepFailed


@dataclass(frozen=True)
class PipelineDriver:
    """How one driver enters pipeline mode: whether a connection can, and doing it."""

    supports: Callable[[Connection], bool]
    open: Callable[[Any], AbstractContextManager[Any]]


def _psycopg_supports(connection: Connection) -> bool:
    """A sync psycopg 3 connection (not the async adapter) on a libpq with pipeline mode.

    The classes come from the dialect's loaded DBAPI module (psycopg itself for the sync
    dialect, an adapter without ``Pipeline`` for the async one): mig-runtime does not
    import the driver.
    """
    dbapi = connection.dialect.loaded_dbapi
    connection_class = getattr(dbapi, "Connection", None)
    pipeline_class = getattr(dbapi, "Pipeline", None)
    return (
        connection_class is not None
        and pipeline_class is not None
        and isinstance(connection.connection.dbapi_connection, connection_class)
        and bool(pipeline_class.is_supported())
    )


PIPELINE_DRIVERS: dict[str, PipelineDriver] = {
    "psycopg": PipelineDriver(_psycopg_supports, lambda raw: raw.pipeline()),
}
"""Per SQLAlchemy driver name (``dialect.driver``): how its connections pipeline."""


class _Queued:
    __slots__ = ("cursor", "direction", "revision", "statement")

    def __init__(self, cursor: Any, statement: str, revision: str, direction: str) -> None:
        self.cursor = cursor
        self.statement = statement
        self.revision = revision
        self.direction = direction


class StatementPipeline:
    """Pipelines the DDL a run sends on one connection, between :meth:`arm` and :meth:`close`.

    The runtime calls :meth:`at_step` before each step runs, so a queued statement knows
    whose it is.
    """

    def __init__(self, connection: Connection, driver: PipelineDriver) -> None:
        self.connection = connection
        self._driver = driver
        self._raw = connection.connection.dbapi_connection
        self._open: AbstractContextManager[Any] | None = None
        self._queued: list[_Queued] = []
        self.revision = ""
        self.direction = "up"
        self._listening = False
        # open savepoints and autocommit blocks: while any is, statements go one by one
        self._unqueued_blocks = 0
        # the tagged error a drain raised: the transaction is doomed until it rolls back
        self._failed: BaseException | None = None

    @classmethod
    def for_connection(cls, connection: Connection) -> StatementPipeline | None:
        """A pipeline for this connection's driver, or None where it has none."""
        driver = PIPELINE_DRIVERS.get(connection.dialect.driver)
        if driver is None or not driver.supports(connection):
            return None
        return cls(connection, driver)

    # -- the run's side ----------------------------------------------------------------------

    def arm(self) -> None:
        """Start watching the connection's statements (the first DDL opens the pipeline)."""
        for event, listener in self._listeners():
            sa.event.listen(self.connection, event, listener)
        self._listening = True

    def _listeners(self) -> list[tuple[str, Callable[..., Any]]]:
        return [
            ("before_cursor_execute", self._before_execute),
            ("rollback", self._on_rollback),
            ("savepoint", self._on_savepoint),
            ("release_savepoint", self._on_savepoint_end),
            ("rollback_savepoint", self._on_savepoint_end),
        ]

    def at_step(self, revision: str, direction: str) -> None:
        self.revision = revision
        self.direction = direction

    def sync(self) -> None:
        """Wait for every queued statement.

        A failed one raises SQLAlchemy's wrapped DBAPI error for it (the type a script would
        have seen without the pipeline), carrying ``mig_step``: the (revision, direction)
        that sent it, which :func:`step_failed` turns into the run's error. Once one has
        been raised, every later call raises it again (see the module docstring).
        """
        if self._failed is not None:
            raise self._failed
        opened, self._open = self._open, None
        if opened is None:
            return
        queued, self._queued = self._queued, []
        try:
            opened.__exit__(None, None, None)
        except self._dbapi_error() as exc:
            self._failed = self._failure(queued, exc)
            raise self._failed from None

    @contextmanager
    def one_by_one(self) -> Iterator[None]:
        """Wait for what is queued, then send every statement on its own until the block ends."""
        self._enter_unqueued()
        try:
            yield
        finally:
            self._leave_unqueued()

    def _enter_unqueued(self) -> None:
        self.sync()
        self._unqueued_blocks += 1

    def _leave_unqueued(self) -> None:
        self._unqueued_blocks = max(0, self._unqueued_blocks - 1)

    def blame(self, exc: BaseException) -> BaseException:
        """``exc`` tagged with the step whose queued statement failed, if it is that.

        psycopg reads replies that have arrived whenever it sends, so a failed statement's
        error can surface from a later step's statement, wrapped by SQLAlchemy with the wrong
        statement: the culprit is the first queued statement without a reply.
        """
        if self._failed is not None:
            return self._failed  # whatever a later statement raised, this is its cause
        if getattr(exc, "mig_step", None) is not None or not self._queued:
            return exc
        orig = getattr(exc, "orig", exc)
        if not isinstance(orig, self._dbapi_error()):
            return exc
        return self._failure(self._queued, orig)

    def close(self) -> None:
        """Stop watching; whatever is still queued is discarded (its transaction is ending)."""
        if self._listening:
            for event, listener in self._listeners():
                sa.event.remove(self.connection, event, listener)
            self._listening = False
        self._discard()

    # -- statements sent past SQLAlchemy (DirectDDL) ------------------------------------------

    def takes_direct(self, own_after_listeners: int) -> bool:
        """Whether a DDL statement may be queued on the driver without SQLAlchemy now.

        Not while the transaction is doomed, statements go one by one, SQL is logged, a
        schema_translate_map would rewrite the text, or a listener other than mig's own
        (this pipeline's, and ``own_after_listeners`` of the step report's) would miss it.
        """
        if self._failed is not None or self._unqueued_blocks or not self._listening:
            return False
        return only_mig_listens(self.connection, 1, own_after_listeners)

    def queue_direct(self, statement: str) -> None:
        """Queue one compiled DDL statement on a fresh driver cursor (see the module doc)."""
        cursor = self._raw.cursor()
        queued = self._queue(cursor, statement)
        dbapi_error = self._dbapi_error()
        try:
            cursor.execute(statement, {} if "%" in statement else None)
        except BaseException as exc:
            if isinstance(exc, dbapi_error) and getattr(exc, "sqlstate", None) is not None:
                # the server's error, for an earlier queued statement or this one
                self._failed = self._failure(self._queued, exc)
                raise self._failed from None
            self._queued.remove(queued)  # refused on this side: it never reached the server
            if isinstance(exc, dbapi_error):
                raise sa.exc.DBAPIError.instance(statement, None, exc, dbapi_error) from None
            raise

    # -- the connection's side ---------------------------------------------------------------

    def _before_execute(
        self,
        conn: Connection,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: Any,
        executemany: bool,
    ) -> None:
        if self._failed is not None:
            raise self._failed  # the server would answer InFailedSqlTransaction: say why
        if not self._unqueued_blocks and getattr(context, "isddl", False):
            self._queue(cursor, statement)
            return
        self.sync()  # anything else sees every earlier statement applied, and its own rows

    def _queue(self, cursor: Any, statement: str) -> _Queued:
        """Remember ``statement``, sent on ``cursor`` by the current step; the first opens
        the driver's pipeline."""
        if self._open is None:
            opened = self._driver.open(self._raw)
            opened.__enter__()
            self._open = opened
        queued = _Queued(cursor, statement, self.revision, self.direction)
        self._queued.append(queued)
        return queued

    def _on_rollback(self, conn: Connection) -> None:
        self._discard()

    def _on_savepoint(self, conn: Connection, name: str) -> None:
        """A script guarding DDL with a savepoint expects its error inside the block.

        Releasing the savepoint would be the first wait, too late for SQLAlchemy to roll
        back to it; so what is queued is waited for now, and the block sends its statements
        one by one.
        """
        self._enter_unqueued()

    def _on_savepoint_end(self, conn: Connection, name: str, context: Any) -> None:
        self._leave_unqueued()

    def _discard(self) -> None:
        self._failed = None  # the doomed transaction is ending: its error was reported
        try:
            self.sync()
        except sa.exc.DBAPIError:
            pass  # the transaction is being rolled back: its errors are already reported
        self._failed = None

    def _dbapi_error(self) -> type[BaseException]:
        return self.connection.dialect.loaded_dbapi.Error

    def _failure(self, queued: list[_Queued], exc: BaseException) -> BaseException:
        """The error of the first queued statement the server did not complete, tagged."""
        # every reply arrived (the drain itself failed): the last statement sent is the nearest
        culprit = next(
            (q for q in queued if getattr(q.cursor, "pgresult", None) is None), queued[-1]
        )
        wrapped = sa.exc.DBAPIError.instance(
            culprit.statement or None, None, exc, self._dbapi_error()
        )
        wrapped.mig_step = (culprit.revision, culprit.direction)  # type: ignore[attr-defined]
        return wrapped


class DirectDDL:
    """mig-ddl's ``DirectDDL`` for a pipelined run: queue, then count for the step's report."""

    def __init__(
        self,
        pipeline: StatementPipeline,
        on_sent: Callable[[str], None],
        own_after_listeners: int,
    ) -> None:
        self._pipeline = pipeline
        self._on_sent = on_sent
        self._own_after_listeners = own_after_listeners

    def ready(self) -> bool:
        return self._pipeline.takes_direct(self._own_after_listeners)

    def send(self, statement: str) -> None:
        self._pipeline.queue_direct(statement)
        self._on_sent(statement)


def only_mig_listens(
    connection: Connection, own_before_cursor: int = 0, own_after_cursor: int = 0
) -> bool:
    """Whether a statement may reach ``connection``'s driver without SQLAlchemy's execute.

    Only while nobody could tell: SQL logging is off, no ``schema_translate_map`` would
    rewrite the text, and the only statement listeners are mig's own (``own_*`` of them on
    ``before_cursor_execute``/``after_cursor_execute``, none on ``before_execute`` or
    ``after_execute``). Used by the direct DDL path and the history table's COPY.
    """
    if connection.engine.logger.isEnabledFor(logging.INFO):
        return False
    if connection.get_execution_options().get("schema_translate_map"):
        return False
    events = connection.dispatch
    return (
        not events.before_execute
        and not events.after_execute
        and len(events.before_cursor_execute) == own_before_cursor
        and len(events.after_cursor_execute) == own_after_cursor
    )


def queued_step(exc: BaseException) -> tuple[str, str] | None:
    """The (revision, direction) whose queued statement ``exc`` reports; None if not one.

    Code outside a step that may see such an error (the history table's user lookup) uses
    it to tell the pipeline's failure, which belongs to a step, from its own.
    """
    return getattr(exc, "mig_step", None)


def step_failed(exc: BaseException, revision: str, direction: str) -> StepFailed:
    """The run's error for ``exc``: for the step that sent the failing statement, if known."""
    revision, direction = queued_step(exc) or (revision, direction)
    return StepFailed(revision, direction, exc)
