"""Issue 14 item 11: a computed column's expression changed, as a model pair.

No database ALTERs a generated expression, so the column is rewritten: dropped and added
again with the new expression (its index dropped before and created after), and the
downgrade rewrites it back. The column is the table's last one, since PostgreSQL and
SQLite add a column at the end. SQLite cannot ADD a STORED generated column, so the
SQLite pair uses a VIRTUAL one (PostgreSQL has only STORED ones).
"""

from __future__ import annotations

import autogen_exact_support as support
import sqlalchemy as sa


def _persisted(engine: sa.Engine) -> bool:
    return engine.dialect.name != "sqlite"


def _model(expression: str, persisted: bool) -> sa.MetaData:
    md = sa.MetaData()
    sa.Table(
        "item",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("qty", sa.Integer),
        sa.Column("price", sa.Integer),
        sa.Column("total", sa.Integer, sa.Computed(expression, persisted=persisted)),
        sa.Index("ix_item_total", "total"),
    )
    return md


def _seed(conn: sa.Connection) -> None:
    conn.execute(sa.text("INSERT INTO item (id, qty, price) VALUES (1, 3, 4), (2, 5, 6)"))


def _totals(conn: sa.Connection) -> list[tuple]:
    rows = conn.execute(sa.text("SELECT id, qty, price, total FROM item ORDER BY id"))
    return [tuple(r) for r in rows]


def test_changed_expression_rewrites_the_column(engine) -> None:
    persisted = _persisted(engine)
    old, new = _model("qty * price", persisted), _model("qty + price", persisted)
    seen: list[list[tuple]] = []
    up, _down = support.exact_roundtrip(
        engine, old, new, seed=_seed, verify=lambda conn: seen.append(_totals(conn))
    )
    assert seen == [
        [(1, 3, 4, 7), (2, 5, 6, 11)],  # after the upgrade: the new expression, every row
        [(1, 3, 4, 12), (2, 5, 6, 30)],  # after the downgrade: the old one again
    ]
    assert up.index('op.drop_index("ix_item_total"') < up.index('op.drop_column("item", "total"')
    assert up.index('op.drop_column("item", "total"') < up.index("op.add_column(")
    assert up.index("op.add_column(") < up.index('op.create_index("ix_item_total"')
    assert "qty + price" in up
