"""The `multidb` template run for real: its env.py migrates two databases in one command,
each revision's `upgrade(engine_name)` dispatching to `upgrade_<name>()`, each database
keeping its own version table. Two SQLite files, and PostgreSQL + MariaDB when both are
configured."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from mig.runtime import StepFailed
from mig.scripts import ScriptDirectory

from .history_sql import create_history, insert_history, script_of
from .runtime_project import command, cwd, new_project, tables, version_rows


def server_pair(config: pytest.Config) -> tuple[str, str] | None:
    """A PostgreSQL and a MariaDB/MySQL URL among the configured backends, if both are."""
    uris = list(config.getoption("dburi"))
    uris += [u for u in re.split(r"[\s,]+", os.environ.get("MIG_TEST_DBURI", "")) if u]
    pg = [u for u in uris if sa.engine.make_url(u).get_backend_name() == "postgresql"]
    my = [u for u in uris if sa.engine.make_url(u).get_backend_name() in ("mysql", "mariadb")]
    return (pg[0], my[0]) if pg and my else None


@pytest.fixture(params=["two-sqlite-files", "postgresql+mariadb"])
def engines(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "two-sqlite-files":
        urls = (f"sqlite:///{tmp_path / 'engine1.db'}", f"sqlite:///{tmp_path / 'engine2.db'}")
    else:
        pair = server_pair(request.config)
        if pair is None:
            pytest.skip("needs a PostgreSQL and a MariaDB URL in --dburi / MIG_TEST_DBURI")
        urls = pair
    made = [sa.create_engine(u) for u in urls]
    for eng in made:
        wipe(eng)
    yield made
    for eng in made:
        wipe(eng)
        eng.dispose()


def wipe(eng: sa.Engine) -> None:
    md = sa.MetaData()
    md.reflect(eng)
    md.drop_all(eng)


def multidb_project(root: Path, engines: list[sa.Engine]):
    config, location = new_project(root, "multidb")
    for name, eng in zip(("engine1", "engine2"), engines, strict=True):
        config.set_section_option(
            name, "sqlalchemy.url", eng.url.render_as_string(hide_password=False)
        )
    assert config.get_main_option("databases") == "engine1, engine2"  # as the template wrote it
    script = ScriptDirectory.from_config(config)
    script.generate_revision(
        "r1",
        "first",
        engine1_upgrades='op.create_table("t_one", sa.Column("id", sa.Integer, primary_key=True))',
        engine1_downgrades='op.drop_table("t_one")',
        engine2_upgrades='op.create_table("t_two", sa.Column("id", sa.Integer, primary_key=True))',
        engine2_downgrades='op.drop_table("t_two")',
    )
    script = ScriptDirectory.from_config(config)
    script.generate_revision(
        "r2",
        "second",
        head="r1",
        engine1_upgrades='op.add_column("t_one", sa.Column("note", sa.String(20)))',
        engine1_downgrades='op.drop_column("t_one", "note")',
    )
    return config, location


def test_multidb_upgrade_and_downgrade(engines: list[sa.Engine], tmp_path: Path) -> None:
    one, two = engines
    config, location = multidb_project(tmp_path, engines)
    source = (location / "versions").glob("*r2*.py")
    text = next(iter(source)).read_text()
    assert "def upgrade_engine2() -> None:\n    pass\n" in text  # nothing for engine2 in r2

    with cwd(tmp_path):
        command(config, location, "up", "r1")
    assert (version_rows(one), version_rows(two)) == (["r1"], ["r1"])
    assert (tables(one, "t_"), tables(two, "t_")) == (["t_one"], ["t_two"])

    with cwd(tmp_path):
        command(config, location, "up", "head")
    assert (version_rows(one), version_rows(two)) == (["r2"], ["r2"])  # both advance
    assert [c["name"] for c in sa.inspect(one).get_columns("t_one")] == ["id", "note"]
    assert [c["name"] for c in sa.inspect(two).get_columns("t_two")] == ["id"]

    with cwd(tmp_path):
        command(config, location, "down", "base")
    assert (version_rows(one), version_rows(two)) == ([], [])
    assert (tables(one, "t_"), tables(two, "t_")) == ([], [])


def test_multidb_failure_in_one_database(engines: list[sa.Engine], tmp_path: Path) -> None:
    """Each database is its own run: engine1 reaches r2, engine2 stays where it was."""
    one, two = engines
    config, location = multidb_project(tmp_path, engines)
    with cwd(tmp_path):
        command(config, location, "up", "r1")
    r2 = next((location / "versions").glob("*r2*.py"))
    r2.write_text(
        r2.read_text().replace(
            "def upgrade_engine2() -> None:\n    pass",
            'def upgrade_engine2() -> None:\n    op.execute("INSERT INTO no_such_table VALUES (1)")',
        )
    )
    with pytest.raises(StepFailed, match=r"^upgrade of revision r2 failed while running: INSERT"):
        with cwd(tmp_path):
            command(config, location, "up", "head")
    assert (version_rows(one), version_rows(two)) == (["r2"], ["r1"])
    assert [c["name"] for c in sa.inspect(one).get_columns("t_one")] == ["id", "note"]


def test_multidb_offline_writes_one_file_per_database(
    engines: list[sa.Engine], tmp_path: Path
) -> None:
    one, two = engines
    config, location = multidb_project(tmp_path, engines)
    config.set_main_option("output_encoding", "utf-16")  # the template writes files with it
    with cwd(tmp_path):
        command(config, location, "up", "head", as_sql=True)
    first = (tmp_path / "engine1.sql").read_text(encoding="utf-16")
    second = (tmp_path / "engine2.sql").read_text(encoding="utf-16")
    versions = location / "versions"
    assert first == expected_sql(one, "t_one", note=True, versions=versions)
    assert second == expected_sql(two, "t_two", note=False, versions=versions)
    assert tables(one, "") == [] and tables(two, "") == []  # offline touched nothing


ID_COLUMN = {
    "sqlite": "id INTEGER NOT NULL",
    "postgresql": "id SERIAL NOT NULL",
    "mariadb": "id INTEGER NOT NULL AUTO_INCREMENT",
}


def expected_sql(eng: sa.Engine, table: str, note: bool, versions: Path) -> str:
    """The whole file the template writes for one database, per dialect."""
    dialect = eng.dialect.name
    transactional = dialect != "mariadb"
    return (
        ("BEGIN;\n\n" if transactional else "")
        + "CREATE TABLE mig_version (\n    version_num VARCHAR(32) NOT NULL, \n"
        "    CONSTRAINT mig_version_pkc PRIMARY KEY (version_num)\n);\n\n"
        + create_history(dialect)
        + "-- Running upgrade  -> r1\n\n"
        + f"CREATE TABLE {table} (\n    {ID_COLUMN[dialect]}, \n    PRIMARY KEY (id)\n);\n\n"
        "INSERT INTO mig_version (version_num) VALUES ('r1');\n\n"
        + insert_history(dialect, "r1", script_of(versions, "r1"))
        + "-- Running upgrade r1 -> r2\n\n"
        + (f"ALTER TABLE {table} ADD COLUMN note VARCHAR(20);\n\n" if note else "")
        + "UPDATE mig_version SET version_num='r2' WHERE mig_version.version_num = 'r1';\n\n"
        + insert_history(dialect, "r2", script_of(versions, "r2"))
        + ("COMMIT;\n\n" if transactional else "")
    )
