"""Errors raised by mig.ops.

Every error here is a user's mistake or a limit of the input, so each renders as one line
that names the op and the argument (or field) at fault: the CLI prints ``str(error)`` and
exits, with no traceback.
"""

from __future__ import annotations


class MigOpsError(Exception):
    """Base class of every mig.ops error."""

    #: the ``mig`` command's exit status for this error: 1, a failure while running
    exit_code = 1


class DirectiveError(MigOpsError, ValueError):
    """A directive was built with impossible arguments.

    Raised when the directive is constructed, so a bad migration fails before anything is
    sent to a database.
    """

    def __init__(self, op_name: str, argument: str, problem: str) -> None:
        self.op_name = op_name
        self.argument = argument
        self.problem = problem
        super().__init__(f"{op_name}: argument {argument!r} {problem}")


class IrreversibleOperationError(MigOpsError):
    """``reverse()`` was asked of a directive that does not carry what undoing it needs."""

    def __init__(self, op_name: str, reason: str) -> None:
        self.op_name = op_name
        self.reason = reason
        super().__init__(f"{op_name} cannot be reversed: {reason}")


class SerializationError(MigOpsError, ValueError):
    """A directive could not be converted to or from its JSON-compatible dict.

    ``path`` names the field (``add_column.column.type``) so a malformed input can be fixed.
    """

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class NoActiveMigrationError(MigOpsError, RuntimeError):
    """``op`` was used where no migration is running and nothing is recording."""


class NoImplementationError(MigOpsError, LookupError):
    """``Operations.invoke`` found no executor registered for a directive's class."""


class NoDatabaseError(MigOpsError, RuntimeError):
    """A directive asked for the database connection while being recorded without one."""
