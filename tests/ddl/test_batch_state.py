"""A table rebuild keeps the table's constraints and indexes as mig.ops directives (no IR of
its own): those of the table as it is become create_* directives, the block's own are kept
as they are, and a change (a renamed or dropped column) replaces one with a changed copy, so
the block's directives stay as the script wrote them. Online, the rebuilt table carries them."""

from __future__ import annotations

import sqlalchemy as sa

from mig import ops
from mig.ddl import ImplContext, get_impl
from mig.ddl.batch import RebuildPlan


def _table(md: sa.MetaData) -> sa.Table:
    return sa.Table(
        "bs_child",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),  # no SERIAL
        sa.Column("b", sa.Integer),
        sa.Column("parent_id", sa.Integer),
        sa.UniqueConstraint("b", name="uq_bs_b"),
        sa.CheckConstraint("b > 0", name="ck_bs_b"),
        sa.ForeignKeyConstraint(["parent_id"], ["bs_parent.id"], name="fk_bs_parent"),
        sa.Index("ix_bs_b", "b"),
    )


def test_the_rebuild_state_is_directives() -> None:
    table = _table(sa.MetaData())
    sa.Table("bs_parent", table.metadata, sa.Column("id", sa.Integer, primary_key=True))
    unique = ops.CreateUniqueConstraintOp("uq_bs_pb", "bs_child", ["parent_id", "b"])
    batch = ops.BatchAlterTableOp(
        "bs_child",
        [unique, ops.AlterColumnOp("bs_child", "b", modify_name="c")],
        copy_from=table,
        recreate="always",
    )
    plan = RebuildPlan(get_impl("sqlite"), table, batch)
    assert plan.constraints == [
        ops.CreatePrimaryKeyOp(None, "bs_child", ["id"]),
        ops.CreateCheckConstraintOp("ck_bs_b", "bs_child", sa.text("b > 0")),
        ops.CreateForeignKeyOp("fk_bs_parent", "bs_child", "bs_parent", ["parent_id"], ["id"]),
        ops.CreateUniqueConstraintOp("uq_bs_b", "bs_child", ["b"]),
    ]
    assert all(isinstance(c, ops.AddConstraintOp) for c in plan.constraints)
    assert plan.indexes == [ops.CreateIndexOp("ix_bs_b", "bs_child", ["b"])]
    for directive in batch.ops:
        plan.apply(directive)
    assert plan.constraints[-1] == ops.CreateUniqueConstraintOp(
        "uq_bs_pb", "bs_child", ["parent_id", "c"]
    )
    assert unique.columns == ["parent_id", "b"]  # the block's directive is left alone
    assert plan.indexes == [ops.CreateIndexOp("ix_bs_b", "bs_child", ["c"])]


def test_the_rebuilt_table_carries_them(engine: sa.Engine) -> None:
    md = sa.MetaData()
    sa.Table("bs_parent", md, sa.Column("id", sa.Integer, primary_key=True))
    _table(md)
    md.create_all(engine)
    with engine.begin() as conn:
        impl = get_impl(conn.dialect, conn)
        operations = ops.Operations(ImplContext(impl))
        with operations.batch_alter_table("bs_child", recreate="always") as batch_op:
            batch_op.create_unique_constraint("uq_bs_pb", ["parent_id", "b"])
            batch_op.alter_column("b", new_column_name="c", existing_type=sa.Integer)
    insp = sa.inspect(engine)
    uniques = {u["name"]: u["column_names"] for u in insp.get_unique_constraints("bs_child")}
    assert uniques == {"uq_bs_b": ["c"], "uq_bs_pb": ["parent_id", "c"]}
    indexes = {i["name"]: i["column_names"] for i in insp.get_indexes("bs_child")}
    assert indexes.get("ix_bs_b") == ["c"]
    fks = insp.get_foreign_keys("bs_child")
    assert [(f["name"], f["constrained_columns"]) for f in fks] == [("fk_bs_parent", ["parent_id"])]
    assert insp.get_pk_constraint("bs_child")["constrained_columns"] == ["id"]
