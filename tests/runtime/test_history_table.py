"""The history table on each live backend: one row per upgrade, downgrade and stamp, with the
script's checksum, its own duration, the database user; nothing for a rolled-back step; the
offline text; the name option and adopting alembic_version."""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from steps_source import Chain, ChainStep, blog_chain

from mig.ops import op
from mig.runtime import EnvironmentContext, StepFailed, __version__, context
from mig.runtime.history import HistoryTable, applied_revisions

COLUMNS = [
    "id",
    "revision",
    "direction",
    "checksum",
    "applied_at",
    "duration_ms",
    "applied_by",
    "mig_version",
]


@dataclass(frozen=True)
class FakeScript:
    path: str


class FileChain(Chain):
    """A chain whose steps carry a ``script`` with a ``path``, as mig.scripts' steps do."""

    def __init__(self, revisions, folder: Path) -> None:
        super().__init__(revisions)
        self.paths = {}
        for rev, *_ in revisions:
            path = folder / f"{rev}_script.py"
            path.write_text(f'"""revision {rev}"""\n')
            self.paths[rev] = str(path)

    def _wrap(self, steps):
        return [FileStep(**vars(s), script=FakeScript(self.paths[s.revision])) for s in steps]

    def plan_upgrade(self, current_heads, destination):
        return self._wrap(super().plan_upgrade(current_heads, destination))

    def plan_downgrade(self, current_heads, destination):
        return self._wrap(super().plan_downgrade(current_heads, destination))


@dataclass(frozen=True)
class FileStep(ChainStep):
    script: FakeScript | None = None


def run(engine, source, direction, destination, **configure):
    def plan(heads, ctx):
        if direction == "up":
            return source.plan_upgrade(heads, destination)
        return source.plan_downgrade(heads, destination)

    with EnvironmentContext(None, source, fn=plan), engine.connect() as connection:
        context.configure(connection=connection, **configure)
        with context.begin_transaction():
            context.run_migrations()


def entries(engine, name="mig_version_history"):
    with engine.connect() as conn:
        return HistoryTable(name=name).entries(conn)


def database_user(engine) -> str:
    if engine.dialect.name == "sqlite":
        return getpass.getuser()
    expression = {"postgresql": "SELECT current_user", "mariadb": "SELECT CURRENT_USER()"}
    with engine.connect() as conn:
        return conn.exec_driver_sql(expression[engine.dialect.name]).scalar()


def sha256(path: str) -> str:
    return "sha256:" + hashlib.sha256(Path(path).read_bytes()).hexdigest()


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


@pytest.mark.parametrize("per_migration", [False, True], ids=["one-transaction", "per-migration"])
def test_upgrade_and_downgrade_write_one_row_per_step(
    engine: sa.Engine, tmp_path: Path, per_migration: bool
) -> None:
    chain = FileChain(blog_chain(pause=0.06).revisions, tmp_path)
    started = utc_now()
    run(engine, chain, "up", "head", transaction_per_migration=per_migration)
    run(engine, chain, "down", "r1", transaction_per_migration=per_migration)
    finished = utc_now()

    assert [c["name"] for c in sa.inspect(engine).get_columns("mig_version_history")] == COLUMNS
    rows = entries(engine)
    assert [(e.revision, e.direction) for e in rows] == [
        ("r1", "up"),
        ("r2", "up"),
        ("r3", "up"),
        ("r3", "down"),
        ("r2", "down"),
    ]
    assert [e.id for e in rows] == sorted(e.id for e in rows)
    assert [e.checksum for e in rows] == [sha256(chain.paths[e.revision]) for e in rows]
    user = database_user(engine)
    assert {e.applied_by for e in rows} == {user}
    assert {e.mig_version for e in rows} == {__version__}
    for e in rows:
        assert started <= e.applied_at <= finished
    ups = [e for e in rows if e.direction == "up"]
    # each step's own time (each sleeps 60 ms), also when the rows are written at the end
    assert all(60 <= e.duration_ms < 5000 for e in ups)
    assert all(0 <= e.duration_ms < 5000 for e in rows if e.direction == "down")
    assert sorted(applied_revisions(rows)) == ["r1"]


@pytest.mark.parametrize("per_migration", [False, True], ids=["one-transaction", "per-migration"])
def test_failed_step_has_no_row(engine: sa.Engine, per_migration: bool) -> None:
    chain = blog_chain()

    def broken():
        op.add_column("authors", sa.Column("email", sa.String(100)))
        op.execute("INSERT INTO no_such_table VALUES (1)")

    chain.revisions[1] = ("r2", broken, chain.revisions[1][2])
    with pytest.raises(StepFailed):
        run(engine, chain, "up", "head", transaction_per_migration=per_migration)
    if not sa.inspect(engine).has_table("mig_version_history"):
        got = []  # the first run rolled back, table and all
    else:
        got = [(e.revision, e.direction) for e in entries(engine)]
    if engine.dialect.name != "mariadb" and not per_migration:
        assert got == []  # the whole run rolled back, history with it
    else:
        assert got == [("r1", "up")]  # r1 committed with its row; r2 left none


def test_stamp_rows(engine: sa.Engine) -> None:
    chain = blog_chain()
    with EnvironmentContext(None, chain), engine.connect() as connection:
        context.configure(connection=connection)
        context.get_context().stamp(["r2"])
        context.get_context().stamp(["r1"])
    rows = entries(engine)
    assert [(e.revision, e.direction, e.checksum) for e in rows] == [
        ("r2", "stamp", None),
        ("r1", "stamp", None),
    ]
    assert {e.applied_by for e in rows} == {database_user(engine)}
    assert applied_revisions(rows) == {}  # a stamp ran no script


def test_steps_without_a_source_file_have_no_checksum(engine: sa.Engine) -> None:
    run(engine, blog_chain(), "up", "r1")
    assert [(e.revision, e.checksum) for e in entries(engine)] == [("r1", None)]


def test_name_option_and_turning_it_off(engine: sa.Engine) -> None:
    chain = blog_chain()
    run(engine, chain, "up", "r1", history_table="deploy_log")
    inspector = sa.inspect(engine)
    assert inspector.has_table("deploy_log")
    assert not inspector.has_table("mig_version_history")
    assert [e.revision for e in entries(engine, "deploy_log")] == ["r1"]
    run(engine, chain, "up", "r2", history_table=False)
    assert [e.revision for e in entries(engine, "deploy_log")] == ["r1"]  # nothing written
    assert not sa.inspect(engine).has_table("mig_version_history")


def test_a_bad_name_is_one_line(engine: sa.Engine) -> None:
    with pytest.raises(Exception, match=r"^configure\(history_table=42\): give a table name"):
        run(engine, blog_chain(), "up", "r1", history_table=42)


def test_adopted_alembic_version_gets_its_history_beside_it(engine: sa.Engine) -> None:
    with engine.begin() as conn:  # a database Alembic left at r1
        conn.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        conn.exec_driver_sql("INSERT INTO alembic_version (version_num) VALUES ('r1')")
        conn.exec_driver_sql("CREATE TABLE authors (id INTEGER PRIMARY KEY, name VARCHAR(50))")
        conn.exec_driver_sql("CREATE TABLE applied_log (revision VARCHAR(32))")
    run(engine, blog_chain(), "up", "r2", version_table="alembic_version")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "r2"
    assert [(e.revision, e.direction) for e in entries(engine, "alembic_version_history")] == [
        ("r2", "up")
    ]


def test_offline_sql_has_the_table_and_a_row_per_step(tmp_path: Path) -> None:
    def up():
        op.execute("CREATE TABLE t (id INTEGER)")

    def down():
        op.execute("DROP TABLE t")

    chain = FileChain([("r1", up, down)], tmp_path)
    buffer = io.StringIO()
    with EnvironmentContext(None, chain, as_sql=True, fn=lambda h, c: chain.plan_upgrade(h, "r1")):
        context.configure(url="postgresql://", output_buffer=buffer)
        with context.begin_transaction():
            context.run_migrations()
    assert buffer.getvalue() == (
        "BEGIN;\n\n"
        "CREATE TABLE mig_version (\n    version_num VARCHAR(32) NOT NULL, \n"
        "    CONSTRAINT mig_version_pkc PRIMARY KEY (version_num)\n);\n\n"
        "CREATE TABLE mig_version_history (\n    id SERIAL NOT NULL, \n"
        "    revision VARCHAR(255) NOT NULL, \n    direction VARCHAR(8) NOT NULL, \n"
        "    checksum VARCHAR(80), \n    applied_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, \n"
        "    duration_ms INTEGER, \n    applied_by VARCHAR(255), \n"
        "    mig_version VARCHAR(32), \n    PRIMARY KEY (id)\n);\n\n"
        "-- Running upgrade  -> r1\n\n"
        "CREATE TABLE t (id INTEGER);\n\n"
        "INSERT INTO mig_version (version_num) VALUES ('r1');\n\n"
        "INSERT INTO mig_version_history (revision, direction, checksum, applied_at, "
        "duration_ms, applied_by, mig_version) VALUES ('r1', 'up', "
        f"'{sha256(chain.paths['r1'])}', (now() AT TIME ZONE 'utc'), NULL, current_user, "
        f"'{__version__}');\n\n"
        "COMMIT;\n\n"
    )


def test_offline_history_off_writes_no_history_sql() -> None:
    chain = blog_chain()
    buffer = io.StringIO()
    with EnvironmentContext(None, chain, as_sql=True, fn=lambda h, c: chain.plan_upgrade(h, "r1")):
        context.configure(url="mariadb://", output_buffer=buffer, history_table=False)
        with context.begin_transaction():
            context.run_migrations()
    assert "history" not in buffer.getvalue()
