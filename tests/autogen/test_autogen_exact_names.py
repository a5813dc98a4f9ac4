"""Constraint names: what autogenerate adds is named as ``create_all`` names it.

Item 1: unnamed constraints on PostgreSQL get PostgreSQL's own names
(``<table>_<columns>_fkey`` / ``_key``, truncated to 63 bytes the way PostgreSQL truncates).
Item 3: a naming convention applies to ``unique=True`` / ``index=True`` inside create_table.
"""

from __future__ import annotations

import autogen_exact_support as support
import pytest
import sqlalchemy as sa

from mig.autogen.compare.naming import pg_constraint_name


def _users(md: sa.MetaData, name: str = "users") -> sa.Table:
    return sa.Table(name, md, sa.Column("id", sa.Integer, primary_key=True))


def _seed(conn: sa.Connection) -> None:
    conn.execute(sa.text("INSERT INTO users (id) VALUES (1)"))
    conn.execute(sa.text("INSERT INTO posts (id, user_id, code) VALUES (10, 1, 'a')"))


def _verify(conn: sa.Connection) -> None:
    assert conn.execute(sa.text("SELECT id, user_id, code FROM posts")).all() == [(10, 1, "a")]


def _posts(md: sa.MetaData, *extra: sa.SchemaItem) -> sa.Table:
    return sa.Table(
        "posts",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer),
        sa.Column("code", sa.String(20)),
        *extra,
    )


def test_unnamed_fk_and_unique_added_to_a_table_get_the_database_names(engine) -> None:
    old = sa.MetaData()
    _users(old)
    _posts(old)
    new = sa.MetaData()
    _users(new)
    _posts(new, sa.ForeignKeyConstraint(["user_id"], ["users.id"]), sa.UniqueConstraint("code"))
    up, _ = support.exact_roundtrip(engine, old, new, seed=_seed, verify=_verify)
    if engine.dialect.name == "postgresql":
        assert '"posts_user_id_fkey"' in up
        assert '"posts_code_key"' in up


def test_long_names_are_truncated_as_postgresql_truncates(engine) -> None:
    table = "t" * 40 + "_ünïcode"
    col = "c" * 45
    old = sa.MetaData()
    _users(old)
    sa.Table(table, old, sa.Column("id", sa.Integer, primary_key=True), sa.Column(col, sa.Integer))
    new = sa.MetaData()
    _users(new)
    sa.Table(
        table,
        new,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(col, sa.Integer),
        sa.ForeignKeyConstraint([col], ["users.id"]),
        sa.UniqueConstraint(col),
    )
    support.exact_roundtrip(engine, old, new)


@pytest.mark.parametrize(
    ("name1", "name2", "label", "expected"),
    [
        ("posts", "user_id", "fkey", "posts_user_id_fkey"),
        ("users", None, "pkey", "users_pkey"),
        ("a" * 70, "b" * 10, "key", "a" * 48 + "_" + "b" * 10 + "_key"),
        ("a" * 30, "b" * 40, "fkey", "a" * 29 + "_" + "b" * 28 + "_fkey"),
        ("é" * 40, "x", "seq", "é" * 28 + "_x_seq"),
    ],
)
def test_postgresql_name_rule(name1, name2, label, expected) -> None:
    assert pg_constraint_name(name1, [name2] if name2 else [], label) == expected
    assert len(expected.encode()) <= 63


CONVENTION = {
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ix": "%(table_name)s_%(column_0_name)s_idx",
}


def test_naming_convention_applies_to_column_flags_in_create_table(engine) -> None:
    old = sa.MetaData(naming_convention=CONVENTION)
    _users(old)
    new = sa.MetaData(naming_convention=CONVENTION)
    _users(new)
    sa.Table(
        "tags",
        new,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("label", sa.String(20), unique=True),
        sa.Column("code", sa.String(20), index=True),
    )
    up, _ = support.exact_roundtrip(engine, old, new)
    assert "uq_tags_label" in up
    assert "tags_code_idx" in up
