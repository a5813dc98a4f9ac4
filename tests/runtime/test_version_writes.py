"""When the version table is written: once per run when every step shares one transaction,
after each step otherwise; and never out of date for code that asks for the heads."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from steps_source import Chain

from mig.ops import op
from mig.runtime import EnvironmentContext, context


def version_writes(engine: sa.Engine, chain: Chain, **configure) -> list[str]:
    """Run the chain to head; the statements that changed the version table, in order."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, ctx, executemany):
        text = " ".join(statement.split())
        if text.startswith(
            ("UPDATE mig_version ", "INSERT INTO mig_version ", "DELETE FROM mig_version ")
        ):
            seen.append(text)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        with (
            EnvironmentContext(None, chain, fn=lambda h, c: chain.plan_upgrade(h, "head")),
            engine.connect() as connection,
        ):
            context.configure(connection=connection, **configure)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    return seen


def three_steps(log: list[tuple[str, ...]] | None = None) -> Chain:
    def step(name: str):
        def up() -> None:
            op.create_table(f"t_{name}", sa.Column("id", sa.Integer))
            if log is not None:
                log.append(op.get_context().get_current_heads())

        return up

    return Chain([(name, step(name), lambda: None) for name in ("s1", "s2", "s3")])


def rows(engine: sa.Engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.execute(sa.text("SELECT version_num FROM mig_version")).scalars())


@pytest.mark.parametrize("per_migration", [False, True], ids=["one-transaction", "per-migration"])
def test_how_often_the_version_table_is_written(engine: sa.Engine, per_migration: bool) -> None:
    writes = version_writes(engine, three_steps(), transaction_per_migration=per_migration)
    assert rows(engine) == ["s3"]
    each_step = [
        "INSERT INTO mig_version (version_num) VALUES ('s1')",
        "UPDATE mig_version SET version_num='s2' WHERE mig_version.version_num = 's1'",
        "UPDATE mig_version SET version_num='s3' WHERE mig_version.version_num = 's2'",
    ]
    if per_migration or engine.dialect.name == "mariadb":
        assert writes == each_step  # each step commits with its own row
    else:
        # one transaction: nobody can see the rows between steps, so only the net change
        assert writes == ["INSERT INTO mig_version (version_num) VALUES ('s3')"]


def test_heads_read_during_a_run_are_current(engine: sa.Engine) -> None:
    seen: list[tuple[str, ...]] = []
    version_writes(engine, three_steps(seen))
    assert seen == [(), ("s1",), ("s2",)]
    assert rows(engine) == ["s3"]


def test_a_quote_in_a_revision_id_is_escaped(engine: sa.Engine) -> None:
    odd = "it's\\"
    chain = Chain([(odd, lambda: None, lambda: None), ("b", lambda: None, lambda: None)])
    version_writes(engine, chain, transaction_per_migration=True)
    assert rows(engine) == ["b"]
    chain = Chain([(odd, lambda: None, lambda: None)])
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM mig_version"))
    version_writes(engine, chain, transaction_per_migration=True)
    assert rows(engine) == [odd]


def test_a_percent_sign_in_the_table_name(engine: sa.Engine) -> None:
    """Names that pyformat drivers would need escaped take the bound-parameter path."""
    version_writes(
        engine, three_steps(), version_table="mig%version", transaction_per_migration=True
    )
    table = sa.Table("mig%version", sa.MetaData(), autoload_with=engine)
    with engine.connect() as conn:
        assert list(conn.execute(sa.select(table.c.version_num)).scalars()) == ["s3"]
