"""Comparison helpers for autogenerate: reflected type/default versus the model's."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
import sqlalchemy.dialects.mysql
import sqlalchemy.dialects.postgresql

from mig.ddl import get_impl


def col(type_, **kw):
    return sa.Column("c", type_, **kw)


@pytest.mark.parametrize(
    ("dialect", "reflected", "model", "differs"),
    [
        ("postgresql", sa.dialects.postgresql.INTEGER(), sa.Integer(), False),
        ("postgresql", sa.dialects.postgresql.DOUBLE_PRECISION(), sa.Float(), False),
        ("postgresql", sa.dialects.postgresql.TIMESTAMP(), sa.DateTime(), False),
        ("postgresql", sa.dialects.postgresql.TIMESTAMP(timezone=True), sa.DateTime(), True),
        ("postgresql", sa.VARCHAR(40), sa.String(), False),
        ("postgresql", sa.VARCHAR(40), sa.String(50), True),
        ("postgresql", sa.NUMERIC(10, 2), sa.Numeric(10, 2), False),
        ("postgresql", sa.NUMERIC(10, 2), sa.Numeric(12, 2), True),
        ("postgresql", sa.INTEGER(), sa.String(10), True),
        ("mysql", sa.dialects.mysql.TINYINT(display_width=1), sa.Boolean(), False),
        ("mysql", sa.dialects.mysql.INTEGER(display_width=11), sa.Integer(), False),
        (
            "mysql",
            sa.dialects.mysql.VARCHAR(length=20, collation="utf8mb4_bin"),
            sa.String(20),
            False,
        ),
        ("mariadb", sa.dialects.mysql.BIGINT(display_width=20), sa.Integer(), True),
        ("sqlite", sa.VARCHAR(10), sa.String(200), False),  # SQLite enforces no length
        ("sqlite", sa.INTEGER(), sa.String(20), True),
        ("sqlite", sa.types.NullType(), sa.Integer(), False),
    ],
)
def test_compare_type(dialect, reflected, model, differs):
    assert get_impl(dialect).compare_type(col(reflected), col(model)) is differs


@pytest.mark.parametrize(
    ("dialect", "model_default", "reflected_default", "differs"),
    [
        ("postgresql", "'abc'", "'abc'::character varying", False),
        ("postgresql", "'abc'", "'abd'::character varying", True),
        ("postgresql", "5", "5", False),
        ("postgresql", "now()", "now()", False),
        ("postgresql", "CURRENT_TIMESTAMP", "now()", False),
        ("postgresql", "'2024-01-01'", "'2024-01-01'::date", False),
        ("postgresql", "true", "true", False),
        ("postgresql", None, None, False),
        ("postgresql", "'x'", None, True),
        ("mysql", "'abc'", "abc", False),
        ("mariadb", "'abc'", "'abc'", False),
        ("mariadb", "0", "'0'", False),
        ("mariadb", "CURRENT_TIMESTAMP", "current_timestamp()", False),
        ("mariadb", "1.50", "1.5", False),
        ("sqlite", "'abc'", "'abc'", False),
        ("sqlite", "0", "(0)", False),
        ("sqlite", "'a'", "'b'", True),
        ("mssql", "0", "((0))", False),
    ],
)
def test_compare_server_default(dialect, model_default, reflected_default, differs):
    impl = get_impl(dialect)
    assert (
        impl.compare_server_default(
            col(sa.Integer), col(sa.Integer), model_default, reflected_default
        )
        is differs
    )


MODEL = [
    ("i", sa.Integer(), None),
    ("big", sa.BigInteger(), None),
    ("s", sa.String(30), "'abc'"),
    ("n", sa.Numeric(10, 2), "1.50"),
    ("b", sa.Boolean(), None),
    ("d", sa.DateTime(), None),
    ("t", sa.Text(), None),
    ("z", sa.Integer(), "0"),
]


def test_reflected_table_matches_its_model(engine):
    md = sa.MetaData()
    table = sa.Table(
        "cmp",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        *[
            sa.Column(name, type_, server_default=None if d is None else sa.text(d))
            for name, type_, d in MODEL
        ],
    )
    md.create_all(engine)
    with engine.connect() as conn:
        impl = get_impl(conn.dialect, conn)
        reflected = sa.Table("cmp", sa.MetaData(), autoload_with=conn)
    for name, _type, default in MODEL:
        assert impl.compare_type(reflected.c[name], table.c[name]) is False, name
        server_default = reflected.c[name].server_default
        reflected_text = None if server_default is None else str(server_default.arg.text)
        assert (
            impl.compare_server_default(reflected.c[name], table.c[name], default, reflected_text)
            is False
        ), (name, reflected_text)
    assert impl.compare_type(reflected.c["i"], sa.Column("i", sa.String(5))) is True
    assert impl.compare_server_default(reflected.c["z"], table.c["z"], "1", "0") is True
