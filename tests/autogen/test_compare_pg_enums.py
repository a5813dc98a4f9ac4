"""PostgreSQL ENUM types: created before their table, dropped after, values added in place."""

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
    roundtrip,
)
from sqlalchemy.dialects import postgresql as pg

from mig import ops
from mig.autogen import AutogenContext, compare_to_ops, produce_migrations
from mig.ddl import UnsupportedOperationError, to_sql
from mig.ops import AddEnumValueOp, CreateEnumTypeOp, DropEnumTypeOp, DropEnumValueOp

pytestmark = pytest.mark.usefixtures("clean_types")


def _pg_only(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("named ENUM types exist on PostgreSQL only")


def _mood(*values: str) -> sa.Enum:
    return sa.Enum(*values, name="mood")


def _enums(engine) -> dict[str, list[str]]:
    return {e["name"]: e["labels"] for e in sa.inspect(engine).get_enums()}


def test_new_enum_type_is_created_before_its_table_and_dropped_after(engine):
    _pg_only(engine)
    new = sa.MetaData()
    sa.Table(
        "person",
        new,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("mood", _mood("sad", "ok"), server_default="ok"),
    )
    upgrade = roundtrip(engine, sa.MetaData(), new)
    assert [op.op_name for op in upgrade.ops] == ["create_enum_type", "create_table"]
    assert upgrade.ops[0] == CreateEnumTypeOp("mood", ["sad", "ok"])
    column_type = upgrade.ops[1].table.c.mood.type
    assert isinstance(column_type, pg.ENUM) and column_type.create_type is False
    assert _enums(engine) == {"mood": ["sad", "ok"]}
    downgrade = upgrade.reverse()
    assert [op.op_name for op in downgrade.ops] == ["drop_table", "drop_enum_type"]
    downgrade_roundtrip(engine, upgrade, sa.MetaData())
    assert _enums(engine) == {}


def test_dropping_the_last_table_of_an_enum_drops_the_type(engine):
    _pg_only(engine)
    old = sa.MetaData()
    sa.Table(
        "person",
        old,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("m", _mood("a", "b")),
    )
    sa.Table("other", old, sa.Column("id", sa.Integer, primary_key=True))
    new = sa.MetaData()
    sa.Table("other", new, sa.Column("id", sa.Integer, primary_key=True))
    upgrade = roundtrip(engine, old, new)
    assert [op.op_name for op in upgrade.ops] == ["drop_table", "drop_enum_type"]
    assert upgrade.ops[1] == DropEnumTypeOp("mood", schema=None, values=["a", "b"])
    assert _enums(engine) == {}
    downgrade_roundtrip(engine, upgrade, old)
    assert _enums(engine) == {"mood": ["a", "b"]}


def test_enum_still_used_elsewhere_is_kept(engine):
    _pg_only(engine)
    old = sa.MetaData()
    for name in ("one", "two"):
        sa.Table(
            name, old, sa.Column("id", sa.Integer, primary_key=True), sa.Column("m", _mood("a"))
        )
    new = sa.MetaData()
    sa.Table("two", new, sa.Column("id", sa.Integer, primary_key=True), sa.Column("m", _mood("a")))
    upgrade = roundtrip(engine, old, new)
    assert [op.op_name for op in upgrade.ops] == ["drop_table"]


def test_added_values_keep_the_model_order(engine):
    _pg_only(engine)
    old, new = sa.MetaData(), sa.MetaData()
    sa.Table(
        "person",
        old,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("m", _mood("sad", "happy"), server_default="sad"),
    )
    sa.Table(
        "person",
        new,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("m", _mood("angry", "sad", "ok", "happy", "ecstatic"), server_default="sad"),
    )
    create(engine, old)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO person (id, m) VALUES (1, 'happy')"))
    upgrade = compare(engine, new)
    values = [op for op in upgrade.ops if isinstance(op, AddEnumValueOp)]
    assert [(op.value, op.before, op.after) for op in values] == [
        ("angry", "sad", None),
        ("ok", "happy", None),
        ("ecstatic", None, None),
    ]
    assert values[0].values == ["sad", "happy"]
    assert values[2].values == ["angry", "sad", "ok", "happy"]
    assert values[0].columns == ({"table": "person", "column": "m", "default": "'sad'::mood"},)
    apply(engine, upgrade.ops)
    assert _enums(engine) == {"mood": ["angry", "sad", "ok", "happy", "ecstatic"]}
    assert compare(engine, new).ops == []
    # the downgrade rebuilds the type without the added values; the data survives
    downgrade_roundtrip(engine, upgrade, old)
    assert _enums(engine) == {"mood": ["sad", "happy"]}
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT m::text FROM person")).scalar() == "happy"


def test_removed_values_rebuild_the_type(engine):
    _pg_only(engine)
    old, new = sa.MetaData(), sa.MetaData()
    sa.Table(
        "person",
        old,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("m", _mood("a", "b")),
    )
    sa.Table(
        "person", new, sa.Column("id", sa.Integer, primary_key=True), sa.Column("m", _mood("a"))
    )
    create(engine, old)
    with engine.connect() as conn:
        ctx = AutogenContext(context(conn), new)
        assert compare_to_ops(ctx).ops == [
            ops.RebuildEnumTypeOp(
                "mood", ["a"], old_values=["a", "b"], columns=[{"table": "person", "column": "m"}]
            )
        ]
    assert ctx.skipped == []


def test_enum_column_added_to_an_existing_table(engine):
    _pg_only(engine)
    old, new = sa.MetaData(), sa.MetaData()
    sa.Table("person", old, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "person",
        new,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("m", _mood("x", "y")),
    )
    upgrade = roundtrip(engine, old, new)
    assert [op.op_name for op in upgrade.ops] == ["create_enum_type", "modify_table"]
    assert upgrade.ops[1].ops[0].column.type.create_type is False
    downgrade_roundtrip(engine, upgrade, old)
    assert _enums(engine) == {}


def test_produce_migrations_adds_no_import_line(engine):
    _pg_only(engine)
    new = sa.MetaData()
    sa.Table(
        "person", new, sa.Column("id", sa.Integer, primary_key=True), sa.Column("m", _mood("x"))
    )
    with engine.connect() as conn:
        script = produce_migrations(context(conn), new)
    assert script.imports == ()  # the enum ops are mig.ops' own: mig-runtime runs them


def test_enum_directive_sql():
    added = AddEnumValueOp("mood", "it's", schema="s", before="ok", values=["ok"])
    assert to_sql(added, "postgresql") == [
        "ALTER TYPE s.mood ADD VALUE IF NOT EXISTS 'it''s' BEFORE 'ok'"
    ]
    assert to_sql(CreateEnumTypeOp("mood", ["a", "b:c"]), "postgresql") == [
        "CREATE TYPE mood AS ENUM ('a', 'b:c')"
    ]
    assert to_sql(DropEnumTypeOp("mood"), "postgresql") == ["DROP TYPE mood"]
    dropped = DropEnumValueOp(
        "mood", "c", ["a", "b"], columns=[{"table": "t", "column": "m", "default": "'a'::mood"}]
    )
    assert to_sql(dropped, "postgresql") == [
        "DO $mig$ DECLARE held text; BEGIN SELECT string_agg(DISTINCT quote_literal(v), ', ' "
        "ORDER BY quote_literal(v)) INTO held FROM (SELECT m::text AS v FROM t) AS mig_held "
        "WHERE v NOT IN ('a', 'b'); IF held IS NOT NULL THEN RAISE EXCEPTION "
        "'drop_enum_value mood: t.m holds %, which the new type lacks; update or delete those "
        "rows first (or keep the values in the model)', held; END IF; END $mig$",
        "ALTER TYPE mood RENAME TO mood_old_mig",
        "CREATE TYPE mood AS ENUM ('a', 'b')",
        "ALTER TABLE t ALTER COLUMN m DROP DEFAULT",
        "ALTER TABLE t ALTER COLUMN m TYPE mood USING m::text::mood",
        "ALTER TABLE t ALTER COLUMN m SET DEFAULT 'a'::mood",
        "DROP TYPE mood_old_mig",
    ]
    assert dropped.reverse() == AddEnumValueOp(
        "mood", "c", values=["a", "b"], columns=dropped.columns
    )
    with pytest.raises(UnsupportedOperationError, match=r"add_enum_value.*mysql"):
        to_sql(added, "mysql")


def test_enum_directives_round_trip_as_data():
    op = AddEnumValueOp(
        "mood", "x", after="y", values=["y"], columns=[{"table": "t", "column": "c"}]
    )
    assert ops.from_dict(op.to_dict()) == op
    assert op.to_dict()["op"] == "add_enum_value"
    with pytest.raises(ops.DirectiveError, match="add_enum_value: argument 'before'"):
        AddEnumValueOp("mood", "x", before="a", after="b")
    with pytest.raises(ops.IrreversibleOperationError, match="values of enum type 'mood'"):
        DropEnumTypeOp("mood").reverse()


def test_enum_used_by_a_table_the_comparison_does_not_see_is_kept(engine):
    _pg_only(engine)
    old = sa.MetaData()
    for name in ("person", "hidden"):
        sa.Table(
            name, old, sa.Column("id", sa.Integer, primary_key=True), sa.Column("m", _mood("a"))
        )
    create(engine, old)

    def include_name(name, type_, parent_names):
        return name != "hidden"

    upgrade = compare(engine, sa.MetaData(), include_name=include_name)
    assert [op.op_name for op in upgrade.ops] == ["drop_table"]
    apply(engine, upgrade.ops)
    assert _enums(engine) == {"mood": ["a"]}
