"""Every directive is built through the op API with the arguments users pass, and impossible
arguments fail at construction with a message naming the op and the argument."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mig.ops import (
    AddColumnOp,
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
    DropColumnOp,
    DropConstraintOp,
    DropIndexOp,
    DropTableCommentOp,
    DropTableOp,
    ExecuteSQLOp,
    MigrationScript,
    RecordingOperations,
    RenameTableOp,
    UpgradeOps,
    op,
    record,
)


def one(fn):
    (directive,) = record(fn)
    return directive


def test_create_table_builds_table_with_everything() -> None:
    d = one(
        lambda: op.create_table(
            "account",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("name", sa.String(50), nullable=False, comment="who"),
            sa.UniqueConstraint("name", name="uq_name"),
            sa.Index("ix_name", "name"),
            schema="app",
            if_not_exists=True,
            comment="accounts",
            mysql_engine="InnoDB",
        )
    )
    assert isinstance(d, CreateTableOp)
    assert (d.table_name, d.schema, d.if_not_exists) == ("account", "app", True)
    assert d.kw == {"comment": "accounts", "mysql_engine": "InnoDB"}
    assert [c.name for c in d.table.columns] == ["id", "name"]
    assert d.table.comment == "accounts"
    assert {i.name for i in d.table.indexes} == {"ix_name"}
    assert d.table.c.name.comment == "who"


def test_create_table_returns_the_table_for_bulk_insert() -> None:
    seen = []

    def migration():
        table = op.create_table("t", sa.Column("id", sa.Integer, primary_key=True))
        seen.append(table)
        op.bulk_insert(table, [{"id": 1}, {"id": 2}])

    create, insert = record(migration)
    assert isinstance(seen[0], sa.Table) and seen[0] is create.table
    assert isinstance(insert, BulkInsertOp) and insert.rows == [{"id": 1}, {"id": 2}]


def test_add_and_drop_column() -> None:
    add = one(
        lambda: op.add_column("t", sa.Column("x", sa.Integer), schema="s", if_not_exists=True)
    )
    assert isinstance(add, AddColumnOp)
    assert (add.table_name, add.column.name, add.schema, add.if_not_exists) == ("t", "x", "s", True)
    drop = one(
        lambda: op.drop_column("t", "x", schema="s", if_exists=True, mssql_drop_default=True)
    )
    assert isinstance(drop, DropColumnOp)
    assert (drop.column_name, drop.if_exists, drop.kw) == ("x", True, {"mssql_drop_default": True})


def test_alter_column_maps_user_arguments_to_modify_and_existing() -> None:
    d = one(
        lambda: op.alter_column(
            "t",
            "c",
            nullable=False,
            comment="new",
            server_default=sa.text("0"),
            new_column_name="d",
            type_=sa.BigInteger,
            existing_type=sa.Integer(),
            existing_server_default=None,
            existing_nullable=True,
            existing_comment="old",
            schema="s",
            postgresql_using="c::bigint",
        )
    )
    assert isinstance(d, AlterColumnOp)
    assert d.modify_nullable is False and d.existing_nullable is True
    assert d.modify_comment == "new" and d.existing_comment == "old"
    assert d.modify_name == "d"
    assert isinstance(d.modify_type, sa.BigInteger) and isinstance(d.existing_type, sa.Integer)
    assert d.existing_server_default is None
    assert d.kw == {"postgresql_using": "c::bigint"}
    assert set(d.changes) == {"type_", "nullable", "server_default", "comment", "new_column_name"}


def test_alter_column_defaults_mean_unchanged() -> None:
    d = one(lambda: op.alter_column("t", "c", nullable=True))
    assert d.modify_comment is False and d.modify_server_default is False
    assert d.modify_type is None and d.modify_name is None
    assert d.changes == {"nullable": True}


def test_index_ops() -> None:
    d = one(
        lambda: op.create_index(
            "ix", "t", ["a", sa.text("lower(b)")], unique=True, postgresql_using="gin"
        )
    )
    assert isinstance(d, CreateIndexOp)
    assert d.unique is True and d.kw == {"postgresql_using": "gin"}
    assert d.columns[0] == "a" and str(d.columns[1]) == "lower(b)"
    index = d.to_index()
    assert index.name == "ix" and index.table.name == "t" and index.unique
    drop = one(lambda: op.drop_index("ix", table_name="t", if_exists=True))
    assert isinstance(drop, DropIndexOp) and drop.table_name == "t" and drop.if_exists is True


def test_constraint_ops() -> None:
    directives = record(
        lambda: (
            op.create_primary_key("pk", "t", ["id"]),
            op.create_unique_constraint("uq", "t", ["a", "b"], deferrable=True),
            op.create_foreign_key(
                "fk",
                "t",
                "u",
                ["uid"],
                ["id"],
                ondelete="CASCADE",
                onupdate="SET NULL",
                deferrable=True,
                initially="DEFERRED",
                match="FULL",
                source_schema="s",
                referent_schema="r",
            ),
            op.create_check_constraint("ck", "t", sa.column("a") > 5),
            op.create_exclude_constraint(
                "ex", "t", ("period", "&&"), ("room", "="), where="room > 0"
            ),
            op.drop_constraint("fk", "t", type_="foreignkey", if_exists=True),
        )
    )
    pk, uq, fk, ck, ex, drop = directives
    assert isinstance(pk, CreatePrimaryKeyOp) and pk.columns == ["id"]
    assert isinstance(uq, CreateUniqueConstraintOp) and uq.kw == {"deferrable": True}
    assert isinstance(fk, CreateForeignKeyOp)
    assert (fk.source_table, fk.referent_table, fk.local_cols, fk.remote_cols) == (
        "t",
        "u",
        ["uid"],
        ["id"],
    )
    assert (fk.ondelete, fk.onupdate, fk.deferrable, fk.initially, fk.match) == (
        "CASCADE",
        "SET NULL",
        True,
        "DEFERRED",
        "FULL",
    )
    assert (fk.source_schema, fk.referent_schema) == ("s", "r")
    assert isinstance(ck, CreateCheckConstraintOp)
    assert isinstance(ex, CreateExcludeConstraintOp) and ex.elements == [
        ("period", "&&"),
        ("room", "="),
    ]
    assert ex.using == "gist" and ex.where == "room > 0"
    assert isinstance(drop, DropConstraintOp) and drop.type_ == "foreignkey" and drop.if_exists


def test_table_level_ops() -> None:
    rename, comment, drop_comment, drop = record(
        lambda: (
            op.rename_table("a", "b", schema="s"),
            op.create_table_comment("b", "hello", existing_comment="hi"),
            op.drop_table_comment("b", existing_comment="hello"),
            op.drop_table("b", if_exists=True),
        )
    )
    assert isinstance(rename, RenameTableOp) and (rename.old_table_name, rename.new_table_name) == (
        "a",
        "b",
    )
    assert isinstance(comment, CreateTableCommentOp) and comment.existing_comment == "hi"
    assert isinstance(drop_comment, DropTableCommentOp) and drop_comment.existing_comment == "hello"
    assert isinstance(drop, DropTableOp) and drop.if_exists is True


def test_execute_accepts_text_and_statements() -> None:
    plain, clause, stmt = record(
        lambda: (
            op.execute("DELETE FROM t"),
            op.execute(sa.text("DELETE FROM u"), execution_options={"autocommit": True}),
            op.execute(sa.table("t", sa.column("x")).update().values(x=op.inline_literal("y"))),
        )
    )
    assert all(isinstance(d, ExecuteSQLOp) for d in (plain, clause, stmt))
    assert clause.execution_options == {"autocommit": True}


def test_batch_block_becomes_one_directive_with_its_options() -> None:
    copy_from = sa.Table("t", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True))

    def migration():
        with op.batch_alter_table(
            "t",
            schema="s",
            recreate="always",
            copy_from=copy_from,
            partial_reordering=[("b", "a")],
            table_kwargs={"sqlite_autoincrement": True},
            naming_convention={"uq": "uq_%(table_name)s"},
        ) as batch:
            batch.add_column(sa.Column("a", sa.Integer), insert_before="id")
            batch.alter_column("a", new_column_name="b", existing_type=sa.Integer)
            batch.create_unique_constraint("uq", ["b"])
            batch.create_foreign_key("fk", "u", ["b"], ["id"])
            batch.drop_constraint("uq", type_="unique")

    (batch,) = record(migration)
    assert isinstance(batch, BatchAlterTableOp)
    assert (batch.table_name, batch.schema, batch.recreate) == ("t", "s", "always")
    assert batch.copy_from is copy_from and batch.partial_reordering == [("b", "a")]
    assert [d.op_name for d in batch.ops] == [
        "add_column",
        "alter_column",
        "create_unique_constraint",
        "create_foreign_key",
        "drop_constraint",
    ]
    assert batch.ops[0].kw == {"insert_before": "id"}
    assert all(d.table_name == "t" and d.schema == "s" for d in batch.ops)


def test_batch_block_that_raises_invokes_nothing() -> None:
    recorder = RecordingOperations()
    with recorder.activate(), pytest.raises(RuntimeError):
        with op.batch_alter_table("t") as batch:
            batch.drop_column("x")
            raise RuntimeError("stop")
    assert recorder.directives == []


def test_migration_script_container() -> None:
    up = UpgradeOps([AddColumnOp("t", sa.Column("x", sa.Integer))])
    script = MigrationScript("abc", up, up.reverse(), message="m", imports={"import b", "import a"})
    assert script.imports == ("import a", "import b")
    assert [d.op_name for d in script.downgrade_ops.ops] == ["drop_column"]


# -- validation ---------------------------------------------------------------------------

BAD = [
    (lambda: op.create_index("ix", "t", []), "create_index", "columns", "at least one"),
    (lambda: op.create_index("ix", "t", [5]), "create_index", "columns", "neither a name"),
    (lambda: op.create_index("ix", "", ["a"]), "create_index", "table_name", "must not be empty"),
    (
        lambda: op.create_foreign_key("fk", "t", "u", ["a", "b"], ["id"]),
        "create_foreign_key",
        "remote_cols",
        "has 1",
    ),
    (
        lambda: op.create_foreign_key("fk", "t", "u", [], []),
        "create_foreign_key",
        "local_cols",
        "at least one",
    ),
    (
        lambda: op.create_foreign_key("fk", "t", "u", "a", ["id"]),
        "create_foreign_key",
        "local_cols",
        "list of names",
    ),
    (
        lambda: op.add_column("", sa.Column("x", sa.Integer)),
        "add_column",
        "table_name",
        "must not be empty",
    ),
    (lambda: op.add_column("t", "x"), "add_column", "column", "sqlalchemy.Column"),
    (lambda: op.drop_column("t", ""), "drop_column", "column_name", "must not be empty"),
    (lambda: op.drop_table(None), "drop_table", "table_name", "must be a name"),
    (
        lambda: op.drop_constraint("c", "t", type_="fk"),
        "drop_constraint",
        "type_",
        "must be one of",
    ),
    (lambda: op.create_primary_key("pk", "t", []), "create_primary_key", "columns", "at least one"),
    (
        lambda: op.create_unique_constraint("uq", "t", ["a", ""]),
        "create_unique_constraint",
        "columns",
        "empty",
    ),
    (
        lambda: op.create_check_constraint("ck", "t", ""),
        "create_check_constraint",
        "condition",
        "empty",
    ),
    (
        lambda: op.create_check_constraint("ck", "t", 5),
        "create_check_constraint",
        "condition",
        "SQL",
    ),
    (
        lambda: op.alter_column("t", "c", type_="INTEGER"),
        "alter_column",
        "type_",
        "SQLAlchemy type",
    ),
    (
        lambda: op.alter_column("t", "c", nullable="no"),
        "alter_column",
        "nullable",
        "True, False or None",
    ),
    (
        lambda: op.alter_column("t", "c", new_column_name=""),
        "alter_column",
        "new_column_name",
        "empty",
    ),
    (
        lambda: op.alter_column("t", "c", comment=True),
        "alter_column",
        "comment",
        "must be a string",
    ),
    (lambda: op.rename_table("a", " "), "rename_table", "new_table_name", "empty"),
    (lambda: op.create_table("t", "id"), "create_table", "columns", "not a Column"),
    (
        lambda: op.create_table("t", sa.Column("a", sa.Integer), sa.Column("a", sa.Integer)),
        "create_table",
        "columns",
        "",
    ),
    (
        lambda: op.create_table_comment("t", None),
        "create_table_comment",
        "comment",
        "must be a string",
    ),
    (lambda: op.execute("  "), "execute", "sqltext", "empty"),
    (lambda: op.execute(42), "execute", "sqltext", "SQL text"),
    (lambda: op.bulk_insert("t", []), "bulk_insert", "table", "Table"),
    (
        lambda: op.bulk_insert(sa.table("t", sa.column("a")), [{"b": 1}]),
        "bulk_insert",
        "rows",
        "column 'b'",
    ),
    (
        lambda: op.create_exclude_constraint("ex", "t"),
        "create_exclude_constraint",
        "elements",
        "at least one",
    ),
    (
        lambda: op.create_exclude_constraint("ex", "t", ("a",)),
        "create_exclude_constraint",
        "elements",
        "pair",
    ),
    (
        lambda: op.batch_alter_table("t", recreate="sometimes").__enter__(),
        "batch_alter_table",
        "recreate",
        "one of",
    ),
]


@pytest.mark.parametrize(
    ("fn", "op_name", "argument", "words"),
    BAD,
    ids=[f"{b[1]}-{b[2]}-{i}" for i, b in enumerate(BAD)],
)
def test_impossible_arguments_fail_at_construction(fn, op_name, argument, words) -> None:
    with pytest.raises(DirectiveError) as info:
        record(fn)
    err = info.value
    assert (err.op_name, err.argument) == (op_name, argument)
    message = str(err)
    assert message.startswith(f"{op_name}: argument {argument!r}")
    assert words in message
    assert "\n" not in message
