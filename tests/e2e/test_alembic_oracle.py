"""An unchanged Alembic project builds, on mig, the database Alembic builds.

Alembic is the oracle and never a dependency: the test installs Alembic (pinned) into a
scratch virtual environment, uses it only to write the project (``alembic init``) and to
build the reference databases, and runs mig on the very same files with
``mig -c alembic.ini``. The two databases are then compared by their catalogs, read as
the database keeps them (``sqlite_master``'s SQL, ``SHOW CREATE TABLE``, PostgreSQL's
``pg_get_constraintdef`` / ``pg_indexes`` / ``pg_enum`` / information_schema), together with
every table's rows and the version rows: equal, not similar.

``MIG_ALEMBIC_ORACLE`` may name an existing ``alembic`` executable to skip the install
(local runs); CI installs it.
"""

from __future__ import annotations

import difflib
import os
import pprint
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from .alembic_history import HISTORY, write_history
from .conftest import MIG

ALEMBIC_VERSION = "1.20.1"
MIG_OWN_TABLES = {"alembic_version_history"}


@pytest.fixture(scope="session")
def alembic_exe(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Alembic in a scratch venv that borrows this interpreter's SQLAlchemy and drivers."""
    given = os.environ.get("MIG_ALEMBIC_ORACLE")
    if given:
        return given
    venv = tmp_path_factory.mktemp("alembic-oracle") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [venv / "bin" / "pip", "install", "-q", "--no-deps", f"alembic=={ALEMBIC_VERSION}"],
        check=True,
    )
    # SQLAlchemy, Mako and the drivers come from the test interpreter (a plain path entry:
    # the editable mig installs, which need their .pth files processed, stay invisible).
    (site,) = (venv / "lib").glob("python3*/site-packages")
    (site / "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return str(venv / "bin" / "alembic")


def _fresh_database(server: sa.URL, name: str, tmp_path: Path) -> str:
    backend = server.get_backend_name()
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / (name + '.db')}"
    eng = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with eng.connect() as conn:
            if backend == "postgresql":
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
            else:
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{name}`")
                conn.exec_driver_sql(f"CREATE DATABASE `{name}`")
    finally:
        eng.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def _project(alembic: str, root: Path, url: str) -> Path:
    """What a user has: `alembic init`, sqlalchemy.url set, the revisions in versions/."""
    root.mkdir()
    subprocess.run(
        [alembic, "init", "-t", "generic", "migrations"],
        cwd=root,
        check=True,
        capture_output=True,
    )
    ini = root / "alembic.ini"
    lines = [
        f"sqlalchemy.url = {url}" if line.startswith("sqlalchemy.url") else line
        for line in ini.read_text().splitlines()
    ]
    ini.write_text("\n".join(lines) + "\n")
    write_history(root / "migrations" / "versions")
    return root


def _run(tool: list[str], cwd: Path, *args: str) -> str:
    proc = subprocess.run(
        [*tool, *args], cwd=cwd, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}
    )
    assert proc.returncode == 0, (
        f"{' '.join([Path(tool[0]).name, *tool[1:], *args])} exited {proc.returncode}\n"
        f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    )
    return proc.stdout


def _tables(conn: sa.Connection) -> list[str]:
    names = sa.inspect(conn).get_table_names()
    return sorted(n for n in names if n not in MIG_OWN_TABLES)


def _rows(conn: sa.Connection, table: str) -> list[tuple[Any, ...]]:
    quoted = conn.dialect.identifier_preparer.quote(table)
    result = conn.exec_driver_sql(f"SELECT * FROM {quoted}")
    return sorted((tuple(r) for r in result), key=repr)


def _table_sql(sql: str | None) -> Any:
    """A table's CREATE TABLE as SQLite keeps it, its constraint lines as a set.

    The columns stay in order, every line stays exact; only the order of the table
    constraints is left out: Alembic's rebuild declares them in the order of a Python set
    of constraint objects (``Table.constraints``), which is no property of the schema.
    """
    if sql is None or not sql.startswith("CREATE TABLE"):
        return sql
    lines = [line.rstrip().removesuffix(",").rstrip() for line in sql.splitlines()]
    constraints = sorted(line for line in lines if line.lstrip().startswith("CONSTRAINT"))
    return ([line for line in lines if not line.lstrip().startswith("CONSTRAINT")], constraints)


def _sqlite_catalog(conn: sa.Connection) -> list[tuple[Any, ...]]:
    return [
        (*r[:3], _table_sql(r[3]))
        for r in conn.exec_driver_sql(
            "SELECT type, name, tbl_name, sql FROM sqlite_master "
            "WHERE name NOT LIKE 'sqlite_%' AND tbl_name NOT IN ('alembic_version_history') "
            "ORDER BY type, name"
        )
    ]


def _mariadb_catalog(conn: sa.Connection) -> dict[str, str]:
    return {t: conn.exec_driver_sql(f"SHOW CREATE TABLE `{t}`").one()[1] for t in _tables(conn)}


_PG_QUERIES = {
    "columns": (
        "SELECT table_name, ordinal_position, column_name, data_type, udt_name,"
        " character_maximum_length, is_nullable, column_default,"
        " col_description((quote_ident(table_schema) || '.' || quote_ident(table_name))"
        "::regclass, ordinal_position::int)"
        " FROM information_schema.columns WHERE table_schema = 'public'"
        " AND table_name <> 'alembic_version_history' ORDER BY 1, 2"
    ),
    "constraints": (
        "SELECT c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid)"
        " FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace"
        " WHERE n.nspname = 'public' AND c.conrelid::regclass::text <> 'alembic_version_history'"
        " ORDER BY 1, 2"
    ),
    "indexes": (
        "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
        " AND tablename <> 'alembic_version_history' ORDER BY 1, 2"
    ),
    "enums": (
        "SELECT t.typname, e.enumsortorder, e.enumlabel FROM pg_type t"
        " JOIN pg_enum e ON e.enumtypid = t.oid ORDER BY 1, 2"
    ),
    "sequences": (
        "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"
        " AND sequencename <> 'alembic_version_history_id_seq' ORDER BY 1"
    ),
}


def _postgresql_catalog(conn: sa.Connection) -> dict[str, list[tuple[Any, ...]]]:
    return {
        key: [tuple(r) for r in conn.exec_driver_sql(query)] for key, query in _PG_QUERIES.items()
    }


_CATALOGS = {
    "sqlite": _sqlite_catalog,
    "mariadb": _mariadb_catalog,
    "mysql": _mariadb_catalog,
    "postgresql": _postgresql_catalog,
}


def snapshot(url: str) -> dict[str, Any]:
    """The database as its catalog holds it, every table's rows, and the version rows."""
    eng = sa.create_engine(url)
    try:
        with eng.connect() as conn:
            tables = _tables(conn)
            return {
                "tables": tables,
                "catalog": _CATALOGS[conn.dialect.name](conn),
                "rows": {t: _rows(conn, t) for t in tables},
            }
    finally:
        eng.dispose()


def _lines(value: Any) -> list[str]:
    text = pprint.pformat(value, width=100)
    return text.replace("\\n", "\n").splitlines()


def _assert_same(reference: dict[str, Any], subject: dict[str, Any], when: str) -> None:
    """Equal, or a failure that shows the lines where mig's database differs from Alembic's."""
    if subject == reference:
        return
    diff = difflib.unified_diff(
        _lines(reference), _lines(subject), "alembic", "mig", lineterm="", n=2
    )
    pytest.fail(f"{when}: the databases differ\n" + "\n".join(diff), pytrace=False)


@pytest.fixture
def projects(engine: sa.Engine, tmp_path: Path, alembic_exe: str) -> dict[str, Any]:
    server = engine.url
    base = (server.database or "mig").replace("/", "_").rsplit(".", 1)[0][-20:]
    ref_url = _fresh_database(server, f"{base}_oracle_alembic", tmp_path)
    mig_url = _fresh_database(server, f"{base}_oracle_mig", tmp_path)
    return {
        "alembic": [alembic_exe],
        "mig": MIG,
        "ref_url": ref_url,
        "mig_url": mig_url,
        "ref": _project(alembic_exe, tmp_path / "with_alembic", ref_url),
        "subject": _project(alembic_exe, tmp_path / "with_mig", mig_url),
        "server": server,
        "tmp": tmp_path,
    }


def _both(p: dict[str, Any], *args: str) -> None:
    _run(p["alembic"], p["ref"], *args)
    _run([p["mig"], "-c", "alembic.ini"], p["subject"], *args)


def test_the_history_is_what_the_test_says() -> None:
    assert len(HISTORY) == 20
    assert sum(isinstance(r.down, tuple) for r in HISTORY) == 1  # one merge
    assert sum(r.branch_labels is not None for r in HISTORY) == 1


def test_upgrade_and_downgrade_build_the_database_alembic_builds(projects) -> None:
    """Compared after every upgrade step, and at points down to base."""
    p = projects
    for revision in HISTORY:
        _both(p, "upgrade", revision.rev)
        _assert_same(snapshot(p["ref_url"]), snapshot(p["mig_url"]), f"upgrade to {revision.rev}")
    reference = snapshot(p["ref_url"])
    assert reference["rows"]["alembic_version"] == [("d19",)]
    assert reference["rows"]["users"][0][1] == "50% off"
    for command, target in [
        ("downgrade", "tags@-1"),
        ("upgrade", "heads"),
        ("downgrade", "d15"),
        ("downgrade", "d11"),
        ("downgrade", "a09"),
        ("downgrade", "a03"),
        ("downgrade", "base"),
    ]:
        _both(p, command, target)
        _assert_same(snapshot(p["ref_url"]), snapshot(p["mig_url"]), f"{command} {target}")
    assert snapshot(p["mig_url"])["tables"] == ["alembic_version"]


def _apply_sql_file(server: sa.URL, url: str, path: Path) -> None:
    target = sa.engine.make_url(url)
    if server.get_backend_name() == "postgresql":
        command = [
            "psql",
            "-h",
            target.host or "127.0.0.1",
            "-p",
            str(target.port or 5432),
            "-U",
            target.username or "root",
            "-d",
            target.database,
            "-v",
            "ON_ERROR_STOP=1",
            "-q",
            "-f",
            str(path),
        ]
    else:
        command = [
            "mariadb",
            "-h",
            target.host or "127.0.0.1",
            "-P",
            str(target.port or 3306),
            "-u",
            target.username or "root",
            target.database,
            "-e",
            f"source {path}",
        ]
    proc = subprocess.run(command, capture_output=True, text=True)
    assert proc.returncode == 0, f"{path.name} failed:\n{proc.stdout}\n{proc.stderr}"


def test_offline_sql_builds_the_database_alembic_builds(projects) -> None:
    p = projects
    server = p["server"]
    if server.get_backend_name() == "sqlite":
        # Batch blocks on SQLite read the live table; offline they need copy_from, as in
        # Alembic. The SQLite file is checked online above.
        ran = _run([p["mig"], "-c", "alembic.ini"], p["subject"], "upgrade", "a02", "--sql")
        assert "CREATE TABLE posts" in ran
        return
    base = (server.database or "mig")[-20:]
    for tool, folder in (("alembic", "ref"), ("mig", "subject")):
        prefix = p["alembic"] if tool == "alembic" else [p["mig"], "-c", "alembic.ini"]
        sql = _run(prefix, p[folder], "upgrade", "heads", "--sql")
        path = p["tmp"] / f"{tool}.sql"
        path.write_text(sql)
        url = _fresh_database(server, f"{base}_oracle_sql_{tool}", p["tmp"])
        _apply_sql_file(server, url, path)
        p[f"{tool}_sql_url"] = url
    _assert_same(snapshot(p["alembic_sql_url"]), snapshot(p["mig_sql_url"]), "offline")


def _diff_lines(text: str) -> list[str]:
    return [
        line
        for line in text.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


_ADOPTED_LINES = {
    "-[alembic]",
    "+[mig]",
    "+# mig adopt: carry on with the version table Alembic has been writing",
    "+version_table = alembic_version",
    "-from alembic import context",
    "+from mig.runtime import context",
    "-from alembic import op",
    "+from mig.ops import op",
}


def test_after_mig_adopt_it_still_builds_the_database_alembic_builds(projects) -> None:
    """``mig adopt`` changes import and config lines only, and the result is the same."""
    p = projects
    subject = p["subject"]
    dry = _run([p["mig"]], subject, "adopt", "--dry-run")
    assert set(_diff_lines(dry)) == _ADOPTED_LINES
    assert _diff_lines(dry).count("+from mig.ops import op") == len(HISTORY) + 1  # and the mako
    _run([p["mig"]], subject, "adopt")
    assert not (subject / "alembic.ini").exists()
    assert _run([p["mig"]], subject, "adopt").startswith("Nothing to change")
    _run(p["alembic"], p["ref"], "upgrade", "heads")
    _run([p["mig"]], subject, "upgrade", "heads")
    _assert_same(snapshot(p["ref_url"]), snapshot(p["mig_url"]), "adopted, at heads")
    _run(p["alembic"], p["ref"], "downgrade", "base")
    _run([p["mig"]], subject, "downgrade", "base")
    _assert_same(snapshot(p["ref_url"]), snapshot(p["mig_url"]), "adopted, at base")
