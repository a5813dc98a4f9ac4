"""The history table: one row per step a run applied, reverted or stamped.

The version table says where the database is; the history table says how it got there:
which revision, which way, a sha256 of the script's source as it was when it ran, when
(UTC), how long the step took and which database user ran it. ``mig history --applied``
prints it and ``mig check --integrity`` compares its checksums with the scripts on disk.

The default name is the version table's plus ``_history`` (``mig_version_history``,
``alembic_version_history`` beside an adopted Alembic table), in the same schema. Rows are
written in the transaction that writes the step's version row (see ``recorder.py``), so the
history never lists a step the database rolled back.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql.elements import ClauseElement

from mig.runtime._version import __version__
from mig.runtime.history_copy import copy_rows
from mig.runtime.pipeline import queued_step, step_failed
from mig.runtime.version_table import DEFAULT_VERSION_TABLE, OwnTable

CHECKSUM_PREFIX = "sha256:"

HISTORY_COLUMNS = (
    "id",
    "revision",
    "direction",
    "checksum",
    "applied_at",
    "duration_ms",
    "applied_by",
    "mig_version",
)


def _os_user(_: Dialect) -> ClauseElement:
    try:
        return sa.literal(getpass.getuser())
    except Exception:  # no login name (a container without passwd entry)
        return sa.null()


USER_EXPRESSIONS: dict[str, Callable[[Dialect], ClauseElement]] = {
    "postgresql": lambda d: sa.literal_column("current_user"),
    "mysql": lambda d: sa.literal_column("CURRENT_USER()"),
    "mariadb": lambda d: sa.literal_column("CURRENT_USER()"),
    "mssql": lambda d: sa.literal_column("SUSER_SNAME()"),
    "oracle": lambda d: sa.literal_column("USER"),
    "sqlite": _os_user,  # SQLite has no users: the OS account that ran the step
}
"""The SQL expression naming the database user, per dialect (others: ANSI CURRENT_USER)."""

UTC_NOW_EXPRESSIONS: dict[str, Callable[[], ClauseElement]] = {
    "postgresql": lambda: sa.literal_column("(now() AT TIME ZONE 'utc')"),
    "mysql": lambda: sa.literal_column("UTC_TIMESTAMP()"),
    "mariadb": lambda: sa.literal_column("UTC_TIMESTAMP()"),
    "mssql": lambda: sa.literal_column("SYSUTCDATETIME()"),
    "oracle": lambda: sa.literal_column("SYS_EXTRACT_UTC(SYSTIMESTAMP)"),
    "sqlite": lambda: sa.literal_column("CURRENT_TIMESTAMP"),  # UTC in SQLite
}
"""The current UTC time in SQL, per dialect: what offline (``--sql``) rows record."""


def user_expression(dialect: Dialect) -> ClauseElement:
    make = USER_EXPRESSIONS.get(dialect.name)
    return make(dialect) if make is not None else sa.func.current_user()


def utc_now_expression(dialect: Dialect) -> ClauseElement:
    make = UTC_NOW_EXPRESSIONS.get(dialect.name)
    return make() if make is not None else sa.func.current_timestamp()


def step_checksum(step: Any) -> str | None:
    """``sha256:<hex>`` of the step's source: its own ``checksum``, or its script's file.

    The runtime knows no script class (DESIGN.md): a step may carry ``checksum`` itself, or
    a ``script`` with a ``path``; a step with neither (a tool's own callables) has none.
    """
    own = getattr(step, "checksum", None)
    if isinstance(own, str):
        return own
    path = getattr(getattr(step, "script", None), "path", None)
    if not path:
        return None
    return file_checksum(path)


def file_checksum(path: Any) -> str | None:
    """``sha256:<hex>`` of a file's bytes; None when it cannot be read."""
    try:
        with open(path, "rb") as f:
            return CHECKSUM_PREFIX + hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return None


def _iso_utc(when: dt.datetime | None) -> str | None:
    """ISO-8601 with the zone: the table stores UTC without one (``utc_now_expression``)."""
    if when is None:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).isoformat()


@dataclass(frozen=True)
class HistoryEntry:
    """One row of the history table, as read back."""

    id: int
    revision: str
    direction: str
    checksum: str | None
    applied_at: dt.datetime | None
    duration_ms: int | None
    applied_by: str | None
    mig_version: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "revision": self.revision,
            "direction": self.direction,
            "checksum": self.checksum,
            "applied_at": _iso_utc(self.applied_at),
            "duration_ms": self.duration_ms,
            "applied_by": self.applied_by,
            "mig_version": self.mig_version,
        }


@dataclass(frozen=True)
class HistoryTable(OwnTable):
    """Where the step history is kept: table name and schema."""

    name: str = f"{DEFAULT_VERSION_TABLE}_history"
    schema: str | None = None

    @cached_property
    def table(self) -> sa.Table:
        return sa.Table(
            self.name,
            sa.MetaData(),
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("revision", sa.String(255), nullable=False),
            sa.Column("direction", sa.String(8), nullable=False),
            sa.Column("checksum", sa.String(80), nullable=True),
            sa.Column("applied_at", sa.DateTime, nullable=False),
            sa.Column("duration_ms", sa.Integer, nullable=True),
            sa.Column("applied_by", sa.String(255), nullable=True),
            sa.Column("mig_version", sa.String(32), nullable=True),
            schema=self.schema,
        )

    def current_user(self, connection: Connection) -> str | None:
        """The database user the rows of this connection are recorded as.

        A database that cannot say gives None. The lookup may also be the first statement
        to wait for a step's pipelined DDL (``pipeline.py``): an error of that step is the
        step's failure, not an unknown user, and is raised as such.
        """
        expression = user_expression(connection.dialect)
        if isinstance(expression, sa.sql.elements.BindParameter):
            return expression.value  # known without asking (SQLite: the OS user)
        try:
            return connection.execute(sa.select(expression)).scalar()
        except sa.exc.DBAPIError as exc:
            step = queued_step(exc)
            if step is not None:
                raise step_failed(exc, *step) from exc
            return None

    def insert_rows(self, connection: Connection, rows: Iterable[Mapping[str, Any]]) -> None:
        """Insert finished steps' rows: several in one COPY where it applies (PostgreSQL on
        psycopg, see ``history_copy.py``), else in one executemany."""
        rows = list(rows)
        if len(rows) > 1 and copy_rows(connection, self.table, rows):
            return
        if rows:
            connection.execute(self.table.insert().inline(), rows)

    def offline_insert(self, dialect: Dialect, revision: str, direction: str, checksum: str | None):
        """The INSERT a ``--sql`` script carries: the server fills in time and user."""
        return (
            self.table.insert()
            .inline()  # no RETURNING of the id: a script has nothing to read it
            .values(
                revision=revision,
                direction=direction,
                checksum=checksum,
                applied_at=utc_now_expression(dialect),
                duration_ms=sa.null(),
                applied_by=user_expression(dialect),
                mig_version=__version__,
            )
        )

    def entries(self, connection: Connection) -> list[HistoryEntry]:
        """Every row, oldest first; empty when the table does not exist."""
        if not self.exists(connection):
            return []
        table = self.table
        result = connection.execute(sa.select(table).order_by(table.c.id))
        return [HistoryEntry(**row._asdict()) for row in result]


def history_row(
    revision: str,
    direction: str,
    checksum: str | None,
    duration_s: float,
    applied_by: str | None,
) -> dict[str, Any]:
    """The row of a step that has just finished (online)."""
    return {
        "revision": revision,
        "direction": direction,
        "checksum": checksum,
        "applied_at": utc_now_to_the_second(),
        "duration_ms": round(duration_s * 1000),
        "applied_by": applied_by,
        "mig_version": __version__,
    }


# (whole seconds since the epoch, the naive UTC datetime of that second)
_this_second: tuple[int, dt.datetime] = (-1, dt.datetime.min)


def utc_now_to_the_second() -> dt.datetime:
    """Now, in UTC, without time zone or microseconds, as ``applied_at`` stores it.

    Why not ``datetime.now()`` for each row: a small step costs mig a few tens of µs, and
    building a datetime and truncating it was a tenth of that; steps in the same second
    share the one datetime of that second (the value is the same either way).
    """
    global _this_second
    second = int(time.time())
    known = _this_second
    if known[0] == second:
        return known[1]
    now = dt.datetime.fromtimestamp(second, dt.UTC).replace(tzinfo=None)
    _this_second = (second, now)
    return now


def applied_revisions(entries: Iterable[HistoryEntry]) -> dict[str, HistoryEntry]:
    """Each revision the history says is applied, with the row of its latest upgrade.

    A revision is applied when its latest ``up``/``down`` row is ``up``; stamp rows ran no
    script and are left out.
    """
    latest: dict[str, HistoryEntry] = {}
    for entry in entries:
        if entry.direction in ("up", "down"):
            latest[entry.revision] = entry
    return {rev: e for rev, e in latest.items() if e.direction == "up"}
