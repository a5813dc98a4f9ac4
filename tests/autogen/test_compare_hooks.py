"""The user hooks: include_name, include_object, compare_type and compare_server_default."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from autogen_compare_support import (
    apply,
    clean_types,  # noqa: F401  (fixture)
    compare,
    create,
    flat,
    only,
)
from sqlalchemy.engine.reflection import Inspector

from mig import ops

pytestmark = pytest.mark.usefixtures("clean_types")


def _tables(md: sa.MetaData, *names: str, extra: bool = False) -> None:
    for name in names:
        columns = [sa.Column("id", sa.Integer, primary_key=True), sa.Column("n", sa.Integer)]
        if extra:
            columns.append(sa.Column("extra", sa.Integer))
        sa.Table(name, md, *columns)


def test_include_name_filters_tables_before_reflection(engine, monkeypatch):
    old = sa.MetaData()
    _tables(old, "keep", "legacy_a", "legacy_b")
    create(engine, old)
    new = sa.MetaData()
    _tables(new, "keep", extra=True)
    asked: list[object] = []
    real = Inspector.get_multi_columns

    def spy(self, schema=None, filter_names=None, **kw):
        asked.append(filter_names)
        return real(self, schema=schema, filter_names=filter_names, **kw)

    monkeypatch.setattr(Inspector, "get_multi_columns", spy)
    seen: list[tuple] = []

    def include_name(name, type_, parent_names):
        seen.append((type_, name, dict(parent_names)))
        return not (type_ == "table" and name.startswith("legacy_"))

    upgrade = compare(engine, new, include_name=include_name, detect_renames=False)
    assert asked == [["keep"]]  # the legacy tables were never reflected
    assert [(op.op_name, op.table_name) for op in upgrade.ops] == [("modify_table", "keep")]
    assert ("schema", None, {}) in seen
    assert (
        "table",
        "legacy_a",
        {"schema_name": None, "table_name": "legacy_a", "schema_qualified_table_name": "legacy_a"},
    ) in seen
    assert (
        "column",
        "n",
        {"schema_name": None, "table_name": "keep", "schema_qualified_table_name": "keep"},
    ) in seen
    # without the hook they are reported as removed
    found = compare(engine, new, detect_renames=False)
    assert sorted(op.table_name for op in found.ops if isinstance(op, ops.DropTableOp)) == [
        "legacy_a",
        "legacy_b",
    ]


def test_include_name_filters_indexes_and_columns(engine):
    old = sa.MetaData()
    sa.Table(
        "t",
        old,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("secret", sa.Integer),
        sa.Column("n", sa.Integer),
        sa.Index("ix_t_n", "n"),
    )
    create(engine, old)
    new = sa.MetaData()
    sa.Table("t", new, sa.Column("id", sa.Integer, primary_key=True), sa.Column("n", sa.Integer))

    def include_name(name, type_, parent_names):
        return name not in ("secret", "ix_t_n")

    assert compare(engine, new, include_name=include_name).ops == []
    assert sorted(o.op_name for o in flat(compare(engine, new))) == ["drop_column", "drop_index"]


def test_include_object_sees_both_sides(engine):
    old = sa.MetaData()
    _tables(old, "db_only", "both")
    create(engine, old)
    new = sa.MetaData()
    _tables(new, "both", "model_only")
    new.tables["both"].append_column(sa.Column("skip_me", sa.Integer))
    calls: list[tuple] = []

    def include_object(obj, name, type_, reflected, compare_to):
        calls.append((type_, name, reflected, type(obj).__name__, type(compare_to).__name__))
        return name not in ("db_only", "model_only", "skip_me")

    found = compare(engine, new, include_object=include_object, detect_renames=False)
    assert found.ops == []
    assert ("table", "db_only", True, "Table", "NoneType") in calls
    assert ("table", "model_only", False, "Table", "NoneType") in calls
    assert ("table", "both", False, "Table", "Table") in calls
    assert ("column", "skip_me", False, "Column", "NoneType") in calls
    assert ("column", "n", False, "Column", "Column") in calls
    assert len(flat(compare(engine, new, detect_renames=False))) == 3


def test_compare_type_callable(engine):
    old, new = sa.MetaData(), sa.MetaData()
    sa.Table(
        "t",
        old,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("a", sa.Integer),
        sa.Column("b", sa.String(10)),
        sa.Column("c", sa.Integer),
    )
    sa.Table(
        "t",
        new,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("a", sa.BigInteger),
        sa.Column("b", sa.Text),
        sa.Column("c", sa.Integer),
    )
    create(engine, old)
    calls = []

    def compare_type(context, inspected_column, metadata_column, inspected_type, metadata_type):
        calls.append(metadata_column.name)
        assert inspected_column.type is inspected_type and metadata_column.type is metadata_type
        assert context.dialect.name == engine.dialect.name
        if metadata_column.name == "a":
            return False  # "no difference", overriding the default
        if metadata_column.name == "c":
            return True  # "different", though the default finds none
        return None  # the default comparison

    upgrade = compare(engine, new, compare_type=compare_type)
    assert sorted(calls) == ["a", "b", "c", "id"]
    changed = sorted(op.column_name for op in only(upgrade, ops.AlterColumnOp))
    assert changed == ["b", "c"]
    apply(engine, upgrade.ops)
    # what is left is what the hook hid: a's type
    left = compare(engine, new)
    assert [op.column_name for op in only(left, ops.AlterColumnOp)] == ["a"]


def test_compare_server_default_callable(engine):
    old, new = sa.MetaData(), sa.MetaData()
    sa.Table(
        "t",
        old,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("a", sa.Integer, server_default="1"),
        sa.Column("b", sa.Integer, server_default="1"),
    )
    sa.Table(
        "t",
        new,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("a", sa.Integer, server_default="2"),
        sa.Column("b", sa.Integer, server_default="2"),
    )
    create(engine, old)
    seen = {}

    def compare_server_default(
        context,
        inspected_column,
        metadata_column,
        inspected_default,
        metadata_default,
        rendered_metadata_default,
    ):
        seen[metadata_column.name] = (inspected_default, rendered_metadata_default)
        return False if metadata_column.name == "a" else None

    upgrade = compare(engine, new, compare_server_default=compare_server_default)
    assert [op.column_name for op in only(upgrade, ops.AlterColumnOp)] == ["b"]
    assert seen["a"][1] == "'2'"
    assert "1" in seen["a"][0]
