"""Tables added and removed, their order, several MetaData, the version table, schemas."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from autogen_compare_support import (
    OTHER_SCHEMA,
    apply,
    clean_types,  # noqa: F401  (fixture)
    compare,
    create,
    downgrade_roundtrip,
    kinds,
    roundtrip,
)

from mig import ops
from mig.runtime import VersionTable

pytestmark = pytest.mark.usefixtures("clean_types")


def _parent_child(md: sa.MetaData) -> None:
    sa.Table(
        "parent",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Index("ix_parent_name", "name"),
        comment="the parents",
    )
    sa.Table(
        "child",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("parent.id", ondelete="CASCADE")),
        sa.Column("zeta_id", sa.Integer, sa.ForeignKey("zeta.id")),
    )
    sa.Table("zeta", md, sa.Column("id", sa.Integer, primary_key=True))


def test_new_tables_are_created_referenced_first(engine):
    new = sa.MetaData()
    _parent_child(new)
    upgrade = roundtrip(engine, sa.MetaData(), new, detect_renames=False)
    created = [op.table_name for op in upgrade.ops]
    assert all(isinstance(op, ops.CreateTableOp) for op in upgrade.ops)
    assert created.index("parent") < created.index("child")
    assert created.index("zeta") < created.index("child")
    insp = sa.inspect(engine)
    assert sorted(insp.get_table_names()) == ["child", "parent", "zeta"]
    assert [i["name"] for i in insp.get_indexes("parent")] == ["ix_parent_name"]


def test_removed_tables_are_dropped_referencing_first_and_restored_on_downgrade(engine):
    old = sa.MetaData()
    _parent_child(old)
    sa.Table("keep", old, sa.Column("id", sa.Integer, primary_key=True))
    new = sa.MetaData()
    sa.Table("keep", new, sa.Column("id", sa.Integer, primary_key=True))
    upgrade = roundtrip(engine, old, new, detect_renames=False)
    dropped = [op.table_name for op in upgrade.ops]
    assert all(isinstance(op, ops.DropTableOp) for op in upgrade.ops)
    assert dropped.index("child") < dropped.index("parent")
    assert dropped.index("child") < dropped.index("zeta")
    assert all(op.restore is not None for op in upgrade.ops)
    assert sa.inspect(engine).get_table_names() == ["keep"]
    downgrade_roundtrip(engine, upgrade, old, detect_renames=False)
    child_fks = sa.inspect(engine).get_foreign_keys("child")
    assert sorted(fk["referred_table"] for fk in child_fks) == ["parent", "zeta"]


def test_equal_model_and_database_give_nothing(engine):
    md = sa.MetaData()
    _parent_child(md)
    create(engine, md)
    assert compare(engine, md).ops == []


def test_a_list_of_metadata_is_one_model(engine):
    one, two = sa.MetaData(), sa.MetaData()
    sa.Table("t1", one, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("t2", two, sa.Column("id", sa.Integer, primary_key=True), sa.Column("x", sa.Text))
    upgrade = roundtrip(engine, sa.MetaData(), [one, two])
    assert sorted(op.table_name for op in upgrade.ops) == ["t1", "t2"]


def test_the_version_table_is_never_reported(engine):
    with engine.begin() as conn:
        VersionTable().ensure(conn)
    md = sa.MetaData()
    sa.Table("t1", md, sa.Column("id", sa.Integer, primary_key=True))
    create(engine, md)
    assert compare(engine, md).ops == []


def test_existing_tables_get_one_modify_table_each_in_name_order(engine):
    old = sa.MetaData()
    sa.Table("b", old, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("a", old, sa.Column("id", sa.Integer, primary_key=True))
    new = sa.MetaData()
    sa.Table("b", new, sa.Column("id", sa.Integer, primary_key=True), sa.Column("x", sa.Integer))
    sa.Table("a", new, sa.Column("id", sa.Integer, primary_key=True), sa.Column("y", sa.Integer))
    upgrade = roundtrip(engine, old, new)
    assert [(op.op_name, op.table_name) for op in upgrade.ops] == [
        ("modify_table", "a"),
        ("modify_table", "b"),
    ]
    assert kinds(upgrade) == ["add_column", "add_column"]


def _other_schema(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {OTHER_SCHEMA}")


def test_include_schemas_compares_every_schema(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("needs a second schema in the test database: PostgreSQL only")
    _other_schema(engine)
    old = sa.MetaData()
    sa.Table("home", old, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("gone", old, sa.Column("id", sa.Integer, primary_key=True), schema=OTHER_SCHEMA)
    new = sa.MetaData()
    sa.Table("home", new, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "away",
        new,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("home_id", sa.Integer, sa.ForeignKey("home.id")),
        sa.Column("note", sa.String(20)),
        schema=OTHER_SCHEMA,
    )
    create(engine, old)
    # without include_schemas the other schema is not looked at at all
    assert compare(engine, new).ops == []
    upgrade = compare(engine, new, include_schemas=True, detect_renames=False)
    assert [(op.op_name, op.schema, op.table_name) for op in upgrade.ops] == [
        ("create_table", OTHER_SCHEMA, "away"),
        ("drop_table", OTHER_SCHEMA, "gone"),
    ]
    apply(engine, upgrade.ops)
    assert compare(engine, new, include_schemas=True).ops == []
    assert sa.inspect(engine).get_table_names(schema=OTHER_SCHEMA) == ["away"]


def test_include_name_can_leave_a_schema_out(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("needs a second schema in the test database: PostgreSQL only")
    _other_schema(engine)
    old = sa.MetaData()
    sa.Table("gone", old, sa.Column("id", sa.Integer, primary_key=True), schema=OTHER_SCHEMA)
    create(engine, old)

    def include_name(name, type_, parents):
        return not (type_ == "schema" and name == OTHER_SCHEMA)

    assert compare(engine, sa.MetaData(), include_schemas=True, include_name=include_name).ops == []
    found = compare(engine, sa.MetaData(), include_schemas=True)
    assert [(op.op_name, op.schema) for op in found.ops] == [("drop_table", OTHER_SCHEMA)]
