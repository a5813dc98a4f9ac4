"""A run whose connection carries ``schema_translate_map={None: "mig_tenant"}``: the way a
multi-tenant project applies one history to each tenant's schema.

Every op must land in the mapped schema, and every look at the catalog an op makes (MySQL's
column type for MODIFY, SQLite's rebuild, IF EXISTS checks, ``--online``'s conditions) must
look there too; the default schema must stay empty. Checked by reflecting both schemas on
each backend: a PostgreSQL schema, a MariaDB database, an attached SQLite database.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mssql, mysql, oracle, postgresql, sqlite
from steps_source import Chain
from test_run import run as run_chain

from mig import ops
from mig.ddl.context import get_impl
from mig.ops import op

TENANT = "mig_tenant"
TRANSLATE = {None: TENANT}


@pytest.fixture
def tenant(engine: sa.Engine, tmp_path) -> Iterator[sa.Engine]:
    """``engine`` with a second schema named TENANT, and a map sending every op there."""
    backend = engine.dialect.name
    if backend == "sqlite":
        attached = str(tmp_path / "tenant.db")

        @sa.event.listens_for(engine, "connect")
        def attach(dbapi_connection, record) -> None:
            dbapi_connection.execute(f"ATTACH DATABASE '{attached}' AS {TENANT}")

        engine.dispose()  # the pooled connection the fixture made has nothing attached
        yield engine.execution_options(schema_translate_map=TRANSLATE)
        return
    create, drop = {
        "postgresql": (f"CREATE SCHEMA {TENANT}", f"DROP SCHEMA IF EXISTS {TENANT} CASCADE"),
    }.get(backend, (f"CREATE DATABASE {TENANT}", f"DROP DATABASE IF EXISTS {TENANT}"))
    with engine.begin() as conn:
        conn.exec_driver_sql(drop)
        conn.exec_driver_sql(create)
    try:
        yield engine.execution_options(schema_translate_map=TRANSLATE)
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql(drop)


def run(engine: sa.Engine, chain: Chain, **configure) -> None:
    run_chain(engine, chain, "up", "head", **configure)


def _noop() -> None:
    pass


def create_tables() -> None:
    op.create_table("parent", sa.Column("id", sa.Integer, primary_key=True))
    op.create_table(
        "child",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("pid", sa.Integer, sa.ForeignKey("parent.id")),
        sa.Column("n", sa.Integer),
        sa.Column("code", sa.String(10)),
    )
    op.create_index("ix_child_n", "child", ["n"])
    op.create_table("scratch", sa.Column("id", sa.Integer, primary_key=True))


def change_them() -> None:
    op.add_column("child", sa.Column("extra", sa.Integer))
    # no existing_type: MySQL's MODIFY restates the type, read from the catalog
    op.alter_column("child", "n", nullable=False)
    op.create_unique_constraint("uq_child_code", "child", ["code"])
    op.rename_table("scratch", "scratch2")
    with op.batch_alter_table("child") as batch:  # SQLite rebuilds; the others ALTER
        batch.alter_column("code", type_=sa.String(20))


def undo_some() -> None:
    op.drop_constraint("uq_child_code", "child", type_="unique")
    op.drop_index("ix_child_n", table_name="child")
    op.drop_column("child", "extra", if_exists=True)
    op.drop_table("scratch2")


def ours(engine: sa.Engine, schema: str | None) -> set[str]:
    names = set(sa.inspect(engine).get_table_names(schema=schema))
    return names & {"parent", "child", "scratch", "scratch2", "mig_version"}


def child(engine: sa.Engine) -> dict:
    insp = sa.inspect(engine)
    cols = {c["name"]: c for c in insp.get_columns("child", schema=TENANT)}
    uniques = {u["name"] for u in insp.get_unique_constraints("child", schema=TENANT)}
    if engine.dialect.name in ("mysql", "mariadb"):  # a unique constraint is an index there
        uniques |= {i["name"] for i in insp.get_indexes("child", schema=TENANT) if i["unique"]}
    indexes = {i["name"] for i in insp.get_indexes("child", schema=TENANT) if not i["unique"]}
    indexes = {n for n in indexes if not n.startswith("pid")}  # MariaDB's FK index
    return {
        "columns": sorted(cols),
        "n_nullable": cols["n"]["nullable"],
        "code_length": getattr(cols["code"]["type"], "length", None),
        "uniques": uniques,
        "indexes": indexes,
        "fks": [
            (f["referred_table"], f["referred_columns"])
            for f in insp.get_foreign_keys("child", schema=TENANT)
        ],
    }


def test_every_op_lands_in_the_mapped_schema(engine: sa.Engine, tenant: sa.Engine) -> None:
    run(tenant, Chain([("r1", create_tables, _noop), ("r2", change_them, _noop)]))
    assert ours(engine, None) == set()
    assert ours(engine, TENANT) == {"parent", "child", "scratch2", "mig_version"}
    assert child(engine) == {
        "columns": ["code", "extra", "id", "n", "pid"],
        "n_nullable": False,
        "code_length": 20,
        "uniques": {"uq_child_code"},
        "indexes": {"ix_child_n"},
        "fks": [("parent", ["id"])],
    }
    with engine.connect() as conn:
        version = conn.execute(sa.text(f"SELECT version_num FROM {TENANT}.mig_version"))
        assert version.scalars().all() == ["r2"]

    # a second run reads the mapped version table and goes on from r2
    steps = [("r1", create_tables, _noop), ("r2", change_them, _noop), ("r3", undo_some, _noop)]
    run(tenant, Chain(steps))
    assert ours(engine, None) == set()
    assert ours(engine, TENANT) == {"parent", "child", "mig_version"}
    after = child(engine)
    assert (after["columns"], after["uniques"], after["indexes"]) == (
        ["code", "id", "n", "pid"],
        set(),
        set(),
    )


def test_online_forms_look_and_build_in_the_mapped_schema(
    engine: sa.Engine, tenant: sa.Engine
) -> None:
    """``--online``: PostgreSQL's conditions (to_regclass) and MariaDB's (information_schema)
    look in the mapped schema, and the statements build there; SQLite runs ops as written."""

    backend = engine.dialect.name

    def online_changes() -> None:
        op.create_index("ix_child_n", "child", ["n"])
        op.create_unique_constraint("uq_child_code", "child", ["code"])
        if backend != "mariadb":  # MariaDB copies the table for a CHECK: --online refuses
            op.create_check_constraint("ck_child_n", "child", "n > 0")

    def tables_only() -> None:
        create_tables()
        op.drop_index("ix_child_n", table_name="child")

    run(tenant, Chain([("r1", tables_only, _noop)]))
    run(tenant, Chain([("r1", tables_only, _noop), ("r2", online_changes, _noop)]), online=True)
    built = child(engine)
    assert (built["indexes"], built["uniques"]) == ({"ix_child_n"}, {"uq_child_code"})
    checks = {c["name"] for c in sa.inspect(engine).get_check_constraints("child", schema=TENANT)}
    assert checks == (set() if backend == "mariadb" else {"ck_child_n"})
    assert ours(engine, None) == set()
    if backend != "postgresql":
        return
    with engine.connect() as conn:
        valid = conn.execute(
            sa.text(
                "SELECT c.relname, i.indisvalid FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_namespace s ON s.oid = c.relnamespace "
                "WHERE s.nspname = :schema AND c.relname = 'ix_child_n'"
            ),
            {"schema": TENANT},
        ).all()
        assert valid == [("ix_child_n", True)]
        checks_valid = conn.execute(
            sa.text(
                "SELECT conname, convalidated FROM pg_constraint "
                "WHERE conrelid = CAST(:t AS regclass) AND contype = 'c'"
            ),
            {"t": f"{TENANT}.child"},
        ).all()
        assert checks_valid == [("ck_child_n", True)]


DIALECTS = {
    "postgresql": postgresql.dialect(),
    "mysql": mysql.dialect(),
    "mariadb": mysql.dialect(is_mariadb=True),
    "sqlite": sqlite.dialect(),
    "mssql": mssql.dialect(),
    "oracle": oracle.dialect(),
}

EXPECTED = {
    "postgresql": [
        "ALTER TABLE mig_tenant.t ADD COLUMN a INTEGER",
        "ALTER TABLE mig_tenant.t DROP COLUMN a",
        "ALTER TABLE mig_tenant.t RENAME TO u",
        "DROP INDEX mig_tenant.ix_u",
    ],
    "mysql": [
        "ALTER TABLE mig_tenant.t ADD COLUMN a INTEGER",
        "ALTER TABLE mig_tenant.t DROP COLUMN a",
        "ALTER TABLE mig_tenant.t RENAME mig_tenant.u",
        "DROP INDEX ix_u ON mig_tenant.u",
    ],
    "sqlite": [
        "ALTER TABLE mig_tenant.t ADD COLUMN a INTEGER",
        "ALTER TABLE mig_tenant.t DROP COLUMN a",
        "ALTER TABLE mig_tenant.t RENAME TO u",
        "DROP INDEX mig_tenant.ix_u",
    ],
    "mssql": [
        "ALTER TABLE mig_tenant.t ADD a INTEGER NULL",
        "ALTER TABLE mig_tenant.t DROP COLUMN a",
        "EXEC sp_rename 'mig_tenant.t', 'u'",
        "DROP INDEX ix_u ON mig_tenant.u",
    ],
    "oracle": [
        "ALTER TABLE mig_tenant.t ADD a INTEGER",
        "ALTER TABLE mig_tenant.t DROP COLUMN a",
        "ALTER TABLE mig_tenant.t RENAME TO u",
        "DROP INDEX mig_tenant.ix_u",
    ],
}
EXPECTED["mariadb"] = EXPECTED["mysql"]


@pytest.mark.parametrize("name", sorted(DIALECTS))
def test_statements_rendered_as_text_name_the_mapped_schema(name: str) -> None:
    """The text an online run's plan is made of (``--online`` on MySQL renders each op
    offline first) names the mapped schema on every dialect; without a map, as given."""
    impl = get_impl(DIALECTS[name], None, as_sql=True, output_buffer=io.StringIO())
    impl.rendering_map = {None: TENANT}
    impl.run(ops.AddColumnOp("t", sa.Column("a", sa.Integer)))
    impl.run(ops.DropColumnOp("t", "a"))
    impl.run(ops.RenameTableOp("t", "u"))
    impl.run(ops.DropIndexOp("ix_u", "u"))
    assert impl.statements == EXPECTED[name]
    plain = get_impl(DIALECTS[name], None, as_sql=True, output_buffer=io.StringIO())
    plain.run(ops.DropColumnOp("t", "a"))
    assert plain.statements == ["ALTER TABLE t DROP COLUMN a"]


def test_sql_server_comments_name_the_mapped_schema_not_dbo() -> None:
    """sp_addextendedproperty names a schema: ``dbo`` for an op naming none, unless a map
    sends such tables elsewhere."""
    op_ = ops.AlterColumnOp("t", "a", modify_comment="hi", existing_type=sa.Integer())
    impl = get_impl(DIALECTS["mssql"], None, as_sql=True, output_buffer=io.StringIO())
    impl.rendering_map = {None: TENANT}
    impl.run(op_)
    plain = get_impl(DIALECTS["mssql"], None, as_sql=True, output_buffer=io.StringIO())
    plain.run(op_)
    call = "execute sp_addextendedproperty 'MS_Description', N'hi', 'schema', {}, 'table', t, "
    assert impl.statements == [call.format(TENANT) + "'column', a"]
    assert plain.statements == [call.format("dbo") + "'column', a"]
