"""Columns: added, removed, type, nullability, server defaults (opt-in) and comments."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from autogen_compare_support import (
    clean_types,  # noqa: F401  (fixture)
    compare,
    create,
    downgrade_roundtrip,
    flat,
    only,
    roundtrip,
)

from mig import ops

pytestmark = pytest.mark.usefixtures("clean_types")


def _table(md: sa.MetaData, *columns: sa.Column, **kw) -> sa.Table:
    return sa.Table("account", md, sa.Column("id", sa.Integer, primary_key=True), *columns, **kw)


def test_added_and_removed_columns(engine):
    old, new = sa.MetaData(), sa.MetaData()
    _table(old, sa.Column("gone", sa.String(10)), sa.Column("kept", sa.Integer))
    _table(
        new,
        sa.Column("kept", sa.Integer),
        sa.Column("email", sa.String(80), nullable=False, server_default="none"),
        sa.Column("score", sa.Numeric(10, 2)),
    )
    upgrade = roundtrip(engine, old, new, detect_renames=False)
    [modify] = upgrade.ops
    assert isinstance(modify, ops.ModifyTableOps) and modify.table_name == "account"
    assert [(op.op_name, getattr(op, "column_name", None)) for op in modify.ops] == [
        ("add_column", None),
        ("add_column", None),
        ("drop_column", "gone"),
    ]
    assert [op.column.name for op in only(upgrade, ops.AddColumnOp)] == ["email", "score"]
    [drop] = only(upgrade, ops.DropColumnOp)
    assert drop.restore is not None and isinstance(drop.restore.column.type, sa.String)
    columns = {c["name"]: c for c in sa.inspect(engine).get_columns("account")}
    assert set(columns) == {"id", "kept", "email", "score"}
    assert columns["email"]["nullable"] is False
    downgrade_roundtrip(engine, upgrade, old, detect_renames=False)


def test_type_change_is_found_and_equivalent_spellings_are_not(engine):
    old, new = sa.MetaData(), sa.MetaData()
    _table(
        old,
        sa.Column("name", sa.String(20)),
        sa.Column("flag", sa.Boolean),
        sa.Column("amount", sa.Numeric(10, 2)),
        sa.Column("big", sa.Integer),
    )
    _table(
        new,
        sa.Column("name", sa.String(60)),
        sa.Column("flag", sa.Boolean),
        sa.Column("amount", sa.DECIMAL(10, 2)),
        sa.Column("big", sa.BigInteger),
    )
    upgrade = roundtrip(engine, old, new)
    changed = {op.column_name: op for op in only(upgrade, ops.AlterColumnOp)}
    if engine.dialect.name == "sqlite":
        # SQLite enforces no lengths: only the change of kind counts
        assert sorted(changed) == ["big"]
    else:
        assert sorted(changed) == ["big", "name"]
        assert changed["name"].modify_type.length == 60
        assert changed["name"].existing_type.length == 20
        length = sa.inspect(engine).get_columns("account")[1]["type"].length
        assert length == 60
    assert isinstance(changed["big"].modify_type, sa.BigInteger)
    assert changed["big"].existing_nullable is True


def test_compare_type_false_turns_type_comparison_off(engine):
    old, new = sa.MetaData(), sa.MetaData()
    _table(old, sa.Column("big", sa.Integer))
    _table(new, sa.Column("big", sa.BigInteger))
    create(engine, old)
    assert compare(engine, new, compare_type=False).ops == []
    assert [op.op_name for op in flat(compare(engine, new))] == ["alter_column"]


def test_nullability(engine):
    old, new = sa.MetaData(), sa.MetaData()
    _table(
        old,
        sa.Column("a", sa.String(10), nullable=True),
        sa.Column("b", sa.Integer, nullable=False),
    )
    _table(
        new,
        sa.Column("a", sa.String(10), nullable=False),
        sa.Column("b", sa.Integer, nullable=True),
    )
    upgrade = roundtrip(engine, old, new)
    changed = {op.column_name: op for op in only(upgrade, ops.AlterColumnOp)}
    assert changed["a"].modify_nullable is False and changed["a"].existing_nullable is True
    assert changed["b"].modify_nullable is True and changed["b"].existing_nullable is False
    assert changed["a"].modify_type is None
    nullable = {c["name"]: c["nullable"] for c in sa.inspect(engine).get_columns("account")}
    assert nullable["a"] is False and nullable["b"] is True
    downgrade_roundtrip(engine, upgrade, old)


def test_server_defaults_are_compared_only_when_asked(engine):
    old, new = sa.MetaData(), sa.MetaData()
    _table(
        old,
        sa.Column("status", sa.String(10), server_default="new"),
        sa.Column("n", sa.Integer, server_default=sa.text("0")),
        sa.Column("at", sa.DateTime, server_default=sa.func.now()),
        sa.Column("flag", sa.Boolean, server_default=sa.true()),
        sa.Column("gone", sa.Integer, server_default="5"),
        sa.Column("plain", sa.Integer),
    )
    _table(
        new,
        sa.Column("status", sa.String(10), server_default="open"),
        sa.Column("n", sa.Integer, server_default=sa.text("0")),
        sa.Column("at", sa.DateTime, server_default=sa.func.now()),
        sa.Column("flag", sa.Boolean, server_default=sa.true()),
        sa.Column("gone", sa.Integer),
        sa.Column("plain", sa.Integer, server_default="7"),
    )
    create(engine, old)
    assert compare(engine, new).ops == []  # off by default, as in Alembic
    upgrade = roundtrip(engine, sa.MetaData(), new, compare_server_default=True)
    changed = {op.column_name: op for op in only(upgrade, ops.AlterColumnOp)}
    assert sorted(changed) == ["gone", "plain", "status"]
    assert changed["status"].modify_server_default == "open"
    assert changed["gone"].modify_server_default is None
    assert changed["plain"].modify_server_default == "7"
    downgrade_roundtrip(engine, upgrade, old, compare_server_default=True)


def test_comments(engine):
    if not engine.dialect.supports_comments:
        pytest.skip(f"{engine.dialect.name} keeps no comments")
    old, new = sa.MetaData(), sa.MetaData()
    _table(
        old,
        sa.Column("a", sa.Integer, comment="old a"),
        sa.Column("b", sa.Integer, comment="b"),
        sa.Column("c", sa.Integer),
        comment="accounts",
    )
    _table(
        new,
        sa.Column("a", sa.Integer, comment="new a"),
        sa.Column("b", sa.Integer),
        sa.Column("c", sa.Integer, comment="c"),
        comment="all accounts",
    )
    upgrade = roundtrip(engine, old, new)
    changed = {op.column_name: op for op in only(upgrade, ops.AlterColumnOp)}
    assert changed["a"].modify_comment == "new a" and changed["a"].existing_comment == "old a"
    assert changed["b"].modify_comment is None
    assert changed["c"].modify_comment == "c"
    [table_comment] = only(upgrade, ops.CreateTableCommentOp)
    assert (table_comment.comment, table_comment.existing_comment) == ("all accounts", "accounts")
    insp = sa.inspect(engine)
    assert insp.get_table_comment("account")["text"] == "all accounts"
    downgrade_roundtrip(engine, upgrade, old)


def test_table_comment_removed(engine):
    if not engine.dialect.supports_comments:
        pytest.skip(f"{engine.dialect.name} keeps no comments")
    old, new = sa.MetaData(), sa.MetaData()
    _table(old, comment="accounts")
    _table(new)
    upgrade = roundtrip(engine, old, new)
    [drop] = only(upgrade, ops.DropTableCommentOp)
    assert drop.existing_comment == "accounts"
    assert sa.inspect(engine).get_table_comment("account")["text"] is None
    downgrade_roundtrip(engine, upgrade, old)


def test_mysql_alter_keeps_auto_increment(engine):
    if engine.dialect.name not in ("mysql", "mariadb"):
        pytest.skip("MySQL/MariaDB restate the whole column in MODIFY")
    old, new = sa.MetaData(), sa.MetaData()
    sa.Table("t", old, sa.Column("id", sa.Integer, primary_key=True, comment="key"))
    sa.Table("t", new, sa.Column("id", sa.Integer, primary_key=True, comment="the key"))
    upgrade = roundtrip(engine, old, new)
    [alter] = only(upgrade, ops.AlterColumnOp)
    assert alter.kw == {"existing_autoincrement": True}
    [column] = sa.inspect(engine).get_columns("t")
    assert column["autoincrement"] is True
