"""A catalogue of directives with their main options, shared by the serialisation tests."""

from __future__ import annotations

import datetime
import decimal
import uuid

import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql

from mig.ops import (
    AddColumnOp,
    AddEnumValueOp,
    AlterColumnOp,
    AlterIdentityOp,
    BackfillOp,
    BatchAlterTableOp,
    BulkInsertOp,
    CreateCheckConstraintOp,
    CreateEnumTypeOp,
    CreateExcludeConstraintOp,
    CreateForeignKeyOp,
    CreateIndexOp,
    CreatePrimaryKeyOp,
    CreateTableCommentOp,
    CreateTableOp,
    CreateUniqueConstraintOp,
    DowngradeOps,
    DropColumnOp,
    DropConstraintOp,
    DropEnumTypeOp,
    DropEnumValueOp,
    DropIndexOp,
    DropTableCommentOp,
    DropTableOp,
    ExecuteSQLOp,
    MigrationScript,
    ModifyTableOps,
    RebuildEnumTypeOp,
    RenameEnumValueOp,
    RenameTableOp,
    UpgradeOps,
)


def full_table() -> sa.Table:
    return sa.Table(
        "orders",
        sa.MetaData(),
        sa.Column("id", sa.BigInteger, sa.Identity(start=10, increment=5)),
        sa.Column("ref", sa.String(32), nullable=False, unique=True, comment="external id"),
        sa.Column("customer_id", sa.Integer, sa.ForeignKey("customers.id", ondelete="CASCADE")),
        sa.Column("status", sa.Enum("new", "paid", name="order_status"), server_default="new"),
        sa.Column("total", sa.Numeric(12, 2), server_default=sa.text("0")),
        sa.Column("doubled", sa.Numeric(12, 2), sa.Computed("total * 2", persisted=True)),
        sa.Column("created", sa.DateTime(timezone=True), server_default=sa.func.now()),
        sa.Column("tags", postgresql.ARRAY(sa.String(20))),
        sa.Column("note", mysql.VARCHAR(200, charset="utf8mb4"), index=True),
        sa.PrimaryKeyConstraint("id", name="pk_orders"),
        sa.CheckConstraint("total >= 0", name="ck_total"),
        sa.ForeignKeyConstraint(
            ["ref"], ["refs.code"], name="fk_ref", onupdate="CASCADE", deferrable=True
        ),
        sa.Index("ix_status_created", "status", "created", postgresql_using="btree"),
        sa.Index("ix_lower_ref", sa.func.lower(sa.column("ref"))),
        schema="shop",
        comment="customer orders",
        mysql_engine="InnoDB",
    )


def every_directive() -> list:
    add = AddColumnOp(
        "t", sa.Column("x", sa.String(10), server_default="a'b", nullable=False), schema="s"
    )
    return [
        CreateTableOp.from_table(full_table(), if_not_exists=True),
        CreateTableOp("plain", [sa.Column("id", sa.Integer, primary_key=True)]),
        DropTableOp.from_table(full_table(), if_exists=True),
        DropTableOp("t", schema="s"),
        RenameTableOp("a", "b", schema="s"),
        CreateTableCommentOp("t", "new 'quoted' comment", existing_comment="old"),
        DropTableCommentOp("t", existing_comment="old"),
        add,
        DropColumnOp("t", "x", if_exists=True, mssql_drop_default=True),
        DropColumnOp("t", "x", schema="s", restore=add),
        AlterColumnOp(
            "t",
            "c",
            schema="s",
            existing_type=sa.Integer(),
            modify_type=sa.BigInteger(),
            existing_nullable=True,
            modify_nullable=False,
            existing_server_default=None,
            modify_server_default=sa.text("now()"),
            existing_comment="old",
            modify_comment=None,
            modify_name="d",
            postgresql_using="c::bigint",
        ),
        AlterColumnOp("t", "c", modify_server_default=None, existing_server_default="x"),
        CreateIndexOp(
            "ix",
            "t",
            ["a", sa.text("lower(b)")],
            schema="s",
            unique=True,
            if_not_exists=True,
            postgresql_where=sa.text("a > 0"),
            postgresql_include=["c"],
            mysql_length={"a": 10},
        ),
        DropIndexOp("ix", table_name="t", schema="s", if_exists=True, postgresql_concurrently=True),
        DropIndexOp("ix", table_name="t", restore=CreateIndexOp("ix", "t", ["a"])),
        CreatePrimaryKeyOp("pk", "t", ["a", "b"], schema="s"),
        CreateUniqueConstraintOp("uq", "t", ["a"], deferrable=True, initially="DEFERRED"),
        CreateForeignKeyOp(
            "fk",
            "t",
            "u",
            ["a", "b"],
            ["x", "y"],
            onupdate="CASCADE",
            ondelete="SET NULL",
            deferrable=True,
            initially="IMMEDIATE",
            match="FULL",
            source_schema="s",
            referent_schema="r",
            postgresql_not_valid=True,
        ),
        CreateCheckConstraintOp("ck", "t", sa.column("a") > 5, schema="s"),
        CreateExcludeConstraintOp(
            "ex", "t", [("period", "&&"), ("room", "=")], where="room > 0", using="gist"
        ),
        DropConstraintOp("fk", "t", type_="foreignkey", schema="s", if_exists=True),
        DropConstraintOp(
            "uq", "t", type_="unique", restore=CreateUniqueConstraintOp("uq", "t", ["a"])
        ),
        CreateEnumTypeOp("mood", ["sad", "it's", "a:b"], schema="s"),
        DropEnumTypeOp("mood", schema="s", values=["sad", "ok"]),
        DropEnumTypeOp("mood"),
        AddEnumValueOp(
            "mood",
            "happy",
            schema="s",
            after="ok",
            values=["sad", "ok"],
            columns=[{"table": "p", "column": "m", "schema": "s", "default": "'ok'::mood"}],
        ),
        AddEnumValueOp("mood", "", before="sad"),
        DropEnumValueOp("mood", "happy", ["sad", "ok"], columns=[{"table": "p", "column": "m"}]),
        RenameEnumValueOp("mood", "ok", "it's fine", schema="s"),
        RebuildEnumTypeOp(
            "mood",
            ["ok", "sad"],
            schema="s",
            old_values=["sad", "ok", "happy"],
            columns=[{"table": "p", "column": "m", "array": True}],
        ),
        AlterIdentityOp(
            "t", "id", schema="s", start=10, cycle=True, existing={"start": 1, "cycle": False}
        ),
        BulkInsertOp(
            sa.table(
                "t",
                sa.column("id", sa.Integer),
                sa.column("at", sa.DateTime),
                sa.column("amount", sa.Numeric),
                sa.column("raw", sa.LargeBinary),
                sa.column("key", sa.Uuid),
                sa.column("meta", sa.JSON),
                schema="s",
            ),
            [
                {
                    "id": 1,
                    "at": datetime.datetime(2024, 1, 2, 3, 4, 5),
                    "amount": decimal.Decimal("1.50"),
                    "raw": b"\x00\xff",
                    "key": uuid.UUID(int=7),
                    "meta": {"a": [1, 2]},
                },
                {"id": 2, "at": None, "amount": None, "raw": None, "key": None, "meta": None},
            ],
            multiinsert=False,
        ),
        BackfillOp(
            "t",
            {"a": sa.text("b + 1"), "c": "x", "d": decimal.Decimal("1.5")},
            where="a IS NULL",
            batch_size=50,
            schema="s",
            primary_key=["id", "k"],
        ),
        BackfillOp("t", {"a": 1}),
        ExecuteSQLOp("UPDATE t SET a = 'it''s'"),
        ExecuteSQLOp(sa.text("DELETE FROM t"), execution_options={"timeout": 5}),
        ModifyTableOps("t", [add, DropColumnOp("t", "y")], schema="s"),
        BatchAlterTableOp(
            "t",
            [add, CreateUniqueConstraintOp("uq", "t", ["x"])],
            schema="s",
            recreate="always",
            partial_reordering=[("b", "a")],
            copy_from=full_table(),
            table_args=[sa.CheckConstraint("a > 0")],
            table_kwargs={"sqlite_autoincrement": True},
            naming_convention={"uq": "uq_%(table_name)s"},
        ),
        MigrationScript(
            "abc123",
            UpgradeOps([add]),
            DowngradeOps([add.reverse()]),
            message="add x",
            imports={"import sqlalchemy as sa"},
            head="head",
            branch_label=["b"],
            depends_on="def456",
        ),
    ]
