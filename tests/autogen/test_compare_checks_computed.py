"""Named CHECK constraints (opt-in), computed columns and identity columns."""

from __future__ import annotations

import warnings

import pytest
import sqlalchemy as sa
from autogen_compare_support import (
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


def _table(md: sa.MetaData, *items) -> sa.Table:
    return sa.Table(
        "item",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("qty", sa.Integer),
        sa.Column("price", sa.Integer),
        *items,
    )


def test_checks_are_compared_only_when_asked(engine):
    old, new = sa.MetaData(), sa.MetaData()
    _table(old, sa.CheckConstraint("qty > 0", name="ck_qty"))
    _table(new)
    create(engine, old)
    assert compare(engine, new).ops == []
    upgrade = compare(engine, new, compare_check_constraints=True)
    [drop] = only(upgrade, ops.DropConstraintOp)
    assert (drop.constraint_name, drop.type_) == ("ck_qty", "check")


def test_named_checks_added_removed_and_changed(engine):
    old, new = sa.MetaData(), sa.MetaData()
    _table(
        old,
        sa.CheckConstraint("qty > 0", name="ck_qty"),
        sa.CheckConstraint("price >= 0", name="ck_price"),
        sa.CheckConstraint("qty < 1000", name="ck_gone"),
    )
    _table(
        new,
        sa.CheckConstraint("qty > 0", name="ck_qty"),
        sa.CheckConstraint("price > 10", name="ck_price"),
        sa.CheckConstraint("qty + price < 5000", name="ck_new"),
    )
    upgrade = roundtrip(engine, old, new, compare_check_constraints=True)
    assert kinds(upgrade) == [
        "drop_constraint",
        "drop_constraint",
        "create_check_constraint",
        "create_check_constraint",
    ]
    assert sorted(op.constraint_name for op in only(upgrade, ops.DropConstraintOp)) == [
        "ck_gone",
        "ck_price",
    ]
    created = {
        op.constraint_name: op.condition for op in only(upgrade, ops.CreateCheckConstraintOp)
    }
    assert created == {"ck_price": "price > 10", "ck_new": "qty + price < 5000"}
    names = {c["name"] for c in sa.inspect(engine).get_check_constraints("item")}
    assert names >= {"ck_qty", "ck_price", "ck_new"} and "ck_gone" not in names
    downgrade_roundtrip(engine, upgrade, old, compare_check_constraints=True)


def test_unnamed_and_type_checks_are_not_reported(engine):
    md = sa.MetaData()
    _table(
        md,
        sa.CheckConstraint("qty > 0"),
        sa.Column("flag", sa.Boolean(create_constraint=True, name="ck_flag_bool")),
        sa.Column("doc", sa.JSON),
    )
    create(engine, md)
    assert compare(engine, md, compare_check_constraints=True).ops == []


def test_new_computed_column_and_table(engine):
    old, new = sa.MetaData(), sa.MetaData()
    _table(old)
    _table(new, sa.Column("total", sa.Integer, sa.Computed("qty * price", persisted=True)))
    sa.Table(
        "other",
        new,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("a", sa.Integer),
        sa.Column("double_a", sa.Integer, sa.Computed("a * 2", persisted=True)),
    )
    upgrade = roundtrip(engine, old, new)
    [add] = only(upgrade, ops.AddColumnOp)
    assert add.column.computed is not None and str(add.column.computed.sqltext) == "qty * price"
    computed = {c["name"]: c.get("computed") for c in sa.inspect(engine).get_columns("other")}
    assert computed["double_a"] is not None
    downgrade_roundtrip(engine, upgrade, old)


def test_changed_computed_expression_rewrites_the_column(engine):
    old, new = sa.MetaData(), sa.MetaData()
    _table(old, sa.Column("total", sa.Integer, sa.Computed("qty * price", persisted=True)))
    _table(new, sa.Column("total", sa.Integer, sa.Computed("qty + price", persisted=True)))
    create(engine, old)
    with engine.connect() as conn:
        ctx = AutogenContext(context(conn), new)
        [table_ops] = compare_to_ops(ctx).ops
    assert [op.op_name for op in table_ops.ops] == ["drop_column", "add_column"]
    assert "qty + price" in str(table_ops.ops[1].column.computed.sqltext)
    assert compare(engine, old).ops == []  # the same expression, as the database prints it


def test_identity_columns(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("identity columns: PostgreSQL here (SQLite and MariaDB have none)")
    old, new = sa.MetaData(), sa.MetaData()
    _table(old)
    _table(new, sa.Column("seq", sa.Integer, sa.Identity(start=10, increment=5)))
    sa.Table(
        "other",
        new,
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("n", sa.Integer),
    )
    upgrade = roundtrip(engine, old, new)
    [add] = only(upgrade, ops.AddColumnOp)
    assert add.column.identity is not None and add.column.identity.start == 10
    identity = sa.inspect(engine).get_columns("other")[0]["identity"]
    assert identity["always"] is True
    changed = sa.MetaData()
    _table(changed, sa.Column("seq", sa.Integer, sa.Identity(start=10, increment=7)))
    with engine.connect() as conn, warnings.catch_warnings():
        ctx = AutogenContext(context(conn), changed)
        found = compare_to_ops(ctx)
    assert [op.op_name for op in found.ops] == ["modify_table", "drop_table"]
    [alter] = found.ops[0].ops
    assert alter == ops.AlterIdentityOp(
        "item", "seq", increment=7, existing={"increment": 5, "always": False}
    )
    downgrade_roundtrip(engine, upgrade, old)
