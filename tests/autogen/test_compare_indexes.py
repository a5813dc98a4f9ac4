"""Indexes and unique constraints, with each database's reflection quirks."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from autogen_compare_support import (
    apply,
    clean_types,  # noqa: F401  (fixture)
    compare,
    context,
    create,
    downgrade_roundtrip,
    kinds,
    only,
    roundtrip,
)

from mig import ops
from mig.autogen import AutogenContext, compare_to_ops

pytestmark = pytest.mark.usefixtures("clean_types")


def _table(md: sa.MetaData, *items, name: str = "item") -> sa.Table:
    return sa.Table(
        name,
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("a", sa.Integer),
        sa.Column("b", sa.String(20)),
        sa.Column("c", sa.Integer),
        *items,
    )


def test_indexes_added_removed_and_changed(engine):
    old, new = sa.MetaData(), sa.MetaData()
    _table(
        old,
        sa.Index("ix_gone", "a"),
        sa.Index("ix_changed", "a"),
        sa.Index("ix_same", "b", "c"),
    )
    _table(
        new,
        sa.Index("ix_changed", "a", "c"),
        sa.Index("ix_same", "b", "c"),
        sa.Index("ix_new", "c", unique=True),
    )
    upgrade = roundtrip(engine, old, new)
    assert kinds(upgrade) == ["drop_index", "drop_index", "create_index", "create_index"]
    drops = [op.index_name for op in only(upgrade, ops.DropIndexOp)]
    creates = {op.index_name: op for op in only(upgrade, ops.CreateIndexOp)}
    assert sorted(drops) == ["ix_changed", "ix_gone"]
    assert creates["ix_changed"].columns == ["a", "c"]
    assert creates["ix_new"].unique is True
    names = {i["name"] for i in sa.inspect(engine).get_indexes("item")}
    assert {"ix_changed", "ix_same", "ix_new"} <= names and "ix_gone" not in names
    downgrade_roundtrip(engine, upgrade, old)


def test_column_index_flag_is_an_index(engine):
    old, new = sa.MetaData(), sa.MetaData()
    _table(old)
    sa.Table(
        "item",
        new,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("a", sa.Integer, index=True),
        sa.Column("b", sa.String(20)),
        sa.Column("c", sa.Integer),
    )
    upgrade = roundtrip(engine, old, new)
    [create_index] = only(upgrade, ops.CreateIndexOp)
    assert (create_index.index_name, create_index.columns) == ("ix_item_a", ["a"])


def test_unique_constraints_added_and_removed(engine):
    old, new = sa.MetaData(), sa.MetaData()
    _table(old, sa.UniqueConstraint("a", name="uq_item_a"), sa.UniqueConstraint("b", name="uq_b"))
    _table(new, sa.UniqueConstraint("b", name="uq_b"), sa.UniqueConstraint("a", "c", name="uq_ac"))
    upgrade = roundtrip(engine, old, new)
    created = only(upgrade, ops.CreateUniqueConstraintOp)
    assert [(op.constraint_name, op.columns) for op in created] == [("uq_ac", ["a", "c"])]
    dropped = only(upgrade, ops.DropConstraintOp) + only(upgrade, ops.DropIndexOp)
    assert len(dropped) == 1
    if engine.dialect.name in ("mysql", "mariadb"):
        # MySQL keeps a unique constraint as a unique index: dropped as one
        assert isinstance(dropped[0], ops.DropIndexOp) and dropped[0].index_name == "uq_item_a"
    else:
        assert (dropped[0].constraint_name, dropped[0].type_) == ("uq_item_a", "unique")
    downgrade_roundtrip(engine, upgrade, old)


def test_unnamed_unique_constraint_matches_by_columns(engine):
    md = sa.MetaData()
    sa.Table(
        "item",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(10), unique=True),
        sa.Column("x", sa.Integer),
        sa.UniqueConstraint("x", "code"),
    )
    create(engine, md)
    assert compare(engine, md).ops == []


def test_unnamed_unique_constraint_added_gets_a_name(engine):
    old, new = sa.MetaData(), sa.MetaData()
    _table(old)
    _table(new, sa.UniqueConstraint("a", "b"))
    upgrade = roundtrip(engine, old, new)
    [created] = only(upgrade, ops.CreateUniqueConstraintOp)
    names = {"postgresql": "item_a_b_key", "mysql": "a", "mariadb": "a"}
    expected = names.get(engine.dialect.name, "uq_item_a_b")
    assert (created.constraint_name, created.columns) == (expected, ["a", "b"])
    downgrade_roundtrip(engine, upgrade, old)


def test_unique_index_and_unique_constraint_of_one_name(engine):
    """A model unique Index against the database's unique constraint (and back)."""
    old, new = sa.MetaData(), sa.MetaData()
    _table(old, sa.UniqueConstraint("a", name="uq_a"))
    _table(new, sa.Index("uq_a", "a", unique=True))
    create(engine, old)
    found = compare(engine, new)
    if engine.dialect.name in ("mysql", "mariadb"):
        assert found.ops == []  # the same object there
        return
    assert kinds(found) == ["drop_constraint", "create_index"]
    apply(engine, found.ops)
    assert compare(engine, new).ops == []
    assert sa.inspect(engine).get_unique_constraints("item") == []
    downgrade_roundtrip(engine, found, old)


def test_mysql_implicit_foreign_key_indexes_are_not_reported(engine):
    md = sa.MetaData()
    sa.Table("parent", md, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "child",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("p1", sa.Integer, sa.ForeignKey("parent.id")),
        sa.Column("p2", sa.Integer, sa.ForeignKey("parent.id", name="fk_child_p2")),
    )
    create(engine, md)
    if engine.dialect.name in ("mysql", "mariadb"):
        names = {i["name"] for i in sa.inspect(engine).get_indexes("child")}
        assert names == {"p1", "fk_child_p2"}  # what MySQL made for the foreign keys
    assert compare(engine, md).ops == []


def test_mysql_implicit_index_goes_with_its_foreign_key(engine):
    old, new = sa.MetaData(), sa.MetaData()
    for md in (old, new):
        sa.Table("parent", md, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "child",
        old,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("p", sa.Integer, sa.ForeignKey("parent.id", name="fk_child_p")),
    )
    sa.Table(
        "child", new, sa.Column("id", sa.Integer, primary_key=True), sa.Column("p", sa.Integer)
    )
    upgrade = roundtrip(engine, old, new)
    expected = ["drop_constraint"]
    if engine.dialect.name in ("mysql", "mariadb"):
        expected.append("drop_index")
    assert kinds(upgrade) == expected
    downgrade_roundtrip(engine, upgrade, old)


def test_index_on_a_dropped_column_is_dropped_first(engine):
    old, new = sa.MetaData(), sa.MetaData()
    _table(old, sa.Index("ix_a", "a"))
    sa.Table(
        "item",
        new,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("b", sa.String(20)),
        sa.Column("c", sa.Integer),
    )
    upgrade = roundtrip(engine, old, new)
    assert kinds(upgrade) == ["drop_index", "drop_column"]
    downgrade_roundtrip(engine, upgrade, old)


def _pg_only(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL expression/partial indexes")


def test_postgresql_expression_and_partial_indexes_round_trip(engine):
    _pg_only(engine)
    old, new = sa.MetaData(), sa.MetaData()
    _table(old)
    t = _table(new)
    sa.Index("ix_lower_b", sa.func.lower(t.c.b))
    sa.Index("ix_partial", t.c.a, postgresql_where=t.c.a > 5)
    sa.Index("ix_gin", t.c.b, postgresql_using="hash")
    upgrade = roundtrip(engine, old, new)
    assert sorted(op.index_name for op in only(upgrade, ops.CreateIndexOp)) == [
        "ix_gin",
        "ix_lower_b",
        "ix_partial",
    ]
    downgrade_roundtrip(engine, upgrade, old)
    # the other way: the database has the indexes, the model not; restores keep them whole
    apply(engine, upgrade.ops)
    drop = compare(engine, old)
    restores = {op.index_name: op.restore for op in only(drop, ops.DropIndexOp)}
    assert str(restores["ix_partial"].kw["postgresql_where"]) == "(a > 5)"
    assert [str(c) for c in restores["ix_lower_b"].columns] == ["lower(b::text)"]
    assert restores["ix_gin"].kw["postgresql_using"] == "hash"
    apply(engine, drop.ops)
    assert compare(engine, old).ops == []
    downgrade_roundtrip(engine, drop, new)


def test_postgresql_new_table_with_expression_index(engine):
    _pg_only(engine)
    new = sa.MetaData()
    t = _table(new)
    sa.Index("ix_lower_b", sa.func.lower(t.c.b), postgresql_where=t.c.a > 1)
    upgrade = roundtrip(engine, sa.MetaData(), new)
    assert kinds(upgrade) == ["create_table"]


def test_postgresql_changed_where_is_a_change_and_changed_expression_a_warning(engine):
    _pg_only(engine)
    old, new = sa.MetaData(), sa.MetaData()
    t_old = _table(old)
    sa.Index("ix_expr", sa.func.lower(t_old.c.b))
    sa.Index("ix_part", t_old.c.a)
    t_new = _table(new)
    sa.Index("ix_expr", sa.func.upper(t_new.c.b))
    sa.Index("ix_part", t_new.c.a, postgresql_where=t_new.c.c > 1)
    create(engine, old)
    with engine.connect() as conn:
        ctx = AutogenContext(context(conn), new)
        upgrade = compare_to_ops(ctx)
    assert kinds(upgrade) == ["drop_index", "create_index"]
    assert only(upgrade, ops.CreateIndexOp)[0].index_name == "ix_part"
    assert any("ix_expr" in w and "expressions" in w for w in ctx.warnings)
