"""The DDL pipeline of one-transaction runs (mig/runtime/pipeline.py), on each live backend.

On PostgreSQL with psycopg, a one-transaction run queues its DDL without waiting for each
reply. Everything a user can observe must stay as without it: a failed statement is blamed
on the step that sent it (even when its error only surfaces during a later step), nothing
of the run stays applied, a SELECT in a later step sees the earlier DDL, and callbacks are
told about steps that really are applied. The other backends run the same scripts without
a pipeline and must give the same results.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from steps_source import Chain
from test_run import heads, run

from mig.ops import op
from mig.runtime import StepFailed

PIPELINE_OFF = 0  # libpq's PQpipelineStatus: PQ_PIPELINE_OFF


def _noop() -> None:
    pass


def chain(*ups) -> Chain:
    """r1, r2, ... running ``ups`` in order (downgrades unused)."""
    return Chain([(f"r{i}", up, _noop) for i, up in enumerate(ups, start=1)])


def create_t() -> None:
    op.create_table("t", sa.Column("id", sa.Integer, primary_key=True))


def add(name: str, table: str = "t"):
    def up() -> None:
        op.add_column(table, sa.Column(name, sa.Integer))

    return up


def pipeline_status() -> int | None:
    """libpq's pipeline status of the run's connection (None: not psycopg)."""
    raw = op.get_bind().connection.dbapi_connection
    pgconn = getattr(raw, "pgconn", None)
    return None if pgconn is None else int(pgconn.pipeline_status)


def columns(engine: sa.Engine, table: str) -> list[str]:
    return [c["name"] for c in sa.inspect(engine).get_columns(table)]


def is_psycopg(engine: sa.Engine) -> bool:
    return engine.dialect.driver == "psycopg"


@pytest.mark.parametrize(
    "configure, pipelined",
    [({}, True), ({"ddl_pipeline": False}, False), ({"transaction_per_migration": True}, False)],
    ids=["one-transaction", "turned-off", "per-migration"],
)
def test_ddl_goes_through_the_pipeline_only_where_it_should(engine, configure, pipelined) -> None:
    if not is_psycopg(engine):
        pytest.skip("pipeline mode is psycopg's")
    seen: list[int | None] = []

    def add_and_look() -> None:
        op.add_column("t", sa.Column("a", sa.Integer))
        seen.append(pipeline_status())

    run(engine, chain(create_t, add_and_look, add("b")), "up", "head", **configure)
    assert (seen[0] != PIPELINE_OFF) is pipelined
    assert heads(engine) == ["r3"]
    assert columns(engine, "t") == ["id", "a", "b"]


def test_a_failed_queued_statement_is_blamed_on_its_own_step(engine) -> None:
    """r3's statement fails at the server; r4 and r5 are sent before the reply is read."""
    steps = chain(create_t, add("a"), add("c", table="missing"), add("d"), add("e"))
    with pytest.raises(StepFailed) as info:
        run(engine, steps, "up", "head")
    assert info.value.revision == "r3"
    assert str(info.value).startswith(
        "upgrade of revision r3 failed while running: ALTER TABLE missing ADD"
    )
    if engine.dialect.name == "mariadb":  # no transactional DDL: r1 and r2 stay, recorded
        assert heads(engine) == ["r2"]
        assert columns(engine, "t") == ["id", "a"]
    else:
        assert heads(engine) == [] and not sa.inspect(engine).has_table("t")


def test_an_error_surfacing_in_a_later_select_is_blamed_on_the_failed_step(engine) -> None:
    def read() -> None:
        op.get_bind().execute(sa.text("SELECT 1")).scalar_one()

    with pytest.raises(StepFailed) as info:
        run(engine, chain(create_t, add("c", table="missing"), read), "up", "head")
    assert info.value.revision == "r2"
    assert "while running: ALTER TABLE missing ADD" in str(info.value)


def test_a_later_step_reads_what_earlier_ddl_made(engine) -> None:
    counted: list[int] = []

    def fill_and_count() -> None:
        t = sa.table("t", sa.column("id"), sa.column("a"))
        op.bulk_insert(t, [{"id": 1, "a": 10}, {"id": 2, "a": 20}])
        total = op.get_bind().execute(sa.text("SELECT sum(a) FROM t")).scalar_one()
        counted.append(int(total))

    run(engine, chain(create_t, add("a"), fill_and_count, add("b")), "up", "head")
    assert counted == [30]
    assert columns(engine, "t") == ["id", "a", "b"]
    assert heads(engine) == ["r4"]


def test_callbacks_are_told_only_about_applied_steps(engine) -> None:
    told: list[tuple[str, list[str]]] = []

    def callback(ctx, step, heads, run_args) -> None:
        names = [c["name"] for c in sa.inspect(ctx.connection).get_columns("t")]
        told.append((step.up_revision_id, names))

    run(engine, chain(create_t, add("a")), "up", "head", on_version_apply=callback)
    assert told == [("r1", ["id"]), ("r2", ["id", "a"])]


def test_a_callback_is_not_told_about_a_step_whose_ddl_failed(engine) -> None:
    """The callback runs no SQL that would drain the pipeline: the run must drain it first."""
    told: list[str] = []

    def callback(ctx, step, heads, run_args) -> None:
        told.append(step.up_revision_id)

    steps = chain(create_t, add("c", table="missing"), add("d"))
    with pytest.raises(StepFailed) as info:
        run(engine, steps, "up", "head", on_version_apply=callback)
    assert info.value.revision == "r2"
    assert told == ["r1"]


def test_a_savepoint_catches_a_failing_ddl_statement_as_without_the_pipeline(engine) -> None:
    if engine.dialect.name == "mariadb":
        pytest.skip("MariaDB commits before DDL: a savepoint cannot enclose it")
    caught: list[str] = []

    def tolerant() -> None:
        try:
            with op.get_bind().begin_nested():
                op.add_column("missing", sa.Column("c", sa.Integer))
        except sa.exc.DBAPIError as exc:
            caught.append(type(exc).__name__)
        op.add_column("t", sa.Column("a", sa.Integer))

    run(engine, chain(create_t, tolerant, add("b")), "up", "head")
    assert len(caught) == 1
    assert columns(engine, "t") == ["id", "a", "b"]
    assert heads(engine) == ["r3"]
