"""Running a migration ``--online``: lock-light forms, short lock timeouts, retries.

mig-ddl says what a directive's lock-light form is on a database (``mig.ddl.online``);
this module decides how it runs. A directive with such a form runs in the context's
autocommit block, each statement its own transaction, each statement skipped when the
catalog says it is done already (so a rerun after a crash or Ctrl-C finishes the job and
applies nothing twice). Every statement, rewritten or not, runs under a short lock timeout
(``lock_timeout``, 2 s by default) and a statement that hits it is retried with backoff
``lock_retries`` times: it never waits in front of the table's traffic for long.

A directive without a lock-light form runs as written, in the step's transaction, inside a
savepoint where the database has transactional DDL (so a retry starts clean). Offline (the
``--plan``), every statement is written with the lock it takes, and nothing is run.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from mig import ops
from mig.ddl.online import (
    LockLightPlan,
    LockLightStatement,
    OnlineDialect,
    lock_light_plan,
    online_dialect,
    plain_lock,
)
from mig.ops import Operations
from mig.runtime.errors import MigRuntimeError
from mig.runtime.step_checkpoint import StepOperations

if TYPE_CHECKING:
    from mig.runtime.migration import MigrationContext

log = logging.getLogger("mig.runtime.online")

NOT_DDL = (ops.BackfillOp, ops.BulkInsertOp, ops.ModifyTableOps, ops.UpgradeOps, ops.DowngradeOps)
"""Directives that are not one DDL statement: their members (or batches) go their own way."""


class LockTimeoutExhausted(MigRuntimeError, RuntimeError):
    """A statement hit the lock timeout on every try: the table is busier than allowed."""

    exit_code = 1


@dataclass(frozen=True)
class Timeouts:
    """The timeouts and retries statements run under (``lock_light()`` changes them per op)."""

    lock_timeout: float = 2.0
    lock_retries: int = 5
    statement_timeout: float | None = None
    backoff: float = 0.25
    """The first wait before a retry; doubled each time, up to :data:`MAX_BACKOFF`."""


MAX_BACKOFF = 5.0


def _quiet_rollback(connection: Any) -> None:
    if connection.in_transaction():
        connection.rollback()


class LockLightRunner:
    """The ``--online`` half of a MigrationContext: how each directive is carried out."""

    def __init__(self, ctx: MigrationContext, timeouts: Timeouts) -> None:
        self.ctx = ctx
        self.timeouts = timeouts
        self.dialect: OnlineDialect | None = online_dialect(ctx.impl)
        self.sleep: Callable[[float], None] = time.sleep

    @contextmanager
    def settings(self, **changes: Any) -> Iterator[None]:
        """Other timeouts for the ops in the block (``statement_timeout`` of a long build)."""
        before = self.timeouts
        self.timeouts = replace(before, **{k: v for k, v in changes.items() if v is not None})
        try:
            yield
        finally:
            self.timeouts = before

    # -- dispatch ------------------------------------------------------------------------

    def invoke(self, operation: Any, as_written: Callable[[], Any]) -> Any:
        if self.dialect is None or isinstance(operation, NOT_DDL):
            return as_written()
        plan = lock_light_plan(self.ctx.impl, operation)
        if self.ctx.as_sql:
            return self._write_plan(operation, plan, as_written)
        if plan is None:
            return self._plain(operation, as_written)
        if plan.rest is not None:
            self._plain(plan.rest, lambda: self.ctx.impl.run(plan.rest))
        with self.ctx.autocommit_block():
            self._run_plan(plan)
        return None

    # -- offline: the plan ---------------------------------------------------------------

    def _comment(self, text: str) -> None:
        self.ctx.impl.static_output(f"-- {text}")

    def _write_plan(
        self, operation: Any, plan: LockLightPlan | None, as_written: Callable[[], Any]
    ) -> Any:
        assert self.dialect is not None
        if plan is None:
            lock = plain_lock(self.ctx.impl, operation)
            if lock is not None:
                self._comment(f"{operation.op_name}: {lock}")
            return as_written()
        self._comment(f"--online {plan.describe()}: {len(plan.statements)} statement(s)")
        for note in plan.notes:
            self._comment(f"note: {note}")
        if plan.rest is not None:
            self.ctx.impl.run(plan.rest)
        with self.ctx.autocommit_block():
            self.ctx.impl.static_output(
                self.dialect.timeout_sql(
                    self.dialect.lock_timeout_setting, self.timeouts.lock_timeout
                )
                + self.ctx.impl.command_terminator
            )
            for statement in plan.statements:
                self._comment(f"lock: {statement.lock}")
                if statement.run_if:
                    self._comment(f"only when: {statement.run_if}")
                for other in statement.alternatives:
                    self._comment(f"if the server refuses that algorithm: {other}")
                self.ctx.impl.execute(statement.sql)
        return None

    # -- online: statements with timeouts and retries -------------------------------------

    @contextmanager
    def _timeouts(self, local: bool) -> Iterator[None]:
        """Set the session's timeouts for the block (``local``: until the transaction ends)."""
        assert self.dialect is not None
        connection = self.ctx.connection
        restore: list[tuple[str, str | None]] = []
        wanted = [(self.dialect.lock_timeout_setting, self.timeouts.lock_timeout)]
        if self.timeouts.statement_timeout and self.dialect.statement_timeout_setting:
            wanted.append((self.dialect.statement_timeout_setting, self.timeouts.statement_timeout))
        for name, seconds in wanted:
            restore.append((name, self.dialect.set_timeout(connection, name, seconds, local)))
        try:
            yield
        finally:
            if not local:
                for name, previous in restore:
                    try:
                        self.dialect.restore_timeout(connection, name, previous)
                    except sa.exc.DBAPIError:  # the connection is gone: nothing to restore
                        _quiet_rollback(connection)

    def _retrying(
        self, what: str, attempt_once: Callable[[], Any], on_lock_timeout: Callable[[], None]
    ) -> Any:
        """Run ``attempt_once`` until it does not hit the lock timeout (bounded)."""
        assert self.dialect is not None
        wait = self.timeouts.backoff
        for attempt in range(self.timeouts.lock_retries + 1):
            try:
                return attempt_once()
            except sa.exc.DBAPIError as exc:
                if not self.dialect.is_lock_timeout(exc):
                    raise
                on_lock_timeout()
                if attempt == self.timeouts.lock_retries:
                    raise LockTimeoutExhausted(
                        f"--online: {what} could not get its lock within "
                        f"{self.timeouts.lock_timeout:g}s in {attempt + 1} tries "
                        "(raise lock_timeout / lock_retries, or run when the table is quieter)"
                    ) from exc
                log.warning(
                    "%s: lock not granted within %gs (try %d), retrying in %.2fs",
                    what,
                    self.timeouts.lock_timeout,
                    attempt + 1,
                    wait,
                )
                self.sleep(wait)
                wait = min(wait * 2, MAX_BACKOFF)
        raise AssertionError("unreachable")

    def _plain(self, operation: Any, as_written: Callable[[], Any]) -> Any:
        """A directive run as written, under the lock timeout, retried in a savepoint."""
        assert self.dialect is not None
        connection = self.ctx.connection
        what = getattr(operation, "op_name", None) or type(operation).__name__
        if self.ctx.impl.outside_transaction(operation) or not connection.in_transaction():
            with self._timeouts(local=False):
                return as_written()
        if not self.dialect.transactional_ddl:
            with self._timeouts(local=False):  # DDL commits on its own: no retry of a part
                return as_written()
        self._sync_pipeline()
        with self._timeouts(local=True):

            def once() -> Any:
                savepoint = connection.begin_nested()
                try:
                    result = as_written()
                    self._sync_pipeline()
                except BaseException:
                    if savepoint.is_active:
                        savepoint.rollback()
                    raise
                savepoint.commit()
                return result

            return self._retrying(what, once, lambda: None)

    def _sync_pipeline(self) -> None:
        self.ctx._drain_pipeline()

    def _run_plan(self, plan: LockLightPlan) -> None:
        """The plan's statements, each in its own transaction, under the session timeouts."""
        connection = self.ctx.connection

        def once() -> None:
            for statement in plan.statements:
                self._run_statement(plan, statement)

        def clean() -> None:
            _quiet_rollback(connection)
            for statement in plan.cleanup:
                try:
                    self._run_statement(plan, statement)
                except sa.exc.DBAPIError as exc:  # say so, and let the first error stand
                    _quiet_rollback(connection)
                    log.error(
                        "%s: could not clean up (%s): %s", plan.describe(), statement.sql, exc
                    )

        with self._timeouts(local=False):
            try:
                self._retrying(plan.describe(), once, clean)
            except LockTimeoutExhausted:
                raise
            except Exception:
                clean()  # a failed build leaves an INVALID index: never leave it behind
                raise

    def _run_statement(self, plan: LockLightPlan, statement: LockLightStatement) -> None:
        connection = self.ctx.connection
        if statement.run_if is not None:
            done = not connection.exec_driver_sql(statement.run_if).scalar()
            _quiet_rollback(connection)
            if done:
                log.info(
                    "%s: not needed (the catalog says so), skipped: %s",
                    plan.describe(),
                    statement.sql,
                )
                return
        spellings = (statement.sql, *statement.alternatives)
        assert self.dialect is not None
        for index, sql in enumerate(spellings):
            try:
                log.info("%s: %s", plan.describe(), sql)
                self.ctx.impl.execute(sql)
                _quiet_rollback(connection)  # AUTOCOMMIT: ends SQLAlchemy's autobegun block
                return
            except sa.exc.DBAPIError as exc:
                _quiet_rollback(connection)
                if not self.dialect.is_algorithm_refused(exc):
                    raise
                if index == len(spellings) - 1:
                    reason = _server_message(exc)
                    raise OnlineRefusedByServer(
                        f"--online: {plan.describe()} refused: the server cannot make this change "
                        f"without copying the table ({reason})"
                    ) from exc


def _server_message(exc: BaseException) -> str:
    orig = getattr(exc, "orig", exc)
    args = getattr(orig, "args", ())
    text = args[1] if len(args) > 1 and isinstance(args[1], str) else str(orig)
    return text.splitlines()[0] if text else type(orig).__name__


class OnlineRefusedByServer(MigRuntimeError, RuntimeError):
    """The server would copy the table for this change; ``--online`` refuses."""

    exit_code = 1


class LockLightOperations(StepOperations):
    """The op facade of an ``--online`` run: each directive goes through the runner."""

    def invoke_directive(self, operation: ops.MigrateOperation) -> Any:
        runner: LockLightRunner | None = getattr(self.migration_context, "lock_light_runner", None)
        if runner is None:
            return super().invoke(operation)
        return runner.invoke(operation, lambda: Operations.invoke(self, operation))
