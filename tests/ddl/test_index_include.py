"""``create_index(..., postgresql_include=[...])`` names columns that are not indexed: the
index compiles on a stub table, which must carry them (it raised KeyError before)."""

from __future__ import annotations

import sqlalchemy as sa

from mig import ops
from mig.ddl import to_sql


def _table_and_index(op: ops.Operations) -> None:
    op.create_table(
        "item",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sku", sa.String(20)),
        sa.Column("price", sa.Integer),
        sa.Column("stock", sa.Integer),
    )
    op.create_index(
        "ix_item_sku",
        "item",
        ["sku"],
        postgresql_include=["price", "stock"],
        mssql_include=["price", "stock"],
    )


def test_included_columns_reach_the_catalog(engine, migrate) -> None:
    migrate(_table_and_index)
    (index,) = sa.inspect(engine).get_indexes("item")
    assert index["name"] == "ix_item_sku"
    assert index["column_names"] == ["sku"]
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            definition = conn.exec_driver_sql(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_item_sku'"
            ).scalar_one()
        assert definition.endswith("USING btree (sku) INCLUDE (price, stock)")


def test_included_columns_offline() -> None:
    directive = ops.CreateIndexOp(
        "ix_item_sku",
        "item",
        ["sku"],
        postgresql_include=["price", "stock"],
        mssql_include=["price", "stock"],
    )
    assert to_sql([directive], "postgresql") == [
        "CREATE INDEX ix_item_sku ON item (sku) INCLUDE (price, stock)"
    ]
    assert to_sql([directive], "mssql") == [
        "CREATE INDEX ix_item_sku ON item (sku) INCLUDE (price, stock)"
    ]
