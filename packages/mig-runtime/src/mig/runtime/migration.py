"""MigrationContext: one connection (or one SQL script), its Impl, its version table, its steps.

The context owns the transactions of a run, so that the version table is always written in
the same transaction as the step it records (where the database has transactional DDL), and
right after the step where it does not (MySQL/MariaDB): the table never claims a step that
did not finish.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect

from mig.ddl import get_impl
from mig.runtime import backfill as _backfill  # noqa: F401  (registers op.backfill's executor)
from mig.runtime import interrupt
from mig.runtime.backfill_progress import ProgressTable
from mig.runtime.collector import paced_collection
from mig.runtime.errors import ConfigurationError, StepFailed
from mig.runtime.execution import Execution
from mig.runtime.history import HistoryTable, step_checksum
from mig.runtime.lock_light import LockLightOperations, LockLightRunner, Timeouts
from mig.runtime.offline import OfflineExecution
from mig.runtime.offline_bind import OfflineConnection
from mig.runtime.online import OnlineExecution
from mig.runtime.options import ContextOptions
from mig.runtime.pipeline import DirectDDL, StatementPipeline, step_failed
from mig.runtime.protocol import Step
from mig.runtime.recorder import VersionRecorder
from mig.runtime.reporting import LogReporter, RunTracker, StepReport
from mig.runtime.step_checkpoint import StepCheckpoints, StepOperations
from mig.runtime.steps import MigrationInfo, literal_stamp, plan_stamp, rows_for
from mig.runtime.version_table import VersionTable

log = logging.getLogger("mig.runtime.migration")

PlanFn = Callable[[tuple[str, ...], "MigrationContext"], Sequence[Step]]

_NO_BLOCK = nullcontext()
"""The block of begin_transaction() that is not the transaction (see there)."""


def _offline_dialect(url: sa.URL, dialect_opts: Mapping[str, Any] | None) -> sa.Dialect:
    """The dialect offline SQL is written for.

    Offline statements carry their values inline, so no parameter style is needed; a
    pyformat style (psycopg's, pymysql's default) would make SQLAlchemy escape every ``%``
    as ``%%`` for a driver that is never called, and the file would hold ``'50%% off'``.
    "named" leaves ``%`` as written unless env.py asks for another style.
    """
    opts = {"paramstyle": "named", **(dialect_opts or {})}
    return url.get_dialect()(**opts)


def _is_script_source(obj: Any) -> bool:
    """Whether ``obj`` can resolve specs and plan (a ScriptDirectory), not revision ids."""
    return callable(getattr(obj, "resolve", None)) and callable(getattr(obj, "plan_upgrade", None))


class MigrationContext:
    """Runs steps against one database connection, or writes them as SQL (``as_sql``).

    ``opts`` are ``configure()``'s keywords; they are checked and turned into typed options
    once (:class:`~mig.runtime.options.ContextOptions`), and stay readable, read-only, as
    :attr:`opts`. Where the run goes (a connection, or SQL text) is an
    :class:`~mig.runtime.execution.Execution` strategy.
    """

    def __init__(
        self,
        dialect: Dialect,
        connection: Connection | None,
        opts: Mapping[str, Any] | ContextOptions,
        environment_context: Any = None,
        url: sa.URL | None = None,
    ) -> None:
        self.options = (
            opts if isinstance(opts, ContextOptions) else ContextOptions.from_keywords(opts)
        )
        run = self.options.run
        self.dialect = dialect
        self.environment_context = environment_context
        self.as_sql: bool = run.as_sql
        strategy = OfflineExecution if run.as_sql else OnlineExecution
        strategy.check_connection(connection)
        self.output_buffer: Any = strategy.output_buffer(run)
        strategy.prepare_dialect(dialect, run)
        self.impl = get_impl(
            dialect,
            connection,
            as_sql=self.as_sql,
            output_buffer=self.output_buffer,
            context_opts=self.options.keywords,
            options=self.options.ddl,
        )
        self.connection: Connection | OfflineConnection | None = connection
        self._execution: Execution = strategy(self)
        self.connection = self._execution.bind(connection, url)
        self._version_table = VersionTable(
            name=run.version_table,
            schema=run.version_table_schema,
            primary_key=run.version_table_pk,
        )
        self.history_table: HistoryTable | None = self._history_table()
        self.transaction_per_migration = run.transaction_per_migration
        self._plan_fn: PlanFn | None = run.fn
        self._autocommit_used = False  # set by autocommit and committing blocks
        self._step: Step | None = None  # the step running now
        self._step_end: list[Callable[[], None]] = []  # run before its version row
        self._backfills_in_step = 0
        self._pipeline: StatementPipeline | None = None  # only while a run sends DDL
        self._tracker: RunTracker | None = None  # only while a run runs steps
        self._versions = VersionRecorder(
            self._execution.write_version,
            self._execution.write_history if self.history_table else None,
        )
        self.lock_light_runner: LockLightRunner | None = None
        """``--online``: how each directive runs in its lock-light form (``lock_light.py``)."""
        if run.online:
            self.lock_light_runner = LockLightRunner(
                self, Timeouts(run.lock_timeout, run.lock_retries, run.statement_timeout)
            )
        self.step_checkpoints: StepCheckpoints | None = None
        """What each step committed part way (``step_checkpoint.py``); online runs only."""
        if self._execution.keeps_checkpoints:
            self.step_checkpoints = StepCheckpoints(
                ProgressTable.for_version_table(run.version_table, run.version_table_schema)
            )
        self._forgetting_progress = False
        facade = StepOperations if self.lock_light_runner is None else LockLightOperations
        self._operations = facade(self)  # the `op` of every step, built once per run
        self._on_version_apply = list(run.on_version_apply)

    @property
    def opts(self) -> Mapping[str, Any]:
        """``configure()``'s keywords as given, read-only (Alembic's ``opts``)."""
        return self.options.keywords

    def _history_table(self) -> HistoryTable | None:
        """The ``history_table`` option: None for ``<version table>_history``, False for none."""
        name = self.options.run.history_table
        if name is False:
            return None
        if name is None or name is True:
            name = f"{self._version_table.name}_history"
        if not isinstance(name, str) or not name:
            raise ConfigurationError(
                f"configure(history_table={name!r}): give a table name, or False for none"
            )
        return HistoryTable(name=name, schema=self._version_table.schema)

    @classmethod
    def configure(
        cls,
        connection: Connection | None = None,
        url: str | sa.URL | None = None,
        dialect_name: str | None = None,
        dialect_opts: Mapping[str, Any] | None = None,
        environment_context: Any = None,
        opts: Mapping[str, Any] | None = None,
    ) -> MigrationContext:
        """Build a context from a connection (online), or a URL or dialect name (offline)."""
        offline_url: sa.URL | None = None
        if connection is not None:
            if isinstance(connection, sa.Engine):
                raise ConfigurationError(
                    "configure(connection=...) takes a Connection, not an Engine: "
                    "use `with engine.connect() as connection:`"
                )
            dialect = connection.dialect
        elif url is not None:
            offline_url = sa.engine.make_url(url)
            dialect = _offline_dialect(offline_url, dialect_opts)
        elif dialect_name is not None:
            offline_url = sa.engine.make_url(f"{dialect_name}://")
            dialect = _offline_dialect(offline_url, dialect_opts)
        else:
            raise ConfigurationError("configure() needs a connection, a url or a dialect_name")
        return cls(dialect, connection, opts or {}, environment_context, url=offline_url)

    # -- what env.py and scripts reach ---------------------------------------------------

    @property
    def bind(self) -> Connection | OfflineConnection | None:
        """The connection; offline, an :class:`OfflineConnection` that writes what it runs."""
        return self.connection

    @property
    def config(self) -> Any:
        return getattr(self.environment_context, "config", None)

    @property
    def script(self) -> Any:
        return getattr(self.environment_context, "script", None)

    @property
    def version_table(self) -> str:
        """The version table's name, as scripts written for Alembic read it (the table
        object itself is :attr:`version_table_object`)."""
        return self._version_table.name

    @property
    def version_table_object(self) -> VersionTable:
        """mig's VersionTable: its schema, the rows' statements, ``heads(connection)``."""
        return self._version_table

    @property
    def version_table_schema(self) -> str | None:
        return self._version_table.schema

    @property
    def transactional_ddl(self) -> bool | None:
        """The ``transactional_ddl`` option as configured (None: the dialect's own).

        What the run really does is ``impl.transactional_ddl``.
        """
        return self.options.ddl.transactional_ddl

    @property
    def on_version_apply_callbacks(self) -> tuple[Callable[..., None], ...]:
        return tuple(self._on_version_apply)

    def execute(
        self, sql: str | sa.sql.ClauseElement, execution_options: Mapping[str, Any] | None = None
    ) -> None:
        """Run (or, offline, write) one statement."""
        self.impl.execute(sql, execution_options=execution_options)

    def get_current_heads(self) -> tuple[str, ...]:
        """The revisions in the version table (offline: the ``start`` of ``start:end``)."""
        return self._execution.current_heads()

    def flush_versions(self) -> None:
        """Write the version rows the run has kept back so far (see ``recorder.py``)."""
        self._versions.flush()

    def get_current_revision(self) -> str | None:
        heads = self.get_current_heads()
        if len(heads) > 1:
            raise ConfigurationError(
                f"the database has {len(heads)} heads ({', '.join(heads)}); use get_current_heads()"
            )
        return heads[0] if heads else None

    # -- transactions --------------------------------------------------------------------

    @property
    def _defer_versions(self) -> bool:
        """Whether version rows may wait for the end of the run (see ``recorder.py``)."""
        return self._execution.defers_versions

    @property
    def per_step(self) -> bool:
        """Whether each step has its own transaction (else one covers the whole run)."""
        return self.transaction_per_migration or not self.impl.transactional_ddl

    def begin_transaction(self, _per_migration: bool = False) -> AbstractContextManager[None]:
        """The transaction around the run (env.py) or around one step (the runtime).

        With transactional DDL and one transaction for the run, the outer block is the
        transaction and steps run inside it; otherwise (``transaction_per_migration``, or a
        database without transactional DDL) each step gets its own. Offline, BEGIN/COMMIT
        are written where the database has transactional DDL. The block that is not the
        transaction is a shared no-op context (every step enters one).
        """
        if _per_migration != self.per_step:
            return _NO_BLOCK
        return self._execution.transaction()

    @contextmanager
    def autocommit_block(self) -> Iterator[None]:
        """Run statements that cannot run inside a transaction (CREATE INDEX CONCURRENTLY).

        The current transaction is committed, the connection is switched to AUTOCOMMIT for
        the block, and a new transaction is begun after it. What the block did cannot be
        rolled back, so the step that used it is committed with its version row as soon as
        it ends, even in one-transaction-per-run mode: a later failing step then leaves the
        version table at this step, which is what the database really holds.
        """
        self._autocommit_used = True
        # statements between two pipeline syncs form one implicit transaction on PostgreSQL,
        # which CREATE INDEX CONCURRENTLY refuses: the block sends its statements one by one
        with self._pipeline.one_by_one() if self._pipeline is not None else nullcontext():
            self._checkpoint()
            self._versions.flush()  # the steps before are committed now: so are their rows
            with self._execution.outside_transaction():
                yield

    @contextmanager
    def committing_block(self) -> Iterator[Callable[[], None]]:
        """Commit the run so far, and give the block a ``commit()`` for its own transactions.

        For work that must commit in pieces inside a step (``op.backfill``'s batches): the
        transaction so far (the steps before, and the ops of this step before the block)
        is committed with the version rows of the steps before; each ``commit()`` commits
        what the block did since and begins a new transaction; after the block the step
        goes on in a fresh transaction, and the step is committed with its version row as
        soon as it ends, even in one-transaction mode (as after an autocommit block). The
        migration lock is a session lock, kept across these commits. Offline, the block is
        written between ``COMMIT`` and ``BEGIN`` and ``commit()`` writes nothing.
        """
        self._autocommit_used = True
        with self._pipeline.one_by_one() if self._pipeline is not None else nullcontext():
            self._checkpoint()
            self._versions.flush()  # the steps before are committed now: so are their rows
            with self._execution.committing_block() as commit:
                yield commit

    @contextmanager
    def lock_light(
        self,
        *,
        lock_timeout: float | str | None = None,
        lock_retries: int | None = None,
        statement_timeout: float | str | None = None,
    ) -> Iterator[None]:
        """Other ``--online`` timeouts for the ops in the block (a no-op without --online).

        ``with op.get_context().lock_light(statement_timeout="30min"): op.create_index(...)``
        """
        from mig.runtime.options import seconds

        runner = self.lock_light_runner
        if runner is None:
            yield
            return
        with runner.settings(
            lock_timeout=None if lock_timeout is None else seconds("lock_timeout", lock_timeout),
            lock_retries=lock_retries,
            statement_timeout=(
                None
                if statement_timeout is None
                else seconds("statement_timeout", statement_timeout)
            ),
        ):
            yield

    @property
    def current_step(self) -> Step | None:
        """The step whose script is running (None outside ``run_migrations()``)."""
        return self._step

    def at_step_end(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` when the current step's script has returned, in the transaction
        that then writes the step's version row (a backfill forgets its progress there)."""
        self._step_end.append(fn)

    def next_backfill_index(self) -> int:
        """The key of the step's next ``op.backfill`` progress row: the position of its
        directive in the step (so it stays the same when a rerun skips directives a
        crashed run committed), else 0, 1, ... in order."""
        index, self._backfills_in_step = self._backfills_in_step, self._backfills_in_step + 1
        checkpoints = self.step_checkpoints
        if checkpoints is not None and checkpoints.current is not None:
            return checkpoints.current
        return index

    def forget_step_progress(self) -> None:
        """Delete the running step's progress rows (backfills, checkpoint) when it ends,
        in the transaction of its version row; arranged once per step."""
        step, checkpoints = self._step, self.step_checkpoints
        if step is None or checkpoints is None or self._forgetting_progress:
            return
        self._forgetting_progress = True
        connection, table = self.connection, checkpoints.table
        self.at_step_end(lambda: table.finish_step(connection, step.revision, step.direction))

    def _checkpoint(self) -> None:
        """Before a mid-step commit: record what of the step the commit makes permanent."""
        checkpoints = self.step_checkpoints
        if checkpoints is not None and checkpoints.before_commit(self.connection):
            self.forget_step_progress()

    def _commit_run_so_far(self) -> None:
        """Commit the run's transaction and begin the next (after an autocommit block)."""
        self._versions.flush()
        self._execution.commit_so_far()

    # -- running -------------------------------------------------------------------------

    def run_migrations(self, **kw: Any) -> None:
        """Plan from the current heads and run each step (``kw`` goes to each function)."""
        if self._plan_fn is None:
            raise ConfigurationError("run_migrations(): no migration command is running (no plan)")
        self._run_plan(self._plan_fn, kw)

    def _run_plan(self, plan_fn: PlanFn, kw: Mapping[str, Any]) -> None:
        """Under the lock: make sure the version table exists, read it, plan, run each step."""
        if self.options.run.read_only:
            self._read_plan(plan_fn)
            return
        with self._execution.lock(), paced_collection():
            self._execution.ensure_tables()
            if self.step_checkpoints is not None:
                self.step_checkpoints.load(self.connection)
            heads = self.get_current_heads()
            self._pipeline = pipeline = self._statement_pipeline()
            self._tracker = tracker = self._run_tracker(heads, pipelined=pipeline is not None)
            if pipeline is not None:
                self.impl.direct_ddl = DirectDDL(
                    pipeline, tracker.sent_ddl, tracker.statement_listeners
                )
            try:
                for index, step in enumerate(tracker.plan(plan_fn(heads, self)), 1):
                    if interrupt.stop_requested():  # a first Ctrl-C: stop at this boundary
                        tracker.stopped = True
                        break
                    if pipeline is not None:
                        pipeline.at_step(step.revision, step.direction)
                    self._run_step(step, kw, tracker.start(step, index))
                self._drain_pipeline()
            except BaseException as exc:
                self._versions.discard()  # rolled back with the run's transaction
                tracker.failed(exc)
                raise
            finally:
                self._pipeline = self._tracker = self.impl.direct_ddl = None
                tracker.close()
                if pipeline is not None:
                    pipeline.close()
            self._versions.flush()
            tracker.finished()

    def _run_tracker(self, heads: tuple[str, ...], pipelined: bool) -> RunTracker:
        """Step events for this run's reporter (``reporting.py``): the log by default."""
        return RunTracker(
            self.options.run.reporter or LogReporter(),
            self.connection,
            heads=heads,
            pipelined=pipelined,
            one_transaction=not self.per_step,
            transactional_ddl=bool(self.impl.transactional_ddl),
        )

    def _read_plan(self, plan_fn: PlanFn) -> None:
        """A command that only reads (``mig current``): no lock, nothing created, no steps.

        Reading must not wait for a deploy's upgrade to finish, nor leave an empty version
        table behind in a database that never had one; what it reads is what is committed.
        """
        steps = list(plan_fn(self.get_current_heads(), self))
        if steps:
            raise ConfigurationError(
                f"a read-only run was handed {len(steps)} step(s) to run (read_only=True)"
            )

    def _statement_pipeline(self) -> StatementPipeline | None:
        """A DDL pipeline for this run (``pipeline.py``): one-transaction runs, where possible."""
        if not self._defer_versions or not self.options.run.ddl_pipeline:
            return None
        if self.lock_light_runner is not None:
            return None  # --online retries a statement where it fails: one at a time
        assert self.connection is not None
        pipeline = StatementPipeline.for_connection(self.connection)
        if pipeline is not None:
            pipeline.arm()
        return pipeline

    def _drain_pipeline(self) -> None:
        """Wait for the DDL sent so far; a failed statement fails the step that sent it."""
        pipeline = self._pipeline
        if pipeline is None:
            return
        try:
            pipeline.sync()
        except Exception as exc:
            raise step_failed(exc, pipeline.revision, pipeline.direction) from exc
        if self._tracker is not None:
            self._tracker.synced()  # what was queued is done: its steps are confirmed

    def _run_step(self, step: Step, kw: Mapping[str, Any], report: StepReport) -> None:
        """One step and its version rows, in the step's transaction (or the run's).

        From the step's last statement until its version row is committed, a second Ctrl-C
        waits (``interrupt.py``): without transactional DDL the step could not be undone.
        """
        is_stamp = getattr(step, "is_stamp", False)
        tracker = self._tracker
        assert tracker is not None
        started = time.perf_counter()
        with interrupt.step_window() as window:
            with self.begin_transaction(_per_migration=True):
                self._execution.step_started(step)
                if not is_stamp:
                    tracker.watching(report)
                    self._step, self._step_end, self._backfills_in_step = step, [], 0
                    self._forgetting_progress = False
                    checkpoints = self.step_checkpoints
                    if checkpoints is not None and checkpoints.start_step(
                        step.revision, step.direction, step
                    ):
                        self.forget_step_progress()  # a resumed step: its checkpoint goes
                        self.at_step_end(checkpoints.check_resumed)
                    with self._operations.activate():
                        try:
                            step.callable()(**kw)
                            for at_end in self._step_end:
                                at_end()
                        except StepFailed:
                            raise
                        except Exception as exc:
                            if self._pipeline is not None:
                                exc = self._pipeline.blame(exc)
                            raise step_failed(exc, step.revision, step.direction) from exc
                        finally:
                            tracker.watching(None)
                            self._step, self._step_end = None, []
                            if self.step_checkpoints is not None:
                                self.step_checkpoints.end_step()
                else:
                    self._versions.flush()
                    if getattr(step, "purge", False):
                        self.impl.execute(self._version_table.table.delete())
                window.protect()
                self._versions.record(
                    step.heads_before,
                    step.heads_after,
                    defer=not is_stamp and self._defer_versions,
                    history=self._history_row(step, is_stamp, time.perf_counter() - started),
                )
            if self._autocommit_used:
                self._autocommit_used = False
                if not self.per_step:
                    self._commit_run_so_far()
                    tracker.committed()
        report.seconds = time.perf_counter() - started
        if tracker.step_done(report, step.heads_after, committed=self.per_step):
            self._drain_pipeline()
        if self._on_version_apply:
            self._drain_pipeline()  # callbacks are told the step is applied: make sure it is
            info = MigrationInfo.for_step(step, self.script)
            for callback in self._on_version_apply:
                callback(ctx=self, step=info, heads=set(step.heads_after), run_args=dict(kw))

    def _history_row(self, step: Step, is_stamp: bool, seconds: float) -> dict[str, Any] | None:
        """The step's history row (None without a history table)."""
        if self.history_table is None:
            return None
        direction = "stamp" if is_stamp else step.direction
        checksum = None if is_stamp else step_checksum(step)
        return self._execution.history_row(step, direction, checksum, seconds)

    def stamp(
        self,
        revisions: Any,
        revision: str | Sequence[str] | None = None,
        *,
        purge: bool = False,
    ) -> None:
        """Write ``revisions`` to the version table without running any migration.

        With a script source (the command's ScriptDirectory), each entry is a spec
        (``head``, ``heads``, ``lbl@head``, a prefix, ``base``) resolved by it, and stamping
        replaces the rows on the stamped revision's line of history, as Alembic's stamp
        does (see :func:`mig.runtime.steps.plan_stamp`). Without one, the entries are
        revision ids and become the rows. ``purge`` empties the table first, whatever it
        held (even revisions no script declares).

        Alembic's form ``stamp(script_directory, revision)`` is accepted too: the script
        source given first is used to resolve ``revision``.
        """
        source = self.script
        if _is_script_source(revisions):
            source, revisions = revisions, revision
        if _is_script_source(source):

            def plan(heads: tuple[str, ...], ctx: MigrationContext) -> Sequence[Step]:
                return plan_stamp(source, heads, revisions, purge=purge)
        else:
            rows = rows_for(revisions)

            def plan(heads: tuple[str, ...], ctx: MigrationContext) -> Sequence[Step]:
                before = () if purge else heads
                if not purge and set(before) == set(rows):
                    return []
                return [literal_stamp(before, rows, purge)]

        with self.begin_transaction():
            self._run_plan(plan, {})
