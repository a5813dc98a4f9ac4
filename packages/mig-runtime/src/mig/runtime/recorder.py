"""Writing each step's version-row change: at once, or once for a whole-run transaction.

When every step of a run shares one transaction (transactional DDL, the default), nobody
outside the run can see the version table between two steps, and a failure rolls all of it
back: the rows written after step 3 of 2,000 are overwritten by step 4 before anyone could
read them. The recorder then keeps the change pending and writes only the net change
(first step's rows before -> last step's rows after), with the same one-row checks, before
anything can observe or commit it: at the end of the run, before an autocommit block
commits, and before :meth:`MigrationContext.get_current_heads` reads the table. Everywhere
else (a transaction per migration, MySQL/MariaDB without transactional DDL, stamps,
offline SQL) each change is written right after its step, in its transaction.

History rows (``history.py``) ride along: one per step, kept while the step's version change
is pending and written (in one executemany) whenever the version rows are, so they commit
or roll back with them and each keeps its own step's duration.

What this saves is one statement (and its round trip) per step of a long upgrade. The one
visible difference: SQL that reads the version table by hand in the middle of a
one-transaction run sees the rows from before the run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

Rows = frozenset[str]
Write = Callable[[Iterable[str], Iterable[str]], None]
WriteHistory = Callable[[list[dict[str, Any]]], None]


class VersionRecorder:
    """Collects the version-row changes of consecutive steps; ``flush`` writes the net one."""

    __slots__ = ("_after", "_before", "_history", "_write", "_write_history")

    def __init__(self, write: Write, write_history: WriteHistory | None = None) -> None:
        self._write = write
        self._write_history = write_history
        self._before: Rows | None = None
        self._after: Rows | None = None
        self._history: list[dict[str, Any]] = []

    @property
    def pending(self) -> bool:
        return self._before is not None or bool(self._history)

    def record(
        self,
        before: Iterable[str],
        after: Iterable[str],
        *,
        defer: bool,
        history: dict[str, Any] | None = None,
    ) -> None:
        """The rows went from ``before`` to ``after``: write it now, or keep it for later.

        ``history`` is the step's history row, written with the version change.
        """
        before, after = frozenset(before), frozenset(after)
        if self._before is not None and self._after != before:
            self.flush()  # not a continuation of what is pending: write that first
        if history is not None and self._write_history is not None:
            self._history.append(history)
        if not defer:
            pending, self._history = self._history, []
            self.flush()
            self._write(before, after)
            if pending:
                self._write_history(pending)
            return
        if self._before is None:
            self._before = before
        self._after = after

    def flush(self) -> None:
        """Write the pending net change (nothing if the rows end where they began)."""
        before, after = self._before, self._after
        self._before = self._after = None
        if before is not None and after is not None and before != after:
            self._write(before, after)
        if self._history:
            rows, self._history = self._history, []
            assert self._write_history is not None
            self._write_history(rows)

    def discard(self) -> None:
        """Forget the pending change (its transaction is being rolled back)."""
        self._before = self._after = None
        self._history = []
