"""Running steps through EnvironmentContext / MigrationContext on each live backend: upgrade,
downgrade, failure in the middle (both transaction modes), stamp, and offline text."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from steps_source import Chain, blog_chain

from mig.ops import op
from mig.runtime import EnvironmentContext, StepFailed, context


def run(engine, source, direction, destination, **configure):
    """What env.py does, driven the way a command drives it."""

    def plan(heads, ctx):
        if direction == "up":
            return source.plan_upgrade(heads, destination)
        return source.plan_downgrade(heads, destination)

    with EnvironmentContext(None, source, fn=plan), engine.connect() as connection:
        context.configure(connection=connection, **configure)
        with context.begin_transaction():
            context.run_migrations()


def heads(engine) -> list[str]:
    if not sa.inspect(engine).has_table("mig_version"):
        return []  # a rolled-back first run takes the version table with it
    with engine.connect() as conn:
        return sorted(conn.execute(sa.text("SELECT version_num FROM mig_version")).scalars())


def test_upgrade_and_downgrade_a_chain(engine: sa.Engine) -> None:
    chain = blog_chain()
    run(engine, chain, "up", "r2")
    assert heads(engine) == ["r2"]
    assert {c["name"] for c in sa.inspect(engine).get_columns("authors")} == {"id", "name", "email"}
    run(engine, chain, "up", "head")
    assert heads(engine) == ["r3"]
    assert [i["name"] for i in sa.inspect(engine).get_indexes("authors")] == ["ix_authors_email"]
    run(engine, chain, "up", "head")  # nothing left to do
    with engine.connect() as conn:
        assert sorted(conn.execute(sa.text("SELECT revision FROM applied_log")).scalars()) == [
            "r1",
            "r2",
            "r3",
        ]
    run(engine, chain, "down", "r1")
    assert heads(engine) == ["r1"]
    assert {c["name"] for c in sa.inspect(engine).get_columns("authors")} == {"id", "name"}
    run(engine, chain, "down", "base")
    assert heads(engine) == []
    assert not sa.inspect(engine).has_table("authors")


def failing_chain() -> Chain:
    chain = blog_chain()

    def broken():
        op.add_column("authors", sa.Column("email", sa.String(100)))
        op.execute("INSERT INTO no_such_table VALUES (1)")

    chain.revisions[1] = ("r2", broken, chain.revisions[1][2])
    return chain


@pytest.mark.parametrize("per_migration", [False, True], ids=["one-transaction", "per-migration"])
def test_failing_step_leaves_database_and_version_table_consistent(engine, per_migration) -> None:
    with pytest.raises(StepFailed) as info:
        run(engine, failing_chain(), "up", "head", transaction_per_migration=per_migration)
    message = str(info.value)
    assert message.startswith(
        "upgrade of revision r2 failed while running: INSERT INTO no_such_table VALUES (1)"
    )
    assert "\n" not in message
    transactional = engine.dialect.name != "mariadb"
    if transactional and not per_migration:
        assert heads(engine) == []  # the whole run rolled back
        assert not sa.inspect(engine).has_table("authors")
    else:
        assert heads(engine) == ["r1"]  # r1 committed; r2 not recorded
        assert sa.inspect(engine).has_table("authors")
    if transactional:
        columns = (
            {c["name"] for c in sa.inspect(engine).get_columns("authors")}
            if heads(engine)
            else set()
        )
        assert "email" not in columns  # r2's DDL rolled back with it


def test_stamp_and_purge(engine: sa.Engine) -> None:
    chain = blog_chain()
    with EnvironmentContext(None, chain), engine.connect() as connection:
        context.configure(connection=connection)
        context.get_context().stamp(["r2"])
    assert heads(engine) == ["r2"]
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO mig_version VALUES ('stray')"))
    with EnvironmentContext(None, chain), engine.connect() as connection:
        context.configure(connection=connection)
        context.get_context().stamp(["r3"], purge=True)
    assert heads(engine) == ["r3"]


def test_offline_sql_for_postgresql() -> None:
    chain = blog_chain()
    buffer = io.StringIO()
    with EnvironmentContext(None, chain, as_sql=True, fn=lambda h, c: chain.plan_upgrade(h, "r2")):
        context.configure(url="postgresql://", output_buffer=buffer, literal_binds=True)
        assert context.is_offline_mode()
        with context.begin_transaction():
            context.run_migrations()
    sql = buffer.getvalue()
    assert "-- Running upgrade  -> r1\n\n" in sql and "-- Running upgrade r1 -> r2\n\n" in sql
    code = "\n".join(line for line in sql.splitlines() if not line.startswith("-- "))
    statements = [s.strip() for s in code.split(";") if s.strip()]
    assert statements[0] == "BEGIN"
    assert statements[1].startswith("CREATE TABLE mig_version")
    assert "INSERT INTO mig_version (version_num) VALUES ('r1')" in statements
    assert (
        "UPDATE mig_version SET version_num='r2' WHERE mig_version.version_num = 'r1'" in statements
    )
    assert statements[-1] == "COMMIT"
    assert statements.index("ALTER TABLE authors ADD COLUMN email VARCHAR(100)") < statements.index(
        "UPDATE mig_version SET version_num='r2' WHERE mig_version.version_num = 'r1'"
    )


def test_offline_range_starts_from_given_revision() -> None:
    chain = blog_chain()
    buffer = io.StringIO()
    with EnvironmentContext(
        None, chain, as_sql=True, starting_rev="r1", fn=lambda h, c: chain.plan_upgrade(h, "r2")
    ):
        context.configure(url="mariadb://", output_buffer=buffer)
        with context.begin_transaction():
            context.run_migrations()
    sql = buffer.getvalue()
    assert "CREATE TABLE mig_version" not in sql and "BEGIN" not in sql
    assert "ALTER TABLE authors ADD COLUMN email VARCHAR(100);" in sql
    assert "UPDATE mig_version SET version_num='r2' WHERE mig_version.version_num = 'r1';" in sql


def test_context_outside_a_command_says_so() -> None:
    with pytest.raises(Exception, match=r"mig\.runtime\.context was used outside a mig command"):
        context.configure(url="sqlite://")


def test_a_read_only_run_creates_nothing_and_refuses_steps(engine: sa.Engine) -> None:
    """What `mig current` asks for: read the heads, create no table, run no step."""
    from mig.runtime import ConfigurationError

    chain = blog_chain()
    seen: list[tuple[str, ...]] = []

    def read(heads, ctx):
        seen.append(tuple(heads))
        return []

    def drive(plan) -> None:
        with EnvironmentContext(None, chain, fn=plan, read_only=True), engine.connect() as conn:
            context.configure(connection=conn)
            with context.begin_transaction():
                context.run_migrations()

    drive(read)
    assert seen == [()]
    assert sa.inspect(engine).get_table_names() == []
    with pytest.raises(ConfigurationError, match=r"read-only run was handed 3 step\(s\)"):
        drive(lambda heads, ctx: chain.plan_upgrade(heads, "head"))
    assert sa.inspect(engine).get_table_names() == []
    run(engine, chain, "up", "r1")
    drive(read)
    assert seen == [(), ("r1",)]
