"""A literal ``%`` reaches the database exactly as the revision wrote it.

On pyformat drivers (psycopg, pymysql) SQLAlchemy doubles ``%`` in statements that go out
with parameters and leaves it alone in statements sent without; an execution option that
leaks from one statement to the next (``Connection.execution_options`` changes the
connection itself in SQLAlchemy 2.x) turns the doubled form into data. Each place a
revision can write a ``%`` is checked in the catalog after a run, in both transaction
modes, with the ``%`` step after other steps so that the version table has been written
first; offline, the SQL text itself is checked.
"""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from steps_source import Chain
from test_run import run

from mig.ops import op
from mig.runtime import EnvironmentContext, context

CHECK = "name NOT LIKE 'x%'"
TEXT_ROW = "50% off"
BULK_ROW = "a%b %s %(x)s"
DEFAULT = "5%"
COMMENT = "100% sure"


def _noop() -> None:
    pass


def _create_t() -> None:
    op.create_table(
        "t",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(50)),
    )


def _percent_step() -> None:
    dialect = op.get_context().dialect.name
    # a statement's own execution options must not stay on the connection after it
    op.execute("SELECT 1", execution_options={"no_parameters": True})
    op.create_check_constraint("ck_t_name", "t", CHECK)
    op.execute(f"INSERT INTO t (name) VALUES ('{TEXT_ROW}')")
    op.execute(sa.text(f"INSERT INTO t (name) VALUES ('{TEXT_ROW}!')"))
    table = sa.table("t", sa.column("name", sa.String))
    op.bulk_insert(table, [{"name": BULK_ROW}])
    op.add_column(
        "t",
        sa.Column(
            "label",
            sa.String(20),
            server_default=DEFAULT,
            comment=COMMENT if dialect != "sqlite" else None,
        ),
    )
    if dialect in ("postgresql", "sqlite"):  # MariaDB has no expression indexes
        op.create_index("ix_t_pct", "t", [sa.text("(name || '%')")])


def percent_chain() -> Chain:
    return Chain(
        [
            ("r1", _create_t, _noop),
            ("r2", _noop, _noop),
            ("r3", _percent_step, _noop),
        ]
    )


def _index_sql(engine: sa.Engine) -> str | None:
    query = {
        "postgresql": "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_t_pct'",
        "sqlite": "SELECT sql FROM sqlite_master WHERE name = 'ix_t_pct'",
    }.get(engine.dialect.name)
    if query is None:
        return None
    with engine.connect() as conn:
        return conn.exec_driver_sql(query).scalar_one()


@pytest.mark.parametrize("per_migration", [False, True], ids=["one-transaction", "per-migration"])
def test_percent_signs_reach_the_database_as_written(engine, per_migration) -> None:
    run(engine, percent_chain(), "up", "head", transaction_per_migration=per_migration)
    inspector = sa.inspect(engine)

    with engine.connect() as conn:
        rows = sorted(conn.execute(sa.text("SELECT name FROM t")).scalars())
    # a row breaking the check is refused: the check says 'x%', not 'x%%'
    with pytest.raises(sa.exc.DBAPIError), engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO t (name) VALUES ('xyz')"))
    assert rows == sorted([TEXT_ROW, TEXT_ROW + "!", BULK_ROW])

    (check,) = [c for c in inspector.get_check_constraints("t") if c["name"] == "ck_t_name"]
    assert "x%'" in check["sqltext"] and "%%" not in check["sqltext"]

    (label,) = [c for c in inspector.get_columns("t") if c["name"] == "label"]
    assert DEFAULT in label["default"] and "%%" not in label["default"]
    if engine.dialect.name != "sqlite":
        assert label["comment"] == COMMENT

    index_sql = _index_sql(engine)
    if index_sql is not None:
        assert "'%'" in index_sql and "%%" not in index_sql


# SQLite is left out offline: its create_check_constraint rebuilds the table, which needs
# the live table (offline it asks for copy_from).
@pytest.mark.parametrize("dialect", ["postgresql", "mysql", "mssql", "oracle"])
@pytest.mark.parametrize("per_migration", [False, True], ids=["one-transaction", "per-migration"])
def test_offline_sql_keeps_one_percent_sign(dialect, per_migration) -> None:
    chain = percent_chain()
    buffer = io.StringIO()
    with EnvironmentContext(None, chain, as_sql=True, fn=lambda h, c: chain.plan_upgrade(h, "r3")):
        context.configure(
            url=f"{dialect}://",
            output_buffer=buffer,
            literal_binds=True,
            transaction_per_migration=per_migration,
        )
        with context.begin_transaction():
            context.run_migrations()
    sql = buffer.getvalue()
    assert "%%" not in sql
    assert CHECK in sql
    assert f"'{TEXT_ROW}'" in sql
    assert "'a%b %s %(x)s'" in sql
    assert f"'{DEFAULT}'" in sql
