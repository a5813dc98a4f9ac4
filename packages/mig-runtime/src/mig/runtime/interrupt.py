"""Ctrl-C during a run: the first stops at the next step boundary, a second aborts at once.

Killing a run in the middle of a step is safe where DDL is transactional (the step's
transaction rolls back) but not on MySQL/MariaDB, where every DDL statement commits by
itself: a step whose statements all ran but whose version row was not yet written would
leave the database ahead of its version table. So a command that runs migrations installs
a :class:`GracefulInterrupt` for the run (``with GracefulInterrupt(notify) as guard:``):

- the first SIGINT sets a flag and says so; the running statement and step finish, the
  step is recorded, and the runtime stops before the next step (:func:`stop_requested`),
  ending the run normally so what was done is committed; ``guard.requested`` then tells
  the command to exit with :data:`EXIT_INTERRUPTED`;
- a second SIGINT raises :class:`KeyboardInterrupt` at once, except inside
  :class:`StepWindow` (from a step's last statement until its version row is committed),
  where it is held until the window closes.

Only the main thread can receive signals; elsewhere the guard does nothing and Ctrl-C
behaves as Python's default. Without a guard (mig-runtime used from a program) nothing
changes either.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from types import FrameType
from typing import Any

EXIT_INTERRUPTED = 130
"""The exit status of a command stopped by Ctrl-C (128 + SIGINT), as shells report it."""

FIRST_NOTICE = "Ctrl-C: stopping after the running step (press Ctrl-C again to abort now)"

_active: GracefulInterrupt | None = None


class GracefulInterrupt:
    """The SIGINT handler of one run (a context manager; nests by doing nothing)."""

    def __init__(self, notify: Callable[[str], None] | None = None) -> None:
        self.notify = notify
        self.requested = False
        self._protected = 0
        self._abort_pending = False
        self._previous: Any = None
        self.installed = False

    def __enter__(self) -> GracefulInterrupt:
        global _active
        if _active is None and threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
            self.installed = True
            _active = self
        return self

    def __exit__(self, *exc: object) -> None:
        global _active
        if self.installed:
            signal.signal(signal.SIGINT, self._previous)
            self.installed = False
            _active = None

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if not self.requested:
            self.requested = True
            if self.notify is not None:
                self.notify(FIRST_NOTICE)
            return
        if self._protected:
            self._abort_pending = True  # raised as the protected window closes
            return
        raise KeyboardInterrupt

    @contextmanager
    def protect(self) -> Iterator[None]:
        self._protected += 1
        try:
            yield
        finally:
            self._protected -= 1
            if not self._protected and self._abort_pending:
                self._abort_pending = False
                raise KeyboardInterrupt


def stop_requested() -> bool:
    """Whether a first Ctrl-C asked the run to stop at this step boundary."""
    return _active is not None and _active.requested


class StepWindow:
    """A step's window a second Ctrl-C must not cut: from :meth:`protect` (the step's last
    statement) until the block ends (its version row committed).

    The runtime opens the block around the step's transaction and calls :meth:`protect`
    inside it, so the window outlives the transaction. Without a guard (mig-runtime used
    from a program) it is one shared object whose methods do nothing: every step passes
    here, and an ExitStack per step cost more than the rest of the window.
    """

    __slots__ = ("_guard", "_held")

    def __init__(self, guard: GracefulInterrupt | None) -> None:
        self._guard = guard
        self._held: AbstractContextManager[None] | None = None

    def __enter__(self) -> StepWindow:
        return self

    def protect(self) -> None:
        """From here on, a second Ctrl-C waits for the window to close."""
        if self._guard is not None and self._held is None:
            self._held = self._guard.protect()
            self._held.__enter__()

    def __exit__(self, *exc: Any) -> bool | None:
        held, self._held = self._held, None
        return None if held is None else held.__exit__(*exc)


_UNGUARDED = StepWindow(None)


def step_window() -> StepWindow:
    """The Ctrl-C window of the step about to run (see :class:`StepWindow`)."""
    guard = _active
    return _UNGUARDED if guard is None else StepWindow(guard)
