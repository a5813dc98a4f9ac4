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
from contextlib import contextmanager, nullcontext
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect, Transaction

from mig.ddl import get_impl
from mig.ops import Operations
from mig.runtime.errors import ConfigurationError, StepFailed
from mig.runtime.history import HistoryTable, history_row, step_checksum
from mig.runtime.lock import DEFAULT_TIMEOUT, MigrationLock, lock_name
from mig.runtime.offline_bind import OfflineConnection
from mig.runtime.output import text_output
from mig.runtime.pipeline import StatementPipeline, step_failed
from mig.runtime.protocol import Step
from mig.runtime.recorder import VersionRecorder
from mig.runtime.steps import MigrationInfo, literal_stamp, plan_stamp, rows_for, step_log
from mig.runtime.version_table import VersionTable

log = logging.getLogger("mig.runtime.migration")

PlanFn = Callable[[tuple[str, ...], "MigrationContext"], Sequence[Step]]


def _offline_dialect(url: sa.URL, dialect_opts: Mapping[str, Any] | None) -> sa.Dialect:
    """The dialect offline SQL is written for.

    Offline statements carry their values inline, so no parameter style is needed; a
    pyformat style (psycopg's, pymysql's default) would make SQLAlchemy escape every ``%``
    as ``%%`` for a driver that is never called, and the file would hold ``'50%% off'``.
    "named" leaves ``%`` as written unless env.py asks for another style.
    """
    opts = {"paramstyle": "named", **(dialect_opts or {})}
    return url.get_dialect()(**opts)


def _version_info(value: Any) -> tuple[int, ...]:
    """The ``server_version_info`` option: a tuple of ints such as ``(16, 2)``."""
    if isinstance(value, tuple | list) and value and all(isinstance(v, int) for v in value):
        return tuple(value)
    raise ConfigurationError(
        f"configure(server_version_info={value!r}): give the version as numbers, e.g. (16, 2)"
    )


def _is_script_source(obj: Any) -> bool:
    """Whether ``obj`` can resolve specs and plan (a ScriptDirectory), not revision ids."""
    return callable(getattr(obj, "resolve", None)) and callable(getattr(obj, "plan_upgrade", None))


class MigrationContext:
    """Runs steps against one database connection, or writes them as SQL (``as_sql``)."""

    def __init__(
        self,
        dialect: Dialect,
        connection: Connection | None,
        opts: Mapping[str, Any],
        environment_context: Any = None,
        url: sa.URL | None = None,
    ) -> None:
        self.dialect = dialect
        self.connection: Connection | OfflineConnection | None = connection
        self.opts = dict(opts)
        self.environment_context = environment_context
        self.as_sql: bool = bool(self.opts.get("as_sql", False))
        if self.as_sql and connection is not None:
            raise ConfigurationError(
                "configure(): --sql (offline) mode takes a url, not a connection"
            )
        self.output_buffer: Any = (
            text_output(self.opts.get("output_buffer"), self.opts.get("output_encoding"))
            if self.as_sql
            else self.opts.get("output_buffer")
        )
        if self.as_sql and self.opts.get("server_version_info") is not None:
            # offline there is no server to ask: scripts testing the version see this one
            dialect.server_version_info = _version_info(self.opts["server_version_info"])
        self.impl = get_impl(
            dialect,
            connection,
            as_sql=self.as_sql,
            output_buffer=self.output_buffer,
            literal_binds=bool(self.opts.get("literal_binds", False)),
            context_opts=self.opts,
        )
        if self.as_sql:
            # what op.get_bind() hands scripts offline: statements through it are written
            self.connection = OfflineConnection(
                dialect, self.execute, url or sa.engine.make_url(f"{dialect.name}://")
            )
        self._version_table = VersionTable(
            name=self.opts.get("version_table") or "mig_version",
            schema=self.opts.get("version_table_schema"),
            primary_key=bool(self.opts.get("version_table_pk", True)),
        )
        self.history_table: HistoryTable | None = self._history_table()
        self.transaction_per_migration = bool(self.opts.get("transaction_per_migration", False))
        self._plan_fn: PlanFn | None = self.opts.get("fn")
        self._transaction: Transaction | None = None
        self._autocommit_used = False
        self._pipeline: StatementPipeline | None = None  # only while a run sends DDL
        self._held_lock: MigrationLock | None = None  # kept until the run's transaction ends
        self._applied_by: tuple[str | None] | None = None  # asked once per context
        self._versions = VersionRecorder(
            self._write_version, self._write_history if self.history_table else None
        )
        self._operations = Operations(self)  # the `op` of every step, built once per run
        callbacks = self.opts.get("on_version_apply") or ()
        self._on_version_apply = list(callbacks) if isinstance(callbacks, Sequence) else [callbacks]

    def _history_table(self) -> HistoryTable | None:
        """The ``history_table`` option: None for ``<version table>_history``, False for none."""
        name = self.opts.get("history_table")
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
        value = self.opts.get("transactional_ddl")
        return None if value is None else bool(value)

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
        if self.as_sql:
            start = self.opts.get("starting_rev")
            if start is None:
                return ()
            return tuple(start) if isinstance(start, tuple | list) else tuple(str(start).split(","))
        assert self.connection is not None
        self._versions.flush()  # what the run has applied so far, as the table must say
        return self._version_table.heads(self.connection)

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
        return not self.as_sql and not self._per_step and self._in_run_transaction

    @property
    def _in_run_transaction(self) -> bool:
        """Whether the transaction this context began (for the run or a step) is open."""
        return self._transaction is not None and self._transaction.is_active

    @property
    def _per_step(self) -> bool:
        """Whether each step has its own transaction (else one covers the whole run)."""
        return self.transaction_per_migration or not self.impl.transactional_ddl

    @contextmanager
    def begin_transaction(self, _per_migration: bool = False) -> Iterator[None]:
        """The transaction around the run (env.py) or around one step (the runtime).

        With transactional DDL and one transaction for the run, the outer block is the
        transaction and steps run inside it; otherwise (``transaction_per_migration``, or a
        database without transactional DDL) each step gets its own. Offline, BEGIN/COMMIT
        are written where the database has transactional DDL.
        """
        if _per_migration != self._per_step:
            yield
            return
        if self.as_sql:
            if self.impl.transactional_ddl:
                self.impl.emit_begin()
                yield
                self.impl.emit_commit()
            else:
                yield
            return
        connection = self.connection
        assert connection is not None
        if self._in_run_transaction:
            yield  # already inside the run's transaction (stamp() called from env.py)
            return
        if connection.in_transaction():
            connection.commit()  # a read done before (version table, lock) must not hold the run
        restore = self._begin()
        try:
            yield
        except BaseException:
            if self._transaction.is_active:
                self._transaction.rollback()
            raise
        else:
            if self._transaction.is_active:
                self._transaction.commit()
            elif connection.in_transaction():
                connection.commit()
        finally:
            self._transaction = None
            restore()
            self._release_held_lock()  # the run is committed (or rolled back): others may go

    def _begin(self) -> Callable[[], None]:
        """Begin a transaction that really covers DDL; returns what undoes the set-up.

        pysqlite starts transactions only before DML, so DDL would commit on its own: for
        SQLite the driver's implicit handling is switched off and BEGIN issued explicitly.
        """
        connection = self.connection
        assert connection is not None
        self._transaction = connection.begin()
        if connection.dialect.name != "sqlite" or not self.impl.transactional_ddl:
            return lambda: None
        raw = connection.connection.dbapi_connection  # the async adapters accept this too
        if not hasattr(raw, "isolation_level"):
            return lambda: None
        previous = raw.isolation_level
        raw.isolation_level = None
        connection.exec_driver_sql("BEGIN")

        def restore() -> None:
            raw.isolation_level = previous

        return restore

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
            self._versions.flush()  # the steps before are committed now: so are their rows
            with self._outside_transaction():
                yield

    @contextmanager
    def _outside_transaction(self) -> Iterator[None]:
        """Commit what the run did so far; run the block in AUTOCOMMIT; begin again after."""
        if self.as_sql:
            if self.impl.transactional_ddl:
                self.impl.emit_commit()
            yield
            if self.impl.transactional_ddl:
                self.impl.emit_begin()
            return
        connection = self.connection
        assert connection is not None
        had_transaction = self._in_run_transaction
        if had_transaction:
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

    def _commit_run_so_far(self) -> None:
        """Commit the run's transaction and begin the next (after an autocommit block)."""
        self._versions.flush()
        if self.as_sql:
            if self.impl.transactional_ddl:
                self.impl.emit_commit()
                self.impl.emit_begin()
            return
        if self._in_run_transaction:
            self._transaction.commit()
            self._begin()

    # -- running -------------------------------------------------------------------------

    @contextmanager
    def _lock(self) -> Iterator[None]:
        """Hold the migration lock (online, unless turned off) around a run or a stamp.

        On failure the open transaction is rolled back before the lock is released: a
        database such as PostgreSQL refuses every statement, the unlock included, inside a
        failed transaction. On success inside the run's transaction (one transaction for
        the whole run), the lock is kept until that transaction has committed
        (:meth:`begin_transaction` releases it): released before, it would let the next
        process read the version table as it was before this run and apply the same steps
        again.
        """
        if self.as_sql or not self.opts.get("migration_lock", True):
            yield
            return
        if self._held_lock is not None:
            yield  # still held from an earlier run or stamp in this transaction
            return
        connection = self.connection
        assert connection is not None
        # GET_LOCK (MySQL) and advisory keys are not per file: name the database too
        database = None if connection.dialect.name == "sqlite" else connection.engine.url.database
        name = lock_name(self._version_table.name, self._version_table.schema, database)
        lock = MigrationLock.for_connection(connection, name)
        lock.acquire(float(self.opts.get("migration_lock_timeout", DEFAULT_TIMEOUT)), self._notify)
        try:
            yield
        except BaseException:
            if self._in_run_transaction:
                self._transaction.rollback()
            elif connection.in_transaction():
                connection.rollback()
            lock.release()
            raise
        if self._in_run_transaction:
            self._held_lock = lock  # released by begin_transaction once it has committed
        else:
            lock.release()

    def _release_held_lock(self) -> None:
        lock, self._held_lock = self._held_lock, None
        if lock is not None:
            lock.release()

    def _notify(self, message: str) -> None:
        log.warning(message)
        notify = self.opts.get("notify")
        if notify is not None:
            notify(message)

    def run_migrations(self, **kw: Any) -> None:
        """Plan from the current heads and run each step (``kw`` goes to each function)."""
        if self._plan_fn is None:
            raise ConfigurationError("run_migrations(): no migration command is running (no plan)")
        self._run_plan(self._plan_fn, kw)

    def _run_plan(self, plan_fn: PlanFn, kw: Mapping[str, Any]) -> None:
        """Under the lock: make sure the version table exists, read it, plan, run each step."""
        if self.opts.get("read_only"):
            self._read_plan(plan_fn)
            return
        with self._lock():
            self._ensure_version_table()
            heads = self.get_current_heads()
            self._pipeline = pipeline = self._statement_pipeline()
            try:
                for step in plan_fn(heads, self):
                    if pipeline is not None:
                        pipeline.at_step(step.revision, step.direction)
                    self._run_step(step, kw)
                self._drain_pipeline()
            except BaseException:
                self._versions.discard()  # rolled back with the run's transaction
                raise
            finally:
                self._pipeline = None
                if pipeline is not None:
                    pipeline.close()
            self._versions.flush()

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
        if not self._defer_versions or not self.opts.get("ddl_pipeline", True):
            return None
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

    def _run_step(self, step: Step, kw: Mapping[str, Any]) -> None:
        """One step and its version rows, in the step's transaction (or the run's)."""
        is_stamp = getattr(step, "is_stamp", False)
        if log.isEnabledFor(logging.INFO):
            verb = "upgrade" if step.direction == "up" else "downgrade"
            log.info("Running %s %s", "stamp" if is_stamp else verb, step)
        with self.begin_transaction(_per_migration=True):
            if self.as_sql:
                self.impl.static_output(f"-- Running {step_log(step, self.script)}")
            started = time.perf_counter()
            if not is_stamp:
                with self._operations.activate():
                    try:
                        step.callable()(**kw)
                    except StepFailed:
                        raise
                    except Exception as exc:
                        if self._pipeline is not None:
                            exc = self._pipeline.blame(exc)
                        raise step_failed(exc, step.revision, step.direction) from exc
            else:
                self._versions.flush()
                if getattr(step, "purge", False):
                    self.impl.execute(self._version_table.table.delete())
            self._versions.record(
                step.heads_before,
                step.heads_after,
                defer=not is_stamp and self._defer_versions,
                history=self._history_row(step, is_stamp, time.perf_counter() - started),
            )
        if self._autocommit_used:
            self._autocommit_used = False
            if not self._per_step:
                self._commit_run_so_far()
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
        if self.as_sql:
            return {"revision": step.revision, "direction": direction, "checksum": checksum}
        if self._applied_by is None:
            assert self.connection is not None
            self._applied_by = (self.history_table.current_user(self.connection),)
        return history_row(step.revision, direction, checksum, seconds, self._applied_by[0])

    def _write_history(self, rows: list[dict[str, Any]]) -> None:
        history = self.history_table
        assert history is not None
        if self.as_sql:
            for row in rows:
                self.impl.execute(history.offline_insert(self.dialect, **row))
        else:
            assert self.connection is not None
            history.insert_rows(self.connection, rows)

    def _write_version(
        self, before: frozenset[str] | tuple[str, ...], after: frozenset[str] | tuple[str, ...]
    ) -> None:
        if self.as_sql:
            for statement in self._version_table.change_statements(before, after):
                self.impl.execute(statement)
        else:
            assert self.connection is not None
            self._version_table.apply(self.connection, before, after)

    def _ensure_version_table(self) -> None:
        if self.as_sql:
            if self.opts.get("starting_rev") is None:
                self.impl.execute(self._version_table.create_statement())
                if self.history_table is not None:
                    self.impl.execute(self.history_table.create_statement())
        else:
            assert self.connection is not None
            self._version_table.ensure(self.connection)
            if self.history_table is not None:
                self.history_table.ensure(self.connection)

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
