"""Foreign keys: added, removed, changed options, and pointing at a new table."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from autogen_compare_support import (
    clean_types,  # noqa: F401  (fixture)
    compare,
    create,
    downgrade_roundtrip,
    kinds,
    only,
    roundtrip,
)

from mig import ops

pytestmark = pytest.mark.usefixtures("clean_types")


def _parent(md: sa.MetaData) -> sa.Table:
    return sa.Table(
        "parent",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(10), nullable=False, unique=True),
    )


def test_foreign_key_added_and_removed(engine):
    old, new = sa.MetaData(), sa.MetaData()
    _parent(old), _parent(new)
    sa.Table(
        "child",
        old,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("pid", sa.Integer, sa.ForeignKey("parent.id", name="fk_child_pid")),
        sa.Column("pcode", sa.String(10)),
    )
    sa.Table(
        "child",
        new,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("pid", sa.Integer),
        sa.Column("pcode", sa.String(10), sa.ForeignKey("parent.code", name="fk_child_pcode")),
    )
    upgrade = roundtrip(engine, old, new)
    [created] = only(upgrade, ops.CreateForeignKeyOp)
    assert (created.constraint_name, created.local_cols, created.referent_table) == (
        "fk_child_pcode",
        ["pcode"],
        "parent",
    )
    assert created.remote_cols == ["code"]
    [dropped] = only(upgrade, ops.DropConstraintOp)
    assert (dropped.constraint_name, dropped.type_) == ("fk_child_pid", "foreignkey")
    fks = sa.inspect(engine).get_foreign_keys("child")
    assert [(fk["name"], fk["constrained_columns"]) for fk in fks] == [
        ("fk_child_pcode", ["pcode"])
    ]
    downgrade_roundtrip(engine, upgrade, old)


def test_changed_options_drop_and_create(engine):
    old, new = sa.MetaData(), sa.MetaData()
    _parent(old), _parent(new)
    for md, ondelete in ((old, None), (new, "CASCADE")):
        sa.Table(
            "child",
            md,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column(
                "pid", sa.Integer, sa.ForeignKey("parent.id", name="fk_pid", ondelete=ondelete)
            ),
        )
    upgrade = roundtrip(engine, old, new)
    assert kinds(upgrade) == ["drop_constraint", "create_foreign_key"]
    assert only(upgrade, ops.CreateForeignKeyOp)[0].ondelete == "CASCADE"
    [fk] = sa.inspect(engine).get_foreign_keys("child")
    assert fk["options"].get("ondelete") == "CASCADE"
    downgrade_roundtrip(engine, upgrade, old)


def test_default_actions_are_not_differences(engine):
    md = sa.MetaData()
    _parent(md)
    sa.Table(
        "child",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "pid",
            sa.Integer,
            sa.ForeignKey("parent.id", name="fk_a", ondelete="NO ACTION", onupdate="CASCADE"),
        ),
        sa.Column("code", sa.String(10), sa.ForeignKey("parent.code", name="fk_b")),
    )
    create(engine, md)
    assert compare(engine, md).ops == []


def test_unnamed_foreign_key_matches_whatever_the_database_called_it(engine):
    md = sa.MetaData()
    _parent(md)
    sa.Table(
        "child",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("pid", sa.Integer, sa.ForeignKey("parent.id")),
    )
    create(engine, md)
    assert compare(engine, md).ops == []


def test_foreign_key_to_a_new_table_comes_after_creating_it(engine):
    old, new = sa.MetaData(), sa.MetaData()
    sa.Table(
        "child", old, sa.Column("id", sa.Integer, primary_key=True), sa.Column("pid", sa.Integer)
    )
    _parent(new)
    sa.Table(
        "child",
        new,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("pid", sa.Integer, sa.ForeignKey("parent.id")),
    )
    upgrade = roundtrip(engine, old, new, detect_renames=False)
    assert [op.op_name for op in upgrade.ops] == ["create_table", "modify_table"]
    [created] = only(upgrade, ops.CreateForeignKeyOp)
    expected = {"postgresql": "child_pid_fkey"}.get(engine.dialect.name, "fk_child_pid_parent")
    assert created.constraint_name == expected  # unnamed in the model: named as create_all does
    downgrade_roundtrip(engine, upgrade, old)


def test_added_column_with_foreign_key(engine):
    old, new = sa.MetaData(), sa.MetaData()
    _parent(old), _parent(new)
    sa.Table("child", old, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "child",
        new,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("pid", sa.Integer, sa.ForeignKey("parent.id", name="fk_pid"), index=True),
    )
    upgrade = roundtrip(engine, old, new)
    assert kinds(upgrade) == ["add_column", "create_index", "create_foreign_key"]
    [add] = only(upgrade, ops.AddColumnOp)
    assert not add.column.foreign_keys and not add.column.index
    downgrade_roundtrip(engine, upgrade, old)
