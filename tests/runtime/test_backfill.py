"""op.backfill online on each backend: batches, exact rows, where, composite keys, batch
boundaries, progress reports, both transaction modes, and one-line errors."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from steps_source import Chain

from mig.ops import DirectiveError, op
from mig.runtime import EnvironmentContext, StepFailed, context


def run(engine, chain, **configure):
    reports = []
    with (
        EnvironmentContext(None, chain, fn=lambda h, c: chain.plan_upgrade(h, "head")),
        engine.connect() as connection,
    ):
        context.configure(connection=connection, on_backfill_progress=reports.append, **configure)
        with context.begin_transaction():
            context.run_migrations()
    return reports


def items_table(rows: int):
    def up() -> None:
        t = op.create_table(
            "items",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
            sa.Column("n", sa.Integer),
            sa.Column("cnt", sa.Integer, nullable=False, server_default="0"),
        )
        op.bulk_insert(t, [{"id": i, "n": i} for i in range(1, rows + 1)])

    return up


def rows(engine, table="items", columns="id, n, cnt"):
    with engine.connect() as conn:
        return [
            tuple(r) for r in conn.execute(sa.text(f"SELECT {columns} FROM {table} ORDER BY 1, 2"))
        ]


def catalog_tables(engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def heads(engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.execute(sa.text("SELECT version_num FROM mig_version")).scalars())


def history(engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        q = "SELECT revision, direction FROM mig_version_history ORDER BY id"
        return [tuple(r) for r in conn.execute(sa.text(q))]


@pytest.mark.parametrize("per_migration", [False, True], ids=["one-transaction", "per-migration"])
@pytest.mark.parametrize(
    "total,batch,batches", [(25, 4, 7), (24, 4, 7), (3, 10, 1), (5, 1, 6), (0, 3, 1)]
)
def test_batches_update_every_row_once(engine, per_migration, total, batch, batches) -> None:
    def up2() -> None:
        op.backfill("items", {"cnt": sa.text("cnt + 1"), "n": sa.text("n * 10")}, batch_size=batch)

    chain = Chain([("r1", items_table(total), lambda: None), ("r2", up2, lambda: None)])
    reports = run(engine, chain, transaction_per_migration=per_migration)
    assert rows(engine) == [(i, i * 10, 1) for i in range(1, total + 1)]
    assert [r.rows_done for r in reports] == [min(total, batch * (i + 1)) for i in range(batches)]
    assert [r.batches for r in reports] == list(range(1, batches + 1))
    assert [r.done for r in reports] == [False] * (batches - 1) + [True]
    assert {(r.revision, r.direction, r.table) for r in reports} == {("r2", "up", "items")}
    assert heads(engine) == ["r2"]
    assert history(engine) == [("r1", "up"), ("r2", "up")]
    assert "mig_version_backfill" in catalog_tables(engine)
    assert rows(engine, "mig_version_backfill", "revision, op_index") == []


def test_where_limits_the_rows_and_literals_are_set(engine) -> None:
    def up2() -> None:
        op.backfill(
            "items",
            {"cnt": sa.text("cnt + 1"), "n": 0},
            where="id % 3 = 0 OR id = 1",  # an OR: must not escape the key range
            batch_size=2,
        )

    chain = Chain([("r1", items_table(10), lambda: None), ("r2", up2, lambda: None)])
    reports = run(engine, chain)
    picked = {1, 3, 6, 9}
    assert rows(engine) == [(i, 0 if i in picked else i, int(i in picked)) for i in range(1, 11)]
    assert [r.rows_done for r in reports] == [2, 4, 4]


def test_where_as_expression_and_a_table_object(engine) -> None:
    items = sa.table("items", sa.column("id"), sa.column("n"), sa.column("cnt"))

    def up2() -> None:
        op.backfill(items, {"cnt": items.c.cnt + 5}, where=items.c.n > 7, batch_size=1)

    chain = Chain([("r1", items_table(10), lambda: None), ("r2", up2, lambda: None)])
    run(engine, chain)
    assert rows(engine) == [(i, i, 5 if i > 7 else 0) for i in range(1, 11)]


def composite_table() -> None:
    t = op.create_table(
        "pairs",
        sa.Column("a", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("b", sa.String(10), primary_key=True),
        sa.Column("cnt", sa.Integer, nullable=False, server_default="0"),
    )
    op.bulk_insert(t, [{"a": a, "b": b} for a in (1, 2, 3) for b in ("x", "y", "z")])


@pytest.mark.parametrize("batch", [1, 2, 4, 9, 10])
def test_composite_primary_key(engine, batch) -> None:
    def up2() -> None:
        op.backfill("pairs", {"cnt": sa.text("cnt + 1")}, batch_size=batch)

    chain = Chain([("r1", composite_table, lambda: None), ("r2", up2, lambda: None)])
    reports = run(engine, chain)
    assert rows(engine, "pairs", "a, b, cnt") == [
        (a, b, 1) for a in (1, 2, 3) for b in ("x", "y", "z")
    ]
    assert reports[-1].rows_done == 9
    assert len(reports) == 9 // batch + 1


def test_ops_before_in_the_step_and_steps_after(engine) -> None:
    """A backfill after add_column in its step; a later step after it: all applied once."""

    def up2() -> None:
        op.add_column("items", sa.Column("doubled", sa.Integer))
        op.backfill("items", {"doubled": sa.text("n * 2")}, batch_size=3)
        op.backfill("items", {"cnt": sa.text("cnt + 1")}, batch_size=4)
        op.alter_column("items", "doubled", nullable=False, existing_type=sa.Integer)

    def up3() -> None:
        op.execute("UPDATE items SET cnt = cnt + 100 WHERE id = 1")

    chain = Chain(
        [("r1", items_table(7), lambda: None), ("r2", up2, lambda: None), ("r3", up3, lambda: None)]
    )
    run(engine, chain)
    assert rows(engine, columns="id, doubled, cnt") == [
        (i, i * 2, 101 if i == 1 else 1) for i in range(1, 8)
    ]
    doubled = {c["name"]: c for c in sa.inspect(engine).get_columns("items")}["doubled"]
    assert doubled["nullable"] is False
    assert heads(engine) == ["r3"]
    assert history(engine) == [("r1", "up"), ("r2", "up"), ("r3", "up")]


def test_one_transaction_mode_commits_at_the_backfill(engine) -> None:
    """A failing later step rolls back only what came after the backfill's step."""

    def up2() -> None:
        op.backfill("items", {"cnt": sa.text("cnt + 1")}, batch_size=2)

    def up3() -> None:
        op.add_column("items", sa.Column("late", sa.Integer))
        op.execute("INSERT INTO no_such_table VALUES (1)")

    chain = Chain(
        [("r1", items_table(5), lambda: None), ("r2", up2, lambda: None), ("r3", up3, lambda: None)]
    )
    with pytest.raises(StepFailed, match="upgrade of revision r3 failed"):
        run(engine, chain)
    assert heads(engine) == ["r2"]
    assert history(engine) == [("r1", "up"), ("r2", "up")]
    assert rows(engine) == [(i, i, 1) for i in range(1, 6)]
    if engine.dialect.name != "mariadb":  # MariaDB's ADD COLUMN commits itself
        assert "late" not in {c["name"] for c in sa.inspect(engine).get_columns("items")}


def test_resume_from_recorded_progress_updates_no_row_twice(engine) -> None:
    """A progress row left by a run that died after two batches: the rerun goes on after."""

    def up2() -> None:
        op.backfill("items", {"cnt": sa.text("cnt + 1")}, batch_size=3)

    chain = Chain([("r1", items_table(10), lambda: None), ("r2", up2, lambda: None)])
    run(engine, Chain(chain.revisions[:1]))
    with engine.begin() as conn:  # what the dead run committed: batches 1-2 and their row
        conn.execute(sa.text("UPDATE items SET cnt = 1 WHERE id <= 6"))
        from mig.runtime.backfill_progress import ProgressTable

        table = ProgressTable("mig_version_backfill")
        table.ensure(conn)
        table.start(conn, "r2", "up", 0)
        table.record(conn, "r2", "up", 0, (6,), 6, False)
    reports = run(engine, chain)
    assert rows(engine) == [(i, i, 1) for i in range(1, 11)]
    assert [(r.rows_done, r.resumed) for r in reports] == [(9, True), (10, True)]
    assert rows(engine, "mig_version_backfill", "revision, op_index") == []
    assert heads(engine) == ["r2"]


@pytest.mark.parametrize(
    "call,message",
    [
        (lambda: op.backfill("items", {}), "backfill: argument 'values' must be a non-empty dict"),
        (
            lambda: op.backfill("items", {"n": 1}, batch_size=0),
            "backfill: argument 'batch_size' must be an integer >= 1, got 0",
        ),
    ],
)
def test_bad_arguments_are_refused_when_built(call, message) -> None:
    from mig.ops import RecordingOperations

    with RecordingOperations().activate(), pytest.raises(DirectiveError) as info:
        call()
    assert str(info.value).startswith(message)


@pytest.mark.parametrize(
    "backfill,message",
    [
        (
            lambda: op.backfill("nokey", {"n": 1}),
            "upgrade of revision r2 failed: op.backfill(): table 'nokey' has no primary key",
        ),
        (
            lambda: op.backfill("items", {"nope": 1}),
            "upgrade of revision r2 failed: op.backfill(): values name column 'nope', not in 'items'",
        ),
        (
            lambda: op.backfill("missing", {"n": 1}),
            "upgrade of revision r2 failed: op.backfill(): table 'missing' does not exist",
        ),
        (
            lambda: op.backfill("items", {"n": 1}, primary_key=["zz"]),
            "upgrade of revision r2 failed: op.backfill(): primary_key names column 'zz'",
        ),
    ],
    ids=["no-primary-key", "unknown-column", "no-table", "unknown-key"],
)
def test_runtime_errors_are_one_line_and_apply_nothing(engine, backfill, message) -> None:
    def up1() -> None:
        items_table(3)()
        op.create_table("nokey", sa.Column("n", sa.Integer))

    chain = Chain([("r1", up1, lambda: None), ("r2", backfill, lambda: None)])
    with pytest.raises(StepFailed) as info:
        run(engine, chain, transaction_per_migration=True)  # r1 stays: r2 changed nothing
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)
    assert heads(engine) == ["r1"]
    assert rows(engine) == [(i, i, 0) for i in (1, 2, 3)]
