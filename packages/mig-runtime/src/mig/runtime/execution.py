"""Execution: the one interface between a MigrationContext and where its run goes.

A run either talks to a database (:class:`~mig.runtime.online.OnlineExecution`) or writes
SQL text (:class:`~mig.runtime.offline.OfflineExecution`). The MigrationContext decides
what to run and in which order; the strategy decides what a transaction, the lock, the
version rows and the history rows are in its world, so the context holds no
``if as_sql`` branches.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect

if TYPE_CHECKING:
    from mig.runtime.migration import MigrationContext
    from mig.runtime.options import RunOptions
    from mig.runtime.protocol import Step


class Execution(ABC):
    """How one MigrationContext's statements, transactions and bookkeeping reach their end."""

    as_sql: bool = False
    keeps_checkpoints: bool = True
    """Can a step record what it committed part way (``step_checkpoint.py``)? Not offline:
    the written SQL has no database to keep them in."""

    def __init__(self, ctx: MigrationContext) -> None:
        self.ctx = ctx

    # -- set-up (before the Impl exists) -------------------------------------------------

    @classmethod
    def check_connection(cls, connection: Connection | None) -> None:
        """Refuse a ``configure()`` whose connection does not fit this mode."""
        return None

    @classmethod
    def output_buffer(cls, options: RunOptions) -> Any:
        """What the Impl writes statements to (None online, unless env.py gave one)."""
        return options.output_buffer

    @classmethod
    def prepare_dialect(cls, dialect: Dialect, options: RunOptions) -> None:
        """Adjust the dialect before the run (offline: the configured server version)."""
        return None

    def bind(self, connection: Connection | None, url: sa.URL | None) -> Any:
        """What ``op.get_bind()`` gives scripts."""
        return connection

    # -- transactions --------------------------------------------------------------------

    @abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """The transaction around the run, or around one step."""

    @abstractmethod
    def outside_transaction(self) -> AbstractContextManager[None]:
        """Commit what the run did so far; run the block outside any transaction."""

    @abstractmethod
    def commit_so_far(self) -> None:
        """Commit the run's transaction and begin the next one."""

    @contextmanager
    def committing_block(self) -> Iterator[Callable[[], None]]:
        """Commit the run so far; yield what commits the block's work and begins again."""
        self.commit_so_far()
        yield self.commit_so_far

    @property
    def defers_versions(self) -> bool:
        """Whether version rows may wait for the end of the run (see ``recorder.py``)."""
        return False

    @abstractmethod
    def lock(self) -> AbstractContextManager[None]:
        """The migration lock around a run or a stamp."""

    # -- the version and history tables --------------------------------------------------

    @abstractmethod
    def current_heads(self) -> tuple[str, ...]:
        """The revisions the run starts from."""

    @abstractmethod
    def ensure_tables(self) -> None:
        """Make the version table (and the history table) exist."""

    @abstractmethod
    def write_version(
        self, before: frozenset[str] | tuple[str, ...], after: frozenset[str] | tuple[str, ...]
    ) -> None:
        """Change the version rows from ``before`` to ``after``."""

    @abstractmethod
    def write_history(self, rows: list[dict[str, Any]]) -> None:
        """Add rows to the history table."""

    @abstractmethod
    def history_row(
        self, step: Step, direction: str, checksum: str | None, seconds: float
    ) -> dict[str, Any]:
        """One step's history row."""

    def step_started(self, step: Step) -> None:
        """Called as a step begins (offline writes which one)."""
        return None
