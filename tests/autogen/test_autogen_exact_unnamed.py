"""Item 5: SQLite's unnamed foreign keys and unique constraints are dropped (or changed)
through a table rebuild instead of a warning; a difference left without a directive keeps
``compare_metadata`` (and so ``mig check``) from reporting a match.
"""

from __future__ import annotations

import autogen_exact_support as support
import pytest
import sqlalchemy as sa

from mig.autogen import AutogenContext, compare_metadata
from mig.runtime import MigrationContext


def _model(*extra: sa.SchemaItem) -> sa.MetaData:
    md = sa.MetaData()
    sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "posts",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer),
        sa.Column("editor_id", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("code", sa.String(20)),
        *extra,
    )
    return md


def _seed(conn: sa.Connection) -> None:
    conn.execute(sa.text("INSERT INTO users (id) VALUES (1)"))
    conn.execute(sa.text("INSERT INTO posts (id, user_id, editor_id, code) VALUES (5, 1, 1, 'x')"))


def _verify(conn: sa.Connection) -> None:
    rows = conn.execute(sa.text("SELECT id, user_id, editor_id, code FROM posts")).all()
    assert rows == [(5, 1, 1, "x")]


def test_unnamed_foreign_key_dropped(engine) -> None:
    old = _model(sa.ForeignKeyConstraint(["user_id"], ["users.id"]))
    support.exact_roundtrip(engine, old, _model(), seed=_seed, verify=_verify)


def test_unnamed_foreign_key_options_changed(engine) -> None:
    old = _model(sa.ForeignKeyConstraint(["user_id"], ["users.id"]))
    new = _model(sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"))
    support.exact_roundtrip(engine, old, new, seed=_seed, verify=_verify)


def test_unnamed_unique_constraint_dropped(engine) -> None:
    old = _model(sa.UniqueConstraint("code"))
    support.exact_roundtrip(engine, old, _model(), seed=_seed, verify=_verify)


def test_a_skipped_difference_is_reported(engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever a comparator leaves without a directive still counts as a difference."""
    md = _model()
    with engine.begin() as conn:
        md.create_all(conn)
    with engine.connect() as conn:
        ctx = AutogenContext(MigrationContext.configure(connection=conn), md)
        ctx.skip("table posts: something the comparison cannot express")
        found = compare_metadata(ctx)
    assert found == [("skipped", "table posts: something the comparison cannot express")]


def test_unnamed_foreign_key_and_unique_dropped_in_one_rebuild(engine) -> None:
    old = _model(sa.ForeignKeyConstraint(["user_id"], ["users.id"]), sa.UniqueConstraint("code"))
    up, down = support.exact_roundtrip(engine, old, _model(), seed=_seed, verify=_verify)
    if engine.dialect.name == "sqlite":
        assert up.count("batch_alter_table") == 1 and down.count("batch_alter_table") == 1


def test_mig_diff_writes_the_rebuild_as_sql(engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("only SQLite keeps unnamed constraints")
    from mig.autogen import diff

    old = _model(sa.ForeignKeyConstraint(["user_id"], ["users.id"]), sa.UniqueConstraint("code"))
    with engine.begin() as conn:
        old.create_all(conn)
    report = diff(_model(), engine.url.render_as_string(hide_password=False))
    sql = report.to_sql()
    assert "cannot be written" not in sql
    assert "CREATE TABLE _mig_tmp_posts" in sql
    rebuilt = sql.split("CREATE TABLE _mig_tmp_posts", 1)[1].split(";", 1)[0]
    assert "FOREIGN KEY(editor_id)" in rebuilt and "user_id)" not in rebuilt.split("PRIMARY")[1]
    assert "UNIQUE" not in rebuilt
