"""A run's history rows written by COPY (mig/runtime/history_copy.py), PostgreSQL on psycopg.

The rows read back must be the ones executemany writes, whatever the values hold; COPY is
taken only while nothing would miss it (a listener sees an INSERT instead); a failure is
SQLAlchemy's wrapped error; other databases keep executemany. The run that checks COPY is
taken runs in a fresh interpreter: a library another test imports may listen on every
Engine (geoalchemy2 does), and then, rightly, COPY is never taken in this process.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from test_ddl_pipeline import add, chain, create_t
from test_run import run

from mig.runtime.history import HistoryTable, history_row
from mig.runtime.history_copy import can_copy, copy_rows, write_by_copy

AWKWARD = ["tab\there", "new\nline", "back\\slash", "quote ' \"", "ünïcødé €", "\\N", ""]


def rows(n: int = 3) -> list[dict]:
    out = [history_row(f"r{i}", "up", f"sha256:{i:064x}", i / 1000, "root") for i in range(n)]
    out[1]["checksum"] = None
    out[1]["duration_ms"] = None
    return out


def read_back(connection: sa.Connection, table: sa.Table) -> list[tuple]:
    cols = [c for c in table.c if c.name != "id"]
    return [tuple(r) for r in connection.execute(sa.select(*cols).order_by(table.c.id))]


@pytest.fixture
def history(engine: sa.Engine):
    table = HistoryTable("hist_copy_test").table
    with engine.begin() as conn:
        table.drop(conn, checkfirst=True)
        table.create(conn)
    yield table
    with engine.begin() as conn:
        table.drop(conn, checkfirst=True)


def test_copy_writes_exactly_what_executemany_writes(engine, history) -> None:
    if engine.dialect.driver != "psycopg":
        pytest.skip("COPY is taken on psycopg only")
    written = rows(len(AWKWARD))
    for row, text in zip(written, AWKWARD, strict=True):
        row["revision"] = row["applied_by"] = text
    with engine.begin() as conn:
        write_by_copy(conn, history, list(written[0]), written)
        by_copy = read_back(conn, history)
        conn.execute(history.delete())
        conn.execute(history.insert().inline(), written)
        by_insert = read_back(conn, history)
    assert by_copy == by_insert
    assert [r[0] for r in by_copy] == AWKWARD
    assert by_copy[1][2] is None and by_copy[1][4] is None
    assert isinstance(by_copy[0][3], dt.datetime)


def test_a_listener_gets_the_insert_instead(engine, history) -> None:
    seen: list[str] = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    with engine.begin() as conn:
        sa.event.listen(conn, "before_cursor_execute", listen)
        assert not can_copy(conn)
        assert copy_rows(conn, history, rows()) is False
        HistoryTable("hist_copy_test").insert_rows(conn, rows())
        assert len(read_back(conn, history)) == 3
    assert any(s.startswith("INSERT INTO hist_copy_test") for s in seen)


def test_other_databases_keep_executemany(engine) -> None:
    if engine.dialect.driver == "psycopg":
        pytest.skip("this is about the other drivers")
    with engine.connect() as conn:
        assert not can_copy(conn)


def test_a_failed_copy_is_sqlalchemys_error(engine) -> None:
    if engine.dialect.driver != "psycopg":
        pytest.skip("COPY is taken on psycopg only")
    missing = HistoryTable("no_such_history_table").table
    with engine.connect() as conn, pytest.raises(sa.exc.ProgrammingError) as caught:
        write_by_copy(conn, missing, list(rows()[0]), rows())
    assert "COPY no_such_history_table (revision, direction" in str(caught.value)
    assert "does not exist" in str(caught.value)


_RUN = """
import json, sys
sys.path.insert(0, sys.argv[2])
import sqlalchemy as sa
from test_ddl_pipeline import add, chain, create_t
from test_run import run
import mig.runtime.history_copy as history_copy

copied = []
real = history_copy.copy_rows

def counting(connection, table, rows):
    done = real(connection, table, rows)
    copied.append([table.name, len(rows), done])
    return done

history_copy.copy_rows = counting
import mig.runtime.history as history
history.copy_rows = counting
engine = sa.create_engine(sys.argv[1])
run(engine, chain(create_t, add("a"), add("b")), "up", "head", history_table=True)
print(json.dumps(copied))
"""


def test_a_one_transaction_run_writes_its_history_by_copy(engine) -> None:
    if engine.dialect.driver != "psycopg":
        pytest.skip("COPY is taken on psycopg only")
    url = engine.url.render_as_string(hide_password=False)
    proc = subprocess.run(
        [sys.executable, "-c", _RUN, url, str(Path(__file__).parent)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == [["mig_version_history", 3, True]]
    with engine.connect() as conn:
        got = conn.exec_driver_sql(
            "SELECT revision, direction, applied_by = current_user FROM mig_version_history "
            "ORDER BY id"
        ).all()
    assert [tuple(r) for r in got] == [("r1", "up", True), ("r2", "up", True), ("r3", "up", True)]


def test_the_same_run_with_a_listener_records_the_same_rows(engine) -> None:
    seen: list[str] = []

    @sa.event.listens_for(engine, "before_cursor_execute")
    def listen(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    run(engine, chain(create_t, add("a"), add("b")), "up", "head", history_table=True)
    with engine.connect() as conn:
        got = conn.exec_driver_sql(
            "SELECT revision, direction FROM mig_version_history ORDER BY id"
        ).all()
    assert [tuple(r) for r in got] == [("r1", "up"), ("r2", "up"), ("r3", "up")]
    assert any(s.startswith("INSERT INTO mig_version_history") for s in seen)
