"""CHECK constraints that come with a type (non-native Enum, Boolean with create_constraint).

Live on every configured backend: a value the new type allows must be accepted, one it does
not allow refused, and the catalog must hold the new type's CHECK and not the old one's.
PostgreSQL's BOOLEAN is native, so a Boolean brings no CHECK there. Offline: the exact SQL
for every dialect, and (on PostgreSQL and MariaDB) the offline statements leave the same
CHECKs as the online run.
"""

from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import oracle

from mig import ops
from mig.ddl import UnsupportedOperationError, to_sql

_ids = itertools.count(1)


def enum(*values: str, name: str | None = None) -> sa.Enum:
    return sa.Enum(*values, native_enum=False, create_constraint=True, name=name)


def accepts(engine: sa.Engine, table: str, **row) -> bool:
    """Insert one row; False when the database refuses it."""
    row = {"id": next(_ids), **row}
    stmt = sa.table(table, *[sa.column(k) for k in row]).insert().values(**row)
    try:
        with engine.begin() as conn:
            conn.execute(stmt)
    except sa.exc.DBAPIError:
        return False
    return True


def check_names(engine: sa.Engine, table: str) -> list[str | None]:
    return sorted((c["name"] for c in sa.inspect(engine).get_check_constraints(table)), key=str)


def check_texts(engine: sa.Engine, table: str) -> list[str]:
    return [c["sqltext"] for c in sa.inspect(engine).get_check_constraints(table)]


def create(op: ops.Operations, type_: sa.types.TypeEngine, column: str = "status") -> None:
    op.create_table(
        "t",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column(column, type_),
    )


# -- live ---------------------------------------------------------------------------------------


def test_add_column_adds_the_type_check(engine, migrate):
    def change(op: ops.Operations) -> None:
        op.create_table("t", sa.Column("id", sa.Integer, primary_key=True, autoincrement=False))
        op.add_column("t", sa.Column("status", enum("a", "b", name="ck_t_status")))
        op.add_column("t", sa.Column("flag", sa.Boolean(create_constraint=True, name="ck_t_flag")))

    migrate(change)
    assert accepts(engine, "t", status="a", flag=True)
    assert not accepts(engine, "t", status="x")
    native_boolean = engine.dialect.name == "postgresql"
    assert check_names(engine, "t") == (
        ["ck_t_status"] if native_boolean else ["ck_t_flag", "ck_t_status"]
    )
    if not native_boolean:
        assert not accepts(engine, "t", flag=2)


def test_alter_column_replaces_the_type_check(engine, migrate):
    migrate(lambda op: create(op, enum("a", "b", name="ck_t_status")))
    assert accepts(engine, "t", status="a")
    assert not accepts(engine, "t", status="c")

    migrate(
        lambda op: op.alter_column(
            "t",
            "status",
            type_=enum("a", "b", "c", name="ck_t_status"),
            existing_type=enum("a", "b", name="ck_t_status"),
        )
    )
    assert accepts(engine, "t", status="c")
    assert not accepts(engine, "t", status="x")
    assert check_names(engine, "t") == ["ck_t_status"]
    assert "c" in check_texts(engine, "t")[0].replace("ck_t_status", "")

    migrate(lambda op: op.drop_column("t", "status"))  # the CHECK goes with the column
    assert check_names(engine, "t") == []


@pytest.mark.parametrize(
    ("old", "new", "names", "good", "bad"),
    [
        (enum("a", "b", name="ck_old"), enum("a", "b", "c", name="ck_new"), ["ck_new"], "c", "x"),
        (sa.String(5), enum("a", "b", name="ck_t_status"), ["ck_t_status"], "a", "x"),
        (enum("a", "b", name="ck_t_status"), sa.String(5), [], "xyz", None),
        (
            sa.Boolean(create_constraint=True, name="ck_t_status"),
            enum("a", "b", name="ck_t_e"),
            ["ck_t_e"],
            "a",
            "x",
        ),
    ],
    ids=["renamed", "plain-to-enum", "enum-to-plain", "boolean-to-enum"],
)
def test_alter_column_between_kinds_of_type(engine, migrate, old, new, names, good, bad):
    if isinstance(old, sa.Boolean) and engine.dialect.name == "postgresql":
        pytest.skip("BOOLEAN is native on PostgreSQL; casting it to VARCHAR needs USING")
    migrate(lambda op: create(op, old))
    migrate(lambda op: op.alter_column("t", "status", type_=new, existing_type=old))
    assert check_names(engine, "t") == names
    assert accepts(engine, "t", status=good)
    if bad is not None:
        assert not accepts(engine, "t", status=bad)


def test_alter_column_without_existing_type_keeps_the_old_check(engine, migrate):
    """As Alembic: the old type is unknown, so its CHECK stays; the new one is added."""
    migrate(lambda op: create(op, enum("a", "b", name="ck_old")))
    migrate(lambda op: op.alter_column("t", "status", type_=enum("a", "c", name="ck_new")))
    assert check_names(engine, "t") == ["ck_new", "ck_old"]
    assert accepts(engine, "t", status="a")
    assert not accepts(engine, "t", status="c")  # the old CHECK still refuses it


def test_unnamed_type_check(engine, migrate):
    """A rebuild (SQLite) finds the unnamed CHECK by its condition; ALTER cannot: error."""
    migrate(lambda op: create(op, enum("a", "b")))

    def change(op: ops.Operations) -> None:
        op.alter_column("t", "status", type_=enum("a", "b", "c"), existing_type=enum("a", "b"))

    if engine.dialect.name == "sqlite":
        migrate(change)
        assert check_names(engine, "t") == [None]
        assert accepts(engine, "t", status="c")
        assert not accepts(engine, "t", status="x")
        return
    with pytest.raises(UnsupportedOperationError) as info:
        migrate(change)
    message = str(info.value)
    assert "\n" not in message and "t.status has no name" in message
    assert not accepts(engine, "t", status="c")  # nothing was changed


def test_naming_convention_of_target_metadata_names_the_check(engine, migrate):
    md = sa.MetaData(naming_convention={"ck": "ck_%(table_name)s_%(column_0_name)s"})

    def change(op: ops.Operations) -> None:
        create(op, enum("a", "b"))
        op.add_column("t", sa.Column("kind", enum("x", "y")))

    migrate(change, target_metadata=md)
    assert check_names(engine, "t") == ["ck_t_kind", "ck_t_status"]
    migrate(
        lambda op: op.alter_column(
            "t", "status", type_=enum("a", "b", "c"), existing_type=enum("a", "b")
        ),
        target_metadata=md,
    )
    assert check_names(engine, "t") == ["ck_t_kind", "ck_t_status"]
    assert accepts(engine, "t", status="c", kind="x")
    assert not accepts(engine, "t", status="z")


@pytest.mark.parametrize("recreate", ["auto", "always"])
def test_batch_alter_column_replaces_the_type_check(engine, migrate, recreate):
    migrate(lambda op: create(op, enum("a", "b", name="ck_t_status")))
    assert accepts(engine, "t", status="a")

    def change(op: ops.Operations) -> None:
        with op.batch_alter_table("t", recreate=recreate) as batch:
            batch.alter_column(
                "status",
                type_=enum("a", "b", "c", name="ck_t_status"),
                existing_type=enum("a", "b", name="ck_t_status"),
            )

    migrate(change)
    assert check_names(engine, "t") == ["ck_t_status"]
    assert accepts(engine, "t", status="c")
    assert not accepts(engine, "t", status="x")


# -- SQLite rebuild from copy_from (offline) ------------------------------------------------------


def _copy_from() -> sa.Table:
    return sa.Table(
        "t",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("status", enum("a", "b", name="ck_t_status")),
        sa.Column("flag", sa.Boolean(create_constraint=True, name="ck_t_flag")),
    )


def test_sqlite_rebuild_from_copy_from_declares_each_type_check_once():
    block = ops.BatchAlterTableOp(
        "t",
        [
            ops.AlterColumnOp(
                "t",
                "status",
                modify_type=enum("a", "b", "c", name="ck_t_status"),
                existing_type=enum("a", "b", name="ck_t_status"),
            ),
            ops.DropColumnOp("t", "flag"),
        ],
        copy_from=_copy_from(),
    )
    create = to_sql(block, "sqlite")[0]
    assert create == (
        "CREATE TABLE _mig_tmp_t (\n"
        "    id INTEGER NOT NULL, \n"
        "    status VARCHAR(1), \n"
        "    PRIMARY KEY (id), \n"
        "    CONSTRAINT ck_t_status CHECK (status IN ('a', 'b', 'c'))\n"
        ")"
    )


# -- offline SQL ----------------------------------------------------------------------------------


def _add() -> ops.AddColumnOp:
    return ops.AddColumnOp("t", sa.Column("d", enum("a", "b", name="ck_d")))


def _alter() -> ops.AlterColumnOp:
    return ops.AlterColumnOp(
        "t",
        "c",
        modify_type=enum("a", "b", "z", name="ck_c"),
        existing_type=enum("a", "b", name="ck_c"),
    )


def _alter_to_plain() -> ops.AlterColumnOp:
    return ops.AlterColumnOp(
        "t",
        "c",
        modify_type=sa.Integer(),
        existing_type=sa.Boolean(create_constraint=True, name="ck_b"),
    )


_ADD_CK = "ALTER TABLE t ADD CONSTRAINT ck_d CHECK (d IN ('a', 'b'))"
_ALTER_CK = "ALTER TABLE t ADD CONSTRAINT ck_c CHECK (c IN ('a', 'b', 'z'))"
#: SQLAlchemy 2.0 gives Oracle no native BOOLEAN (so a CHECK), 2.1 does
_ORACLE_NATIVE_BOOLEAN = oracle.dialect().supports_native_boolean

OFFLINE = {
    ("add", "postgresql"): ["ALTER TABLE t ADD COLUMN d VARCHAR(1)", _ADD_CK],
    ("add", "mysql"): ["ALTER TABLE t ADD COLUMN d VARCHAR(1)", _ADD_CK],
    ("add", "mariadb"): ["ALTER TABLE t ADD COLUMN d VARCHAR(1)", _ADD_CK],
    ("add", "sqlite"): [
        "ALTER TABLE t ADD COLUMN d VARCHAR(1) CONSTRAINT ck_d CHECK (d IN ('a', 'b'))"
    ],
    ("add", "mssql"): ["ALTER TABLE t ADD d VARCHAR(1) NULL", _ADD_CK],
    ("add", "oracle"): ["ALTER TABLE t ADD d VARCHAR(1 CHAR)", _ADD_CK],
    ("alter", "postgresql"): [
        "ALTER TABLE t DROP CONSTRAINT ck_c",
        "ALTER TABLE t ALTER COLUMN c TYPE VARCHAR(1)",
        _ALTER_CK,
    ],
    # MySQL offline cannot see whether a history dropped the CHECK by hand: kept, as Alembic
    # (tests/ddl/test_mysql_type_check_dropped_by_hand.py); MariaDB says IF EXISTS.
    ("alter", "mysql"): [
        "ALTER TABLE t MODIFY c VARCHAR(1)",
        _ALTER_CK,
    ],
    ("alter", "mariadb"): [
        "ALTER TABLE t DROP CONSTRAINT IF EXISTS ck_c",
        "ALTER TABLE t MODIFY c VARCHAR(1)",
        _ALTER_CK,
    ],
    ("alter", "mssql"): [
        "ALTER TABLE t DROP CONSTRAINT ck_c",
        "ALTER TABLE t ALTER COLUMN c VARCHAR(1)",
        _ALTER_CK,
    ],
    ("alter", "oracle"): [
        "ALTER TABLE t DROP CONSTRAINT ck_c",
        "ALTER TABLE t MODIFY c VARCHAR(1 CHAR)",
        _ALTER_CK,
    ],
    # BOOLEAN is native on PostgreSQL (and on Oracle from SQLAlchemy 2.1, which renders it
    # offline for Oracle 23), SQL Server's BIT gets no CHECK: nothing to drop there.
    ("to_plain", "postgresql"): ["ALTER TABLE t ALTER COLUMN c TYPE INTEGER"],
    ("to_plain", "mysql"): ["ALTER TABLE t MODIFY c INTEGER"],
    ("to_plain", "mariadb"): [
        "ALTER TABLE t DROP CONSTRAINT IF EXISTS ck_b",
        "ALTER TABLE t MODIFY c INTEGER",
    ],
    ("to_plain", "mssql"): ["ALTER TABLE t ALTER COLUMN c INTEGER"],
    ("to_plain", "oracle"): [
        *([] if _ORACLE_NATIVE_BOOLEAN else ["ALTER TABLE t DROP CONSTRAINT ck_b"]),
        "ALTER TABLE t MODIFY c INTEGER",
    ],
}
_BUILDERS = {"add": _add, "alter": _alter, "to_plain": _alter_to_plain}


@pytest.mark.parametrize("case", list(_BUILDERS))
def test_offline_sql(case):
    got = {d: to_sql(_BUILDERS[case](), d) for (c, d) in OFFLINE if c == case}
    assert got == {d: sql for (c, d), sql in OFFLINE.items() if c == case}


def test_offline_sql_gives_the_online_schema(engine, migrate):
    """The offline statements, run on the database, leave the CHECKs the online run leaves."""
    name = engine.dialect.name
    if name == "sqlite":
        pytest.skip("SQLite's alter_column is a rebuild, offline only with copy_from")
    dialect = "mariadb" if getattr(engine.dialect, "is_mariadb", False) else name

    def setup(op: ops.Operations) -> None:
        create(op, enum("a", "b", name="ck_c"), column="c")

    def online(op: ops.Operations) -> None:
        op.invoke(_add())
        op.invoke(_alter())

    migrate(setup)
    migrate(online)
    expected = (check_names(engine, "t"), sorted(check_texts(engine, "t")))
    migrate(lambda op: op.drop_table("t"))
    migrate(setup)
    with engine.begin() as conn:
        for sql in to_sql([_add(), _alter()], dialect):
            conn.exec_driver_sql(sql)
    assert (check_names(engine, "t"), sorted(check_texts(engine, "t"))) == expected
    assert expected[0] == ["ck_c", "ck_d"]
