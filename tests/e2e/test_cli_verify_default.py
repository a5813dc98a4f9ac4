"""`mig verify` without ``--url`` verifies on the project's own kind of database.

A PostgreSQL or MariaDB project gets a ``mig_verify_<hex>`` database created on its own
server and dropped afterwards (after a failing revision too); a revision only that backend
runs (a JSONB column, a MySQL table option) passes there, where a SQLite scratch file
would fail it. When no temporary database can be made, one line asks for ``--url``.
"""

from __future__ import annotations

import re
import uuid

import pytest
import sqlalchemy as sa

from . import verify_project as vp
from .conftest import Project
from .test_cli_verify import OK_LINES, default_scratch

#: a revision only the backend itself can run (SQLite has no JSONB, no ENGINE=)
BACKEND_ONLY = {
    "postgresql": (
        'op.add_column("tags", sa.Column("extra", sa.dialects.postgresql.JSONB))',
        'op.drop_column("tags", "extra")',
    ),
    "mariadb": ('op.execute("ALTER TABLE tags ENGINE=InnoDB")', "pass"),
}


def _databases(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                rows = conn.exec_driver_sql("SELECT datname FROM pg_database")
            else:
                rows = conn.exec_driver_sql("SELECT schema_name FROM information_schema.schemata")
            return {r[0] for r in rows}
    finally:
        engine.dispose()


def _scratch_name(project: Project, out: str) -> str | None:
    match = re.fullmatch(
        f"verify: \\d+ revisions? on {default_scratch(project.url)}", out.splitlines()[0]
    )
    assert match, out
    return match.group(1) if match.groups() else None


def test_verify_runs_on_a_temporary_database_of_the_projects_kind(project: Project) -> None:
    vp.build(project)
    backend = sa.engine.make_url(project.url).get_backend_name()
    lines = OK_LINES
    if backend in BACKEND_ONLY:
        vp.write_revision(project, "g00007", "f00006", "backend only", *BACKEND_ONLY[backend])
        lines = [*OK_LINES, "ok      g00007  backend only"]

    out = project.mig("verify").out
    name = _scratch_name(project, out)
    assert out.splitlines()[1:-1] == lines
    assert project.table_names() == set()  # the project's database is not the scratch one
    if name is not None:
        assert name not in _databases(project.url)  # dropped after success

    vp.forget_to_drop_body(project)
    result = project.mig("verify", code=1)
    name = _scratch_name(project, result.out)
    assert "FAILED  c00003  body and slug (downgrade)" in result.out
    if name is not None:
        assert name not in _databases(project.url)  # dropped after a failing revision
    assert project.table_names() == set()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "postgresql+psycopg://nobody@127.0.0.1:1/app",
            r"mig: error: verify: no --url, and cannot connect to "
            r"postgresql\+psycopg://nobody@127\.0\.0\.1:1 to create one \(.+\); pass --url with "
            r"an empty postgresql database to verify on \(verify never switches to another "
            r"kind of database\)",
        ),
        (
            "mssql+pyodbc://app@db/app",
            r"mig: error: verify: no --url, and mig cannot create a temporary mssql database; "
            r"pass --url with an empty mssql database to verify on \(verify never switches "
            r"to another kind of database\)",
        ),
    ],
    ids=["server-down", "no-creator"],
)
def test_no_temporary_database_asks_for_url_in_one_line(tmp_path, url: str, expected: str) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    project = Project(root, url, in_process=True)
    project.init()
    vp.write_revision(
        project,
        "a00001",
        None,
        "t",
        'op.create_table("t", sa.Column("id", sa.Integer))',
        'op.drop_table("t")',
    )
    err = project.mig("verify", code=2).err
    assert len(err.strip().splitlines()) == 1, err
    assert re.fullmatch(expected, err.strip()), err


def _restricted_user(conn: sa.Connection, name: str, database: str) -> None:
    """A login that may use ``database`` but create none."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"CREATE ROLE {name} LOGIN NOCREATEDB")
        conn.exec_driver_sql(f"GRANT ALL ON SCHEMA public TO {name}")
    else:
        conn.exec_driver_sql(f"CREATE USER '{name}'@'%%'")
        conn.exec_driver_sql(f"GRANT ALL ON `{database}`.* TO '{name}'@'%%'")


def _drop_user(conn: sa.Connection, name: str) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"DROP OWNED BY {name}")
        conn.exec_driver_sql(f"DROP ROLE {name}")
    else:
        conn.exec_driver_sql(f"DROP USER '{name}'@'%%'")


def test_a_user_who_may_not_create_databases_is_asked_for_url(project: Project) -> None:
    backend = sa.engine.make_url(project.url).get_backend_name()
    if backend == "sqlite":
        pytest.skip("a SQLite project's scratch database is a file: no right to create one")
    user = f"mig_h6_nocreate_{uuid.uuid4().hex[:8]}"
    server = sa.engine.make_url(project.url)
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        _restricted_user(conn, user, server.database)
    try:
        url = server.set(username=user, password=None)
        project.url = url.render_as_string(hide_password=False)
        project.init()
        vp.write_revision(
            project,
            "a00001",
            None,
            "t",
            'op.create_table("t", sa.Column("id", sa.Integer))',
            'op.drop_table("t")',
        )
        err = project.mig("verify", code=2).err.strip()
        assert len(err.splitlines()) == 1, err
        denied = "permission denied" if backend == "postgresql" else "Access denied"
        assert err.startswith(
            f"mig: error: verify: no --url, and {url._replace(database=None).render_as_string()} "
            f"does not let this user create a temporary database ("
        ), err
        assert denied in err, err
        assert err.endswith(
            f"); pass --url with an empty {backend} database to verify on "
            "(verify never switches to another kind of database)"
        ), err
    finally:
        with admin.connect() as conn:
            _drop_user(conn, user)
        admin.dispose()
