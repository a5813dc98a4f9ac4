"""Inside ``batch_alter_table("t")``, an op on another table is refused and nothing runs:
``batch_op.drop_table("y")`` used to drop ``y``."""

from __future__ import annotations

import pytest
import sqlalchemy as sa


def test_batch_op_drop_table_drops_nothing(engine, migrate) -> None:
    def create(op) -> None:
        op.create_table("bf_t", sa.Column("id", sa.Integer, primary_key=True))
        op.create_table("bf_y", sa.Column("id", sa.Integer, primary_key=True))

    def upgrade(op) -> None:
        with op.batch_alter_table("bf_t") as batch_op:
            batch_op.add_column(sa.Column("note", sa.String(20)))
            batch_op.drop_table("bf_y")

    migrate(create)
    try:
        with pytest.raises(AttributeError, match=r"call op.drop_table\(\.\.\.\) outside"):
            migrate(upgrade)
        insp = sa.inspect(engine)
        assert {"bf_t", "bf_y"} <= set(insp.get_table_names())
        assert [c["name"] for c in insp.get_columns("bf_t")] == ["id"]
    finally:
        migrate(lambda op: (op.drop_table("bf_y", if_exists=True), op.drop_table("bf_t")))
