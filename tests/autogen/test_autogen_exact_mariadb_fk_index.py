"""Item 7: MariaDB folds the index it made for a foreign key into an index created later
that covers the same columns; dropping that index then fails (1553) while the key exists.
The revision orders the directives so both the upgrade and the downgrade run.
"""

from __future__ import annotations

import autogen_exact_support as support
import sqlalchemy as sa


def _model(index: bool, fk_name: str | None = None) -> sa.MetaData:
    md = sa.MetaData()
    sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "posts",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", name=fk_name), index=index),
    )
    return md


def _seed(conn: sa.Connection) -> None:
    conn.execute(sa.text("INSERT INTO users (id) VALUES (1)"))
    conn.execute(sa.text("INSERT INTO posts (id, user_id) VALUES (10, 1)"))


def _verify(conn: sa.Connection) -> None:
    assert conn.execute(sa.text("SELECT id, user_id FROM posts")).all() == [(10, 1)]


def test_index_added_on_a_foreign_key_column(engine) -> None:
    support.exact_roundtrip(engine, _model(False), _model(True), seed=_seed, verify=_verify)


def test_index_added_on_a_named_foreign_key_column(engine) -> None:
    old, new = _model(False, "fk_posts_user"), _model(True, "fk_posts_user")
    support.exact_roundtrip(engine, old, new, seed=_seed, verify=_verify)


def test_index_removed_from_a_foreign_key_column(engine) -> None:
    support.exact_roundtrip(engine, _model(True), _model(False), seed=_seed, verify=_verify)
