"""DDL options are mig-ddl's typed, frozen object; how a transaction covering DDL begins is
the Impl's (SQLite's explicit BEGIN lives in SQLiteImpl, not in mig-runtime)."""

from __future__ import annotations

import dataclasses
import io

import pytest
import sqlalchemy as sa

from mig import ops
from mig.ddl import UnsupportedOperationError, get_impl, to_sql
from mig.ddl.options import DDLOptions, UnknownOptionError

TRANSACTIONAL = {"sqlite": True, "postgresql": True, "mysql": False, "mariadb": False}


def test_options_are_frozen_and_read_from_keywords() -> None:
    options = DDLOptions.from_keywords({"sqlite_autobatch": 0, "literal_binds": None, "tag": "x"})
    assert options == DDLOptions(sqlite_autobatch=False)
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.sqlite_autobatch = True  # type: ignore[misc]


def test_an_impl_takes_the_options_object() -> None:
    impl = get_impl(
        "sqlite",
        as_sql=True,
        output_buffer=io.StringIO(),
        options=DDLOptions(sqlite_autobatch=False),
    )
    assert impl.options.sqlite_autobatch is False
    with pytest.raises(UnsupportedOperationError, match="sqlite_autobatch option on"):
        impl.run(ops.DropConstraintOp("ck_a", "t", type_="check"))
    with pytest.raises(TypeError):
        impl.context_opts["sqlite_autobatch"] = True  # type: ignore[index]


def test_to_sql_names_the_closest_option_for_a_typo() -> None:
    with pytest.raises(UnknownOptionError) as caught:
        to_sql(ops.DropTableOp("t"), "sqlite", sqlite_autobach=False)
    assert str(caught.value) == (
        "to_sql(): unknown option 'sqlite_autobach'; did you mean 'sqlite_autobatch'?"
    )


def test_the_impl_begins_a_transaction_that_covers_ddl(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        impl = get_impl(conn.dialect, conn)
        transaction, restore = impl.begin_transaction(conn)
        conn.execute(sa.text("CREATE TABLE ddl_tx_t (id INTEGER)"))
        transaction.rollback()
        restore()
        conn.execute(sa.text("SELECT 1"))  # the connection is usable after
    kept = sa.inspect(engine).has_table("ddl_tx_t")
    assert kept is not TRANSACTIONAL[engine.dialect.name]


@pytest.mark.parametrize(
    ("dialect", "option", "default"),
    [("mssql", "mssql_batch_separator", "GO"), ("oracle", "oracle_batch_separator", "/")],
)
def test_alembic_batch_separator_options(dialect: str, option: str, default: str) -> None:
    """env.py files written for Alembic pass these; they set the offline separator."""

    def written(**opts: str) -> str:
        out = io.StringIO()
        impl = get_impl(dialect, as_sql=True, output_buffer=out, context_opts=opts)
        impl.execute("SELECT 1 FROM dual")
        return out.getvalue()

    assert written().rstrip().endswith(default)
    assert written(**{option: "GO -- end"}).rstrip().endswith("GO -- end")
