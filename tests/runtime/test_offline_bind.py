"""Offline (``--sql``) ``op.get_bind()`` / ``context.get_bind()``: the dialect and URL are
there, statements run through the bind are written like ``op.execute``, and anything that
needs an answer from the database fails with one line naming the revision and the call."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from steps_source import Chain

from mig.ops import op
from mig.runtime import ConfigurationError, EnvironmentContext, StepFailed, context

NOTES = sa.table("notes", sa.column("id", sa.Integer), sa.column("body", sa.String))

NEEDS_A_DATABASE = (
    "offline (--sql) mode has no database to answer it "
    "(test context.is_offline_mode() to skip this part of the migration)"
)


def offline(
    url: str, upgrade: Callable[[], None], env_py: Callable[[], None] = lambda: None, **configure
) -> str:
    """An offline run of one step (r0 -> r1, a range: no version-table DDL); the SQL text."""
    source = Chain([("r0", lambda: None, lambda: None), ("r1", upgrade, lambda: None)])
    buffer = io.StringIO()
    with EnvironmentContext(
        None, source, as_sql=True, starting_rev="r0", fn=lambda h, c: source.plan_upgrade(h, "head")
    ):
        context.configure(url=url, output_buffer=buffer, history_table=False, **configure)
        env_py()
        with context.begin_transaction():
            context.run_migrations()
    return buffer.getvalue()


def write_through_the_bind() -> None:
    bind = op.get_bind()
    bind.execute(sa.text("UPDATE notes SET body = 'x' WHERE id = 1"))
    bind.execute(NOTES.insert().values(id=2, body="it's"))
    bind.execute(NOTES.insert(), [{"id": 3, "body": "c"}, {"id": 4, "body": "d"}])
    bind.execute(sa.text("DELETE FROM notes WHERE id = :id"), {"id": 5})
    bind.exec_driver_sql("UPDATE notes SET body = '10:30 50%' WHERE id = 6")
    metadata = sa.MetaData()
    sa.Table("extra", metadata, sa.Column("id", sa.Integer, primary_key=True))
    metadata.create_all(bind)


BODY = (
    "-- Running upgrade r0 -> r1\n\n"
    "UPDATE notes SET body = 'x' WHERE id = 1;\n\n"
    "INSERT INTO notes (id, body) VALUES (2, 'it''s');\n\n"
    "INSERT INTO notes (id, body) VALUES (3, 'c');\n\n"
    "INSERT INTO notes (id, body) VALUES (4, 'd');\n\n"
    "DELETE FROM notes WHERE id = 5;\n\n"
    "UPDATE notes SET body = '10:30 50%' WHERE id = 6;\n\n"
    "CREATE TABLE extra (\n    id {id}, \n    PRIMARY KEY (id)\n);\n\n"
    "UPDATE mig_version SET version_num='r1' WHERE mig_version.version_num = 'r0';\n\n"
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "postgresql://",
            "BEGIN;\n\n" + BODY.format(id="SERIAL NOT NULL") + "COMMIT;\n\n",
        ),
        ("mysql+pymysql://", BODY.format(id="INTEGER NOT NULL AUTO_INCREMENT")),
    ],
    ids=["postgresql", "mysql"],
)
def test_statements_through_the_bind_are_written(url: str, expected: str) -> None:
    assert offline(url, write_through_the_bind) == expected


@pytest.mark.parametrize("url", ["postgresql+psycopg://scott@db.example/app", "mysql+pymysql://"])
def test_bind_has_the_dialect_and_the_url(url: str) -> None:
    seen: dict[str, object] = {}

    def upgrade() -> None:
        bind = op.get_bind()
        seen.update(
            bind=bind,
            context_bind=op.get_context().bind,
            connection=op.get_context().connection,
            name=bind.dialect.name,
            version=bind.dialect.server_version_info,
            engine_url=str(bind.engine.url),
            engine_name=bind.engine.name,
            is_offline=context.is_offline_mode(),
        )

    offline(url, upgrade, server_version_info=(16, 2))
    assert seen["bind"] is seen["context_bind"] is seen["connection"]
    assert seen["name"] == sa.engine.make_url(url).get_backend_name()
    assert seen["version"] == (16, 2)
    assert seen["engine_url"] == url
    assert seen["engine_name"] == seen["name"]
    assert seen["is_offline"] is True


def test_server_version_is_none_unless_configured() -> None:
    seen = []
    offline("postgresql://", lambda: seen.append(op.get_bind().dialect.server_version_info))
    assert seen == [None]


def _count() -> sa.TextClause:
    return sa.text("SELECT count(*) FROM notes")


READS = {
    "fetchall": (
        lambda b: b.execute(_count()).fetchall(),
        "bind.execute(SELECT count(*) FROM notes).fetchall",
    ),
    "scalar": (
        lambda b: b.execute(_count()).scalar(),
        "bind.execute(SELECT count(*) FROM notes).scalar",
    ),
    "first": (
        lambda b: b.execute(_count()).first(),
        "bind.execute(SELECT count(*) FROM notes).first",
    ),
    "rowcount": (
        lambda b: b.execute(sa.text("DELETE FROM notes")).rowcount,
        "bind.execute(DELETE FROM notes).rowcount",
    ),
    "iterate": (
        lambda b: list(b.execute(_count())),
        "iterating over bind.execute(SELECT count(*) FROM notes)",
    ),
    "driver_sql": (
        lambda b: b.exec_driver_sql("SELECT 1").one(),
        "bind.exec_driver_sql('SELECT 1').one",
    ),
    "bind.scalar": (lambda b: b.scalar(_count()), "bind.scalar(SELECT count(*) FROM notes)"),
    "inspect": (lambda b: sa.inspect(b).get_table_names(), "sa.inspect(bind)"),
    "has_table": (lambda b: sa.inspect(b).has_table("notes"), "sa.inspect(bind)"),
}


@pytest.mark.parametrize("name", sorted(READS))
@pytest.mark.parametrize("url", ["postgresql://", "mysql+pymysql://"])
def test_reading_a_result_fails_naming_revision_and_call(url: str, name: str) -> None:
    read, call = READS[name]
    with pytest.raises(StepFailed) as info:
        offline(url, lambda: read(op.get_bind()))
    assert str(info.value) == f"upgrade of revision r1 failed: {call}: {NEEDS_A_DATABASE}"


def test_context_get_bind_in_env_py_writes_too() -> None:
    def env_py() -> None:
        bind = context.get_bind()
        assert bind.dialect.name == "postgresql"
        bind.execute(sa.text("SET lock_timeout = '5s'"))

    sql = offline("postgresql://", lambda: None, env_py)
    assert sql == (
        "SET lock_timeout = '5s';\n\n"
        "BEGIN;\n\n"
        "-- Running upgrade r0 -> r1\n\n"
        "UPDATE mig_version SET version_num='r1' WHERE mig_version.version_num = 'r0';\n\n"
        "COMMIT;\n\n"
    )


def test_reading_in_env_py_is_a_one_line_configuration_error() -> None:
    """Outside a step there is no revision to name: the call is named, as a usage error."""

    def env_py() -> None:
        context.get_bind().execute(sa.text("SHOW server_version")).scalar()

    with pytest.raises(ConfigurationError) as info:
        offline("postgresql://", lambda: None, env_py)
    assert str(info.value) == f"bind.execute(SHOW server_version).scalar: {NEEDS_A_DATABASE}"


def test_plain_string_and_driver_parameters_are_refused_in_one_line() -> None:
    with pytest.raises(StepFailed) as info:
        offline("postgresql://", lambda: op.get_bind().execute("DELETE FROM notes"))
    assert str(info.value) == (
        "upgrade of revision r1 failed: bind.execute('DELETE FROM notes'): pass sa.text(...) "
        "as SQLAlchemy requires, or use op.execute(...)"
    )
    with pytest.raises(StepFailed) as info:
        offline(
            "postgresql://",
            lambda: op.get_bind().exec_driver_sql("DELETE FROM notes WHERE id = %s", (1,)),
        )
    assert str(info.value) == (
        "upgrade of revision r1 failed: bind.exec_driver_sql('DELETE FROM notes WHERE id = %s', "
        "...): offline (--sql) mode cannot send parameters; put the values in the SQL text"
    )


def test_a_bad_server_version_names_the_option() -> None:
    with pytest.raises(ConfigurationError) as info:
        offline("postgresql://", lambda: None, server_version_info="16")
    assert str(info.value) == (
        "configure(server_version_info='16'): give the version as numbers, e.g. (16, 2)"
    )
