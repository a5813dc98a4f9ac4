"""MySQL histories drop an enum's old CHECK by hand before widening it (Alembic never drops
it there); mig, which does drop it, must not fail on the CHECK being gone already, and must
still drop it when the history did not."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mig import ops
from mig.ddl import to_sql

OLD = sa.Enum("a", "b", name="ck_t_status", native_enum=False, create_constraint=True)
NEW = sa.Enum("a", "b", "c", name="ck_t_status", native_enum=False, create_constraint=True)


def _widen(op: ops.Operations) -> None:
    op.alter_column("t", "status", type_=NEW, existing_type=OLD, existing_nullable=True)


@pytest.mark.parametrize("by_hand", [True, False], ids=["dropped-by-hand", "left-to-mig"])
def test_widening_after_a_hand_drop(engine, migrate, by_hand) -> None:
    mysql = engine.dialect.name in ("mysql", "mariadb")
    migrate(
        lambda op: op.create_table(
            "t", sa.Column("id", sa.Integer, primary_key=True), sa.Column("status", OLD)
        )
    )

    def upgrade(op: ops.Operations) -> None:
        if by_hand and mysql:
            op.drop_constraint("ck_t_status", "t", type_="check")
        _widen(op)

    migrate(upgrade)
    checks = sa.inspect(engine).get_check_constraints("t")
    assert [c["name"] for c in checks] == ["ck_t_status"]
    assert "'c'" in checks[0]["sqltext"]
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO t (id, status) VALUES (1, 'c')"))
    with pytest.raises(sa.exc.DBAPIError), engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO t (id, status) VALUES (2, 'z')"))


def test_offline_mariadb_says_if_exists_and_mysql_keeps_it() -> None:
    directive = ops.AlterColumnOp(
        "t", "status", modify_type=NEW, existing_type=OLD, existing_nullable=True
    )
    mariadb = to_sql(directive, "mariadb")
    assert mariadb[0] == "ALTER TABLE t DROP CONSTRAINT IF EXISTS ck_t_status"
    assert mariadb[-1] == (
        "ALTER TABLE t ADD CONSTRAINT ck_t_status CHECK (status IN ('a', 'b', 'c'))"
    )
    mysql = to_sql(directive, "mysql")
    assert not any("DROP" in s for s in mysql)
