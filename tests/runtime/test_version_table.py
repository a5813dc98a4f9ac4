"""The version table on each live backend: created once, rows changed step by step, an
Alembic table adopted as it is, and a conflicting change refused."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mig.runtime.version_table import VersionTable, VersionTableConflict


def test_created_once_with_its_primary_key(engine: sa.Engine) -> None:
    vt = VersionTable()
    with engine.begin() as conn:
        assert vt.heads(conn) == ()
        assert vt.ensure(conn) is True
        assert vt.ensure(conn) is False
    inspector = sa.inspect(engine)
    assert [c["name"] for c in inspector.get_columns("mig_version")] == ["version_num"]
    assert inspector.get_pk_constraint("mig_version")["constrained_columns"] == ["version_num"]


def test_steps_change_rows_for_linear_branch_and_merge(engine: sa.Engine) -> None:
    vt = VersionTable()
    with engine.begin() as conn:
        vt.ensure(conn)
        vt.apply(conn, (), ("a",))
        vt.apply(conn, ("a",), ("b",))
        assert vt.heads(conn) == ("b",)
        vt.apply(conn, ("b",), ("b", "c"))  # a second branch from a branch point
        assert vt.heads(conn) == ("b", "c")
        vt.apply(conn, ("b", "c"), ("m",))  # merge
        assert vt.heads(conn) == ("m",)
        vt.apply(conn, ("m",), ())
        assert vt.heads(conn) == ()


def test_linear_step_is_one_update() -> None:
    (statement,) = VersionTable().change_statements(("a",), ("b",))
    sql = str(statement.compile(compile_kwargs={"literal_binds": True}))
    assert sql == "UPDATE mig_version SET version_num='b' WHERE mig_version.version_num = 'a'"


def test_conflict_is_refused(engine: sa.Engine) -> None:
    vt = VersionTable()
    with engine.begin() as conn:
        vt.ensure(conn)
        vt.apply(conn, (), ("a",))
    with pytest.raises(VersionTableConflict, match="expected to change one row but changed 0"):
        with engine.begin() as conn:
            vt.apply(conn, ("zzz",), ("b",))
    with engine.connect() as conn:
        assert vt.heads(conn) == ("a",)


def test_alembic_version_table_is_adopted(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        conn.execute(sa.text("INSERT INTO alembic_version VALUES ('ae1027a6acf')"))
    vt = VersionTable(name="alembic_version")
    with engine.begin() as conn:
        assert vt.ensure(conn) is False
        assert vt.heads(conn) == ("ae1027a6acf",)
        vt.apply(conn, ("ae1027a6acf",), ("b2c3",))
    with engine.connect() as conn:
        assert (
            conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one() == "b2c3"
        )
