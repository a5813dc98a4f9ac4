"""What ``op.get_bind()`` and ``context.get_bind()`` hand out in offline (``--sql``) mode.

Many migrations ask for the bind only to read ``bind.dialect.name``, or to run a statement
through it (``bind.execute(table.insert().values(...))``). Offline there is no database,
but both of those still make sense: the dialect is the one the SQL is written for, and a
statement executed through the bind is written to the output like ``op.execute``. What
cannot make sense is reading an answer (``fetchall``, ``scalar``, iterating, reflection):
that fails with :class:`OfflineModeError`, one line naming the call, which the runtime
reports as the failing step's error.

The class builds on SQLAlchemy's own mock connection (``create_mock_engine``), so
``metadata.create_all(bind)`` and ``enum.create(bind)`` write their DDL too, without the
catalog checks (``checkfirst``) that would need a database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, NoReturn

import sqlalchemy as sa
import sqlalchemy.inspection
from sqlalchemy.engine import Dialect
from sqlalchemy.engine.mock import MockConnection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import ValuesBase
from sqlalchemy.sql.elements import ClauseElement, TextClause

from mig.ops.dispatch import Dispatcher, find
from mig.runtime.errors import ConfigurationError

NEEDS_A_DATABASE = (
    "offline (--sql) mode has no database to answer it "
    "(test context.is_offline_mode() to skip this part of the migration)"
)


class OfflineModeError(ConfigurationError):
    """Something asked offline mode for what only a database has (rows, the catalog).

    A ConfigurationError, so outside a step (env.py) the command shows it as one line; in a
    step, the runtime's StepFailed adds the revision.
    """


def _short(statement: Any, limit: int = 60) -> str:
    text = " ".join(str(statement).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class DriverSQL(Executable, ClauseElement):
    """``exec_driver_sql``'s string, written exactly as given (no bind-parameter parsing)."""

    __visit_name__ = "mig_driver_sql"
    inherit_cache = False

    def __init__(self, sql: str) -> None:
        self.sql = sql


@compiles(DriverSQL)
def _driver_sql(element: DriverSQL, compiler: SQLCompiler, **kw: Any) -> str:
    return element.sql


def _bind_text(construct: TextClause, params: Mapping[str, Any]) -> ClauseElement:
    return construct.bindparams(**params)


def _bind_values(construct: ValuesBase, params: Mapping[str, Any]) -> ClauseElement:
    return construct.values(**params)


def _bind_other(construct: ClauseElement, params: Mapping[str, Any]) -> ClauseElement:
    return construct.params(**params)


PARAMETER_BINDERS: Dispatcher[Callable[[Any, Mapping[str, Any]], ClauseElement]] = Dispatcher(
    "parameter binder",
    {
        TextClause: _bind_text,
        ValuesBase: _bind_values,  # insert() / update(): the parameters are the row's values
        ClauseElement: _bind_other,
    },
)
"""How a statement takes ``execute(statement, {...})``'s parameters, so offline mode can
write them inline (looked up along the statement's class hierarchy)."""


def with_parameters(construct: ClauseElement, params: Mapping[str, Any]) -> ClauseElement:
    binder = find(PARAMETER_BINDERS, construct)
    if binder is not None:
        return binder(construct, params)
    raise OfflineModeError(f"bind.execute({_short(construct)}, ...): cannot bind parameters")


class OfflineResult:
    """What ``bind.execute(...)`` returns offline: nothing can be read from it.

    ``close()`` is allowed (scripts call it); any other use of the result raises
    :class:`OfflineModeError` naming the statement and the call.
    """

    __slots__ = ("_call",)

    def __init__(self, call: str) -> None:
        self._call = call

    def close(self) -> None:
        """Nothing to release."""

    def _refuse(self, what: str) -> NoReturn:
        raise OfflineModeError(f"{what}: {NEEDS_A_DATABASE}")

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        self._refuse(f"{self._call}.{name}")

    def __iter__(self) -> Iterator[Any]:
        self._refuse(f"iterating over {self._call}")

    def __next__(self) -> Any:
        self._refuse(f"next({self._call})")

    def __repr__(self) -> str:
        return f"<offline result of {self._call}>"


class OfflineConnection(MockConnection):
    """The offline bind: the dialect, the URL, and statements written to the SQL output.

    ``write`` is the migration context's ``execute`` (offline: render and write). ``url``
    is what env.py configured (``url=`` or ``dialect_name=``), so ``bind.engine.url``
    names the backend as online.
    """

    def __init__(self, dialect: Dialect, write: Callable[..., Any], url: sa.URL) -> None:
        super().__init__(dialect, self._execute_construct)
        self._write = write
        self.url = url
        self.info: dict[str, Any] = {}

    # -- what scripts read -------------------------------------------------------------------

    @property
    def driver(self) -> str:
        return self.dialect.driver

    @property
    def closed(self) -> bool:
        return False

    @property
    def invalidated(self) -> bool:
        return False

    def in_transaction(self) -> bool:
        """The script being written is inside its BEGIN ... COMMIT, as the run is."""
        return True

    def get_execution_options(self) -> Mapping[str, Any]:
        return {}

    def __repr__(self) -> str:
        return f"<mig offline connection for {self.url.render_as_string(hide_password=True)}>"

    # -- statements ---------------------------------------------------------------------------

    def execute(  # type: ignore[override]
        self,
        statement: Any,
        parameters: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
        execution_options: Mapping[str, Any] | None = None,
    ) -> OfflineResult:
        """Write ``statement`` (with its parameters inline) to the SQL output.

        A list of parameter dicts (executemany) writes one statement per dict.
        """
        if isinstance(statement, str):
            raise OfflineModeError(
                f"bind.execute({_short(statement)!r}): pass sa.text(...) as SQLAlchemy "
                "requires, or use op.execute(...)"
            )
        rows = [parameters] if isinstance(parameters, Mapping) else list(parameters or [None])
        for row in rows:
            construct = statement if not row else with_parameters(statement, row)
            self._write(construct, execution_options=execution_options)
        return OfflineResult(f"bind.execute({_short(statement)})")

    def _execute_construct(self, construct: Any, parameters: Any = None) -> OfflineResult:
        """What the DDL visitors (``create_all``, ``enum.create``) send."""
        return self.execute(construct, parameters)

    def exec_driver_sql(
        self,
        statement: str,
        parameters: Any = None,
        execution_options: Mapping[str, Any] | None = None,
    ) -> OfflineResult:
        """Write the driver-level SQL string exactly as given."""
        if parameters:
            raise OfflineModeError(
                f"bind.exec_driver_sql({_short(statement)!r}, ...): offline (--sql) mode "
                "cannot send parameters; put the values in the SQL text"
            )
        self._write(DriverSQL(statement), execution_options=execution_options)
        return OfflineResult(f"bind.exec_driver_sql({_short(statement)!r})")

    def scalar(self, statement: Any, *args: Any, **kw: Any) -> NoReturn:
        raise OfflineModeError(f"bind.scalar({_short(statement)}): {NEEDS_A_DATABASE}")

    def scalars(self, statement: Any, *args: Any, **kw: Any) -> NoReturn:
        raise OfflineModeError(f"bind.scalars({_short(statement)}): {NEEDS_A_DATABASE}")


@sqlalchemy.inspection._inspects(OfflineConnection)
def _no_inspector(bind: OfflineConnection) -> NoReturn:
    """``sa.inspect(bind)`` offline: reflection reads the catalog, which is not there."""
    raise OfflineModeError(f"sa.inspect(bind): {NEEDS_A_DATABASE}")
