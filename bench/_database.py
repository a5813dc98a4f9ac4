"""Bench databases: each bench uses its own database (PostgreSQL or MariaDB), created when
missing.

A fresh machine has only the server's stock databases (``test``, ``root``, ``postgres``);
benches drop and recreate schemas freely, so they get a database of their own instead of
borrowing one the test suite uses.
"""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa


def ensure_database(url: str) -> None:
    """Create ``url``'s database if it is absent (PostgreSQL through its ``postgres``
    database, MySQL/MariaDB through a connection without a database)."""
    target = sa.engine.make_url(url)
    name = target.database
    backend = target.get_backend_name()
    if not name or backend not in ("postgresql", "mysql", "mariadb"):
        return
    if backend != "postgresql":
        admin = sa.create_engine(target.set(database=""))
        try:
            with admin.begin() as conn:
                conn.exec_driver_sql(f"CREATE DATABASE IF NOT EXISTS `{name}`")
        finally:
            admin.dispose()
        return
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
            if exists is None:
                print(f"creating database {name!r} for the bench ...", flush=True)
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        admin.dispose()


def reset_schema(url: str) -> None:
    """Drop and recreate PostgreSQL's ``public`` schema: a bench run starts from nothing."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def psql_argv(url: str, path: Path) -> list[str]:
    """``psql`` running the SQL file ``path`` on ``url``'s database, stopping at an error."""
    u = sa.engine.make_url(url)
    argv = ["psql", "-q", "-X", "-v", "ON_ERROR_STOP=1", "-h", u.host or "127.0.0.1"]
    argv += ["-p", str(u.port or 5432), "-U", u.username or os.environ.get("USER", "postgres")]
    return [*argv, "-d", u.database or "postgres", "-f", str(path)]
