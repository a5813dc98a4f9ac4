"""Directives and types the render tests share (loaded by path from the test modules)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql, sqlite
from sqlalchemy.sql.elements import conv

from mig import ops
from mig.ops import enum_ops


def users_table():
    return sa.Table(
        "users",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(120), nullable=False, unique=True, comment="login"),
        sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id", ondelete="CASCADE")),
        sa.Column("created", sa.DateTime(timezone=True), server_default=sa.func.now()),
        sa.Index("ix_users_lower_email", sa.func.lower(sa.column("email"))),
        comment="people",
    )


def cases() -> dict[str, ops.MigrateOperation]:
    return {
        "create_table_minimal": ops.CreateTableOp(
            "t", [sa.Column("id", sa.Integer, primary_key=True)]
        ),
        "create_table": ops.CreateTableOp.from_table(users_table()),
        "create_table_named_pk_schema_kw": ops.CreateTableOp(
            "orders",
            [
                sa.Column("id", sa.BigInteger, sa.Identity(start=10, increment=5)),
                sa.Column("total", sa.Numeric(12, 2), sa.Computed("qty * price", persisted=True)),
                sa.Column(
                    "state", sa.Enum("new", "paid", name="order_state"), server_default="new"
                ),
                sa.Column("data", postgresql.JSONB),
                sa.PrimaryKeyConstraint("id", name="pk_orders"),
                sa.UniqueConstraint("state", "data", name=conv("uq_orders_state_data")),
                sa.CheckConstraint("total >= 0", name="ck_orders_total"),
                sa.ForeignKeyConstraint(
                    ["id"],
                    ["shop.refs.id"],
                    name="fk_ref",
                    onupdate="CASCADE",
                    deferrable=True,
                    initially="DEFERRED",
                ),
                sa.Index(
                    "ix_orders_state",
                    "state",
                    unique=True,
                    postgresql_where=sa.text("state <> 'new'"),
                ),
            ],
            schema="shop",
            if_not_exists=True,
            mysql_engine="InnoDB",
        ),
        "drop_table": ops.DropTableOp.from_table(users_table()),
        "drop_table_options": ops.DropTableOp("t", schema="s", if_exists=True),
        "rename_table": ops.RenameTableOp("old", "new", schema="s"),
        "create_table_comment": ops.CreateTableCommentOp(
            "t", 'it\'s "new"', existing_comment="old", schema="s"
        ),
        "drop_table_comment": ops.DropTableCommentOp("t", existing_comment="old"),
        "add_column": ops.AddColumnOp(
            "t", sa.Column("age", sa.Integer, server_default="0", nullable=False)
        ),
        "add_column_fk_schema": ops.AddColumnOp(
            "t",
            sa.Column(
                "team_id", sa.Integer, sa.ForeignKey("s.teams.id", ondelete="SET NULL"), index=True
            ),
            schema="s",
            if_not_exists=True,
        ),
        "drop_column": ops.DropColumnOp("t", "age"),
        "drop_column_options": ops.DropColumnOp(
            "t", "age", schema="s", if_exists=True, mssql_drop_default=True
        ),
        "alter_column_type": ops.AlterColumnOp(
            "t",
            "c",
            existing_type=sa.Integer(),
            modify_type=sa.BigInteger(),
            existing_nullable=False,
        ),
        "alter_column_everything": ops.AlterColumnOp(
            "t",
            "c",
            schema="s",
            existing_type=sa.String(20),
            modify_type=sa.Text(),
            existing_nullable=True,
            modify_nullable=False,
            existing_server_default="x",
            modify_server_default=sa.text("now()"),
            existing_comment="old",
            modify_comment=None,
            modify_name="d",
            postgresql_using="c::text",
        ),
        "alter_column_drop_default": ops.AlterColumnOp(
            "t", "c", existing_server_default=sa.text("0"), modify_server_default=None
        ),
        "create_index": ops.CreateIndexOp("ix_t_a", "t", ["a"]),
        "create_index_options": ops.CreateIndexOp(
            conv("ix_t_a_lower_b"),
            "t",
            ["a", sa.func.lower(sa.column("b"))],
            schema="s",
            unique=True,
            if_not_exists=True,
            postgresql_using="gin",
            mysql_length={"a": 10},
        ),
        "drop_index": ops.DropIndexOp("ix_t_a", table_name="t"),
        "drop_index_options": ops.DropIndexOp(
            "ix", table_name="t", schema="s", if_exists=True, postgresql_concurrently=True
        ),
        "create_primary_key": ops.CreatePrimaryKeyOp("pk_t", "t", ["a", "b"], schema="s"),
        "create_unique_constraint": ops.CreateUniqueConstraintOp(
            "uq_t_a", "t", ["a"], deferrable=True
        ),
        "create_foreign_key": ops.CreateForeignKeyOp(
            "fk_t_u", "t", "u", ["u_id"], ["id"], ondelete="CASCADE"
        ),
        "create_foreign_key_options": ops.CreateForeignKeyOp(
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
        "create_check_constraint": ops.CreateCheckConstraintOp(
            "ck_t_a", "t", sa.column("a") > 5, schema="s"
        ),
        "create_exclude_constraint": ops.CreateExcludeConstraintOp(
            "ex_booking",
            "booking",
            [("during", "&&"), (sa.text("room_id + 0"), "=")],
            where="room_id > 0",
            using="gist",
        ),
        "drop_constraint": ops.DropConstraintOp("fk_t_u", "t", type_="foreignkey"),
        "drop_constraint_options": ops.DropConstraintOp(
            "uq", "t", type_="unique", schema="s", if_exists=True
        ),
        "execute": ops.ExecuteSQLOp("UPDATE t SET a = 'it''s'"),
        "execute_text_options": ops.ExecuteSQLOp(
            sa.text("DELETE FROM t"), execution_options={"timeout": 5}
        ),
        "backfill": ops.BackfillOp(
            "t",
            {"total": sa.text("price * qty"), "state": "new"},
            where="total IS NULL",
            batch_size=500,
            schema="s",
            primary_key=["a", "b"],
        ),
        "bulk_insert": ops.BulkInsertOp(
            sa.table(
                "t", sa.column("id", sa.Integer), sa.column("name", sa.String(20)), schema="s"
            ),
            [{"id": 1, "name": "a"}, {"id": 2, "name": None}],
            multiinsert=False,
        ),
        "modify_table": ops.ModifyTableOps(
            "t", [ops.AddColumnOp("t", sa.Column("x", sa.Integer)), ops.DropColumnOp("t", "y")]
        ),
        "batch_alter_table": ops.BatchAlterTableOp(
            "t",
            [
                ops.AddColumnOp("t", sa.Column("x", sa.Integer), insert_after="id"),
                ops.DropConstraintOp("uq", "t", type_="unique"),
            ],
            recreate="always",
            partial_reordering=[("b", "a")],
            table_kwargs={"sqlite_autoincrement": True},
            naming_convention={"uq": "uq_%(table_name)s_%(column_0_name)s"},
        ),
        "batch_alter_table_empty": ops.BatchAlterTableOp("t", []),
        "upgrade_ops": ops.UpgradeOps([ops.DropTableOp("a"), ops.DropTableOp("b")]),
        "downgrade_ops": ops.DowngradeOps([ops.DropTableOp("a")]),
        "create_enum_type": enum_ops.CreateEnumTypeOp("mood", ["sad", "ok"], schema="s"),
        "drop_enum_type": enum_ops.DropEnumTypeOp("mood", values=["sad", "ok"]),
        "add_enum_value": enum_ops.AddEnumValueOp(
            "mood",
            "happy",
            after="ok",
            values=["sad", "ok"],
            columns=[{"table": "person", "column": "mood"}],
        ),
        "drop_enum_value": enum_ops.DropEnumValueOp("mood", "happy", ["sad", "ok"], schema="s"),
        "rename_enum_value": enum_ops.RenameEnumValueOp("mood", "ok", "it's ok", schema="s"),
        "rebuild_enum_type": enum_ops.RebuildEnumTypeOp(
            "mood",
            ["ok", "sad"],
            schema="s",
            old_values=["sad", "ok", "happy"],
            columns=[{"table": "person", "column": "moods", "array": True}],
        ),
        "alter_identity": ops.AlterIdentityOp(
            "t", "id", start=100, increment=5, existing={"start": 1, "increment": 1}
        ),
    }


class Money(sa.types.TypeDecorator):
    """A project type: rendered behind its module's name, whose import is added."""

    impl = sa.Numeric(12, 2)
    cache_ok = True


class Tagged(sa.types.TypeDecorator):
    """A project type with an argument and its own repr (how users control rendering)."""

    impl = sa.String
    cache_ok = True

    def __init__(self, tag: str = "x", length: int = 20) -> None:
        super().__init__(length)
        self.tag = tag

    def __repr__(self) -> str:
        return f"Tagged(tag={self.tag!r})"


def types() -> list[sa.types.TypeEngine]:
    """Types across SQLAlchemy's generic types, the dialects, and nesting."""
    return [
        sa.Integer(),
        sa.BigInteger(),
        sa.SmallInteger(),
        sa.String(),
        sa.String(50),
        sa.String(50, collation="C"),
        sa.Unicode(30),
        sa.Text(),
        sa.UnicodeText(),
        sa.Numeric(10, 3),
        sa.Numeric(asdecimal=False),
        sa.Float(precision=53),
        sa.Double(),
        sa.Boolean(),
        sa.Boolean(create_constraint=True, name="ck_flag"),
        sa.Date(),
        sa.DateTime(),
        sa.DateTime(timezone=True),
        sa.Time(timezone=True),
        sa.Interval(),
        sa.LargeBinary(),
        sa.LargeBinary(length=100),
        sa.JSON(),
        sa.Uuid(),
        sa.Uuid(as_uuid=False),
        sa.Enum("a", "b", name="ab"),
        sa.Enum("a", "b'c", 'd"e', name="quotes", native_enum=False, length=20),
        sa.ARRAY(sa.Integer, dimensions=2),
        sa.types.NullType(),
        sa.String(10).with_variant(mysql.VARCHAR(20, charset="utf8mb4"), "mysql"),
        postgresql.JSONB(),
        postgresql.JSONB(none_as_null=True),
        postgresql.ARRAY(sa.String(20)),
        postgresql.ENUM("x", "y", name="xy", create_type=False),
        postgresql.INTERVAL(fields="DAY"),
        postgresql.TIMESTAMP(timezone=True, precision=3),
        postgresql.INET(),
        postgresql.TSVECTOR(),
        postgresql.UUID(as_uuid=False),
        postgresql.DOUBLE_PRECISION(),
        postgresql.BYTEA(),
        mysql.INTEGER(display_width=11, unsigned=True),
        mysql.VARCHAR(200, charset="utf8mb4", collation="utf8mb4_bin"),
        mysql.TINYINT(1),
        mysql.LONGTEXT(),
        mysql.SET("a", "b"),
        mysql.DATETIME(fsp=6),
        mysql.ENUM("p", "q"),
        sqlite.DATETIME(),
        Money(),
        Tagged(tag="blue"),
        postgresql.ARRAY(Money()),
    ]


def long_and_odd() -> list[ops.MigrateOperation]:
    """Names and values that stress the layout: long, quoted, wide, escaped."""
    long = "a_table_name_that_is_much_longer_than_anyone_would_want_to_type_twice"
    return [
        ops.CreateTableOp(
            long,
            [
                sa.Column(f"{long}_id", sa.Integer, primary_key=True),
                sa.Column("naïve_ünïcode", sa.String(10), comment="コメント" * 12),
                sa.Column("q", sa.String(5), server_default='it\'s "quoted" \\ back\nslash'),
            ],
            schema="a_schema_with_a_long_name",
            comment="x" * 120,
        ),
        ops.AddColumnOp(long, sa.Column("x" * 90, sa.Integer), schema="s"),
        ops.CreateIndexOp(f"ix_{long}", long, [f"{long}_id", "b" * 40, "c" * 40], unique=True),
        ops.ExecuteSQLOp("UPDATE t SET a = 1 WHERE b IN (" + ", ".join(map(str, range(40))) + ")"),
        ops.AlterColumnOp(
            long,
            "c",
            modify_server_default=sa.text("'" + "z" * 100 + "'"),
            existing_server_default=None,
        ),
        ops.BulkInsertOp(
            sa.table(long, sa.column("id", sa.Integer), sa.column("label", sa.String)),
            [{"id": i, "label": f"label number {i} " * (i % 4)} for i in range(6)],
        ),
        ops.CreateForeignKeyOp(f"fk_{long}", long, long, ["a", "b", "c"], ["x", "y", "z"]),
        ops.RenameTableOp(long, long + "_renamed", schema="a_schema_with_a_long_name"),
        ops.DropConstraintOp(
            f"uq_{long}", long, type_="unique", schema="a_schema_with_a_long_name"
        ),
        ops.BatchAlterTableOp(
            "users",
            [ops.AddColumnOp("users", sa.Column("x", sa.Boolean), insert_before="email")],
            recreate="always",
            copy_from=users_table(),
            table_args=[sa.CheckConstraint("id > 0", name="ck_users_id")],
            table_kwargs={"mysql_engine": "InnoDB"},
            reflect_args=[sa.Column("created", sa.DateTime(timezone=True))],
            reflect_kwargs={"autoload_replace": False},
        ),
        ops.BatchAlterTableOp(
            long,
            [
                ops.AlterColumnOp(
                    long, "c" * 60, schema="s", modify_nullable=False, existing_type=sa.Text()
                ),
                ops.CreateCheckConstraintOp(
                    "ck_" + "c" * 50, long, "c > 0 AND " * 8 + "TRUE", schema="s"
                ),
            ],
            schema="s",
        ),
    ]
