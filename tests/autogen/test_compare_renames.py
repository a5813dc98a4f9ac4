"""Rename detection: columns and tables found renamed keep their data."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from autogen_compare_support import (
    apply,
    clean_types,  # noqa: F401  (fixture)
    compare,
    create,
    downgrade_roundtrip,
    kinds,
    only,
    roundtrip,
)

from mig import ops
from mig.autogen import AutogenError

pytestmark = pytest.mark.usefixtures("clean_types")


def _person(md: sa.MetaData, *columns: sa.Column, name: str = "person", **kw) -> sa.Table:
    return sa.Table(name, md, sa.Column("id", sa.Integer, primary_key=True), *columns, **kw)


def test_a_column_with_the_same_definition_is_renamed_and_keeps_its_data(engine):
    old, new = sa.MetaData(), sa.MetaData()
    _person(old, sa.Column("name", sa.String(40), nullable=False), sa.Column("age", sa.Integer))
    _person(
        new, sa.Column("full_name", sa.String(40), nullable=False), sa.Column("age", sa.Integer)
    )
    create(engine, old)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO person (id, name, age) VALUES (1, 'Ann', 30)"))
    upgrade = compare(engine, new)
    [alter] = only(upgrade, ops.AlterColumnOp)
    assert (alter.column_name, alter.modify_name) == ("name", "full_name")
    assert alter.info == {"detected_rename": True}
    assert kinds(upgrade) == ["alter_column"]
    apply(engine, upgrade.ops)
    assert compare(engine, new).ops == []
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT full_name FROM person")).scalar() == "Ann"
    downgrade_roundtrip(engine, upgrade, old)


def test_detect_renames_false_gives_drop_and_add(engine):
    old, new = sa.MetaData(), sa.MetaData()
    _person(old, sa.Column("name", sa.String(40)))
    _person(new, sa.Column("full_name", sa.String(40)))
    upgrade = roundtrip(engine, old, new, detect_renames=False)
    assert kinds(upgrade) == ["add_column", "drop_column"]


def test_different_definitions_are_not_a_rename(engine):
    old, new = sa.MetaData(), sa.MetaData()
    _person(old, sa.Column("name", sa.String(40)))
    _person(new, sa.Column("born", sa.Date))
    upgrade = roundtrip(engine, old, new)
    assert kinds(upgrade) == ["add_column", "drop_column"]


def test_ambiguous_candidates_stay_drop_and_add_unless_the_model_says(engine):
    old, new = sa.MetaData(), sa.MetaData()
    _person(old, sa.Column("a", sa.Integer), sa.Column("b", sa.Integer))
    _person(new, sa.Column("x", sa.Integer), sa.Column("y", sa.Integer))
    create(engine, old)
    assert kinds(compare(engine, new)) == ["add_column", "add_column", "drop_column", "drop_column"]
    stated = sa.MetaData()
    _person(
        stated,
        sa.Column("x", sa.Integer, info={"mig_renamed_from": "b"}),
        sa.Column("y", sa.Integer, info={"mig_renamed_from": "a"}),
    )
    upgrade = compare(engine, stated)
    renames = {op.column_name: op.modify_name for op in only(upgrade, ops.AlterColumnOp)}
    assert renames == {"b": "x", "a": "y"}
    assert all(op.info == {"explicit_rename": True} for op in only(upgrade, ops.AlterColumnOp))
    apply(engine, upgrade.ops)
    assert compare(engine, stated).ops == []  # the statement is ignored once applied


def test_a_stated_rename_applies_with_other_changes_and_detection_off(engine):
    old, new = sa.MetaData(), sa.MetaData()
    _person(old, sa.Column("name", sa.String(20)))
    _person(
        new, sa.Column("title", sa.String(50), nullable=False, info={"mig_renamed_from": "name"})
    )
    upgrade = roundtrip(engine, old, new, detect_renames=False)
    [alter] = only(upgrade, ops.AlterColumnOp)
    assert (alter.column_name, alter.modify_name, alter.modify_nullable) == ("name", "title", False)
    if engine.dialect.name != "sqlite":
        assert alter.modify_type.length == 50
    downgrade_roundtrip(engine, upgrade, old, detect_renames=False)


def test_renamed_column_keeps_its_index(engine):
    old, new = sa.MetaData(), sa.MetaData()
    _person(old, sa.Column("name", sa.String(40)), sa.Index("ix_person_name", "name"))
    _person(new, sa.Column("label", sa.String(40)), sa.Index("ix_person_name", "label"))
    upgrade = roundtrip(engine, old, new)
    assert kinds(upgrade) == ["alter_column"]
    downgrade_roundtrip(engine, upgrade, old)


def test_a_table_with_the_same_columns_is_renamed(engine):
    old, new = sa.MetaData(), sa.MetaData()
    _person(old, sa.Column("name", sa.String(40)))
    sa.Table(
        "pet",
        old,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("owner_id", sa.Integer, sa.ForeignKey("person.id", name="fk_pet_owner")),
    )
    _person(new, sa.Column("name", sa.String(40)), name="people")
    sa.Table(
        "pet",
        new,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("owner_id", sa.Integer, sa.ForeignKey("people.id", name="fk_pet_owner")),
    )
    create(engine, old)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO person (id, name) VALUES (1, 'Ann')"))
    upgrade = compare(engine, new)
    rename = upgrade.ops[0]
    assert isinstance(rename, ops.RenameTableOp)
    assert (rename.old_table_name, rename.new_table_name) == ("person", "people")
    assert rename.info == {"detected_rename": True}
    apply(engine, upgrade.ops)
    assert compare(engine, new).ops == []
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT name FROM people")).scalar() == "Ann"
    downgrade_roundtrip(engine, upgrade, old)


def test_a_stated_table_rename(engine):
    old, new = sa.MetaData(), sa.MetaData()
    _person(old, sa.Column("name", sa.String(40)))
    _person(old, sa.Column("name", sa.String(40)), name="person2")
    _person(
        new,
        sa.Column("name", sa.String(40)),
        sa.Column("extra", sa.Integer),
        name="people",
        info={"mig_renamed_from": "person"},
    )
    _person(new, sa.Column("name", sa.String(40)), name="person2")
    upgrade = roundtrip(engine, old, new)
    # PostgreSQL: the serial sequence and the primary key follow the table's new name
    follow = ["execute", "execute"] if engine.dialect.name == "postgresql" else []
    assert [op.op_name for op in upgrade.ops] == ["rename_table", *follow, "modify_table"]
    assert upgrade.ops[0].info == {"explicit_rename": True}
    assert kinds(upgrade)[1:] == [*follow, "add_column"]
    downgrade_roundtrip(engine, upgrade, old)


def test_a_bad_renamed_from_is_a_one_line_error(engine):
    old, new = sa.MetaData(), sa.MetaData()
    _person(old, sa.Column("name", sa.String(40)))
    _person(new, sa.Column("title", sa.String(40), info={"mig_renamed_from": 3}))
    create(engine, old)
    with pytest.raises(AutogenError, match=r"^column 'title': info\['mig_renamed_from'\] must be"):
        compare(engine, new)
