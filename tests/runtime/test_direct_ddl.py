"""DDL sent past SQLAlchemy's execute in a pipelined run (mig/runtime/pipeline.py, DirectDDL).

While nothing but mig watches the run's connection, the Impl hands its compiled DDL
straight to the driver's pipeline. Whatever a user can observe must stay as on
SQLAlchemy's path: the catalog, the step report's statements, a listener or the SQL log
seeing every statement (they switch the direct path off), a schema_translate_map, and the
step blamed for a statement the driver refuses. psycopg only: it is the one driver with a
pipeline; the other backends run these scripts through SQLAlchemy, which the rest of the
suite covers.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from test_ddl_pipeline import add, chain, columns, create_t
from test_run import heads, run

from mig.ops import op
from mig.runtime import StepFailed


@pytest.fixture
def pg_engine(engine: sa.Engine) -> sa.Engine:
    if engine.dialect.driver != "psycopg":
        pytest.skip("DDL goes past SQLAlchemy only in psycopg's pipeline")
    return engine


def index_on_t() -> None:
    op.create_index("ix_t_id", "t", ["id"])


def on_t(statements: list[str]) -> list[str]:
    """The statements of the steps (the version tables' CREATE TABLEs left out)."""
    return [s for s in statements if "mig_version" not in s]


@pytest.fixture
def ddl_through_sqlalchemy(monkeypatch) -> list[str]:
    """Every DDL statement SQLAlchemy's Connection executes during the test."""
    seen: list[str] = []
    real = sa.engine.Connection._execute_ddl

    def counting(self, ddl, *args, **kw):
        seen.append(str(ddl.compile(dialect=self.dialect)))
        return real(self, ddl, *args, **kw)

    monkeypatch.setattr(sa.engine.Connection, "_execute_ddl", counting)
    return seen


# Run in a fresh interpreter: a library imported by another test may listen on every Engine
# (geoalchemy2 registers a class-level before_execute listener that rewrites statements),
# and then, rightly, no statement goes past SQLAlchemy in this process.
_NOBODY_LISTENS = """
import json, sys
sys.path.insert(0, sys.argv[2])
import sqlalchemy as sa
from test_ddl_pipeline import add, chain, create_t
from test_run import run
from mig.runtime.reporting import StepReporter

through_sqlalchemy = []
real = sa.engine.Connection._execute_ddl

def counting(self, ddl, *args, **kw):
    through_sqlalchemy.append(str(ddl.compile(dialect=self.dialect)))
    return real(self, ddl, *args, **kw)

sa.engine.Connection._execute_ddl = counting

class Reports(StepReporter):
    confirmed = []

    def step_confirmed(self, report):
        self.confirmed.append((report.revision, report.statements, list(report.sent)))

engine = sa.create_engine(sys.argv[1])
reports = Reports()
run(engine, chain(create_t, add("a"), add("b")), "up", "head", reporter=reports)
print(json.dumps({"through_sqlalchemy": through_sqlalchemy, "confirmed": reports.confirmed}))
"""


def test_ddl_skips_sqlalchemys_execute_when_nobody_listens(pg_engine) -> None:
    url = pg_engine.url.render_as_string(hide_password=False)
    proc = subprocess.run(
        [sys.executable, "-c", _NOBODY_LISTENS, url, str(Path(__file__).parent)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert on_t(out["through_sqlalchemy"]) == []
    assert columns(pg_engine, "t") == ["id", "a", "b"]
    assert heads(pg_engine) == ["r3"]
    # the step report counts what went past SQLAlchemy as it counts the rest
    confirmed = [tuple(c) for c in out["confirmed"]]
    assert confirmed[1:] == [
        ("r2", 1, ["ALTER TABLE t ADD COLUMN a INTEGER"]),
        ("r3", 1, ["ALTER TABLE t ADD COLUMN b INTEGER"]),
    ]
    assert confirmed[0][0] == "r1" and confirmed[0][2][0].startswith("\nCREATE TABLE t")


def test_a_class_level_listener_of_a_library_sees_every_ddl_statement(
    pg_engine, ddl_through_sqlalchemy
) -> None:
    """As geoalchemy2's ``@event.listens_for(Engine, "before_execute", retval=True)``."""
    seen: list[str] = []

    def rewriting(conn, clauseelement, multiparams, params, execution_options):
        if isinstance(clauseelement, sa.schema.ExecutableDDLElement):
            seen.append(str(clauseelement.compile(dialect=conn.dialect)))
        return clauseelement, multiparams, params

    sa.event.listen(sa.engine.Engine, "before_execute", rewriting, retval=True)
    try:
        run(pg_engine, chain(create_t, add("a")), "up", "head")
    finally:
        sa.event.remove(sa.engine.Engine, "before_execute", rewriting)
    assert "ALTER TABLE t ADD COLUMN a INTEGER" in seen
    assert "ALTER TABLE t ADD COLUMN a INTEGER" in ddl_through_sqlalchemy
    assert columns(pg_engine, "t") == ["id", "a"]


def test_a_listener_on_the_engine_sees_every_ddl_statement(
    pg_engine, ddl_through_sqlalchemy
) -> None:
    seen: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany) -> None:
        if context.isddl:
            seen.append(statement)

    sa.event.listen(pg_engine, "before_cursor_execute", listener)
    try:
        run(pg_engine, chain(create_t, add("a")), "up", "head")
    finally:
        sa.event.remove(pg_engine, "before_cursor_execute", listener)
    assert on_t(seen)[1:] == ["ALTER TABLE t ADD COLUMN a INTEGER"]
    assert len(on_t(ddl_through_sqlalchemy)) == 2
    assert columns(pg_engine, "t") == ["id", "a"]


def test_a_listener_added_by_a_script_sees_the_statements_after_it(pg_engine) -> None:
    seen: list[str] = []

    def listen() -> None:
        def listener(conn, cursor, statement, parameters, context, executemany) -> None:
            seen.append(statement)

        sa.event.listen(op.get_bind(), "after_cursor_execute", listener)

    run(pg_engine, chain(create_t, listen, add("a")), "up", "head")
    assert "ALTER TABLE t ADD COLUMN a INTEGER" in seen


def test_the_sql_log_shows_every_ddl_statement(pg_engine, caplog) -> None:
    with caplog.at_level(logging.INFO, logger="sqlalchemy.engine.Engine"):
        run(pg_engine, chain(create_t, add("a")), "up", "head")
    logged = [record.getMessage() for record in caplog.records]
    assert "ALTER TABLE t ADD COLUMN a INTEGER" in logged
    assert columns(pg_engine, "t") == ["id", "a"]


def test_a_schema_translate_map_still_moves_the_ddl_and_the_version_table(pg_engine) -> None:
    with pg_engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA IF EXISTS mig_translated CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA mig_translated")
    try:
        translated = pg_engine.execution_options(schema_translate_map={None: "mig_translated"})
        # the map switches the direct path off: SQLAlchemy renders the mapped schema
        # (every op in the mapped schema: tests/runtime/test_schema_translate_map.py)
        run(translated, chain(create_t, index_on_t), "up", "head")
        inspector = sa.inspect(pg_engine)
        assert not inspector.has_table("t") and not inspector.has_table("mig_version")
        indexes = inspector.get_indexes("t", schema="mig_translated")
        assert [(i["name"], i["column_names"]) for i in indexes] == [("ix_t_id", ["id"])]
        # the version table moved with the map, and a second run reads it there
        with pg_engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT version_num FROM mig_translated.mig_version")
            assert rows.scalars().all() == ["r2"]
        run(translated, chain(create_t, index_on_t), "up", "head")
    finally:
        with pg_engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA mig_translated CASCADE")


def test_a_statement_the_driver_refuses_is_blamed_on_its_step(pg_engine) -> None:
    """psycopg refuses to encode a lone surrogate: the statement never reaches the server."""

    def refused() -> None:
        op.execute(sa.DDL("COMMENT ON TABLE t IS '\ud800'"))

    with pytest.raises(StepFailed) as info:
        run(pg_engine, chain(create_t, add("a"), refused, add("b")), "up", "head")
    assert info.value.revision == "r3"
    assert isinstance(info.value.__cause__, UnicodeEncodeError)
    assert heads(pg_engine) == [] and not sa.inspect(pg_engine).has_table("t")
