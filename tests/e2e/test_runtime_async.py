"""The `async` template's env.py run for real through a ScriptDirectory and an
EnvironmentContext: an async engine (aiosqlite, psycopg async, aiomysql), the migrations run
inside `await connection.run_sync(do_run_migrations)`, and `op.run_async` in a migration."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from mig.runtime import StepFailed

from .conftest import MIG
from .history_sql import insert_history, script_of
from .runtime_project import (
    async_url,
    command,
    new_project,
    tables,
    version_rows,
    write_revision,
)

RUN_ASYNC = '''
async def fill(conn, names):
    """Runs on the AsyncConnection that env.py opened, inside the step's transaction."""
    for name in names:
        await conn.execute(sa.text("INSERT INTO t_items (name) VALUES (:n)"), {"n": name})
    result = await conn.execute(sa.text("SELECT count(*) FROM t_items"))
    return result.scalar_one()
'''


def async_project(engine: sa.Engine, root: Path):
    config, location = new_project(root, "async")
    config.set_main_option("sqlalchemy.url", async_url(engine))
    write_revision(
        location,
        "r1",
        None,
        'op.create_table("t_items", sa.Column("id", sa.Integer, primary_key=True),'
        ' sa.Column("name", sa.String(50)))\n'
        'op.create_table("t_log", sa.Column("n", sa.Integer))',
        'op.drop_table("t_log")\nop.drop_table("t_items")',
    )
    write_revision(
        location,
        "r2",
        "r1",
        'n = op.run_async(fill, ["x", "y"])\nop.execute(f"INSERT INTO t_log (n) VALUES ({n})")',
        'op.execute("DELETE FROM t_log")\nop.execute("DELETE FROM t_items")',
        preamble=RUN_ASYNC,
    )
    write_revision(
        location,
        "r3",
        "r2",
        'op.add_column("t_items", sa.Column("email", sa.String(100)))',
        'op.drop_column("t_items", "email")',
    )
    return config, location


def test_async_env_upgrades_and_downgrades(engine: sa.Engine, tmp_path: Path) -> None:
    config, location = async_project(engine, tmp_path)
    command(config, location, "up", "r2")
    assert version_rows(engine) == ["r2"]
    with engine.connect() as conn:
        assert sorted(conn.execute(sa.text("SELECT name FROM t_items")).scalars()) == ["x", "y"]
        # run_async saw its own inserts: it ran on the migration's connection and transaction
        assert list(conn.execute(sa.text("SELECT n FROM t_log")).scalars()) == [2]
    command(config, location, "up", "head")
    assert version_rows(engine) == ["r3"]
    assert [c["name"] for c in sa.inspect(engine).get_columns("t_items")] == ["id", "name", "email"]
    command(config, location, "down", "r1")
    assert version_rows(engine) == ["r1"]
    assert [c["name"] for c in sa.inspect(engine).get_columns("t_items")] == ["id", "name"]
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM t_items")).scalar_one() == 0
    command(config, location, "down", "base")
    assert version_rows(engine) == []
    assert tables(engine) == []


def test_async_failure_inside_run_async_names_the_statement_and_rolls_back(
    engine: sa.Engine, tmp_path: Path
) -> None:
    config, location = new_project(tmp_path, "async")
    config.set_main_option("sqlalchemy.url", async_url(engine))
    write_revision(location, "r1", None, 'op.create_table("t_a", sa.Column("id", sa.Integer))')
    write_revision(
        location,
        "r2",
        "r1",
        'op.create_table("t_b", sa.Column("id", sa.Integer))\nop.run_async(broken)',
        preamble=(
            "async def broken(conn):\n"
            '    await conn.execute(sa.text("INSERT INTO no_such_table VALUES (1)"))\n'
        ),
    )
    with pytest.raises(StepFailed) as info:
        command(config, location, "up", "head")
    assert str(info.value).startswith(
        "upgrade of revision r2 failed while running: INSERT INTO no_such_table VALUES (1): "
    )
    if engine.dialect.name == "mariadb":
        # no transactional DDL: r1 stays, recorded; r2's CREATE TABLE committed on its own
        assert version_rows(engine) == ["r1"]
        assert tables(engine) == ["t_a", "t_b"]
    else:
        # one transaction for the whole run, on the async driver too (aiosqlite included)
        assert version_rows(engine) == []
        assert tables(engine) == []


def test_async_env_offline_writes_the_range(engine: sa.Engine, tmp_path: Path) -> None:
    config, location = async_project(engine, tmp_path)
    buffer = io.StringIO()
    command(config, location, "up", "head", as_sql=True, starting_rev="r2", output_buffer=buffer)
    transactional = engine.dialect.name != "mariadb"
    expected = (
        ("BEGIN;\n\n" if transactional else "")
        + "-- Running upgrade r2 -> r3\n\n"
        + "ALTER TABLE t_items ADD COLUMN email VARCHAR(100);\n\n"
        + "UPDATE mig_version SET version_num='r3' WHERE mig_version.version_num = 'r2';\n\n"
        + insert_history(engine.dialect.name, "r3", script_of(location / "versions", "r3"))
        + ("COMMIT;\n\n" if transactional else "")
    )
    assert buffer.getvalue() == expected
    assert tables(engine) == []  # offline touched nothing


def test_run_async_offline_is_a_clear_error(engine: sa.Engine, tmp_path: Path) -> None:
    config, location = async_project(engine, tmp_path)
    with pytest.raises(StepFailed, match=r"^upgrade of revision r2 failed: op\.get_bind\(\): "):
        command(config, location, "up", "head", as_sql=True, output_buffer=io.StringIO())


def test_the_async_template_upgrades_from_the_command_line(
    engine: sa.Engine, tmp_path: Path
) -> None:
    """``mig upgrade`` in a process of its own, where nothing else listens on Engine: mig's
    fast paths for psycopg (the history rows by COPY) are taken there, and must not be on
    an AsyncConnection (in this test process a library's class-level listener turns them
    off, so the test above cannot tell)."""
    async_project(engine, tmp_path)
    ini = tmp_path / "mig.ini"
    lines = [
        f"sqlalchemy.url = {async_url(engine)}" if line.startswith("sqlalchemy.url") else line
        for line in ini.read_text().splitlines()
    ]
    ini.write_text("\n".join(lines) + "\n")
    proc = subprocess.run(
        [MIG, "upgrade", "head"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert version_rows(engine) == ["r3"]
    with engine.connect() as conn:
        history = conn.execute(
            sa.text("SELECT revision FROM mig_version_history ORDER BY id")
        ).scalars()
        assert list(history) == ["r1", "r2", "r3"]
