"""reverse(): every invertible directive inverts (and inverting twice gives it back);
the others raise an error naming the directive and what is missing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from full_state import state

from mig.ops import (
    AddColumnOp,
    AddEnumValueOp,
    AlterColumnOp,
    BatchAlterTableOp,
    BulkInsertOp,
    CreateCheckConstraintOp,
    CreateExcludeConstraintOp,
    CreateForeignKeyOp,
    CreateIndexOp,
    CreatePrimaryKeyOp,
    CreateTableCommentOp,
    CreateTableOp,
    CreateUniqueConstraintOp,
    DirectiveError,
    DowngradeOps,
    DropColumnOp,
    DropConstraintOp,
    DropEnumValueOp,
    DropIndexOp,
    DropTableCommentOp,
    DropTableOp,
    ExecuteSQLOp,
    IrreversibleOperationError,
    MigrationScript,
    ModifyTableOps,
    RenameTableOp,
    UpgradeOps,
)


def users_table() -> sa.Table:
    return sa.Table(
        "users",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(100), nullable=False),
        sa.Column("org_id", sa.Integer, sa.ForeignKey("orgs.id", name="fk_org")),
        sa.UniqueConstraint("email", name="uq_email"),
        sa.CheckConstraint("id > 0", name="ck_id"),
        sa.Index("ix_email", "email", unique=True),
        schema="app",
    )


INVERTIBLE = [
    CreateTableOp("t", [sa.Column("id", sa.Integer, primary_key=True)], schema="s"),
    DropTableOp.from_table(users_table()),
    DropTableOp.from_table(users_table(), if_exists=True),
    CreateTableOp("t", [sa.Column("id", sa.Integer, primary_key=True)], if_not_exists=True),
    RenameTableOp("a", "b", schema="s"),
    AddColumnOp("t", sa.Column("x", sa.String(10), server_default="a"), schema="s"),
    DropColumnOp.from_column("t", sa.Column("x", sa.Integer, nullable=False), schema="s"),
    AlterColumnOp(
        "t",
        "c",
        existing_type=sa.Integer,
        modify_type=sa.BigInteger,
        existing_nullable=True,
        modify_nullable=False,
        modify_name="d",
        existing_server_default=None,
        modify_server_default="0",
        existing_comment="old",
        modify_comment="new",
    ),
    CreateIndexOp("ix", "t", ["a", sa.text("lower(b)")], unique=True, postgresql_using="btree"),
    DropIndexOp.from_index(users_table().indexes.copy().pop()),
    CreatePrimaryKeyOp("pk", "t", ["id"]),
    CreateUniqueConstraintOp("uq", "t", ["a"]),
    CreateForeignKeyOp("fk", "t", "u", ["uid"], ["id"], ondelete="CASCADE"),
    CreateCheckConstraintOp("ck", "t", "a > 0"),
    CreateExcludeConstraintOp("ex", "t", [("p", "&&")]),
    CreateTableCommentOp("t", "new", existing_comment="old"),
    CreateTableCommentOp("t", "first"),
    DropTableCommentOp("t", existing_comment="old"),
    ModifyTableOps("t", [AddColumnOp("t", sa.Column("x", sa.Integer)), RenameTableOp("t", "u")]),
    BatchAlterTableOp("t", [AddColumnOp("t", sa.Column("x", sa.Integer))], recreate="always"),
    UpgradeOps([CreatePrimaryKeyOp("pk", "t", ["id"]), CreateUniqueConstraintOp("uq", "t", ["a"])]),
    AddEnumValueOp("mood", "meh", after="ok", values=["sad", "ok", "happy"], schema="s"),
    AddEnumValueOp(
        "mood", "meh", before="sad", values=["sad"], columns=[{"table": "t", "column": "m"}]
    ),
    DropEnumValueOp(
        "mood", "meh", ["sad"], restore=AddEnumValueOp("mood", "meh", after="sad", values=["sad"])
    ),
]


@pytest.mark.parametrize("directive", INVERTIBLE, ids=lambda d: d.op_name)
def test_reverse_twice_is_identity(directive) -> None:
    back = directive.reverse()
    assert back != directive
    assert back.reverse() == directive
    assert state(back.reverse()) == state(directive)  # every attribute, not only the fields


def test_if_exists_and_if_not_exists_trade_places() -> None:
    create = CreateTableOp("t", [sa.Column("id", sa.Integer)], if_not_exists=True)
    drop = create.reverse()
    assert drop.if_exists is True and drop.restore.if_not_exists is None
    guarded = DropTableOp.from_table(users_table(), if_exists=True)
    assert guarded.reverse().if_not_exists is True
    assert DropTableOp.from_table(users_table()).reverse().if_not_exists is None


def test_create_table_reverses_to_drop_that_restores_it() -> None:
    create = CreateTableOp.from_table(users_table())
    drop = create.reverse()
    assert isinstance(drop, DropTableOp) and (drop.table_name, drop.schema) == ("users", "app")
    assert drop.reverse() == create
    assert state(drop.reverse()) == state(create)


def test_drop_table_from_table_restores_every_constraint_and_index() -> None:
    restored = DropTableOp.from_table(users_table()).reverse()
    table = restored.table
    assert [c.name for c in table.columns] == ["id", "email", "org_id"]
    names = {c.name for c in table.constraints if c.name}
    assert {"uq_email", "ck_id", "fk_org"} <= names
    assert {i.name for i in table.indexes} == {"ix_email"}


def test_alter_column_reverse_swaps_modify_and_existing() -> None:
    forward = AlterColumnOp(
        "t",
        "c",
        existing_type=sa.Integer,
        modify_type=sa.BigInteger,
        existing_nullable=True,
        modify_nullable=False,
        modify_name="d",
    )
    back = forward.reverse()
    assert back.column_name == "d" and back.modify_name == "c"
    assert isinstance(back.modify_type, sa.Integer) and isinstance(
        back.existing_type, sa.BigInteger
    )
    assert back.modify_nullable is True and back.existing_nullable is False


def test_alter_nullable_without_existing_infers_the_opposite() -> None:
    back = AlterColumnOp("t", "c", modify_nullable=False).reverse()
    assert back.modify_nullable is True


def test_alter_column_reverse_drops_postgresql_using() -> None:
    forward = AlterColumnOp(
        "t", "c", existing_type=sa.String(), modify_type=sa.Integer, postgresql_using="c::int"
    )
    assert "postgresql_using" not in forward.reverse().kw


def test_add_enum_value_keeps_its_place_through_two_reverses() -> None:
    add = AddEnumValueOp("mood", "meh", after="ok", values=["sad", "ok", "happy"])
    drop = add.reverse()
    assert isinstance(drop, DropEnumValueOp) and drop.values == ["sad", "ok", "happy"]
    assert (drop.reverse().after, drop.reverse().before) == ("ok", None)
    # a drop written without one adds the value back at the end
    bare = DropEnumValueOp("mood", "meh", ["sad", "ok"]).reverse()
    assert (bare.after, bare.before, bare.values) == (None, None, ["sad", "ok"])
    with pytest.raises(DirectiveError, match="drop_enum_value: argument 'restore'"):
        DropEnumValueOp("mood", "meh", ["sad"], restore=DropColumnOp("t", "c"))


def test_add_column_reverse_is_drop() -> None:
    add = AddColumnOp("t", sa.Column("x", sa.Integer))
    drop = add.reverse()
    assert isinstance(drop, DropColumnOp) and drop.column_name == "x"


def test_constraint_reverses_to_typed_drop() -> None:
    assert CreateForeignKeyOp("fk", "t", "u", ["a"], ["b"]).reverse().type_ == "foreignkey"
    assert CreatePrimaryKeyOp("pk", "t", ["a"]).reverse().type_ == "primary"
    assert CreateUniqueConstraintOp("uq", "t", ["a"]).reverse().type_ == "unique"
    assert CreateCheckConstraintOp("ck", "t", "a > 1").reverse().type_ == "check"


def test_drop_constraint_from_constraint_for_each_kind() -> None:
    table = users_table()
    kinds = {}
    for constraint in table.constraints:
        if constraint.name:
            drop = DropConstraintOp.from_constraint(constraint)
            kinds[drop.constraint_name] = (drop.type_, type(drop.reverse()).__name__)
    assert kinds == {
        "uq_email": ("unique", "CreateUniqueConstraintOp"),
        "ck_id": ("check", "CreateCheckConstraintOp"),
        "fk_org": ("foreignkey", "CreateForeignKeyOp"),
    }


def test_container_reverses_members_in_reverse_order() -> None:
    up = UpgradeOps([AddColumnOp("t", sa.Column("a", sa.Integer)), RenameTableOp("t", "u")])
    down = up.reverse()
    assert isinstance(down, DowngradeOps)
    assert [d.op_name for d in down.ops] == ["rename_table", "drop_column"]
    assert down.ops[0].old_table_name == "u"


IRREVERSIBLE = [
    (DropTableOp("t"), "drop_table", "without its columns"),
    (DropColumnOp("t", "c"), "drop_column", "t.c is not known"),
    (DropIndexOp("ix"), "drop_index", "'ix'"),
    (DropConstraintOp("ck", "t"), "drop_constraint", "'ck'"),
    (DropTableCommentOp("t"), "drop_table_comment", "existing_comment"),
    (ExecuteSQLOp("DELETE FROM t"), "execute", "no known inverse"),
    (BulkInsertOp(sa.table("t", sa.column("a")), [{"a": 1}]), "bulk_insert", "rows"),
    (AlterColumnOp("t", "c", modify_type=sa.Integer), "alter_column", "existing_type"),
    (AlterColumnOp("t", "c", modify_server_default="1"), "alter_column", "existing_server_default"),
    (CreateIndexOp(None, "t", ["a"]), "create_index", "no name"),
    (CreateUniqueConstraintOp(None, "t", ["a"]), "create_unique_constraint", "no name"),
    (UpgradeOps([ExecuteSQLOp("x")]), "execute", "no known inverse"),
    (MigrationScript("a", UpgradeOps(), DowngradeOps()), "migration_script", "no inverse"),
]


@pytest.mark.parametrize(
    ("directive", "op_name", "words"), IRREVERSIBLE, ids=[i[1] for i in IRREVERSIBLE]
)
def test_irreversible_directive_names_itself(directive, op_name, words) -> None:
    with pytest.raises(IrreversibleOperationError) as info:
        directive.reverse()
    assert info.value.op_name == op_name
    assert str(info.value).startswith(f"{op_name} cannot be reversed: ")
    assert words in str(info.value)


def test_from_table_keeps_a_named_primary_key_on_its_columns() -> None:
    """A named PK is restated by column name: the new table's column stays the key (SERIAL)."""
    import sqlalchemy as sa
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import CreateTable

    from mig.ops import CreateTableOp

    t = sa.Table(
        "t",
        sa.MetaData(),
        sa.Column("id", sa.Integer),
        sa.Column("x", sa.Integer),
        sa.PrimaryKeyConstraint("id", name="pk_t"),
    )
    op = CreateTableOp.from_table(t)
    assert op.table.c.id.primary_key and op.table.primary_key.name == "pk_t"
    ddl = str(CreateTable(op.table).compile(dialect=postgresql.dialect()))
    assert "id SERIAL NOT NULL" in ddl and "CONSTRAINT pk_t PRIMARY KEY (id)" in ddl


def test_expression_index_copies_detach_from_the_model_table() -> None:
    import sqlalchemy as sa
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import CreateIndex

    from mig.ops import CreateIndexOp, CreateTableOp

    t = sa.Table("t", sa.MetaData(), sa.Column("id", sa.Integer), sa.Column("name", sa.String))
    ix = sa.Index("ix_lower_name", sa.func.lower(t.c.name), postgresql_where=t.c.id > 5)
    ix._set_parent(t)
    op = CreateIndexOp.from_index(ix)
    ddl = str(CreateIndex(op.to_index()).compile(dialect=postgresql.dialect()))
    assert ddl.startswith("CREATE INDEX ix_lower_name ON t (lower(name))")
    create = CreateTableOp.from_table(t)
    assert [i.name for i in create.table.indexes] == ["ix_lower_name"]
