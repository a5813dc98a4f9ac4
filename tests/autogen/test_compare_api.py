"""compare_metadata (diff tuples), produce_migrations, bad input, and the catalog query count."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from autogen_compare_support import (
    clean_types,  # noqa: F401  (fixture)
    context,
    create,
    diffs,
)

from mig import ops
from mig.autogen import (
    AutogenContext,
    AutogenError,
    comparator,
    comparators,
    compare_metadata,
    compare_to_ops,
    produce_migrations,
)
from mig.runtime import MigrationContext

pytestmark = pytest.mark.usefixtures("clean_types")


def _models() -> tuple[sa.MetaData, sa.MetaData]:
    old, new = sa.MetaData(), sa.MetaData()
    sa.Table(
        "user",
        old,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(20), nullable=True),
        sa.Column("gone", sa.Integer),
        sa.Index("ix_user_name", "name"),
    )
    sa.Table(
        "old_stuff", old, sa.Column("id", sa.Integer, primary_key=True), sa.Column("q", sa.Text)
    )
    sa.Table(
        "user",
        new,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(20), nullable=False),
        sa.Column("email", sa.String(50)),
    )
    sa.Table(
        "order",
        new,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("user.id", name="fk_order_user")),
    )
    return old, new


def test_compare_metadata_returns_alembic_style_diffs(engine):
    old, new = _models()
    create(engine, old)
    found = diffs(engine, new, detect_renames=False)
    kinds = [d[0] if isinstance(d, tuple) else [t[0] for t in d] for d in found]
    assert kinds == [
        "add_table",
        "remove_index",
        "add_column",
        ["modify_nullable"],
        "remove_column",
        "remove_table",
    ]
    assert found[0][1].name == "order"
    assert found[1][1].name == "ix_user_name"
    assert found[2][:3] == ("add_column", None, "user") and found[2][3].name == "email"
    [modify] = found[3]
    assert modify[:4] == ("modify_nullable", None, "user", "name")
    assert modify[5:] == (True, False)
    assert set(modify[4]) == {"existing_type", "existing_server_default", "existing_comment"}
    assert found[4][3].name == "gone"
    assert found[5][1].name == "old_stuff" and [c.name for c in found[5][1].columns] == ["id", "q"]


def test_produce_migrations_downgrade_is_the_reverse(engine):
    old, new = _models()
    create(engine, old)
    with engine.connect() as conn:
        script = produce_migrations(context(conn, detect_renames=False), new)
        upgrade = compare_to_ops(context(conn, detect_renames=False), new)
    assert isinstance(script, ops.MigrationScript) and script.rev_id is None
    assert script.upgrade_ops == upgrade
    assert script.downgrade_ops == upgrade.reverse()
    assert [op.op_name for op in script.downgrade_ops.ops] == [
        "create_table",
        "modify_table",
        "drop_table",
    ]


def test_target_metadata_from_the_context_options(engine):
    old, new = _models()
    create(engine, old)
    with engine.connect() as conn:
        ctx = context(conn, target_metadata=new, detect_renames=False)
        assert compare_to_ops(ctx) == compare_to_ops(context(conn, detect_renames=False), new)


def test_bad_input_is_a_one_line_error(engine):
    with engine.connect() as conn:
        ctx = context(conn)
        with pytest.raises(AutogenError, match=r"^no target metadata: pass a MetaData"):
            compare_metadata(ctx, None)
        with pytest.raises(
            AutogenError,
            match=r"^target_metadata: expected a sqlalchemy MetaData or a list of them, got str",
        ):
            compare_metadata(ctx, "models:metadata")
        with pytest.raises(AutogenError, match=r"^include_object: expected a callable, got int"):
            compare_metadata(context(conn, include_object=3), sa.MetaData())
        with pytest.raises(
            AutogenError, match=r"^compare_type: expected True, False or a callable, got str"
        ):
            compare_metadata(context(conn, compare_type="yes"), sa.MetaData())
        with pytest.raises(AutogenError, match=r"^expected a mig.runtime MigrationContext"):
            compare_metadata(conn, sa.MetaData())
    offline = MigrationContext.configure(dialect_name=engine.dialect.name, opts={"as_sql": True})
    with pytest.raises(AutogenError, match=r"^autogenerate needs a database connection"):
        compare_metadata(offline, sa.MetaData())
    twice = [sa.MetaData(), sa.MetaData()]
    for md in twice:
        sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True))
    with engine.connect() as conn:
        with pytest.raises(
            AutogenError, match=r"^target_metadata: table 't' is defined in more than one MetaData"
        ):
            compare_metadata(context(conn), twice)


def test_a_project_can_register_its_own_comparator(engine):
    md = sa.MetaData()
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True))
    create(engine, md)

    @comparator("table", order=200, name="test_note_every_table")
    def note(ctx, diff):
        diff.emit("comment", ops.ExecuteSQLOp(f"-- saw {diff.name}"))

    try:
        with engine.connect() as conn:
            found = compare_to_ops(context(conn), md)
    finally:
        comparators.unregister("table", "test_note_every_table")
    [modify] = found.ops
    assert modify.ops[0].sqltext == "-- saw t"
    assert "test_note_every_table" not in comparators.names("table")
    # the registry keeps each level's order between runs: unregistering must reach it
    with engine.connect() as conn:
        assert compare_to_ops(context(conn), md).ops == []


def _wide_model(n: int) -> sa.MetaData:
    md = sa.MetaData()
    for i in range(n):
        sa.Table(
            f"t{i:03d}",
            md,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("name", sa.String(40), nullable=False, comment="a name"),
            sa.Column("code", sa.String(10), unique=True),
            sa.Column("prev_id", sa.Integer, sa.ForeignKey(f"t{max(i - 1, 0):03d}.id")),
            sa.Index(f"ix_t{i:03d}_name", "name"),
            sa.CheckConstraint("id > 0", name=f"ck_t{i:03d}_id"),
            comment=f"table {i}",
        )
    return md


def _count_compare_queries(engine: sa.Engine, md: sa.MetaData) -> tuple[int, list]:
    with engine.connect() as conn:
        ctx = AutogenContext(context(conn), md)
        statements: list[str] = []

        def count(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        sa.event.listen(conn, "before_cursor_execute", count)
        try:
            found = compare_to_ops(ctx)
        finally:
            sa.event.remove(conn, "before_cursor_execute", count)
    return len(statements), found.ops


def test_catalog_queries_do_not_grow_with_the_table_count(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("bulk reflection is a PostgreSQL feature of SQLAlchemy's dialects")
    small, large = _wide_model(10), _wide_model(50)
    create(engine, small)
    _count_compare_queries(engine, small)  # warm the dialect's own caches (pg_am lookups)
    n_small, found = _count_compare_queries(engine, small)
    assert found == []
    create(engine, large)
    n_large, found = _count_compare_queries(engine, large)
    assert found == []
    assert n_small == n_large
    assert n_large <= 15


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_paused_during_compare_and_restored(engine, monkeypatch, enabled):
    """run_comparison pauses the cyclic collector and leaves it as it found it, also when
    the comparison fails."""
    import gc

    from mig.autogen.compare import registry

    old, new = _models()
    create(engine, old)
    seen: list[bool] = []
    real_run = registry.run

    def watching(level, ctx, diff):
        seen.append(gc.isenabled())
        return real_run(level, ctx, diff)

    (gc.enable if enabled else gc.disable)()
    try:
        monkeypatch.setattr("mig.autogen.compare.run", watching)
        assert diffs(engine, new, detect_renames=False)
        assert seen == [False] and gc.isenabled() is enabled

        def failing(level, ctx, diff):
            raise RuntimeError("comparator failed")

        monkeypatch.setattr("mig.autogen.compare.run", failing)
        with pytest.raises(RuntimeError, match="comparator failed"):
            diffs(engine, new, detect_renames=False)
        assert gc.isenabled() is enabled
    finally:
        gc.enable()
