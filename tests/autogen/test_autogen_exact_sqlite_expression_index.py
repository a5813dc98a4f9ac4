"""Item 6: expression indexes (SQLite's are not reflected by SQLAlchemy) are read back, so
a second comparison after the upgrade is empty."""

from __future__ import annotations

import autogen_exact_support as support
import pytest
import sqlalchemy as sa

from mig.autogen.compare.sqlite_indexes import parse_index_sql


def _model(*indexes) -> sa.MetaData:
    md = sa.MetaData()
    t = sa.Table(
        "users",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(50)),
        sa.Column("name", sa.String(50)),
    )
    for make in indexes:
        make(t)
    return md


def _seed(conn: sa.Connection) -> None:
    conn.execute(sa.text("INSERT INTO users (id, email, name) VALUES (1, 'A@x', 'n')"))


def _verify(conn: sa.Connection) -> None:
    assert conn.execute(sa.text("SELECT id, email, name FROM users")).all() == [(1, "A@x", "n")]


def _lower(t: sa.Table) -> None:
    sa.Index("ix_users_lower_email", sa.func.lower(t.c.email), unique=True)


def _mixed(t: sa.Table) -> None:
    sa.Index("ix_users_name_lower", t.c.name, sa.func.lower(t.c.email))


def _needs_expression_indexes(engine: sa.Engine) -> None:
    if engine.dialect.name in ("mysql", "mariadb"):
        pytest.skip("MariaDB has no expression indexes")


def test_expression_index_added(engine) -> None:
    _needs_expression_indexes(engine)
    support.exact_roundtrip(engine, _model(), _model(_lower, _mixed), seed=_seed, verify=_verify)


def test_expression_index_dropped(engine) -> None:
    _needs_expression_indexes(engine)
    support.exact_roundtrip(engine, _model(_lower, _mixed), _model(), seed=_seed, verify=_verify)


@pytest.mark.parametrize(
    ("sql", "columns", "expressions", "unique"),
    [
        ("CREATE INDEX ix ON t (lower(a))", [None], ["lower(a)"], False),
        (
            'CREATE UNIQUE INDEX "i x" ON "t" ("a", lower(b) DESC)',
            ["a", None],
            ["a", "lower(b)"],
            True,
        ),
        (
            "CREATE INDEX ix ON t (coalesce(a, ','), b) WHERE a > 0",
            [None, "b"],
            ["coalesce(a, ',')", "b"],
            False,
        ),
    ],
)
def test_parse_index_sql(sql, columns, expressions, unique) -> None:
    info = parse_index_sql("ix", sql)
    assert (info["column_names"], info["expressions"], info["unique"]) == (
        columns,
        expressions,
        unique,
    )
