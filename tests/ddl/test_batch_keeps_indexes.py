"""A table rebuild keeps every index and unique constraint whose columns are still there.

Indexes and unique constraints follow their columns by name, as in Alembic: a column dropped
and added again under the same name in one block (say, to change its type with no data to
keep) keeps them; a column dropped for good takes them along. SQLite rebuilds on its own
(``recreate="auto"``); the other backends are made to with ``recreate="always"``. The result
is read back from the catalog (``sa.inspect``; on SQLite also ``sqlite_master``).
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from mig import ops


def _create(op: ops.Operations) -> None:
    op.create_table(
        "t",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("c", sa.Integer),
        sa.Column("d", sa.Integer),
        sa.Column("e", sa.Integer),
        sa.UniqueConstraint("e", name="uq_t_e"),
        sa.UniqueConstraint("d", "e", name="uq_t_de"),
    )
    op.create_index("ix_t_c", "t", ["c"])
    op.create_index("ix_t_cd", "t", ["c", "d"])
    op.create_index("ux_t_d", "t", ["d"], unique=True)


ALL_INDEXES = {"ix_t_c": (["c"], False), "ix_t_cd": (["c", "d"], False), "ux_t_d": (["d"], True)}
ALL_UNIQUES = {"uq_t_e": ["e"], "uq_t_de": ["d", "e"]}


def _drop_and_add(batch) -> None:
    batch.drop_column("c")
    batch.add_column(sa.Column("c", sa.String(5)))
    batch.drop_column("e")
    batch.add_column(sa.Column("e", sa.String(5)))


def _drop(batch) -> None:
    batch.drop_column("c")


def _rename(batch) -> None:
    batch.alter_column("d", new_column_name="dd", existing_type=sa.Integer)


# (block, the indexes and the unique constraints expected after it)
BLOCKS: dict[str, tuple[Callable, dict, dict]] = {
    "drop and add again": (_drop_and_add, ALL_INDEXES, ALL_UNIQUES),
    "alter a type": (
        lambda b: b.alter_column("d", type_=sa.BigInteger, existing_type=sa.Integer),
        ALL_INDEXES,
        ALL_UNIQUES,
    ),
    "add a column": (lambda b: b.add_column(sa.Column("f", sa.Integer)), ALL_INDEXES, ALL_UNIQUES),
    "add a check": (
        lambda b: b.create_check_constraint("ck_t_d", "d > 0"),
        ALL_INDEXES,
        ALL_UNIQUES,
    ),
    "drop a column": (_drop, {"ux_t_d": (["d"], True)}, ALL_UNIQUES),
    "rename a column": (
        _rename,
        {"ix_t_c": (["c"], False), "ix_t_cd": (["c", "dd"], False), "ux_t_d": (["dd"], True)},
        {"uq_t_e": ["e"], "uq_t_de": ["dd", "e"]},
    ),
}


def _catalog(engine: sa.Engine) -> dict[str, tuple[list[str], bool]]:
    """Indexes and unique constraints by name: (columns, unique). MariaDB cannot tell a
    unique index from a unique constraint, so the two are read as one."""
    insp = sa.inspect(engine)
    out = {u["name"]: (u["column_names"], True) for u in insp.get_unique_constraints("t")}
    for i in insp.get_indexes("t"):
        if not i.get("duplicates_constraint") and i["name"] not in out:
            out[i["name"]] = (i["column_names"], bool(i["unique"]))
    return out


def _expected(indexes: dict, uniques: dict) -> dict[str, tuple[list[str], bool]]:
    return {**indexes, **{name: (cols, True) for name, cols in uniques.items()}}


def _sqlite_master_indexes(engine: sa.Engine) -> set[str]:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 't' "
            "AND sql IS NOT NULL"
        ).all()
    return {r[0] for r in rows}


def test_every_rebuild_keeps_the_indexes_and_uniques_whose_columns_remain(engine, migrate):
    recreate = "auto" if engine.dialect.name == "sqlite" else "always"
    for label, (block, indexes, uniques) in BLOCKS.items():
        migrate(_create)
        assert _catalog(engine) == _expected(ALL_INDEXES, ALL_UNIQUES)

        def change(op: ops.Operations, block=block) -> None:
            with op.batch_alter_table("t", recreate=recreate) as batch:
                block(batch)

        migrate(change)
        assert _catalog(engine) == _expected(indexes, uniques), label
        if engine.dialect.name == "sqlite":
            assert _sqlite_master_indexes(engine) == set(indexes), label
        migrate(lambda op: op.drop_table("t"))


def test_dropped_and_added_column_keeps_its_index_and_unique(engine, migrate):
    """The case from a real history: a column retyped by drop + add in one batch block."""
    recreate = "auto" if engine.dialect.name == "sqlite" else "always"
    migrate(_create)

    def change(op: ops.Operations) -> None:
        with op.batch_alter_table("t", recreate=recreate) as batch:
            _drop_and_add(batch)

    migrate(change)
    catalog = _catalog(engine)
    assert catalog["ix_t_c"] == (["c"], False)
    assert catalog["uq_t_e"] == (["e"], True)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO t (id, c, e) VALUES (1, 'x', 'y')"))
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO t (id, c, e) VALUES (2, 'x', 'y')"))
    except sa.exc.IntegrityError:
        pass
    else:
        raise AssertionError("the unique constraint on the re-added column e is gone")
