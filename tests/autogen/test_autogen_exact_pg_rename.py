"""Item 2: a renamed table's dependents named by PostgreSQL's default rule (its serial
sequence, primary key, unique, foreign key and check constraints, default-named indexes)
are renamed with it, so the database equals ``create_all`` of the new model; the downgrade
renames them back. Other databases have no such names: the same pair just round-trips.
"""

from __future__ import annotations

import autogen_exact_support as support
import sqlalchemy as sa


def _model(name: str, renamed_from: str | None = None, unique: bool = True) -> sa.MetaData:
    md = sa.MetaData()
    sa.Table("orgs", md, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        name,
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(50), unique=unique),
        sa.Column("age", sa.Integer, sa.CheckConstraint("age > 0")),
        sa.Column("org_id", sa.Integer, sa.ForeignKey("orgs.id")),
        sa.Column("nick", sa.String(20)),
        sa.Index("ix_nick_kept", "nick"),
        info={"mig_renamed_from": renamed_from} if renamed_from else {},
    )
    return md


def _seed(conn: sa.Connection) -> None:
    conn.execute(sa.text("INSERT INTO orgs (id) VALUES (1)"))
    conn.execute(sa.text("INSERT INTO users (email, age, org_id) VALUES ('a@x', 3, 1)"))


def test_renamed_table_renames_its_default_named_dependents(engine) -> None:
    up, _down = support.exact_roundtrip(
        engine, _model("users"), _model("members", renamed_from="users"), seed=_seed
    )
    if engine.dialect.name == "postgresql":
        assert "members_id_seq" in up and "members_pkey" in up
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO users (email, age, org_id) VALUES ('b@x', 4, 1)"))
            ids = conn.execute(sa.text("SELECT id FROM users ORDER BY id")).scalars().all()
        assert ids == [1, 2]  # the sequence still serves the column after the round trip


def test_rows_survive_the_rename(engine) -> None:
    old, new = _model("users"), _model("members", renamed_from="users")
    support.drop_all(engine)
    with engine.begin() as conn:
        old.create_all(conn)
        _seed(conn)
    up, _, imports = support.render_script(engine, new)
    support.run_rendered(engine, new, up, imports)
    with engine.begin() as conn:
        rows = conn.execute(sa.text("SELECT id, email, age, org_id FROM members")).all()
        assert rows == [(1, "a@x", 3, 1)]
        conn.execute(sa.text("INSERT INTO members (email, age, org_id) VALUES ('c@x', 5, 1)"))


def test_renamed_table_loses_a_default_named_constraint(engine) -> None:
    """The drop that follows the rename uses the constraint's new name."""
    new = _model("members", renamed_from="users", unique=False)
    up, _down = support.exact_roundtrip(engine, _model("users"), new, seed=_seed)
    if engine.dialect.name == "postgresql":
        assert 'op.drop_constraint("members_email_key", "members", type_="unique")' in up
