"""``alter_column`` with a new type and a new default: on PostgreSQL the type changes first,
as Alembic orders it, so the new default is checked against the new type (a flag turned
into an integer with ``server_default="1"`` failed: '1' could not be cast)."""

from __future__ import annotations

import sqlalchemy as sa

from mig import ops
from mig.ddl import to_sql


def _to_integer(**kw) -> ops.AlterColumnOp:
    return ops.AlterColumnOp(
        "users",
        "active",
        modify_type=sa.Integer(),
        existing_type=sa.Boolean(),
        modify_server_default="1",
        modify_nullable=False,
        postgresql_using="active::integer",
        **kw,
    )


def test_postgresql_changes_the_type_first() -> None:
    assert to_sql(_to_integer(), "postgresql") == [
        "ALTER TABLE users ALTER COLUMN active TYPE INTEGER USING active::integer",
        "ALTER TABLE users ALTER COLUMN active SET NOT NULL",
        "ALTER TABLE users ALTER COLUMN active SET DEFAULT '1'",
    ]


def test_other_databases_keep_their_order() -> None:
    assert to_sql(_to_integer(), "oracle") == [
        "ALTER TABLE users MODIFY active NOT NULL",
        "ALTER TABLE users MODIFY active DEFAULT '1'",
        "ALTER TABLE users MODIFY active INTEGER",
    ]


def test_a_flag_becomes_an_integer_with_a_new_default(engine, migrate) -> None:
    def upgrade(op: ops.Operations) -> None:
        op.create_table(
            "users",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("active", sa.Boolean, server_default=sa.true(), nullable=False),
        )
        op.alter_column("users", "active", existing_type=sa.Boolean(), server_default=None)
        op.invoke(_to_integer(existing_nullable=False))

    migrate(upgrade)
    (active,) = [c for c in sa.inspect(engine).get_columns("users") if c["name"] == "active"]
    assert isinstance(active["type"], sa.Integer)
    assert "1" in str(active["default"]) and not active["nullable"]
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO users (id) VALUES (1)"))
        assert conn.execute(sa.text("SELECT active FROM users")).scalar_one() == 1
