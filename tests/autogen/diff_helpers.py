"""Databases and models the mig-diff tests share (loaded by path from the test modules).

db-vs-db needs a second database on the same server: ``<name>b`` beside the configured
``<name>`` (created when missing), or a second SQLite file.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa


def drop_everything(engine: sa.Engine) -> None:
    md = sa.MetaData()
    md.reflect(engine)
    with engine.begin() as conn:
        if conn.dialect.name in ("mysql", "mariadb"):
            conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS=0")
        md.drop_all(conn)
        if conn.dialect.name in ("mysql", "mariadb"):
            conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS=1")


def second_url(engine: sa.Engine, tmp_path: Path) -> str:
    """A second, empty database on the same server as ``engine`` (its name plus ``b``)."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        return f"sqlite:///{tmp_path / 'second.db'}"
    name = f"{url.database}b"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if url.get_backend_name() == "postgresql":
            found = conn.exec_driver_sql(
                "SELECT 1 FROM pg_database WHERE datname = %(n)s", {"n": name}
            ).first()
            if found is None:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        else:
            conn.exec_driver_sql(f"CREATE DATABASE IF NOT EXISTS `{name}`")
    second = url.set(database=name).render_as_string(hide_password=False)
    drop_everything(sa.create_engine(second))
    return second


def database_schema() -> sa.MetaData:
    """What the database under test holds."""
    md = sa.MetaData()
    sa.Table(
        "users", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(30))
    )
    sa.Table("gone", md, sa.Column("id", sa.Integer, primary_key=True))
    return md


def target_schema() -> sa.MetaData:
    """What the target wants: a new table, a new column, no ``gone``."""
    md = sa.MetaData()
    sa.Table(
        "users",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(30)),
        sa.Column("email", sa.String(50), nullable=False, server_default="x"),
    )
    sa.Table(
        "extra",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id")),
    )
    return md


SUMMARIES = [
    "+ create table extra: 2 columns: id, user_id",
    "+ add column users.email: VARCHAR(50) NOT NULL DEFAULT 'x'",
    "- drop table gone",
]

SUMMARIES_FROM_DATABASE = {
    "postgresql": [
        SUMMARIES[0],
        "+ add column users.email: VARCHAR(50) NOT NULL DEFAULT 'x'::character varying",
        SUMMARIES[2],
    ]
}
"""With a reflected target: PostgreSQL reflects the default with its cast."""

SQL = {
    "sqlite": [
        "CREATE TABLE extra (\n    id INTEGER NOT NULL,\n    user_id INTEGER,\n    PRIMARY KEY (id),\n"
        "    FOREIGN KEY(user_id) REFERENCES users (id)\n);",
        "ALTER TABLE users ADD COLUMN email VARCHAR(50) DEFAULT 'x' NOT NULL;",
        "DROP TABLE gone;",
    ],
    "postgresql": [
        "CREATE TABLE extra (\n    id SERIAL NOT NULL,\n    user_id INTEGER,\n    PRIMARY KEY (id),\n"
        "    FOREIGN KEY(user_id) REFERENCES users (id)\n);",
        "ALTER TABLE users ADD COLUMN email VARCHAR(50) DEFAULT 'x' NOT NULL;",
        "DROP TABLE gone;",
    ],
    "mariadb": [
        "CREATE TABLE extra (\n    id INTEGER NOT NULL AUTO_INCREMENT,\n    user_id INTEGER,\n"
        "    PRIMARY KEY (id),\n    FOREIGN KEY(user_id) REFERENCES users (id)\n);",
        "ALTER TABLE users ADD COLUMN email VARCHAR(50) NOT NULL DEFAULT 'x';",
        "DROP TABLE gone;",
    ],
}
"""The reconciling SQL per dialect, statement by statement."""


def dialect_key(engine: sa.Engine) -> str:
    with engine.connect() as conn:
        dialect = conn.dialect
        return "mariadb" if getattr(dialect, "is_mariadb", False) else dialect.name
