"""Bench databases: each bench uses its own database (PostgreSQL or MariaDB), created when
missing.

A fresh machine has only the server's stock databases (``test``, ``root``, ``postgres``);
benches drop and recreate schemas freely, so they get a database of their own instead of
borrowing one the test suite uses.
"""

from __future__ import annotations

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
