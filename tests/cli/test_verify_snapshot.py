"""mig verify's schema snapshots and their differences, reflected from each real backend."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from mig.cli.verify import (
    AFTER_DOWNGRADE,
    AFTER_REUPGRADE,
    diff_snapshots,
    is_empty,
    same_database,
    take_snapshot,
)
from mig.cli.verify.snapshot import object_names


def _authors(md: sa.MetaData, *extra: sa.SchemaItem, title: int = 200) -> None:
    sa.Table(
        "authors",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, server_default="anon"),
        sa.Column("title", sa.String(title)),
        sa.UniqueConstraint("name", name="uq_authors_name"),
        sa.CheckConstraint("name <> ''", name="ck_authors_name"),
        *extra,
    )
    sa.Table(
        "posts",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("author_id", sa.Integer, nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["authors.id"], name="fk_posts_author"),
        sa.Index("ix_posts_author", "author_id"),
    )


def _snapshot(engine: sa.Engine) -> dict:
    with engine.connect() as conn:
        return take_snapshot(conn)


def _create(engine: sa.Engine, md: sa.MetaData) -> dict:
    md.create_all(engine)
    try:
        return _snapshot(engine)
    finally:
        md.drop_all(engine)


def test_snapshot_holds_tables_columns_keys_indexes_and_constraints(engine: sa.Engine) -> None:
    md = sa.MetaData()
    _authors(md)
    snap = _create(engine, md)
    authors, posts = snap["tables"]["authors"], snap["tables"]["posts"]
    assert set(snap["tables"]) == {"authors", "posts"}
    assert set(authors["columns"]) == {"id", "name", "title"}
    assert authors["columns"]["title"]["type"] == "VARCHAR(200)"
    assert authors["columns"]["name"]["nullable"] is False
    assert "anon" in authors["columns"]["name"]["default"]
    assert authors["primary key"]["columns"] == ("id",)
    assert authors["unique constraints"]["uq_authors_name"] == ("name",)
    assert "<>" in authors["check constraints"]["ck_authors_name"]
    fk = posts["foreign keys"]["fk_posts_author"]
    assert (fk["columns"], fk["referred_table"], fk["referred_columns"]) == (
        ("author_id",),
        "authors",
        ("id",),
    )
    assert posts["indexes"]["ix_posts_author"] == {
        "columns": ("author_id",),
        "expressions": (),
        "unique": False,
    }


def test_bookkeeping_tables_are_left_out_and_an_empty_database_is_empty(
    engine: sa.Engine,
) -> None:
    md = sa.MetaData()
    sa.Table("mig_version", md, sa.Column("version_num", sa.String(32), primary_key=True))
    sa.Table("mig_lock", md, sa.Column("name", sa.String(64), primary_key=True))
    snap = _create(engine, md)
    assert snap["tables"] == {}
    assert is_empty(snap)
    md = sa.MetaData()
    sa.Table("things", md, sa.Column("id", sa.Integer, primary_key=True))
    snap = _create(engine, md)
    assert not is_empty(snap)
    assert object_names(snap) == ["table things"]


def test_extra_and_missing_columns_tables_and_indexes_in_words(engine: sa.Engine) -> None:
    base = sa.MetaData()
    _authors(base)
    before = _create(engine, base)
    after_md = sa.MetaData()
    _authors(after_md, sa.Column("x", sa.Integer))
    sa.Table("leftover", after_md, sa.Column("id", sa.Integer, primary_key=True))
    after = _create(engine, after_md)

    found = diff_snapshots(before, after)
    assert [d.describe(AFTER_DOWNGRADE) for d in found] == [
        "table leftover still exists",
        "table authors still has column x",
    ]
    assert [d.describe(AFTER_DOWNGRADE) for d in diff_snapshots(after, before)] == [
        "table leftover no longer exists",
        "table authors no longer has column x",
    ]
    assert [d.describe(AFTER_REUPGRADE) for d in found] == [
        "table leftover exists now",
        "table authors has in addition column x",
    ]
    assert diff_snapshots(before, before) == []


def test_changed_column_type_and_nullability_in_words(engine: sa.Engine) -> None:
    md = sa.MetaData()
    _authors(md)
    before = _create(engine, md)
    md = sa.MetaData()
    _authors(md, title=250)
    after = _create(engine, md)
    assert [d.describe() for d in diff_snapshots(before, after)] == [
        "column authors.title: type VARCHAR(250), expected VARCHAR(200)"
    ]


def test_constraints_and_indexes_left_behind_are_named(engine: sa.Engine) -> None:
    md = sa.MetaData()
    _authors(md)
    before = _create(engine, md)
    md = sa.MetaData()
    _authors(md, sa.Index("ix_authors_title", "title", unique=True))
    md.tables["posts"].append_constraint(sa.UniqueConstraint("author_id", name="uq_posts_author"))
    after = _create(engine, md)
    described = [d.describe(AFTER_DOWNGRADE) for d in diff_snapshots(before, after)]
    assert "table authors still has index ix_authors_title" in described
    assert "table posts still has unique constraint uq_posts_author" in described


def test_postgresql_enum_types_count_and_owned_sequences_do_not(engine: sa.Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("named enum types and serial sequences are PostgreSQL's")
    md = sa.MetaData()
    sa.Table(
        "moods",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("mood", sa.Enum("happy", "sad", name="mood")),
    )
    md.create_all(engine)
    try:
        with engine.connect() as conn:
            snap = take_snapshot(conn)
        assert snap["enum types"] == {"mood": {"labels": ("happy", "sad")}}
        assert snap["sequences"] == {}  # moods_id_seq belongs to moods.id
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE moods")
            after = take_snapshot(conn)
        assert [d.describe(AFTER_DOWNGRADE) for d in diff_snapshots({}, after)] == [
            "enum type mood still exists"
        ]
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS moods")
            conn.exec_driver_sql("DROP TYPE IF EXISTS mood")


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("sqlite:////tmp/x/../db.sqlite", "sqlite:////tmp/db.sqlite", True),
        ("sqlite:////tmp/a.db", "sqlite:////tmp/b.db", False),
        ("sqlite://", "sqlite:////tmp/a.db", False),
        ("postgresql+psycopg://u:p@h:5432/app", "postgresql+asyncpg://u@h:5432/app", True),
        ("postgresql://h/app", "postgresql://h/scratch", False),
        ("postgresql://h1/app", "postgresql://h2/app", False),
        ("mysql+pymysql://h/app", "postgresql://h/app", False),
    ],
)
def test_same_database_ignores_driver_and_password_only(a: str, b: str, same: bool) -> None:
    assert same_database(make_url(a), make_url(b)) is same
