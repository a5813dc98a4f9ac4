"""Errors raised by mig.ddl.

Each one renders as a single line that names what went wrong and, where there is one, the
way out, so the CLI can print ``str(error)`` without a traceback.
"""

from __future__ import annotations

from mig.ops.errors import NoImplementationError


class DDLError(Exception):
    """Base class of every mig.ddl error."""

    #: the ``mig`` command's exit status for this error: 1, a failure while running
    exit_code = 1


class UnsupportedOperationError(DDLError, NotImplementedError):
    """A directive the database cannot carry out as asked.

    Raised before any SQL for the directive is emitted, so nothing is left half-done.
    """

    def __init__(self, op_name: str, dialect: str, way_out: str, reason: str = "") -> None:
        self.op_name = op_name
        self.dialect = dialect
        self.way_out = way_out
        self.reason = reason
        why = f" ({reason})" if reason else ""
        super().__init__(f"{op_name} is not supported on {dialect}{why}: {way_out}")


class MissingArgumentError(DDLError, ValueError):
    """A directive lacks something this database needs to emit it (MySQL's existing_type)."""

    def __init__(self, op_name: str, dialect: str, argument: str, why: str) -> None:
        self.op_name = op_name
        self.dialect = dialect
        self.argument = argument
        super().__init__(f"{op_name} on {dialect} needs {argument}: {why}")


class OfflineBatchError(DDLError):
    """A table rebuild was asked for in offline (``--sql``) mode with no table definition."""


class BatchError(DDLError):
    """A batch block names something the table does not have (a column, a constraint)."""


class MissingImplError(DDLError, NoImplementationError):
    """A directive was invoked on an Operations whose context carries no Impl.

    It is also mig.ops' NoImplementationError: from the caller's side, nothing can carry
    the directive out, whether or not mig.ddl is imported.
    """


class EnumValueInUseError(DDLError, ValueError):
    """An enum type is about to lose values that rows still hold.

    Raised by ``rebuild_enum_type`` / ``drop_enum_value`` before the type is touched, so
    nothing is half-done: the message names the column and the values, and the way out.
    """

    def __init__(self, op_name: str, type_name: str, column: str, values: list[str]) -> None:
        self.op_name = op_name
        self.type_name = type_name
        self.column = column
        self.values = values
        shown = ", ".join(repr(v) for v in values)
        super().__init__(
            f"{op_name} {type_name}: {column} holds {shown}, which the new type lacks; "
            "update or delete those rows first (or keep the values in the model)"
        )
