"""Batch mode and auto-batch on SQLite, with rows in the tables.

The move-and-copy rebuild must keep every row, the named and unnamed constraints, the
foreign keys and the indexes, and apply the block's changes once.
"""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from mig import ops
from mig.ddl import (
    BatchError,
    ImplContext,
    OfflineBatchError,
    UnsupportedOperationError,
    get_impl,
    to_sql,
)


@pytest.fixture
def sqlite_engine(tmp_path):
    eng = sa.create_engine(f"sqlite:///{tmp_path / 'batch.db'}")
    yield eng
    eng.dispose()


def run(engine, fn, **opts):
    with engine.begin() as conn:
        impl = get_impl(conn.dialect, conn, context_opts=opts)
        fn(ops.Operations(ImplContext(impl)))


def setup_tables(engine):
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE parent (id INTEGER PRIMARY KEY, label VARCHAR(10))")
        conn.exec_driver_sql(
            "CREATE TABLE child ("
            " id INTEGER NOT NULL,"
            " parent_id INTEGER REFERENCES parent (id),"
            " name VARCHAR(20) NOT NULL,"
            " qty INTEGER DEFAULT 1,"
            " flag BOOLEAN,"
            " PRIMARY KEY (id),"
            " CONSTRAINT uq_child_name UNIQUE (name),"
            " CONSTRAINT ck_child_qty CHECK (qty >= 0),"
            " CHECK (length(name) > 0),"
            " UNIQUE (parent_id, qty))"
        )
        conn.exec_driver_sql("CREATE INDEX ix_child_qty ON child (qty)")
        conn.exec_driver_sql("INSERT INTO parent VALUES (1, 'p1'), (2, 'p2')")
        conn.exec_driver_sql(
            "INSERT INTO child VALUES (1, 1, 'a', 5, 1), (2, 2, 'b', 7, 0), (3, NULL, 'c', 0, NULL)"
        )


def rows(engine, sql):
    with engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(sql)]


def test_batch_rebuild_keeps_rows_constraints_indexes_and_fks(sqlite_engine):
    setup_tables(sqlite_engine)

    def change(op):
        with op.batch_alter_table("child") as b:
            b.add_column(sa.Column("extra", sa.String(5), server_default="e"), insert_after="id")
            b.alter_column("qty", type_=sa.BigInteger, nullable=False, existing_type=sa.Integer)
            b.alter_column("name", new_column_name="title", existing_type=sa.String(20))
            b.drop_column("flag")
            b.create_index("ix_child_title", ["title"])

    run(sqlite_engine, change)
    insp = sa.inspect(sqlite_engine)
    cols = {c["name"]: c for c in insp.get_columns("child")}
    assert list(cols) == ["id", "extra", "parent_id", "title", "qty"]
    assert isinstance(cols["qty"]["type"], sa.BigInteger) and cols["qty"]["nullable"] is False
    assert rows(
        sqlite_engine, "SELECT id, extra, parent_id, title, qty FROM child ORDER BY id"
    ) == [
        (1, "e", 1, "a", 5),
        (2, "e", 2, "b", 7),
        (3, "e", None, "c", 0),
    ]
    assert insp.get_pk_constraint("child")["constrained_columns"] == ["id"]
    uniques = {tuple(u["column_names"]): u["name"] for u in insp.get_unique_constraints("child")}
    assert uniques == {("title",): "uq_child_name", ("parent_id", "qty"): None}
    checks = {(c["name"], c["sqltext"]) for c in insp.get_check_constraints("child")}
    assert checks == {("ck_child_qty", "qty >= 0"), (None, "length(title) > 0")}
    (fk,) = insp.get_foreign_keys("child")
    assert (fk["constrained_columns"], fk["referred_table"], fk["referred_columns"]) == (
        ["parent_id"],
        "parent",
        ["id"],
    )
    indexes = {i["name"]: i["column_names"] for i in insp.get_indexes("child")}
    assert indexes == {"ix_child_qty": ["qty"], "ix_child_title": ["title"]}
    assert sorted(insp.get_table_names()) == ["child", "parent"]
    with sqlite_engine.connect() as conn:
        with pytest.raises(sa.exc.IntegrityError):
            conn.exec_driver_sql("INSERT INTO child (id, title, qty) VALUES (9, 'a', 1)")


def test_batch_constraints_named_by_convention_and_table_args(sqlite_engine):
    setup_tables(sqlite_engine)

    def change(op):
        with op.batch_alter_table(
            "child",
            naming_convention={"uq": "uq_%(table_name)s_%(column_0_N_name)s"},
            table_args=(sa.CheckConstraint("qty < 1000", name="ck_child_max"),),
        ) as b:
            b.drop_constraint("uq_child_parent_id_qty", type_="unique")
            b.drop_constraint("ck_child_qty", type_="check")
            b.create_unique_constraint("uq_child_qty", ["qty"])
            b.create_check_constraint("ck_child_qty_pos", sa.text("qty > -1"))
            b.create_foreign_key("fk_child_parent2", "parent", ["qty"], ["id"])

    run(sqlite_engine, change)
    insp = sa.inspect(sqlite_engine)
    uniques = {u["name"]: u["column_names"] for u in insp.get_unique_constraints("child")}
    assert uniques == {"uq_child_name": ["name"], "uq_child_qty": ["qty"]}
    checks = {c["name"]: c["sqltext"] for c in insp.get_check_constraints("child")}
    assert checks["ck_child_max"] == "qty < 1000"
    assert checks["ck_child_qty_pos"] == "qty > -1"
    assert "ck_child_qty" not in checks
    fks = {f["name"]: f["constrained_columns"] for f in insp.get_foreign_keys("child")}
    assert fks == {None: ["parent_id"], "fk_child_parent2": ["qty"]}
    assert len(rows(sqlite_engine, "SELECT * FROM child")) == 3


def test_partial_reordering(sqlite_engine):
    setup_tables(sqlite_engine)

    def change(op):
        with op.batch_alter_table(
            "child", recreate="always", partial_reordering=[("qty", "name", "id")]
        ):
            pass

    run(sqlite_engine, change)
    names = [c["name"] for c in sa.inspect(sqlite_engine).get_columns("child")]
    assert names == ["parent_id", "qty", "name", "id", "flag"]
    assert rows(sqlite_engine, "SELECT id, name, qty FROM child ORDER BY id")[0] == (1, "a", 5)


def test_batch_names_missing_things(sqlite_engine):
    setup_tables(sqlite_engine)

    def drop_unknown(op):
        with op.batch_alter_table("child") as b:
            b.drop_constraint("nope", type_="unique")

    with pytest.raises(BatchError, match="no constraint named 'nope'"):
        run(sqlite_engine, drop_unknown)

    def alter_unknown(op):
        with op.batch_alter_table("child") as b:
            b.alter_column("ghost", nullable=False)

    with pytest.raises(BatchError, match="no column 'ghost'"):
        run(sqlite_engine, alter_unknown)
    assert sorted(sa.inspect(sqlite_engine).get_table_names()) == ["child", "parent"]


def test_batch_in_place_when_no_rebuild_needed(sqlite_engine):
    setup_tables(sqlite_engine)
    out = io.StringIO()
    impl = get_impl("sqlite", as_sql=True, output_buffer=out)
    batch = ops.BatchAlterTableOp(
        "child",
        [
            ops.AddColumnOp("child", sa.Column("z", sa.Integer)),
            ops.CreateIndexOp("ix_z", "child", ["z"]),
        ],
    )
    impl.batch(batch)
    assert impl.statements == [
        "ALTER TABLE child ADD COLUMN z INTEGER",
        "CREATE INDEX ix_z ON child (z)",
    ]


def test_offline_batch_with_copy_from():
    table = sa.Table(
        "item",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(10), nullable=False),
        sa.Column("n", sa.Integer),
        sa.Index("ix_item_n", "n"),
    )
    batch = ops.BatchAlterTableOp(
        "item",
        [
            ops.AlterColumnOp("item", "name", modify_nullable=True, existing_type=sa.String(10)),
            ops.DropColumnOp("item", "n"),
            ops.AddColumnOp("item", sa.Column("price", sa.Numeric(8, 2))),
        ],
        copy_from=table,
    )
    assert to_sql(batch, "sqlite") == [
        "CREATE TABLE _mig_tmp_item (\n"
        "    id INTEGER NOT NULL, \n"
        "    name VARCHAR(10), \n"
        "    price NUMERIC(8, 2), \n"
        "    PRIMARY KEY (id)\n"
        ")",
        "INSERT INTO _mig_tmp_item (id, name) SELECT item.id, item.name \nFROM item",
        "DROP TABLE item",
        "ALTER TABLE _mig_tmp_item RENAME TO item",
    ]


def test_offline_batch_without_copy_from_says_how():
    batch = ops.BatchAlterTableOp("item", [ops.AlterColumnOp("item", "name", modify_nullable=True)])
    with pytest.raises(OfflineBatchError, match=r"copy_from=sa\.Table"):
        to_sql(batch, "sqlite")
    with pytest.raises(
        OfflineBatchError, match=r"alter_column on 'item'.*batch_alter_table\('item'"
    ):
        to_sql(batch.ops[0], "sqlite")


def test_recreate_never_refuses_what_needs_a_rebuild(sqlite_engine):
    setup_tables(sqlite_engine)

    def change(op):
        with op.batch_alter_table("child", recreate="never") as b:
            b.alter_column("qty", nullable=False)

    with pytest.raises(UnsupportedOperationError, match="recreate='auto'"):
        run(sqlite_engine, change)


# -- auto-batch: SQLite does what it cannot ALTER by rebuilding -----------------------------


def test_autobatch_outside_a_batch_block(sqlite_engine):
    setup_tables(sqlite_engine)

    def change(op):
        op.alter_column(
            "child", "qty", nullable=False, server_default="3", existing_type=sa.Integer
        )
        op.create_unique_constraint("uq_child_qty_name", "child", ["qty", "name"])
        op.drop_constraint("ck_child_qty", "child", type_="check")
        op.create_foreign_key("fk_child_self", "child", "child", ["qty"], ["id"])
        op.drop_column("child", "flag")
        op.drop_column("child", "name")  # part of a unique constraint: rebuilt too

    run(sqlite_engine, change)
    insp = sa.inspect(sqlite_engine)
    cols = {c["name"]: c for c in insp.get_columns("child")}
    assert list(cols) == ["id", "parent_id", "qty"]
    assert cols["qty"]["nullable"] is False and cols["qty"]["default"] == "'3'"
    assert {c["name"] for c in insp.get_check_constraints("child")} == set()
    fks = {f["name"]: f["referred_table"] for f in insp.get_foreign_keys("child")}
    assert fks == {None: "parent", "fk_child_self": "child"}
    assert rows(sqlite_engine, "SELECT id, parent_id, qty FROM child ORDER BY id") == [
        (1, 1, 5),
        (2, 2, 7),
        (3, None, 0),
    ]


@pytest.mark.parametrize(
    ("directive", "op_name"),
    [
        (ops.AlterColumnOp("child", "qty", modify_nullable=False), "alter_column"),
        (ops.CreateUniqueConstraintOp("uq_x", "child", ["qty"]), "create_unique_constraint"),
        (ops.DropConstraintOp("ck_child_qty", "child", type_="check"), "drop_constraint"),
        (ops.DropColumnOp("child", "name"), "drop_column"),
    ],
)
def test_autobatch_off_fails_naming_op_dialect_and_way_out(sqlite_engine, directive, op_name):
    setup_tables(sqlite_engine)
    with sqlite_engine.connect() as conn:
        impl = get_impl(conn.dialect, conn, context_opts={"sqlite_autobatch": False})
        with pytest.raises(UnsupportedOperationError) as info:
            ops.Operations(ImplContext(impl)).invoke(directive)
    message = str(info.value)
    assert message.startswith(f"{op_name} is not supported on sqlite")
    assert "op.batch_alter_table('child')" in message
    assert "\n" not in message
    with sqlite_engine.connect() as conn:
        sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name='child'").scalar()
    assert "ck_child_qty" in sql and "name VARCHAR(20) NOT NULL" in sql
    assert sorted(sa.inspect(sqlite_engine).get_table_names()) == ["child", "parent"]


def test_autobatch_off_offline_records_nothing():
    impl = get_impl(
        "sqlite", as_sql=True, output_buffer=io.StringIO(), context_opts={"sqlite_autobatch": False}
    )
    with pytest.raises(UnsupportedOperationError, match="alter_column is not supported on sqlite"):
        impl.run(ops.AlterColumnOp("t", "c", modify_nullable=False, modify_name="d"))
    assert impl.statements == []
    assert impl.output_buffer.getvalue() == ""
