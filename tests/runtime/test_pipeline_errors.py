"""The error a user sees when a step's DDL is refused is the database's own, not an echo of it.

On PostgreSQL with psycopg, a one-transaction run queues its DDL (``pipeline.py``): the
reply to a refused statement arrives at the next statement that waits for replies. That next
statement used to be the history table's ``current_user`` lookup, which caught the error as
"no user known" and went on; the transaction was by then aborted, so the run failed later at
``UPDATE mig_version`` with ``InFailedSqlTransaction``, naming neither the step nor the
reason. Whatever statement of the run's own (history, version table, lock) or of a script
first sees the failure, the run must fail with StepFailed's one line naming the revision, the
statement and the database's reason, as it does without the pipeline (SQLite, MariaDB).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from steps_source import Chain
from test_run import heads, run

from mig.ops import op
from mig.runtime import StepFailed

# The refusal each database gives for the unique ``code`` VARCHAR -> INTEGER holding 'abc'
# and 'xyz': PostgreSQL wants a USING, MariaDB (strict) refuses 'abc', SQLite rebuilds the
# table with CAST(code AS INTEGER), which makes both 0 and breaks the unique constraint.
REASONS = {
    "postgresql": 'column "code" cannot be cast automatically to type integer',
    "mariadb": "Truncated incorrect INTEGER value: 'abc'",
    "sqlite": "UNIQUE constraint failed: _mig_tmp_t.code",
}
STATEMENTS = {
    "postgresql": "ALTER TABLE t ALTER COLUMN code TYPE INTEGER",
    "mariadb": "ALTER TABLE t MODIFY code INTEGER",
    "sqlite": "INSERT INTO _mig_tmp_t (id, code) SELECT t.id, CAST(t.code AS INTEGER)",
}


def _noop() -> None:
    pass


def create_t() -> None:
    t = op.create_table(
        "t",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(10), unique=True),
    )
    op.bulk_insert(t, [{"id": 1, "code": "abc"}, {"id": 2, "code": "xyz"}])


def retype_code() -> None:
    op.alter_column("t", "code", type_=sa.Integer(), existing_type=sa.String(10))


def steps(*more) -> Chain:
    """r1 creates and fills ``t``; r2 (and after it ``more``) run in a second run."""
    return Chain([("r1", create_t, _noop), ("r2", retype_code, _noop), *more])


def run_after_r1(engine: sa.Engine, chain: Chain, **configure) -> None:
    """r1 in a run of its own, then the rest: r2 is the first step of its run, as in
    ``mig upgrade head`` on a database that has the earlier revisions."""
    run(engine, chain, "up", "r1", **configure)
    run(engine, chain, "up", "head", **configure)


def expected_line(engine: sa.Engine, revision: str) -> tuple[str, str]:
    name = engine.dialect.name
    return (
        f"upgrade of revision {revision} failed while running: {STATEMENTS[name]}",
        REASONS[name],
    )


def assert_nothing_of_r2(engine: sa.Engine) -> None:
    """r2 left no trace: the column is still a string, the version table says r1."""
    assert heads(engine) == ["r1"]
    (code,) = [c for c in sa.inspect(engine).get_columns("t") if c["name"] == "code"]
    assert isinstance(code["type"], sa.String)


def test_a_refused_alter_column_fails_its_step_with_the_database_reason(engine) -> None:
    """The history table's user lookup is the first statement after r2's queued ALTER."""
    with pytest.raises(StepFailed) as info:
        run_after_r1(engine, steps())
    message = str(info.value)
    start, reason = expected_line(engine, "r2")
    assert info.value.revision == "r2"
    assert message.startswith(start), message
    assert reason in message
    assert "InFailedSqlTransaction" not in message and "current transaction is aborted" not in (
        message
    )
    assert "\n" not in message
    assert_nothing_of_r2(engine)


@pytest.mark.parametrize("history_table", [True, False], ids=["history", "no-history"])
def test_a_step_that_swallows_its_own_refused_statement_still_fails(engine, history_table) -> None:
    """The step's own SELECT is the first to wait and catches the error: the run must not
    go on to write the version table (and then fail with the echo) but fail on r2."""

    def retype_and_look() -> None:
        retype_code()
        try:
            op.get_bind().execute(sa.text("SELECT count(*) FROM t")).scalar()
        except sa.exc.DBAPIError:
            pass  # a script that "tolerates" a failed check

    chain = Chain([("r1", create_t, _noop), ("r2", retype_and_look, _noop)])
    configure = {} if history_table else {"history_table": False}
    with pytest.raises(StepFailed) as info:
        run_after_r1(engine, chain, **configure)
    start, reason = expected_line(engine, "r2")
    assert info.value.revision == "r2"
    assert str(info.value).startswith(start), str(info.value)
    assert reason in str(info.value)
    assert_nothing_of_r2(engine)


def test_a_script_that_swallows_a_later_error_does_not_hide_the_refused_step(engine) -> None:
    """r3's own ``except DBAPIError`` sees r2's error first: the run still fails on r2."""
    swallowed: list[str] = []

    def careless() -> None:
        try:
            op.get_bind().execute(sa.text("SELECT count(*) FROM t")).scalar()
        except sa.exc.DBAPIError as exc:
            swallowed.append(type(exc).__name__)
        op.add_column("t", sa.Column("extra", sa.Integer))

    with pytest.raises(StepFailed) as info:
        run_after_r1(engine, steps(("r3", careless, _noop)), history_table=False)
    start, reason = expected_line(engine, "r2")
    assert info.value.revision == "r2"
    assert str(info.value).startswith(start)
    assert reason in str(info.value)
    assert_nothing_of_r2(engine)


def test_the_cli_shows_the_database_reason_for_the_refused_step(engine, tmp_path: Path) -> None:
    """``mig upgrade head`` in a project: exit 1 and StepFailed's line, no traceback."""
    from e2e.conftest import Project

    root = tmp_path / "proj"
    root.mkdir()
    project = Project(root, engine.url.render_as_string(hide_password=False))
    project.init()
    project.revision(
        "a1",
        "create t",
        "op.create_table('t', sa.Column('id', sa.Integer, primary_key=True), "
        "sa.Column('code', sa.String(10), unique=True))\n"
        "    op.execute(\"INSERT INTO t (id, code) VALUES (1, 'abc'), (2, 'xyz')\")",
        "op.drop_table('t')",
    )
    project.revision(
        "b2",
        "retype code",
        "op.alter_column('t', 'code', type_=sa.Integer(), existing_type=sa.String(10))",
        "pass",
    )
    project.mig("upgrade", "a1")
    result = project.mig("upgrade", "head", code=1)
    assert project.version_rows() == {"a1"}
    start, reason = expected_line(engine, "b2")
    assert start in result.err, result.err
    assert reason in result.err
    assert "Traceback" not in result.err
    assert "InFailedSqlTransaction" not in result.err + result.out
    assert "current transaction is aborted" not in result.err + result.out
