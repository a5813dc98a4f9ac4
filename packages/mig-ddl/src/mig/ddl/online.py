"""Lock-light forms of risky directives (``mig upgrade --online``), per dialect.

mig-ddl says *what* the lock-light form of a directive is on a database; mig-runtime
(``mig.runtime.lock_light``) decides how it runs: each statement in its own transaction,
under a short lock timeout, retried with backoff. A form is a function
``form(impl, op) -> LockLightPlan`` registered for a directive class on one dialect
(:data:`ONLINE_FORMS`, the one dispatcher of mig-ops); a directive without a form on the
running dialect runs as written, and :data:`PLAIN_LOCKS` says which lock it takes so the
plan can tell the user before anything runs.

Every statement of a plan may carry a catalog query (``run_if``): the statement runs only
when the query's first column is true. That is what makes a plan resumable: after a crash
(kill -9 during ``CREATE INDEX CONCURRENTLY`` or a ``VALIDATE``) the rerun looks at the
catalog and does only what is missing, never anything twice.

A database that needs how it reports a lock timeout, or how its session timeouts are set,
registers an :class:`OnlineDialect` in :data:`ONLINE_DIALECTS` (keyed as the Impl registry
is: ``postgresql``, ``mysql``, ``mariadb``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mig import ops
from mig.ddl.errors import DDLError
from mig.ddl.registry import dialect_key
from mig.ops.dispatch import Dispatcher

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from mig.ddl.impl import DefaultImpl


class OnlineRefused(DDLError):
    """``--online`` is set and this database cannot make the change without blocking
    writes (it would copy the table): the one-line message names the op and why."""


@dataclass(frozen=True)
class LockLightStatement:
    """One statement of a lock-light plan, run in a transaction of its own (autocommit:
    ``CREATE INDEX CONCURRENTLY`` refuses a transaction, and a ``VALIDATE`` in its own
    transaction holds its lock no longer than it runs)."""

    sql: str
    lock: str
    """The lock it takes and what that blocks, as the plan prints it."""
    run_if: str | None = None
    """A catalog query: run the statement only when its first column is true."""
    alternatives: tuple[str, ...] = ()
    """Other spellings tried in order when the server refuses ``sql``'s algorithm (MySQL:
    ``ALGORITHM=INSTANT`` first, then ``INPLACE, LOCK=NONE``); all refused -> refuse."""


@dataclass(frozen=True)
class LockLightPlan:
    """The lock-light statements of one directive, and what undoes a failed attempt."""

    op_name: str
    target: str
    statements: tuple[LockLightStatement, ...]
    cleanup: tuple[LockLightStatement, ...] = ()
    """Run after an attempt fails (drop the INVALID index a failed build leaves)."""
    notes: tuple[str, ...] = ()
    rest: Any = None
    """A directive to run as written before the plan (the parts of an ``alter_column``
    that have no lock-light form, e.g. a comment change)."""

    def describe(self) -> str:
        return f"{self.op_name} on {self.target}"


@dataclass(frozen=True)
class OnlineDialect:
    """How a database's session timeouts are set and its lock timeout is recognised."""

    lock_timeout_setting: str
    """The session setting the lock timeout goes in."""
    set_timeout: Callable[[Connection, str, float, bool], str | None]
    """``set_timeout(connection, name, seconds, local)`` -> the previous value."""
    restore_timeout: Callable[[Connection, str, str | None], None]
    is_lock_timeout: Callable[[BaseException], bool]
    is_algorithm_refused: Callable[[BaseException], bool] = lambda exc: False
    statement_timeout_setting: str | None = None
    transactional_ddl: bool = False
    timeout_sql: Callable[[str, float], str] = field(default=lambda name, seconds: "")
    """Offline: the statement that sets a timeout, as the plan writes it."""


ONLINE_FORMS: Dispatcher[Callable[[DefaultImpl, Any], LockLightPlan]] = Dispatcher(
    "lock-light form"
)
"""Directive class (on a dialect) -> its lock-light form."""

PLAIN_LOCKS: Dispatcher[Callable[[DefaultImpl, Any], str | None]] = Dispatcher("lock note")
"""Directive class (on a dialect) -> the lock it takes when run as written (None: a
directive whose lock is not worth a line, such as creating a new table)."""

ONLINE_DIALECTS: dict[str, OnlineDialect] = {}


def online_form(
    *classes: type[ops.MigrateOperation], dialects: tuple[str, ...]
) -> Callable[[Callable[..., LockLightPlan]], Callable[..., LockLightPlan]]:
    """Decorator: register a lock-light form for ``classes`` on each of ``dialects``."""

    def register(fn: Callable[..., LockLightPlan]) -> Callable[..., LockLightPlan]:
        for dialect in dialects:
            ONLINE_FORMS.for_(*classes, dialect=dialect)(fn)
        return fn

    return register


def lock_light_plan(impl: DefaultImpl, op: ops.MigrateOperation) -> LockLightPlan | None:
    """The lock-light plan of ``op`` on ``impl``'s database, or None (it runs as written).

    A form may raise :class:`OnlineRefused` (the change cannot be made without copying the
    table) or return None itself (this particular call needs no rewrite).
    """
    form = ONLINE_FORMS.lookup(type(op), dialect_key(impl.dialect))
    return form(impl, op) if form is not None else None


def plain_lock(impl: DefaultImpl, op: ops.MigrateOperation) -> str | None:
    """The lock ``op`` takes when run as written, as the ``--online`` plan prints it."""
    note = PLAIN_LOCKS.lookup(type(op), dialect_key(impl.dialect))
    return note(impl, op) if note is not None else None


def online_dialect(impl: DefaultImpl) -> OnlineDialect | None:
    """The timeout handling of ``impl``'s database (None: ``--online`` changes nothing)."""
    return ONLINE_DIALECTS.get(dialect_key(impl.dialect))


def driver_error(exc: BaseException) -> BaseException:
    """The DBAPI exception under a SQLAlchemy one."""
    return getattr(exc, "orig", None) or exc


def literal(value: str) -> str:
    """A SQL string literal (the plans' catalog queries carry their values inline)."""
    return "'" + value.replace("'", "''") + "'"


def statements_as_written(impl: DefaultImpl, op: ops.MigrateOperation) -> list[str]:
    """The statements ``op`` becomes on ``impl``'s dialect, as text (nothing is run)."""
    import io

    from mig.ddl.context import get_impl

    offline = get_impl(
        impl.dialect, None, as_sql=True, output_buffer=io.StringIO(), options=impl.options
    )
    offline.rendering_map = impl.schema_translate_map()  # names as the run reaches them
    offline.run(op)
    return list(offline.statements)
