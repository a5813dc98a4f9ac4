"""Issue 14 item 11: identity start/increment changes as model pairs (``alter_identity``).

PostgreSQL changes the sequence behind the column in place (``ALTER COLUMN ... SET START
WITH ... SET INCREMENT BY ...``), so the rows keep their values. SQLite and MariaDB have
no identity columns (SQLAlchemy reflects none): the pair is still applied there, and a
second comparison must be clean.
"""

from __future__ import annotations

import autogen_exact_support as support
import pytest
import sqlalchemy as sa

from mig import ops
from mig.ddl import to_sql


def _model(**identity) -> sa.MetaData:
    md = sa.MetaData()
    sa.Table(
        "ticket",
        md,
        sa.Column("id", sa.Integer, sa.Identity(**identity), primary_key=True),
        sa.Column("note", sa.String(20)),
    )
    return md


def _identity(engine: sa.Engine) -> dict | None:
    info = sa.inspect(engine).get_columns("ticket")[0].get("identity")
    if info is None:
        return None
    return {k: info[k] for k in ("start", "increment", "always", "cycle")}


def _seed(conn: sa.Connection) -> None:
    conn.execute(sa.text("INSERT INTO ticket (note) VALUES ('a'), ('b')"))


def test_start_and_increment_change(engine) -> None:
    old, new = _model(start=1, increment=1), _model(start=100, increment=5)
    up, down = support.exact_roundtrip(engine, old, new, seed=_seed)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id, note FROM ticket ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [(1, "a"), (2, "b")]
    if engine.dialect.name != "postgresql":
        return
    assert "op.alter_identity(" in up and "start=100" in up and "increment=5" in up
    assert "op.alter_identity(" in down
    assert _identity(engine) == {"start": 1, "increment": 1, "always": False, "cycle": False}
    support.run_rendered(engine, new, up, support.render_script(engine, new)[2])
    assert _identity(engine) == {"start": 100, "increment": 5, "always": False, "cycle": False}
    with engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE ticket ALTER COLUMN id RESTART"))
        conn.execute(sa.text("INSERT INTO ticket (note) VALUES ('c'), ('d')"))
        ids = conn.execute(sa.text("SELECT id FROM ticket WHERE id > 2 ORDER BY id")).scalars()
        assert list(ids) == [100, 105]  # the sequence serves the new options


def test_always_and_cycle_change(engine) -> None:
    old = _model(start=1, always=False, cycle=False)
    new = _model(start=1, always=True, cycle=True)
    support.exact_roundtrip(engine, old, new, seed=_seed)
    if engine.dialect.name == "postgresql":
        support.run_rendered(engine, new, *_up(engine, new))
        assert _identity(engine) == {"start": 1, "increment": 1, "always": True, "cycle": True}


def _up(engine: sa.Engine, new: sa.MetaData) -> tuple[str, set[str]]:
    up, _, imports = support.render_script(engine, new)
    return up, imports


def test_alembic_spelling_runs(engine) -> None:
    """``alter_column(server_default=sa.Identity(...), existing_server_default=...)``."""
    if engine.dialect.name != "postgresql":
        pytest.skip("identity columns: PostgreSQL here (SQLite and MariaDB have none)")
    old = _model(start=1, increment=1)
    support.drop_all(engine)
    with engine.begin() as conn:
        old.create_all(conn)
    body = (
        'op.alter_column("ticket", "id", server_default=sa.Identity(start=7, increment=3), '
        "existing_server_default=sa.Identity(start=1, increment=1))"
    )
    support.run_rendered(engine, old, body, set())
    assert _identity(engine) == {"start": 7, "increment": 3, "always": False, "cycle": False}


def test_exact_sql() -> None:
    op = ops.AlterIdentityOp(
        "t", "id", schema="s", start=5, increment=2, cycle=False, existing={"start": 1}
    )
    assert to_sql(op, "postgresql") == [
        "ALTER TABLE s.t ALTER COLUMN id SET START WITH 5 SET INCREMENT BY 2 SET NO CYCLE"
    ]
    always = ops.AlterIdentityOp("t", "id", always=True, minvalue=3, cache=10)
    assert to_sql(always, "postgresql") == [
        "ALTER TABLE t ALTER COLUMN id SET GENERATED ALWAYS SET MINVALUE 3 SET CACHE 10"
    ]
    assert to_sql(always, "oracle") == [
        "ALTER TABLE t MODIFY id GENERATED ALWAYS AS IDENTITY (MINVALUE 3 CACHE 10)"
    ]
    assert to_sql(
        ops.AlterColumnOp(
            "t",
            "id",
            modify_server_default=sa.Identity(start=5),
            existing_server_default=sa.Identity(start=1),
        ),
        "postgresql",
    ) == ["ALTER TABLE t ALTER COLUMN id SET START WITH 5"]
    assert to_sql(
        ops.AlterColumnOp("t", "id", modify_server_default=sa.Identity(always=True, start=2)),
        "postgresql",
    ) == ["ALTER TABLE t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (START WITH 2)"]
    assert to_sql(
        ops.AlterColumnOp(
            "t", "id", modify_server_default=None, existing_server_default=sa.Identity()
        ),
        "postgresql",
    ) == ["ALTER TABLE t ALTER COLUMN id DROP IDENTITY"]
    with pytest.raises(ValueError, match=r"alter_identity on oracle needs always="):
        to_sql(ops.AlterIdentityOp("t", "id", start=5), "oracle")
    for dialect in ("mysql", "mariadb", "sqlite", "mssql"):
        with pytest.raises(
            NotImplementedError, match=f"alter_identity is not supported on {dialect}"
        ):
            to_sql(op, dialect)
    full = ops.AlterIdentityOp(
        "t", "id", start=5, increment=2, existing={"start": 1, "increment": 1}
    )
    assert full.reverse() == ops.AlterIdentityOp(
        "t", "id", start=1, increment=1, existing={"start": 5, "increment": 2}
    )
    with pytest.raises(ops.IrreversibleOperationError, match="previous increment, cycle"):
        op.reverse()
    with pytest.raises(ops.DirectiveError, match="no identity option given"):
        ops.AlterIdentityOp("t", "id")
    with pytest.raises(ops.DirectiveError, match="must be an integer"):
        ops.AlterIdentityOp("t", "id", start="5")
