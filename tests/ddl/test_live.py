"""Directives applied for real on every configured backend, checked by reflection.

SQLite runs the same directives: those it cannot ALTER go through the auto-batch rebuild.
SQLite keeps no comments, so comments are checked where the database stores them.
"""

from __future__ import annotations

import sqlalchemy as sa

from mig import ops


def _accounts(op: ops.Operations) -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(50), nullable=False, server_default="anon"),
        sa.Column("note", sa.String(20), comment="a note"),
        sa.Index("ix_account_name", "name"),
        comment="accounts",
    )
    op.create_table(
        "entry",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("account.id"), nullable=False),
        sa.Column("amount", sa.Numeric(10, 2)),
        sa.UniqueConstraint("amount", "account_id", name="uq_entry_account_amount"),
    )


def _default_text(column: dict) -> str:
    return str(column["default"]).strip("()").replace("::character varying", "").strip("'")


def test_create_table_reflects_columns_keys_and_comments(engine, migrate, reflect):
    migrate(_accounts)
    account = reflect("account")
    assert account["order"] == ["id", "name", "note"]
    assert account["pk"]["constrained_columns"] == ["id"]
    name = account["columns"]["name"]
    assert name["nullable"] is False
    assert isinstance(name["type"], sa.String) and name["type"].length == 50
    assert _default_text(name) == "anon"
    assert account["indexes"]["ix_account_name"]["column_names"] == ["name"]
    entry = reflect("entry")
    assert [(f["referred_table"], f["constrained_columns"]) for f in entry["fks"]] == [
        ("account", ["account_id"])
    ]
    assert entry["uniques"]["uq_entry_account_amount"]["column_names"] == ["amount", "account_id"]
    if engine.dialect.supports_comments:
        assert account["comment"] == "accounts"
        assert account["columns"]["note"]["comment"] == "a note"


def test_add_alter_and_drop_columns(engine, migrate, reflect):
    migrate(_accounts)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO account (id, name, note) VALUES (1, 'ann', 'x')"))

    def change(op: ops.Operations) -> None:
        op.add_column("account", sa.Column("score", sa.Integer, nullable=False, server_default="0"))
        op.add_column(
            "account",
            sa.Column("email", sa.String(80), server_default="-", comment="where to write"),
        )
        op.alter_column("account", "note", type_=sa.String(200), existing_type=sa.String(20))
        op.alter_column(
            "account",
            "email",
            nullable=False,
            existing_type=sa.String(80),
            server_default="none@example.com",
            existing_server_default="-",
        )
        op.alter_column(
            "account",
            "name",
            server_default=None,
            existing_type=sa.String(50),
            existing_nullable=False,
        )
        op.alter_column(
            "account",
            "score",
            new_column_name="points",
            existing_type=sa.Integer,
            existing_nullable=False,
            existing_server_default="0",
        )
        op.alter_column(
            "account",
            "note",
            comment="changed",
            existing_type=sa.String(200),
            existing_comment="a note",
        )
        op.drop_column("account", "email")

    migrate(change)
    account = reflect("account")
    cols = account["columns"]
    assert list(cols) == ["id", "name", "note", "points"]
    assert cols["note"]["type"].length == 200
    assert cols["name"]["default"] is None
    assert cols["name"]["nullable"] is False
    assert cols["points"]["nullable"] is False
    assert _default_text(cols["points"]) == "0"
    if engine.dialect.supports_comments:
        assert cols["note"]["comment"] == "changed"
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id, name, note, points FROM account")).all()
    assert [tuple(r) for r in rows] == [(1, "ann", "x", 0)]


def test_constraints_and_indexes(engine, migrate, reflect):
    migrate(_accounts)

    def change(op: ops.Operations) -> None:
        op.create_table(
            "tag",
            sa.Column("code", sa.String(10), nullable=False),
            sa.Column("label", sa.String(40)),
            sa.Column("account_id", sa.Integer),
        )
        op.create_primary_key("pk_tag", "tag", ["code"])
        op.create_unique_constraint("uq_tag_label", "tag", ["label"])
        op.create_foreign_key(
            "fk_tag_account", "tag", "account", ["account_id"], ["id"], ondelete="CASCADE"
        )
        op.create_check_constraint("ck_tag_code", "tag", sa.text("code <> ''"))
        op.create_index("ix_tag_label_code", "tag", ["label", "code"], unique=True)
        op.drop_index("ix_account_name", table_name="account")
        op.drop_constraint("uq_entry_account_amount", "entry", type_="unique")

    migrate(change)
    tag = reflect("tag")
    assert tag["pk"]["constrained_columns"] == ["code"]
    assert tag["uniques"]["uq_tag_label"]["column_names"] == ["label"]
    (fk,) = tag["fks"]
    assert (fk["name"], fk["referred_table"], fk["options"].get("ondelete")) == (
        "fk_tag_account",
        "account",
        "CASCADE",
    )
    assert "ck_tag_code" in tag["checks"]
    assert tag["indexes"]["ix_tag_label_code"]["unique"]
    assert "ix_account_name" not in reflect("account")["indexes"]
    assert "uq_entry_account_amount" not in reflect("entry")["uniques"]

    def undo(op: ops.Operations) -> None:
        op.drop_constraint("fk_tag_account", "tag", type_="foreignkey")
        op.drop_constraint("ck_tag_code", "tag", type_="check")
        op.drop_index("ix_tag_label_code", table_name="tag")

    migrate(undo)
    tag = reflect("tag")
    assert tag["fks"] == [] and "ck_tag_code" not in tag["checks"]
    assert "ix_tag_label_code" not in tag["indexes"]


def test_rename_comment_insert_execute_drop(engine, migrate, reflect):
    migrate(_accounts)

    def change(op: ops.Operations) -> None:
        op.rename_table("entry", "ledger")
        op.create_table_comment("account", "it's the accounts", existing_comment="accounts")
        rows = sa.table("account", sa.column("id", sa.Integer), sa.column("name", sa.String))
        op.bulk_insert(rows, [{"id": 1, "name": "o'neil"}, {"id": 2, "name": "50%"}])
        op.execute(rows.update().where(rows.c.id == 2).values(name=op.inline_literal("half")))

    migrate(change)
    insp = sa.inspect(engine)
    assert set(insp.get_table_names()) == {"account", "ledger"}
    if engine.dialect.supports_comments:
        assert reflect("account")["comment"] == "it's the accounts"
    with engine.connect() as conn:
        names = conn.execute(sa.text("SELECT name FROM account ORDER BY id")).scalars().all()
    assert names == ["o'neil", "half"]

    def drop(op: ops.Operations) -> None:
        op.drop_table_comment("account", existing_comment="it's the accounts")
        op.drop_table("ledger")

    migrate(drop)
    assert sa.inspect(engine).get_table_names() == ["account"]
    if engine.dialect.supports_comments:
        assert reflect("account")["comment"] is None


WEIRD_TABLE = 'odd "t"; name'
WEIRD = {
    "select": "select",  # reserved word
    "mixed": "MixedCase",
    "space": "has space",
    "semi": "semi;colon",
    "quote": 'quo"te',
}


def test_names_that_need_quoting(engine, migrate, reflect):
    def create(op: ops.Operations) -> None:
        op.create_table(
            WEIRD_TABLE,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column(WEIRD["select"], sa.String(10)),
            sa.Column(WEIRD["mixed"], sa.Integer),
            sa.Column(WEIRD["space"], sa.String(10), comment="it's; odd"),
            comment='table "comment"',
        )
        op.add_column(WEIRD_TABLE, sa.Column(WEIRD["semi"], sa.Integer, server_default="1"))
        op.add_column(WEIRD_TABLE, sa.Column(WEIRD["quote"], sa.String(5)))
        op.alter_column(
            WEIRD_TABLE,
            WEIRD["select"],
            type_=sa.String(30),
            nullable=False,
            existing_type=sa.String(10),
            server_default="x'y",
        )
        op.alter_column(
            WEIRD_TABLE, WEIRD["mixed"], new_column_name="Renamed Col", existing_type=sa.Integer
        )
        op.create_index('ix "odd"; idx', WEIRD_TABLE, [WEIRD["semi"], WEIRD["quote"]])
        op.drop_column(WEIRD_TABLE, WEIRD["space"])

    migrate(create)
    t = reflect(WEIRD_TABLE)
    assert t["order"] == ["id", "select", "Renamed Col", "semi;colon", 'quo"te']
    assert t["columns"]["select"]["type"].length == 30
    assert t["columns"]["select"]["nullable"] is False
    assert "x'y" in str(t["columns"]["select"]["default"]).replace("''", "'")
    assert t["indexes"]['ix "odd"; idx']["column_names"] == ["semi;colon", 'quo"te']
    if engine.dialect.supports_comments:
        assert t["comment"] == 'table "comment"'
    table = sa.table(WEIRD_TABLE, *[sa.column(n) for n in ("id", "select", 'quo"te')])

    def data(op: ops.Operations) -> None:
        op.bulk_insert(table, [{"id": 1, "select": "a'b", 'quo"te': "q"}])
        op.drop_index('ix "odd"; idx', table_name=WEIRD_TABLE)

    migrate(data)
    with engine.connect() as conn:
        row = conn.execute(sa.select(table)).one()
    assert tuple(row) == (1, "a'b", "q")
    migrate(lambda op: op.drop_table(WEIRD_TABLE))
    assert sa.inspect(engine).get_table_names() == []


def test_batch_recreate_always_on_every_backend(engine, migrate, reflect):
    def create(op: ops.Operations) -> None:
        op.create_table("owner", sa.Column("id", sa.Integer, primary_key=True, autoincrement=False))
        op.create_table(
            "pet",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
            sa.Column("owner_id", sa.Integer, sa.ForeignKey("owner.id", name="fk_pet_owner")),
            sa.Column("name", sa.String(20), nullable=False),
            sa.Column("legs", sa.Integer, server_default="4"),
            sa.UniqueConstraint("name", name="uq_pet_name"),
            sa.Index("ix_pet_legs", "legs"),
        )
        op.bulk_insert(sa.table("owner", sa.column("id")), [{"id": 1}])
        op.bulk_insert(
            sa.table("pet", sa.column("id"), sa.column("owner_id"), sa.column("name")),
            [{"id": 1, "owner_id": 1, "name": "rex"}, {"id": 2, "owner_id": None, "name": "tom"}],
        )

    migrate(create)

    def rebuild(op: ops.Operations) -> None:
        with op.batch_alter_table("pet", recreate="always") as b:
            b.alter_column("name", type_=sa.String(60), existing_type=sa.String(20))
            b.add_column(sa.Column("age", sa.Integer))
            b.drop_column("legs")
            b.create_index("ix_pet_age", ["age"])

    migrate(rebuild)
    pet = reflect("pet")
    assert pet["order"] == ["id", "owner_id", "name", "age"]
    assert pet["columns"]["name"]["type"].length == 60
    assert pet["columns"]["name"]["nullable"] is False
    assert pet["pk"]["constrained_columns"] == ["id"]
    assert [(f["name"], f["referred_table"]) for f in pet["fks"]] == [("fk_pet_owner", "owner")]
    assert pet["uniques"]["uq_pet_name"]["column_names"] == ["name"]
    assert set(pet["indexes"]) - {"uq_pet_name", "fk_pet_owner"} == {"ix_pet_age"}
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id, owner_id, name, age FROM pet ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [(1, 1, "rex", None), (2, None, "tom", None)]
    assert sorted(sa.inspect(engine).get_table_names()) == ["owner", "pet"]
