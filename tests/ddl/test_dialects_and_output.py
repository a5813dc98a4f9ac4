"""Dialect-specific options, the offline output format, the Impl registry and dispatch."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import default

from mig import ops
from mig.ddl import (
    DefaultImpl,
    ImplContext,
    MariaDBImpl,
    MissingArgumentError,
    MSSQLImpl,
    MySQLImpl,
    OracleImpl,
    PostgresqlImpl,
    SQLiteImpl,
    UnsupportedOperationError,
    get_impl,
    impl_class_for,
    register_impl,
    registered_impls,
    to_sql,
)

# -- PostgreSQL ------------------------------------------------------------------------------


def test_postgresql_index_options_and_exclude():
    index = ops.CreateIndexOp(
        "ix_t_a",
        "t",
        ["a"],
        postgresql_using="gin",
        postgresql_where=sa.text("a IS NOT NULL"),
        postgresql_concurrently=True,
        if_not_exists=True,
    )
    assert to_sql(index, "postgresql") == [
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_t_a ON t USING gin (a) WHERE a IS NOT NULL"
    ]
    exclude = ops.CreateExcludeConstraintOp(
        "ex_booking",
        "booking",
        [("room", "="), ("tsrange(starts, ends)", "&&")],
        where="active",
        deferrable=True,
    )
    assert to_sql(exclude, "postgresql") == [
        "ALTER TABLE booking ADD CONSTRAINT ex_booking EXCLUDE USING gist "
        "(room WITH =, tsrange(starts, ends) WITH &&) WHERE (active) DEFERRABLE"
    ]


def test_postgresql_enum_type_created_before_use():
    column = sa.Column("mood", sa.Enum("sad", "ok", name="mood"))
    assert to_sql(ops.AddColumnOp("person", column), "postgresql") == [
        "CREATE TYPE mood AS ENUM ('sad', 'ok')",
        "ALTER TABLE person ADD COLUMN mood mood",
    ]


def test_postgresql_unique_deferrable_and_if_exists():
    uq = ops.CreateUniqueConstraintOp("uq", "t", ["a"], deferrable=True, initially="DEFERRED")
    assert to_sql(uq, "postgresql") == [
        "ALTER TABLE t ADD CONSTRAINT uq UNIQUE (a) DEFERRABLE INITIALLY DEFERRED"
    ]
    assert to_sql(ops.DropConstraintOp("uq", "t", if_exists=True), "postgresql") == [
        "ALTER TABLE t DROP CONSTRAINT IF EXISTS uq"
    ]
    assert to_sql(
        [
            ops.AddColumnOp("t", sa.Column("x", sa.Integer), if_not_exists=True),
            ops.DropColumnOp("t", "x", if_exists=True),
            ops.DropIndexOp("ix", if_exists=True),
        ],
        "postgresql",
    ) == [
        "ALTER TABLE t ADD COLUMN IF NOT EXISTS x INTEGER",
        "ALTER TABLE t DROP COLUMN IF EXISTS x",
        "DROP INDEX IF EXISTS ix",
    ]


# -- MySQL / MariaDB ---------------------------------------------------------------------------


def test_mysql_restates_the_whole_column():
    op = ops.AlterColumnOp(
        "t",
        "id",
        modify_type=sa.BigInteger(),
        existing_nullable=False,
        existing_server_default=None,
        existing_comment="key",
        autoincrement=True,
    )
    assert to_sql(op, "mysql") == [
        "ALTER TABLE t MODIFY id BIGINT NOT NULL AUTO_INCREMENT COMMENT 'key'"
    ]
    keep_default = ops.AlterColumnOp(
        "t",
        "n",
        modify_name="m",
        existing_type=sa.Integer(),
        existing_nullable=True,
        existing_server_default="5",
    )
    assert to_sql(keep_default, "mariadb") == ["ALTER TABLE t CHANGE n m INTEGER NULL DEFAULT '5'"]


def test_mysql_needs_existing_type_offline_and_emits_nothing():
    impl = get_impl("mysql", as_sql=True, output_buffer=io.StringIO())
    with pytest.raises(MissingArgumentError) as info:
        impl.run(ops.AlterColumnOp("t", "c", modify_nullable=False))
    assert str(info.value).startswith("alter_column on mysql needs existing_type")
    assert impl.statements == [] and impl.output_buffer.getvalue() == ""


def test_mariadb_if_exists_where_mysql_has_none():
    drop = ops.DropConstraintOp("fk", "t", type_="foreignkey", if_exists=True)
    assert to_sql(drop, "mariadb") == ["ALTER TABLE t DROP FOREIGN KEY IF EXISTS fk"]
    with pytest.raises(
        UnsupportedOperationError, match="drop_constraint is not supported on mysql"
    ):
        to_sql(drop, "mysql")
    assert to_sql(ops.DropColumnOp("t", "c", if_exists=True), "mariadb") == [
        "ALTER TABLE t DROP COLUMN IF EXISTS c"
    ]
    with pytest.raises(UnsupportedOperationError, match="offline mode cannot look"):
        to_sql(ops.DropColumnOp("t", "c", if_exists=True), "mysql")
    with pytest.raises(MissingArgumentError, match="drop_index on mysql needs table_name"):
        to_sql(ops.DropIndexOp("ix"), "mysql")


# -- SQL Server and Oracle -------------------------------------------------------------------


def test_mssql_type_change_keeps_the_default():
    op = ops.AlterColumnOp(
        "t",
        "c",
        modify_type=sa.BigInteger(),
        existing_type=sa.Integer(),
        existing_nullable=False,
        existing_server_default="0",
    )
    sql = to_sql(op, "mssql")
    assert sql[0].startswith("DECLARE @mig_default_name NVARCHAR(256)\n")
    assert sql[1:] == [
        "ALTER TABLE t ALTER COLUMN c BIGINT NOT NULL",
        "ALTER TABLE t ADD DEFAULT '0' FOR c",
    ]
    with pytest.raises(MissingArgumentError, match="alter_column on mssql needs existing_type"):
        to_sql(ops.AlterColumnOp("t", "c", modify_nullable=True), "mssql")


def test_mssql_quotes_names_inside_dynamic_sql():
    sql = to_sql(ops.DropColumnOp("we'ird", "c]", mssql_drop_check=True), "mssql")
    assert "OBJECT_ID('[we''ird]')" in sql[0]
    assert "name = 'c]'" in sql[0]
    assert sql[1] == "ALTER TABLE [we'ird] DROP COLUMN [c]]]"


# -- offline output: terminators, separators, transactions -----------------------------------


@pytest.mark.parametrize(
    ("dialect", "text"),
    [
        ("postgresql", "BEGIN;\n\nDROP TABLE t;\n\nCOMMIT;\n\n"),
        ("sqlite", "BEGIN;\n\nDROP TABLE t;\n\nCOMMIT;\n\n"),
        ("mssql", "BEGIN TRANSACTION;\nGO\n\nDROP TABLE t;\nGO\n\nCOMMIT;\nGO\n\n"),
        ("oracle", "SET TRANSACTION READ WRITE\n/\n\nDROP TABLE t\n/\n\nCOMMIT\n/\n\n"),
    ],
)
def test_offline_output_format(dialect, text):
    out = io.StringIO()
    impl = get_impl(dialect, as_sql=True, output_buffer=out)
    impl.emit_begin()
    impl.run(ops.DropTableOp("t"))
    impl.emit_commit()
    assert out.getvalue() == text


def test_offline_keeps_percent_signs_single():
    sql = to_sql(ops.ExecuteSQLOp(sa.text("UPDATE t SET a = '100%'")), "postgresql")
    assert sql == ["UPDATE t SET a = '100%'"]
    insert = ops.BulkInsertOp(sa.table("t", sa.column("a")), [{"a": "5%"}])
    assert to_sql(insert, "mysql") == ["INSERT INTO t (a) VALUES ('5%')"]


def test_offline_refuses_parameters():
    impl = get_impl("postgresql", as_sql=True, output_buffer=io.StringIO())
    with pytest.raises(ValueError, match="offline"):
        impl.execute(sa.text("SELECT :x"), {"x": 1})


# -- registry and dispatch -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "cls", "transactional"),
    [
        ("postgresql", PostgresqlImpl, True),
        ("mysql", MySQLImpl, False),
        ("mariadb", MariaDBImpl, False),
        ("sqlite", SQLiteImpl, True),
        ("mssql", MSSQLImpl, True),
        ("oracle", OracleImpl, False),
    ],
)
def test_registry_picks_impl_by_dialect(name, cls, transactional):
    impl = get_impl(name)
    assert type(impl) is cls
    assert impl.transactional_ddl is transactional
    assert registered_impls()[name] is cls


def test_mysql_dialect_on_mariadb_server_gets_the_mariadb_impl():
    dialect = sa.engine.make_url("mysql://").get_dialect()()
    dialect.is_mariadb = True
    assert type(get_impl(dialect)) is MariaDBImpl


def test_unknown_dialect_falls_back_to_default():
    class ThirdParty(default.DefaultDialect):
        name = "thirdparty_unregistered"

    impl = get_impl(ThirdParty(), as_sql=True, output_buffer=io.StringIO())
    assert type(impl) is DefaultImpl
    assert impl_class_for("nobody") is DefaultImpl
    impl.run(ops.AlterColumnOp("t", "c", modify_nullable=False))
    assert impl.statements == ["ALTER TABLE t ALTER COLUMN c SET NOT NULL"]


def test_third_party_registration_both_ways():
    class ByAttribute(DefaultImpl):
        __dialect__ = "mig_test_dialect_a"
        transactional_ddl = True

    @register_impl("mig_test_dialect_b")
    class ByDecorator(DefaultImpl):
        pass

    assert impl_class_for("mig_test_dialect_a") is ByAttribute
    assert impl_class_for("mig_test_dialect_b") is ByDecorator


def test_context_option_overrides_transactional_ddl():
    impl = get_impl("mysql", context_opts={"transactional_ddl": True})
    assert impl.transactional_ddl is True


def test_operations_dispatch_through_the_impl_and_custom_executors():
    impl = get_impl("postgresql", as_sql=True, output_buffer=io.StringIO())
    operations = ops.Operations(ImplContext(impl))
    operations.add_column("t", sa.Column("x", sa.Integer))
    with operations.batch_alter_table("t") as batch:
        batch.drop_column("x")
    operations.invoke(ops.UpgradeOps([ops.ModifyTableOps("t", [ops.DropTableOp("t")])]))
    assert impl.statements == [
        "ALTER TABLE t ADD COLUMN x INTEGER",
        "ALTER TABLE t DROP COLUMN x",
        "DROP TABLE t",
    ]
    context = ImplContext(impl)
    assert (context.bind, context.dialect, context.as_sql) == (None, impl.dialect, True)


def test_a_context_without_impl_gets_a_clear_error():
    from mig.ddl import DDLError, MissingImplError

    with pytest.raises(MissingImplError) as info:
        ops.Operations(object()).drop_table("t")
    assert isinstance(info.value, DDLError) and isinstance(info.value, ops.NoImplementationError)
    message = str(info.value)
    assert message.startswith("no implementation for drop_table")
    assert "ImplContext" in message and "implementation_for(DropTableOp)" in message


def test_transactional_ddl_option_none_keeps_the_dialects_answer():
    assert (
        get_impl("postgresql", context_opts={"transactional_ddl": None}).transactional_ddl is True
    )
    assert get_impl("mysql", context_opts={"transactional_ddl": None}).transactional_ddl is False
    assert (
        get_impl("postgresql", context_opts={"transactional_ddl": False}).transactional_ddl is False
    )
    assert get_impl("mysql", context_opts={"transactional_ddl": True}).transactional_ddl is True
