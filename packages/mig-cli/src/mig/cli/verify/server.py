"""verify's default scratch database: a temporary one of the project's own kind.

Revisions written for PostgreSQL (a JSONB column, an enum type, raw SQL) cannot run on
SQLite, so verify without ``--url`` never switches dialect behind the user's back: a SQLite
project gets a temporary SQLite file, a PostgreSQL or MySQL/MariaDB project a database
``mig_verify_<random hex>`` created on the project's own server with the project's own
credentials and dropped afterwards (in a ``finally``: after a failing revision too). When
that is impossible (no right to create a database, the server is down, a backend with no
creator here), verify stops with one line asking for ``--url``.

Each server kind is a :class:`ServerKind` in :data:`SERVER_KINDS`, keyed by SQLAlchemy's
backend name.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL

from mig.cli.errors import UsageError, mask_passwords

PREFIX = "mig_verify_"


def temporary_name() -> str:
    """``mig_verify_<12 hex digits>``: a lower-case name every backend takes unquoted."""
    return PREFIX + secrets.token_hex(6)


@dataclass(frozen=True)
class ServerKind:
    """How to create and drop a database on one kind of server.

    ``admin_databases`` are tried in order for the connection that runs CREATE/DROP
    DATABASE (``None``: the project's own database, or none where the server allows it).
    ``sync_drivers`` replace an asyncio driver for that connection only.
    """

    title: str
    admin_databases: tuple[str | None, ...]
    sync_drivers: tuple[str, ...]
    create: str
    drop: str

    def quote(self, connection: sa.Connection, name: str) -> str:
        return connection.dialect.identifier_preparer.quote_identifier(name)


def _pg_drop(connection: sa.Connection, quoted: str) -> str:
    """PostgreSQL 13+ ends other sessions on the database itself (``WITH (FORCE)``)."""
    version = connection.dialect.server_version_info or (0,)
    return f"DROP DATABASE IF EXISTS {quoted}" + (" WITH (FORCE)" if version >= (13,) else "")


def _mysql_family(title: str) -> ServerKind:
    """MySQL and MariaDB: the same statements and drivers, each under its own name."""
    return ServerKind(
        title,
        admin_databases=("", None),
        sync_drivers=("pymysql", "mysqldb"),
        create="CREATE DATABASE {name}",
        drop="DROP DATABASE IF EXISTS {name}",
    )


SERVER_KINDS: dict[str, ServerKind] = {
    "postgresql": ServerKind(
        "PostgreSQL",
        admin_databases=(None, "postgres", "template1"),
        sync_drivers=("psycopg", "psycopg2"),
        create="CREATE DATABASE {name}",
        drop="pg",
    ),
    "mysql": _mysql_family("MySQL"),
    "mariadb": _mysql_family("MariaDB"),
}


def _with_database(url: URL, database: str | None) -> URL:
    """``url`` naming ``database`` (None: no database; ``URL.set`` cannot unset it)."""
    return url._replace(database=database)


def _admin_urls(url: URL, kind: ServerKind) -> Iterator[URL]:
    drivers: tuple[str | None, ...] = (None,)
    try:
        if url.get_dialect().is_async:
            drivers = kind.sync_drivers
    except Exception:  # a driver that is not installed: try the sync ones
        drivers = (None, *kind.sync_drivers)
    for driver in drivers:
        base = url if driver is None else url.set(drivername=f"{url.get_backend_name()}+{driver}")
        for database in kind.admin_databases:
            yield base if database is None else _with_database(base, database or None)


def _admin_engine(url: URL, kind: ServerKind) -> tuple[sa.Engine, sa.Connection]:
    """An autocommit connection to the server (the first admin URL that connects)."""
    last: Exception | None = None
    for candidate in _admin_urls(url, kind):
        try:
            engine = sa.create_engine(
                candidate, poolclass=sa.pool.NullPool, isolation_level="AUTOCOMMIT"
            )
        except Exception as exc:  # a driver that is not installed
            last = exc
            continue
        try:
            return engine, engine.connect()
        except Exception as exc:
            engine.dispose()
            last = exc
    assert last is not None
    raise last


def _reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()
    return mask_passwords(text[0] if text else type(orig).__name__)


def ask_for_url(url: URL, why: str) -> UsageError:
    backend = url.get_backend_name()
    return UsageError(
        f"verify: {why}; pass --url with an empty {backend} database to verify on "
        f"(verify never switches to another kind of database)"
    )


@dataclass
class TemporaryServerDatabase:
    """A database created for one verify run; ``url`` names it (password kept)."""

    kind: ServerKind
    server: URL
    name: str

    @property
    def url(self) -> str:
        return self.server.set(database=self.name).render_as_string(hide_password=False)

    def label(self) -> str:
        where = self.server.host or "localhost"
        if self.server.port:
            where += f":{self.server.port}"
        return f"a temporary {self.kind.title} database ({self.name} on {where})"


@contextmanager
def temporary_server_database(project_url: URL) -> Iterator[TemporaryServerDatabase]:
    """Create ``mig_verify_<hex>`` beside the project's database, drop it when done.

    The drop runs in a ``finally``, so a failing revision (or an interrupt) leaves nothing
    behind; a drop that fails gives way to the block's own error.
    """
    kind = SERVER_KINDS.get(project_url.get_backend_name())
    if kind is None:
        raise ask_for_url(
            project_url,
            f"no --url, and mig cannot create a temporary {project_url.get_backend_name()} "
            f"database",
        )
    shown = _with_database(project_url, None).render_as_string(hide_password=True)
    try:
        engine, connection = _admin_engine(project_url, kind)
    except Exception as exc:
        raise ask_for_url(
            project_url, f"no --url, and cannot connect to {shown} to create one ({_reason(exc)})"
        ) from None
    temp = TemporaryServerDatabase(kind, project_url, temporary_name())
    try:
        quoted = kind.quote(connection, temp.name)
        try:
            connection.exec_driver_sql(kind.create.format(name=quoted))
        except Exception as exc:
            raise ask_for_url(
                project_url,
                f"no --url, and {shown} does not let this user create a temporary database "
                f"({_reason(exc)})",
            ) from None
        try:
            yield temp
        except BaseException:
            with suppress(Exception):
                _drop(connection, kind, quoted)
            raise
        _drop(connection, kind, quoted)
    finally:
        connection.close()
        engine.dispose()


def _drop(connection: sa.Connection, kind: ServerKind, quoted: str) -> None:
    sql = _pg_drop(connection, quoted) if kind.drop == "pg" else kind.drop.format(name=quoted)
    connection.exec_driver_sql(sql)


def database_exists(connection: Any, name: str) -> bool:
    """Whether the server has a database ``name`` (for tests and for the curious)."""
    if connection.dialect.name == "postgresql":
        sql = "SELECT 1 FROM pg_database WHERE datname = :n"
    else:
        sql = "SELECT 1 FROM information_schema.schemata WHERE schema_name = :n"
    return connection.execute(sa.text(sql), {"n": name}).first() is not None
