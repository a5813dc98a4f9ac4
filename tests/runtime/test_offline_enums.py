"""Offline PostgreSQL ENUM types are created once per run: two columns of one table sharing a
type (two equal ``sa.Enum`` objects, or one used twice), and a later step's table or column
using a type the run already created, give one ``CREATE TYPE`` each, so psql runs the file."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from steps_source import Chain

from mig.ops import op
from mig.runtime import EnvironmentContext, context

SCHEMA = "mig_offline_enums"


def r1() -> None:
    op.create_table(
        "t1",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("m", sa.Enum("a", "b", name="mood")),
        sa.Column("m2", sa.Enum("a", "b", name="mood")),
    )
    shared = sa.Enum("a", "b", name="mood")
    op.create_table("t2", sa.Column("m", shared), sa.Column("m2", shared))


def r2() -> None:
    op.create_table(
        "t3",
        sa.Column("m", sa.Enum("a", "b", name="mood")),
        sa.Column("s", sa.Enum("S", "M", name="size")),
    )
    op.add_column("t1", sa.Column("m3", sa.Enum("a", "b", name="mood")))
    op.add_column("t1", sa.Column("s", sa.Enum("S", "M", name="size")))


def offline_sql() -> str:
    source = Chain([("r1", r1, lambda: None), ("r2", r2, lambda: None)])
    buffer = io.StringIO()
    with EnvironmentContext(
        None, source, as_sql=True, fn=lambda h, c: source.plan_upgrade(h, "head")
    ):
        context.configure(
            url="postgresql://",
            output_buffer=buffer,
            version_table="enum_version",
            history_table=False,
        )
        with context.begin_transaction():
            context.run_migrations()
    return buffer.getvalue()


EXPECTED = (
    "BEGIN;\n\n"
    "CREATE TABLE enum_version (\n    version_num VARCHAR(32) NOT NULL, \n"
    "    CONSTRAINT enum_version_pkc PRIMARY KEY (version_num)\n);\n\n"
    "-- Running upgrade  -> r1\n\n"
    "CREATE TYPE mood AS ENUM ('a', 'b');\n\n"
    "CREATE TABLE t1 (\n    id SERIAL NOT NULL, \n    m mood, \n    m2 mood, \n"
    "    PRIMARY KEY (id)\n);\n\n"
    "CREATE TABLE t2 (\n    m mood, \n    m2 mood\n);\n\n"
    "INSERT INTO enum_version (version_num) VALUES ('r1');\n\n"
    "-- Running upgrade r1 -> r2\n\n"
    "CREATE TYPE size AS ENUM ('S', 'M');\n\n"
    "CREATE TABLE t3 (\n    m mood, \n    s size\n);\n\n"
    "ALTER TABLE t1 ADD COLUMN m3 mood;\n\n"
    "ALTER TABLE t1 ADD COLUMN s size;\n\n"
    "UPDATE enum_version SET version_num='r2' WHERE enum_version.version_num = 'r1';\n\n"
    "COMMIT;\n\n"
)


def test_each_type_is_created_once_per_run() -> None:
    sql = offline_sql()
    assert sql.count("CREATE TYPE mood") == 1 and sql.count("CREATE TYPE size") == 1
    assert sql == EXPECTED


def test_psql_runs_the_offline_file(engine: sa.Engine, tmp_path: Path) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("native ENUM types are PostgreSQL's")
    psql = shutil.which("psql")
    assert psql is not None, "psql is needed to run the offline file"
    script = tmp_path / "upgrade.sql"
    script.write_text(offline_sql())
    url = engine.url
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        conn.exec_driver_sql(f"CREATE SCHEMA {SCHEMA}")
    try:
        where = ["-h", url.host or "127.0.0.1", "-p", str(url.port or 5432)]
        who = ["-U", url.username or "postgres", "-d", url.database or "postgres"]
        env = {**os.environ, "PGOPTIONS": f"-c search_path={SCHEMA}"}
        if url.password:
            env["PGPASSWORD"] = url.password
        done = subprocess.run(
            [psql, *where, *who, "-v", "ON_ERROR_STOP=1", "-q", "-f", str(script)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        inspector = sa.inspect(engine)
        assert sorted(inspector.get_table_names(schema=SCHEMA)) == [
            "enum_version",
            "t1",
            "t2",
            "t3",
        ]
        enums = {e["name"]: e["labels"] for e in inspector.get_enums(schema=SCHEMA)}
        assert enums == {"mood": ["a", "b"], "size": ["S", "M"]}
        columns = {c["name"]: c["type"] for c in inspector.get_columns("t1", schema=SCHEMA)}
        assert [columns[n].name for n in ("m", "m2", "m3", "s")] == ["mood", "mood", "mood", "size"]
        with engine.connect() as conn:
            version = conn.exec_driver_sql(f"SELECT version_num FROM {SCHEMA}.enum_version")
            assert version.scalars().all() == ["r2"]
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
