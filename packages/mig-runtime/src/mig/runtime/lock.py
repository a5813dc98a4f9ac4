"""The migration lock: several processes upgrading one database take turns.

A deploy with several replicas often runs ``mig upgrade head`` from each at once. The first
process takes the lock and applies the steps; the others wait (bounded, with a message while
they wait), then read the version table again and find nothing left to do. Each database
gets the lock that dies with its holder, so a killed process never leaves one behind:

- PostgreSQL: a session-level advisory lock on a key derived from the version table's name;
- MySQL / MariaDB: ``GET_LOCK`` on a name derived from the database and the version table
  (``GET_LOCK`` names are server-wide);
- SQLite: an exclusive ``flock`` on a file beside the database (the OS drops it when the
  process dies); an in-memory database needs none;
- anything else: a row in a lock table, inserted and deleted in their own transactions.

Offline (``--sql``) runs take no lock.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

DEFAULT_TIMEOUT = 300.0
POLL_INTERVAL = 0.2

Notify = Callable[[str], None]


class LockTimeout(RuntimeError):
    """The lock was not granted within the timeout."""

    #: the ``mig`` command's exit status for this error: 1, a failure while running
    exit_code = 1


def lock_name(version_table: str, schema: str | None = None, database: str | None = None) -> str:
    """A stable name for the lock of one version table in one database.

    The database is part of the name because MySQL/MariaDB's ``GET_LOCK`` is server-wide:
    two databases on one server, each with its own ``mig_version``, must not wait on each
    other. Names longer than MySQL's 64-character limit end in a digest of the whole.
    """
    qualified = f"{schema}.{version_table}" if schema else version_table
    name = f"mig:{database}/{qualified}" if database else f"mig:{qualified}"
    if len(name) <= 64:
        return name
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).hexdigest()
    return f"{name[:47]}~{digest}"


class MigrationLock:
    """Base of the per-database locks; subclasses register by dialect name."""

    registry: ClassVar[dict[str, type[MigrationLock]]] = {}
    dialects: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        for name in cls.dialects:
            MigrationLock.registry[name] = cls

    def __init__(self, connection: Connection, name: str) -> None:
        self.connection = connection
        self.name = name

    @classmethod
    def for_connection(cls, connection: Connection, name: str) -> MigrationLock:
        lock_cls = cls.registry.get(connection.dialect.name, LockRowLock)
        return lock_cls(connection, name)

    def try_acquire(self) -> bool:
        raise NotImplementedError

    def release(self) -> None:
        raise NotImplementedError

    def acquire(self, timeout: float = DEFAULT_TIMEOUT, notify: Notify | None = None) -> None:
        """Wait up to ``timeout`` seconds for the lock, saying once that we wait."""
        deadline = time.monotonic() + timeout
        announced = False
        while not self.try_acquire():
            if time.monotonic() >= deadline:
                raise LockTimeout(
                    f"another mig process has held the migration lock {self.name!r} for more "
                    f"than {timeout:g}s; try again later or raise the lock timeout"
                )
            if notify is not None and not announced:
                notify(f"waiting for the migration lock {self.name!r} held by another process")
                announced = True
            time.sleep(POLL_INTERVAL)

    @contextmanager
    def held(
        self, timeout: float = DEFAULT_TIMEOUT, notify: Notify | None = None
    ) -> Iterator[None]:
        """Hold the lock for the block; wait up to ``timeout`` seconds for it."""
        self.acquire(timeout, notify)
        try:
            yield
        finally:
            self.release()


def _key64(name: str) -> int:
    """A signed 64-bit advisory-lock key derived from the lock name."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class PostgresAdvisoryLock(MigrationLock):
    dialects = ("postgresql",)

    def try_acquire(self) -> bool:
        sql = sa.text("SELECT pg_try_advisory_lock(:key)")
        return bool(self.connection.execute(sql, {"key": _key64(self.name)}).scalar())

    def release(self) -> None:
        self.connection.execute(
            sa.text("SELECT pg_advisory_unlock(:key)"), {"key": _key64(self.name)}
        )


class MySQLNamedLock(MigrationLock):
    dialects = ("mysql", "mariadb")

    def try_acquire(self) -> bool:
        sql = sa.text("SELECT GET_LOCK(:name, 0)")
        return self.connection.execute(sql, {"name": self.name}).scalar() == 1

    def release(self) -> None:
        self.connection.execute(sa.text("SELECT RELEASE_LOCK(:name)"), {"name": self.name})


class SQLiteFileLock(MigrationLock):
    dialects = ("sqlite",)

    def __init__(self, connection: Connection, name: str) -> None:
        super().__init__(connection, name)
        database = connection.engine.url.database
        in_memory = database in (None, "", ":memory:") or str(database).startswith("file::memory:")
        self.path = None if in_memory else f"{database}.mig-lock"
        self._fd: int | None = None

    def try_acquire(self) -> bool:
        if self.path is None:
            return True
        import fcntl

        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            import fcntl

            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class LockRowLock(MigrationLock):
    """For databases without a session lock: a row in ``mig_lock``, on its own connection.

    A process killed while holding it leaves the row; ``mig`` then reports the lock as held
    until the timeout, and the row can be deleted by hand. Databases with session locks
    never use this.
    """

    table = sa.Table("mig_lock", sa.MetaData(), sa.Column("name", sa.String(64), primary_key=True))

    def _engine_connection(self) -> Connection:
        return self.connection.engine.connect()

    def try_acquire(self) -> bool:
        with self._engine_connection() as conn:
            with conn.begin():
                self.table.create(conn, checkfirst=True)
            try:
                with conn.begin():
                    conn.execute(self.table.insert().values(name=self.name))
            except sa.exc.IntegrityError:
                return False
        return True

    def release(self) -> None:
        with self._engine_connection() as conn, conn.begin():
            conn.execute(self.table.delete().where(self.table.c.name == self.name))
