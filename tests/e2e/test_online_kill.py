"""A real ``mig upgrade --online`` killed with SIGKILL during ``CREATE INDEX CONCURRENTLY``
and during a ``VALIDATE CONSTRAINT``, then rerun: the rerun completes, applies nothing
twice, and leaves no INVALID index; the version table and history end right. Also the
command line: ``--plan`` runs nothing, ``online = true`` in mig.ini, ``--no-online`` wins."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest
import sqlalchemy as sa

from tests.e2e.conftest import MIG

# a function slow on every row, so that the build / the validation can be caught part way
SLOW = """op.execute(
        "CREATE OR REPLACE FUNCTION slow_key(v integer) RETURNS integer LANGUAGE plpgsql IMMUTABLE AS "
        "$$ BEGIN PERFORM pg_sleep(0.02); RETURN v; END $$"
    )
    op.create_table(
        "items",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("n", sa.Integer),
    )
    op.execute("INSERT INTO items (id, n) SELECT g, g FROM generate_series(1, 150) g")"""

INDEX = 'op.create_index("ix_items_slow", "items", [sa.text("slow_key(n)")])'
CHECK = (
    'op.create_check_constraint("ck_items_slow", "items", "slow_key(n) > 0")\n'
    '    op.alter_column("items", "n", nullable=False, existing_type=sa.Integer())'
)


def query(url: str, sql: str) -> list[tuple]:
    eng = sa.create_engine(url)
    try:
        with eng.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text(sql))]
    finally:
        eng.dispose()


def pg_only(project) -> None:
    if not project.url.startswith("postgresql"):
        pytest.skip("CREATE INDEX CONCURRENTLY and VALIDATE CONSTRAINT are PostgreSQL's")


def kill_during(project, statement_prefix: str, *args: str) -> None:
    """Start ``mig upgrade head --online``, SIGKILL it while ``statement_prefix`` runs."""
    proc = subprocess.Popen(
        [MIG, "upgrade", "head", "--online", *args],
        cwd=project.root,
        env={**os.environ, "NO_COLOR": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    running = (
        "SELECT pid FROM pg_stat_activity WHERE state = 'active' "
        "AND datname = current_database() "  # never another database's sessions
        f"AND query LIKE '{statement_prefix}%'"
    )
    try:
        deadline = time.monotonic() + 60
        while not query(project.url, running):
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, f"{statement_prefix} never started"
            time.sleep(0.05)
        time.sleep(0.3)  # well into the statement
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    # the server side of the dead client goes too (as when the machine running it dies)
    query(project.url, f"SELECT pg_terminate_backend(pid) FROM ({running}) AS busy")
    deadline = time.monotonic() + 30
    while query(project.url, running):
        assert time.monotonic() < deadline
        time.sleep(0.05)


def indexes(url: str) -> list[tuple]:
    return query(
        url,
        "SELECT c.relname, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = 'items'::regclass AND NOT i.indisprimary ORDER BY 1",
    )


def constraints(url: str) -> list[tuple]:
    return query(
        url,
        "SELECT conname, convalidated FROM pg_constraint WHERE conrelid = 'items'::regclass "
        "AND contype = 'c' ORDER BY 1",
    )


def history(url: str) -> list[tuple]:
    return query(url, "SELECT revision, direction FROM mig_version_history ORDER BY id")


def test_kill_during_create_index_concurrently_then_rerun(project) -> None:
    pg_only(project)
    project.init()
    project.revision("a1", "items", SLOW, "pass")
    project.revision("b1", "index", INDEX, "pass", "--head", "a1")
    kill_during(project, "CREATE INDEX CONCURRENTLY")
    assert indexes(project.url) == [("ix_items_slow", False)]  # what a crash leaves
    assert project.version_rows() == {"a1"}

    project.mig("upgrade", "head", "--online", console_script=True)
    assert indexes(project.url) == [("ix_items_slow", True)]
    assert project.version_rows() == {"b1"}
    assert history(project.url) == [("a1", "up"), ("b1", "up")]


def test_kill_during_validate_then_rerun(project) -> None:
    pg_only(project)
    project.init()
    project.revision("a1", "items", SLOW, "pass")
    project.revision("b1", "check", CHECK, "pass", "--head", "a1")
    kill_during(project, "ALTER TABLE items VALIDATE CONSTRAINT ck_items_slow")
    assert constraints(project.url) == [("ck_items_slow", False)]  # added NOT VALID only
    assert project.version_rows() == {"a1"}

    result = project.mig("upgrade", "head", "--online", console_script=True)
    assert "Traceback" not in result.err
    assert constraints(project.url) == [("ck_items_slow", True)]  # no mig_nn_ helper left
    notnull = "SELECT attnotnull FROM pg_attribute WHERE attrelid = 'items'::regclass"
    assert query(project.url, notnull + " AND attname = 'n'") == [(True,)]
    assert project.version_rows() == {"b1"}
    assert history(project.url) == [("a1", "up"), ("b1", "up")]


def test_plan_runs_nothing_and_config_and_flags(project) -> None:
    pg_only(project)
    project.init()
    project.revision("a1", "items", SLOW.split("op.create_table")[0] + "pass", "pass")
    project.revision("b1", "index", INDEX, "pass", "--head", "a1")
    plan = project.mig("upgrade", "a1:head", "--online", "--plan").out
    assert "CREATE INDEX CONCURRENTLY ix_items_slow ON items (slow_key(n));" in plan
    assert "-- lock: SHARE UPDATE EXCLUSIVE on items: reads and writes go on" in plan
    assert "mig_version" not in project.table_names()  # nothing ran

    ini = project.root / "mig.ini"
    ini.write_text(ini.read_text().replace("[mig]\n", "[mig]\nonline = true\nlock_timeout = 1s\n"))
    plan = project.mig("upgrade", "a1:head", "--sql").out
    assert "SET lock_timeout = '1000ms';" in plan  # the config turned --online on
    plan = project.mig("upgrade", "a1:head", "--sql", "--no-online").out
    assert "CONCURRENTLY" not in plan and "lock_timeout" not in plan


def test_ops_before_a_killed_segment_are_not_run_again(project) -> None:
    """The plain ops of the revision before the CONCURRENTLY build were committed when its
    autocommit segment began: the rerun skips them (the step's checkpoint), so the column
    and the row are not added twice, and the build completes."""
    pg_only(project)
    project.init()
    project.revision("a1", "items", SLOW, "pass")
    before = (
        'op.add_column("items", sa.Column("extra", sa.Integer))\n'
        '    op.create_table("audit", sa.Column("id", sa.Integer, primary_key=True))\n'
        '    op.execute("INSERT INTO audit (id) VALUES (1)")\n    '
    )
    project.revision("b1", "index", before + INDEX, "pass", "--head", "a1")
    kill_during(project, "CREATE INDEX CONCURRENTLY")
    assert project.version_rows() == {"a1"}
    assert query(project.url, "SELECT COUNT(*) FROM audit") == [(1,)]  # committed already

    result = project.mig("upgrade", "head", "--online", console_script=True)
    assert "already exists" not in result.err
    assert query(project.url, "SELECT COUNT(*) FROM audit") == [(1,)]
    assert indexes(project.url) == [("ix_items_slow", True)]
    assert project.version_rows() == {"b1"}
    assert query(project.url, "SELECT COUNT(*) FROM mig_version_backfill") == [(0,)]
