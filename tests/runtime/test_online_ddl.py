"""``--online`` (``configure(online=True)``): each rewritten op run on a real database and
checked in its catalog; resumption from the states a crash leaves; lock timeout + retry;
refusals on MariaDB; the offline plan; SQLite (no lock-light forms) runs ops as written."""

from __future__ import annotations

import logging
import threading
import time

import pytest
import sqlalchemy as sa
from steps_source import Chain

from mig.ops import op
from mig.runtime import EnvironmentContext, StepFailed, context


def run(engine, chain, **configure):
    with (
        EnvironmentContext(None, chain, fn=lambda h, c: chain.plan_upgrade(h, "head")),
        engine.connect() as connection,
    ):
        context.configure(connection=connection, **configure)
        with context.begin_transaction():
            context.run_migrations()


def tables() -> None:
    op.create_table("parent", sa.Column("id", sa.Integer, primary_key=True, autoincrement=False))
    op.create_table(
        "child",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("pid", sa.Integer),
        sa.Column("n", sa.Integer),
        sa.Column("code", sa.String(10)),
    )
    op.bulk_insert(sa.table("parent", sa.column("id")), [{"id": i} for i in (1, 2, 3)])
    child = sa.table("child", *(sa.column(c) for c in ("id", "pid", "n", "code")))
    op.bulk_insert(
        child, [{"id": i, "pid": 1 + i % 3, "n": i, "code": f"c{i}"} for i in range(1, 41)]
    )


def the_changes(dialect: str):
    def up() -> None:
        op.create_index("ix_child_n", "child", ["n"])
        if dialect == "postgresql":  # MariaDB copies the table for these: refused, below
            op.create_foreign_key("fk_child_parent", "child", "parent", ["pid"], ["id"])
            op.create_check_constraint("ck_child_n", "child", "n > 0")
        op.alter_column("child", "n", nullable=False, existing_type=sa.Integer())
        op.create_unique_constraint("uq_child_code", "child", ["code"])

    return up


def heads(engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.execute(sa.text("SELECT version_num FROM mig_version")).scalars())


def history(engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        q = "SELECT revision, direction FROM mig_version_history ORDER BY id"
        return [tuple(r) for r in conn.execute(sa.text(q))]


def pg_catalog(engine) -> dict:
    with engine.connect() as conn:
        indexes = dict(
            conn.execute(
                sa.text(
                    "SELECT c.relname, i.indisvalid FROM pg_index i JOIN pg_class c "
                    "ON c.oid = i.indexrelid WHERE i.indrelid = 'child'::regclass "
                    "AND NOT i.indisprimary"
                )
            ).all()
        )
        constraints = {
            name: (kind, valid)
            for name, kind, valid in conn.execute(
                sa.text(
                    "SELECT conname, contype, convalidated FROM pg_constraint "
                    "WHERE conrelid = 'child'::regclass AND contype <> 'p'"
                )
            )
        }
        notnull = conn.execute(
            sa.text(
                "SELECT attnotnull FROM pg_attribute WHERE attrelid = 'child'::regclass "
                "AND attname = 'n'"
            )
        ).scalar()
    return {"indexes": indexes, "constraints": constraints, "n_not_null": notnull}


PG_DONE = {
    "indexes": {"ix_child_n": True, "uq_child_code": True},
    "constraints": {
        "fk_child_parent": ("f", True),
        "ck_child_n": ("c", True),
        "uq_child_code": ("u", True),
    },
    "n_not_null": True,
}


def my_catalog(engine) -> dict:
    with engine.connect() as conn:
        where = "table_schema = DATABASE() AND table_name = 'child'"
        indexes = sorted(
            conn.execute(
                sa.text(
                    "SELECT DISTINCT index_name, non_unique FROM information_schema.statistics "
                    f"WHERE {where} AND index_name <> 'PRIMARY'"
                )
            ).all()
        )
        constraints = sorted(
            conn.execute(
                sa.text(
                    "SELECT constraint_name, constraint_type FROM "
                    f"information_schema.table_constraints WHERE {where} "
                    "AND constraint_type <> 'PRIMARY KEY'"
                )
            ).all()
        )
        nullable = conn.execute(
            sa.text(
                "SELECT is_nullable FROM information_schema.columns WHERE "
                f"{where} AND column_name = 'n'"
            )
        ).scalar()
    return {"indexes": indexes, "constraints": constraints, "n_nullable": nullable}


def only(engine, *names):
    if engine.dialect.name not in names and not (
        "mariadb" in names and getattr(engine.dialect, "is_mariadb", False)
    ):
        pytest.skip(f"a {'/'.join(names)} behaviour; this run is on {engine.dialect.name}")


def test_every_rewritten_op_leaves_a_complete_catalog(engine, caplog) -> None:
    dialect = engine.dialect.name
    chain = Chain([("r1", tables, lambda: None), ("r2", the_changes(dialect), lambda: None)])
    with caplog.at_level(logging.INFO, logger="mig.runtime.online"):
        run(engine, chain, online=True)
    assert heads(engine) == ["r2"]
    assert history(engine) == [("r1", "up"), ("r2", "up")]
    sent = [r.getMessage().split(": ", 1)[1] for r in caplog.records if ": " in r.getMessage()]
    if dialect == "postgresql":
        assert pg_catalog(engine) == PG_DONE  # no mig_nn_ helper check left, all valid
        assert "CREATE INDEX CONCURRENTLY ix_child_n ON child (n)" in sent
        assert "ALTER TABLE child VALIDATE CONSTRAINT fk_child_parent" in sent
        assert "ALTER TABLE child ALTER COLUMN n SET NOT NULL" in sent
        assert (
            "ALTER TABLE child ADD CONSTRAINT uq_child_code UNIQUE USING INDEX uq_child_code"
            in sent
        )
    elif dialect in ("mysql", "mariadb"):
        assert my_catalog(engine) == {
            "indexes": [("ix_child_n", 1), ("uq_child_code", 0)],
            "constraints": [("uq_child_code", "UNIQUE")],
            "n_nullable": "NO",
        }
        assert "CREATE INDEX ix_child_n ON child (n) ALGORITHM=INPLACE LOCK=NONE" in sent
        assert "ALTER TABLE child MODIFY n INTEGER NOT NULL, ALGORITHM=INPLACE, LOCK=NONE" in sent
    else:  # SQLite has no lock-light forms: the ops run as written (batch for the rest)
        assert sent == []
        insp = sa.inspect(engine)
        assert [i["name"] for i in insp.get_indexes("child")] == ["ix_child_n"]


def test_rerun_after_a_crash_completes_what_is_missing(engine) -> None:
    """The states a kill -9 leaves, made by hand: an INVALID index, a NOT VALID constraint,
    a validated helper check with the column still nullable. The rerun finishes each."""
    only(engine, "postgresql")
    chain = Chain([("r1", tables, lambda: None)])
    run(engine, chain)
    with engine.connect() as conn:
        conn.execute(sa.text("UPDATE child SET code = 'dup' WHERE id IN (1, 2)"))
        conn.commit()
        conn.execution_options(isolation_level="AUTOCOMMIT")
        with pytest.raises(sa.exc.IntegrityError):  # leaves an INVALID index behind
            conn.exec_driver_sql("CREATE UNIQUE INDEX CONCURRENTLY ix_child_n ON child (code)")
        conn.exec_driver_sql(
            "ALTER TABLE child ADD CONSTRAINT fk_child_parent FOREIGN KEY (pid) "
            "REFERENCES parent (id) NOT VALID"
        )
        conn.exec_driver_sql(
            "ALTER TABLE child ADD CONSTRAINT mig_nn_child_n CHECK (n IS NOT NULL)"
        )
        conn.exec_driver_sql("UPDATE child SET code = 'c' || id")
    assert pg_catalog(engine)["indexes"] == {"ix_child_n": False}
    chain = Chain([("r1", tables, lambda: None), ("r2", the_changes("postgresql"), lambda: None)])
    run(engine, chain, online=True)
    assert pg_catalog(engine) == PG_DONE
    assert heads(engine) == ["r2"]
    assert history(engine) == [("r1", "up"), ("r2", "up")]


def test_a_failed_build_leaves_no_invalid_index(engine) -> None:
    only(engine, "postgresql")

    def dup() -> None:
        op.execute("UPDATE child SET code = 'same'")

    def up() -> None:
        op.create_unique_constraint("uq_child_code", "child", ["code"])

    chain = Chain(
        [("r1", tables, lambda: None), ("r2", dup, lambda: None), ("r3", up, lambda: None)]
    )
    with pytest.raises(
        StepFailed,
        match=r"revision r3 failed while running: CREATE UNIQUE INDEX CONCURRENTLY uq_child_code",
    ):
        run(engine, chain, online=True)
    assert pg_catalog(engine)["indexes"] == {}
    assert pg_catalog(engine)["constraints"] == {}
    assert heads(engine) == ["r2"]  # the steps before are committed, r3 is not recorded


def _hold_lock(engine, seconds: float, ready: threading.Event) -> threading.Thread:
    def hold() -> None:
        with engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("LOCK TABLE child IN ACCESS SHARE MODE")
            else:
                conn.exec_driver_sql("SELECT * FROM child WHERE id = 1 FOR UPDATE").all()
            ready.set()
            time.sleep(seconds)
            conn.rollback()

    thread = threading.Thread(target=hold)
    thread.start()
    ready.wait(10)
    return thread


def check_only(dialect: str):
    def up() -> None:
        if dialect == "postgresql":
            op.create_check_constraint("ck_child_n", "child", "n > 0")
        else:
            op.alter_column("child", "n", nullable=False, existing_type=sa.Integer())

    return up


@pytest.mark.parametrize("retries,ok", [(20, True), (0, False)], ids=["retried", "no-retry"])
def test_lock_timeout_and_retry(engine, caplog, retries, ok) -> None:
    """A transaction holds a lock for 1.5 s; each try waits 0.2 s at most. With retries the
    op goes through once the lock is gone; without, the step fails in one line."""
    only(engine, "postgresql", "mariadb", "mysql")
    dialect = engine.dialect.name
    run(engine, Chain([("r1", tables, lambda: None)]))
    chain = Chain([("r1", tables, lambda: None), ("r2", check_only(dialect), lambda: None)])
    ready = threading.Event()
    holder = _hold_lock(engine, 1.5, ready)
    # MySQL's lock_wait_timeout is in whole seconds: 1 s there
    options = {"online": True, "lock_timeout": 0.2, "lock_retries": retries}
    started = time.monotonic()
    try:
        with caplog.at_level(logging.WARNING, logger="mig.runtime.online"):
            if ok:
                run(engine, chain, **options)
            else:
                with pytest.raises(
                    StepFailed, match=r"could not get its lock within 0.2s in 1 tries"
                ):
                    run(engine, chain, **options)
    finally:
        holder.join()
    retried = [r for r in caplog.records if "retrying" in r.getMessage()]
    if ok:
        assert heads(engine) == ["r2"]
        assert retried, "the op got its lock at once: the test holds no lock"
        assert time.monotonic() - started >= 1.0
        if dialect == "postgresql":
            assert pg_catalog(engine)["constraints"] == {"ck_child_n": ("c", True)}
        else:
            assert my_catalog(engine)["n_nullable"] == "NO"
    else:
        assert heads(engine) == ["r1"]
        assert retried == []


def test_plain_op_retried_in_a_savepoint(engine, caplog) -> None:
    """An op with no lock-light form (add_column) runs as written under the lock timeout,
    retried in a savepoint: the step's earlier work in the same transaction survives."""
    only(engine, "postgresql")
    run(engine, Chain([("r1", tables, lambda: None)]))

    def up() -> None:
        op.create_table("other", sa.Column("id", sa.Integer, primary_key=True))
        op.add_column("child", sa.Column("extra", sa.Integer))

    chain = Chain([("r1", tables, lambda: None), ("r2", up, lambda: None)])
    ready = threading.Event()
    holder = _hold_lock(engine, 1.0, ready)
    try:
        with caplog.at_level(logging.WARNING, logger="mig.runtime.online"):
            run(engine, chain, online=True, lock_timeout=0.2, lock_retries=20)
    finally:
        holder.join()
    assert any("add_column: lock not granted" in r.getMessage() for r in caplog.records)
    insp = sa.inspect(engine)
    assert "other" in insp.get_table_names()
    assert [c["name"] for c in insp.get_columns("child")][-1] == "extra"
    assert heads(engine) == ["r2"]


@pytest.mark.parametrize("op_name", ["create_foreign_key", "create_check_constraint"])
def test_mariadb_refuses_a_table_copy_in_one_line(engine, op_name) -> None:
    only(engine, "mariadb", "mysql")

    def up() -> None:
        if op_name == "create_foreign_key":
            op.create_foreign_key("fk_child_parent", "child", "parent", ["pid"], ["id"])
        else:
            op.create_check_constraint("ck_child_n", "child", "n > 0")

    chain = Chain([("r1", tables, lambda: None), ("r2", up, lambda: None)])
    with pytest.raises(StepFailed) as caught:
        run(engine, chain, online=True)
    message = str(caught.value)
    assert "\n" not in message
    assert f"--online: {op_name}" in message
    assert "refused" in message and "cop" in message  # "copy"/"ALGORITHM=COPY"
    assert my_catalog(engine)["constraints"] == []
    assert heads(engine) == ["r1"]


def test_offline_plan_names_each_statement_and_its_lock(capsys) -> None:
    import io

    def up() -> None:
        op.create_check_constraint("ck_child_n", "child", "n > 0")
        op.add_column("child", sa.Column("extra", sa.Integer))

    chain = Chain([("r1", up, lambda: None)])
    buffer = io.StringIO()
    with EnvironmentContext(None, chain, fn=lambda h, c: chain.plan_upgrade(h, "head")):
        context.configure(
            url="postgresql://", as_sql=True, online=True, output_buffer=buffer, lock_timeout="1s"
        )
        with context.begin_transaction():
            context.run_migrations()
    text = buffer.getvalue()
    start = text.index("-- --online create_check_constraint")
    expected = """-- --online create_check_constraint on child.ck_child_n: 2 statement(s)

COMMIT;

SET lock_timeout = '1000ms';

-- lock: ACCESS EXCLUSIVE on child, brief (no scan): waits at most lock_timeout

-- only when: SELECT (NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('child') AND conname = 'ck_child_n'))

ALTER TABLE child ADD CONSTRAINT ck_child_n CHECK (n > 0) NOT VALID;

-- lock: SHARE UPDATE EXCLUSIVE on child: reads and writes go on while existing rows are checked

-- only when: SELECT (EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('child') AND conname = 'ck_child_n' AND NOT convalidated))

ALTER TABLE child VALIDATE CONSTRAINT ck_child_n;

BEGIN;

-- add_column: ACCESS EXCLUSIVE on child, brief: no lock-light form, runs as written

ALTER TABLE child ADD COLUMN extra INTEGER;
"""
    assert text[start : start + len(expected)] == expected


def test_online_off_runs_as_written(engine, caplog) -> None:
    only(engine, "postgresql")
    chain = Chain([("r1", tables, lambda: None), ("r2", the_changes("postgresql"), lambda: None)])
    with caplog.at_level(logging.INFO, logger="mig.runtime.online"):
        run(engine, chain, online=False)
    assert [r for r in caplog.records if r.name == "mig.runtime.online"] == []
    assert pg_catalog(engine) == PG_DONE


@pytest.mark.parametrize(
    "keywords,message",
    [
        ({"lock_timeout": "soon"}, "lock_timeout = 'soon': give a duration"),
        ({"lock_retries": -1}, "lock_retries = -1: give a whole number"),
        ({"online": "perhaps"}, "online = 'perhaps': give true or false"),
    ],
)
def test_bad_settings_are_one_line_errors(keywords, message) -> None:
    from mig.runtime.errors import ConfigurationError
    from mig.runtime.options import RunOptions

    with pytest.raises(ConfigurationError, match=message):
        RunOptions.from_keywords(keywords)


def test_settings_parse_and_the_command_line_wins() -> None:
    from mig.runtime.options import RunOptions

    opts = RunOptions.from_keywords(
        {
            "online": "true",
            "lock_timeout": "500ms",
            "statement_timeout": "10min",
            "lock_retries": "3",
        }
    )
    assert (opts.online, opts.lock_timeout, opts.statement_timeout, opts.lock_retries) == (
        True,
        0.5,
        600.0,
        3,
    )
    assert RunOptions.from_keywords({"online": True, "online_override": False}).online is False
    assert RunOptions.from_keywords({"online_override": True}).online is True


def test_statement_timeout_per_op_fails_the_build_and_drops_it(engine) -> None:
    """A build cut short by ``statement_timeout`` (set for this op only) leaves an INVALID
    index; it is dropped, and the step fails naming the statement."""
    only(engine, "postgresql")

    def slow() -> None:
        op.execute(
            "CREATE OR REPLACE FUNCTION slow_key(v integer) RETURNS integer LANGUAGE plpgsql "
            "IMMUTABLE AS $$ BEGIN PERFORM pg_sleep(0.05); RETURN v; END $$"
        )

    def up() -> None:
        with op.get_context().lock_light(statement_timeout="300ms"):
            op.create_index("ix_child_slow", "child", [sa.text("slow_key(n)")])

    chain = Chain(
        [("r1", tables, lambda: None), ("r2", slow, lambda: None), ("r3", up, lambda: None)]
    )
    with pytest.raises(
        StepFailed,
        match=r"r3 failed while running: CREATE INDEX CONCURRENTLY ix_child_slow .*statement timeout",
    ):
        run(engine, chain, online=True)
    assert pg_catalog(engine)["indexes"] == {}
    assert heads(engine) == ["r2"]
