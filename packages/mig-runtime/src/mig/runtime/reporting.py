"""Step events of a run: started, confirmed, failed, and what the database holds afterwards.

A progress display that says a step is done must only say so once the database has said
so. With the DDL pipeline (``pipeline.py``) a step's statements may still be queued when
the step's Python code returns; so the runtime, not the display, decides when a step is
*confirmed*: at once without a pipeline, and with one when the pipeline has synced (at
least every :data:`CONFIRM_INTERVAL` seconds, and at the end of the run). A
:class:`StepReporter` receives the events; the default one logs each step as it starts, as
Alembic's runtime does, and a command that draws its own progress passes its own
(``configure(reporter=...)``) so one step is one line, not a log line and a progress line.

When a run fails, :func:`database_state` words what the database holds now: rolled back to
the revision the run started from (one transaction), to the last committed step (a
transaction per migration), or, on a database without transactional DDL (MySQL/MariaDB),
stopped after the last recorded step with the failing step's statements that had already
run (they stay).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

log = logging.getLogger("mig.runtime.migration")

CONFIRM_INTERVAL = 0.5
"""Seconds between two pipeline syncs made only to confirm steps to the reporter."""


@dataclass
class StepReport:
    """One step as a reporter sees it."""

    revision: str
    direction: str
    """``up`` or ``down``."""
    message: str
    is_stamp: bool
    index: int
    """1-based position in the run."""
    total: int
    statements: int = 0
    """Statements the step's script sent (its version row not counted)."""
    seconds: float = 0.0
    sent: list[str] = field(default_factory=list)
    """The DDL statements the step sent that the database completed, in order."""
    step: Any = field(default=None, repr=False, compare=False)
    """The planned step itself; :attr:`text` words it."""

    @property
    def text(self) -> str:
        """The step as the log has always named it (``a1 -> b1, add users``).

        Worded when asked for, not for every step: with the log below INFO and a reporter
        that does not show it, nobody reads it, and it was a tenth of a small step's cost.
        """
        return "" if self.step is None else str(self.step)

    @property
    def verb(self) -> str:
        if self.is_stamp:
            return "stamp"
        return "upgrade" if self.direction == "up" else "downgrade"

    @classmethod
    def for_step(cls, step: Any, index: int, total: int) -> StepReport:
        return cls(
            revision=str(step.revision),
            direction=step.direction,
            message=str(getattr(step, "doc", "") or ""),
            is_stamp=bool(getattr(step, "is_stamp", False)),
            index=index,
            total=total,
            step=step,
        )


@dataclass(frozen=True)
class RunSummary:
    """How a run ended."""

    steps: int
    """Steps confirmed."""
    planned: int
    seconds: float
    heads: tuple[str, ...]
    """The version rows the run leaves (committed when the run's transaction commits)."""
    stopped: bool = False
    """Stopped early at a step boundary (Ctrl-C, see ``interrupt.py``)."""


class StepReporter:
    """Receives a run's step events; every method is optional (the base does nothing)."""

    def run_started(self, planned: int) -> None:
        """The plan is known: ``planned`` steps."""

    def step_started(self, report: StepReport) -> None:
        """A step's script is about to run."""

    def step_confirmed(self, report: StepReport) -> None:
        """The database completed every statement of the step."""

    def step_rolled_back(self, report: StepReport) -> None:
        """The step ran but the run failed and its transaction is rolled back."""

    def step_failed(self, report: StepReport, error: BaseException, state: str) -> None:
        """The step failed; ``state`` says what the database holds now."""

    def run_aborted(self, report: StepReport | None, state: str) -> None:
        """The run was aborted (a second Ctrl-C) during ``report`` (None: between steps)."""

    def run_finished(self, summary: RunSummary) -> None:
        """Every step of the run (or, stopped early, those before the stop) is confirmed."""


class LogReporter(StepReporter):
    """The default: an INFO log line as each step starts (``Running upgrade a1 -> b1``)."""

    def step_started(self, report: StepReport) -> None:
        if log.isEnabledFor(logging.INFO):
            log.info("Running %s %s", report.verb, report.text)


def heads_text(heads: Iterable[str]) -> str:
    """Version rows as a person reads them: ``b2``, ``b2, c1``, or ``base``."""
    return ", ".join(sorted(heads)) or "base"


def statement_text(statement: str, width: int = 70) -> str:
    """A statement on one line, shortened: ``CREATE TABLE t3 (id INTEGER NOT NULL, ...``."""
    text = " ".join(statement.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def database_state(
    *,
    one_transaction: bool,
    transactional_ddl: bool,
    durable: Iterable[str],
    failed: StepReport | None,
) -> str:
    """What the database holds after a failed or aborted run, in one clause."""
    at = heads_text(durable)
    if one_transaction:
        return f"rolled back: the database is at {at}"
    if transactional_ddl:
        rolled = f"{failed.revision} rolled back; " if failed is not None else "rolled back; "
        return f"{rolled}the database is at {at}, the last committed step"
    if failed is None:
        return f"stopped after {at}"
    if failed.sent:
        ran = ", ".join(statement_text(s) for s in failed.sent)
        return f"stopped after {at}; {ran} of {failed.revision} had already run and stays"
    return f"stopped after {at}; nothing of {failed.revision} had run"


def add_state(error: BaseException, state: str) -> BaseException:
    """``error`` whose one-line message ends with ``state`` (done once per error)."""
    if getattr(error, "mig_state", None) is None:
        error.mig_state = state  # type: ignore[attr-defined]
        if error.args and isinstance(error.args[0], str):
            error.args = (f"{error.args[0]}; {state}", *error.args[1:])
    return error


class StatementWatch:
    """Counts the statements a step's script sends, and keeps the DDL the database completed.

    It listens on the run's connection (online runs only); the runtime switches it on
    around each step's script, so version-table writes are not counted.
    """

    def __init__(self, connection: Any) -> None:
        self.connection = connection if isinstance(connection, Connection) else None
        self.report: StepReport | None = None
        if self.connection is not None:
            sa.event.listen(self.connection, "after_cursor_execute", self._after)

    def _after(
        self,
        conn: Connection,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: Any,
        executemany: bool,
    ) -> None:
        self.sent(statement, getattr(context, "isddl", False))

    def sent(self, statement: str, isddl: bool) -> None:
        """Count one statement the step sent (also called for DDL sent past SQLAlchemy)."""
        report = self.report
        if report is None:
            return
        report.statements += 1
        if isddl:
            report.sent.append(statement)

    def close(self) -> None:
        if self.connection is not None:
            sa.event.remove(self.connection, "after_cursor_execute", self._after)
            self.connection = None


class RunTracker:
    """One run's step reports: which steps are confirmed, which are committed, and when.

    The MigrationContext tells it what happens (a step starts, its script returns, its
    transaction commits, the pipeline syncs, the run fails); it turns that into reporter
    events and knows the version rows that are durable (committed) at any moment.
    """

    def __init__(
        self,
        reporter: StepReporter,
        connection: Any,
        *,
        heads: Iterable[str],
        pipelined: bool,
        one_transaction: bool,
        transactional_ddl: bool,
    ) -> None:
        self.reporter = reporter
        self.pipelined = pipelined
        self.one_transaction = one_transaction
        self.transactional_ddl = transactional_ddl
        self.durable: tuple[str, ...] = tuple(heads)
        self.heads: tuple[str, ...] = tuple(heads)
        self.planned = 0
        self.confirmed = 0
        self.stopped = False
        self.started = 0
        self.current: StepReport | None = None
        self.waiting: list[StepReport] = []
        self._watch = StatementWatch(connection)
        self.online = self._watch.connection is not None
        """Offline (``--sql``) there is no database whose state to report."""
        self._started = time.perf_counter()
        self._last_sync = self._started

    def plan(self, steps: Iterable[Any]) -> list[Any]:
        planned = list(steps)
        self.planned = len(planned)
        self.reporter.run_started(self.planned)
        return planned

    def start(self, step: Any, index: int) -> StepReport:
        report = StepReport.for_step(step, index, self.planned)
        self.current = report
        self.started += 1
        self.reporter.step_started(report)
        return report

    def watching(self, report: StepReport | None) -> None:
        """Count statements for ``report`` (None: stop counting)."""
        self._watch.report = report

    @property
    def statement_listeners(self) -> int:
        """How many ``after_cursor_execute`` listeners the tracker keeps on the connection."""
        return 1 if self.online else 0

    def sent_ddl(self, statement: str) -> None:
        """Count a DDL statement sent without SQLAlchemy's events (``pipeline.DirectDDL``)."""
        self._watch.sent(statement, True)

    def step_done(self, report: StepReport, heads_after: Iterable[str], committed: bool) -> bool:
        """The step and its version rows are done; True when the pipeline should sync now."""
        self.current = None
        self.heads = tuple(heads_after)
        if committed:
            self.durable = self.heads
        if not self.pipelined:
            self._confirm(report)
            return False
        self.waiting.append(report)
        return time.perf_counter() - self._last_sync >= CONFIRM_INTERVAL

    def committed(self) -> None:
        """The run's transaction committed so far (an autocommit block)."""
        self.durable = self.heads

    def synced(self) -> None:
        """The pipeline has synced: every waiting step is confirmed."""
        self._last_sync = time.perf_counter()
        waiting, self.waiting = self.waiting, []
        for report in waiting:
            self._confirm(report)

    def _confirm(self, report: StepReport) -> None:
        self.confirmed += 1
        self.reporter.step_confirmed(report)

    def state(self, failed: StepReport | None) -> str:
        return database_state(
            one_transaction=self.one_transaction,
            transactional_ddl=self.transactional_ddl,
            durable=self.durable,
            failed=failed,
        )

    def failed(self, error: BaseException) -> None:
        """The run failed (or was aborted): report each step it leaves unconfirmed."""
        self.watching(None)
        running = self.current
        pending = [*self.waiting, *([running] if running is not None else [])]
        self.waiting, self.current = [], None
        if isinstance(error, KeyboardInterrupt):
            for report in self.waiting_before(pending, running):
                self.reporter.step_rolled_back(report)
            self.reporter.run_aborted(running, self.state(running))
            return
        failing = getattr(error, "revision", None), getattr(error, "direction", None)
        culprit = next(
            (r for r in pending if (r.revision, r.direction) == failing),
            pending[-1] if pending else None,
        )
        # before any step (planning, the version table) the database is as it was: no state
        state = self.state(culprit) if self.online and self.started else ""
        if state:
            add_state(error, state)
        at = culprit.index if culprit is not None else 0
        for report in pending:
            if report.index < at:
                self.reporter.step_rolled_back(report)
        if culprit is not None:
            self.reporter.step_failed(culprit, error, state)
        for report in pending:
            if report.index > at:
                self.reporter.step_rolled_back(report)

    @staticmethod
    def waiting_before(pending: list[StepReport], running: StepReport | None) -> list[StepReport]:
        return [r for r in pending if r is not running]

    def finished(self) -> None:
        seconds = time.perf_counter() - self._started
        summary = RunSummary(self.confirmed, self.planned, seconds, self.heads, self.stopped)
        self.reporter.run_finished(summary)

    def close(self) -> None:
        self._watch.close()
