"""OfflineExecution: a run written as SQL text (``--sql``), for someone to apply later.

There is no database to ask: the starting revision is what the command was given, the
version and history rows are written as statements, transactions are BEGIN/COMMIT in the
text where the database has transactional DDL, and there is no lock to take.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect

from mig.runtime.errors import ConfigurationError
from mig.runtime.execution import Execution
from mig.runtime.offline_bind import OfflineConnection
from mig.runtime.output import text_output
from mig.runtime.steps import step_log

if TYPE_CHECKING:
    from mig.runtime.options import RunOptions
    from mig.runtime.protocol import Step


def _nothing() -> None:
    """Offline, a committing block's ``commit()``: the written loop commits its batches."""


class OfflineExecution(Execution):
    """Statements go to the output buffer; the bookkeeping is written as statements too."""

    as_sql = True
    keeps_checkpoints = False

    @classmethod
    def check_connection(cls, connection: Connection | None) -> None:
        if connection is not None:
            raise ConfigurationError(
                "configure(): --sql (offline) mode takes a url, not a connection"
            )

    @classmethod
    def output_buffer(cls, options: RunOptions) -> Any:
        return text_output(options.output_buffer, options.output_encoding)

    @classmethod
    def prepare_dialect(cls, dialect: Dialect, options: RunOptions) -> None:
        if options.server_version_info is not None:
            # offline there is no server to ask: scripts testing the version see this one
            dialect.server_version_info = options.server_version_info

    def bind(self, connection: Connection | None, url: sa.URL | None) -> Any:
        """What op.get_bind() hands scripts offline: statements through it are written."""
        ctx = self.ctx
        return OfflineConnection(
            ctx.dialect, ctx.execute, url or sa.engine.make_url(f"{ctx.dialect.name}://")
        )

    # -- transactions --------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        impl = self.ctx.impl
        if not impl.transactional_ddl:
            yield
            return
        impl.emit_begin()
        yield
        impl.emit_commit()

    @contextmanager
    def outside_transaction(self) -> Iterator[None]:
        impl = self.ctx.impl
        if impl.transactional_ddl:
            impl.emit_commit()
        yield
        if impl.transactional_ddl:
            impl.emit_begin()

    @contextmanager
    def committing_block(self) -> Iterator[Callable[[], None]]:
        """Offline: the block (a loop committing per batch) is written outside BEGIN/COMMIT."""
        with self.outside_transaction():
            yield _nothing

    def commit_so_far(self) -> None:
        impl = self.ctx.impl
        if impl.transactional_ddl:
            impl.emit_commit()
            impl.emit_begin()

    def lock(self) -> AbstractContextManager[None]:
        return nullcontext()

    # -- the version and history tables --------------------------------------------------

    def current_heads(self) -> tuple[str, ...]:
        """The ``start`` of ``start:end``: offline, the database is never read."""
        start = self.ctx.options.run.starting_rev
        if start is None:
            return ()
        return tuple(start) if isinstance(start, tuple | list) else tuple(str(start).split(","))

    def ensure_tables(self) -> None:
        """CREATE TABLE for a script that starts from nothing (no ``start:``)."""
        ctx = self.ctx
        if ctx.options.run.starting_rev is not None:
            return
        ctx.impl.execute(ctx.version_table_object.create_statement())
        if ctx.history_table is not None:
            ctx.impl.execute(ctx.history_table.create_statement())

    def write_version(
        self, before: frozenset[str] | tuple[str, ...], after: frozenset[str] | tuple[str, ...]
    ) -> None:
        for statement in self.ctx.version_table_object.change_statements(before, after):
            self.ctx.impl.execute(statement)

    def write_history(self, rows: list[dict[str, Any]]) -> None:
        history = self.ctx.history_table
        assert history is not None
        for row in rows:
            self.ctx.impl.execute(history.offline_insert(self.ctx.dialect, **row))

    def history_row(
        self, step: Step, direction: str, checksum: str | None, seconds: float
    ) -> dict[str, Any]:
        """What the script can say: the time and user are the database's when it runs."""
        return {"revision": step.revision, "direction": direction, "checksum": checksum}

    def step_started(self, step: Step) -> None:
        self.ctx.impl.static_output(f"-- Running {step_log(step, self.ctx.script)}")
