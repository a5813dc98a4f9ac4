"""Errors of the runtime; each prints as one line naming the revision or option at fault."""

from __future__ import annotations


class MigRuntimeError(Exception):
    """Base class of mig.runtime errors."""

    #: the ``mig`` command's exit status for this error: 1, a failure while running
    exit_code = 1


class ConfigurationError(MigRuntimeError):
    """``context.configure(...)`` was given something it cannot use."""

    #: the ``mig`` command's exit status: 2, a usage or configuration mistake
    exit_code = 2


class StepFailed(MigRuntimeError):
    """A migration step raised; the message names the revision and the failing statement."""

    def __init__(self, revision: str, direction: str, cause: BaseException) -> None:
        self.revision = revision
        self.direction = direction
        self.cause = cause
        statement = getattr(cause, "statement", None)
        where = f" while running: {' '.join(str(statement).split())}" if statement else ""
        reason = str(getattr(cause, "orig", None) or cause).splitlines()[0]
        verb = "upgrade" if direction == "up" else "downgrade"
        super().__init__(f"{verb} of revision {revision} failed{where}: {reason}")


class EditedAfterCheckpoint(MigRuntimeError):
    """A step resumed after a run that stopped part way through it no longer begins with
    the directives that run committed: skipping them by count would skip other changes."""
