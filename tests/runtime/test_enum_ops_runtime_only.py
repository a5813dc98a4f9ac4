"""A revision using op.create_enum_type / op.add_enum_value runs with mig-ops, mig-ddl and
mig-runtime alone (mig-autogen made unimportable): online on PostgreSQL, checked in the
catalog, and offline as exact SQL. The history lives in enum_ops_runtime_only.py, run in a
subprocess so that nothing this test process has imported can help."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

SCRIPT = Path(__file__).with_name("enum_ops_runtime_only.py")
TYPE, TABLE, VERSIONS = "rt_mood", "rt_person", "rt_enum_version"


def run(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        cwd=SCRIPT.parent,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["packages"] == ["mig.ddl", "mig.ops", "mig.runtime"]
    return result


EXPECTED = (
    "BEGIN;\n\n"
    f"CREATE TABLE {VERSIONS} (\n    version_num VARCHAR(32) NOT NULL, \n"
    f"    CONSTRAINT {VERSIONS}_pkc PRIMARY KEY (version_num)\n);\n\n"
    "-- Running upgrade  -> e1\n\n"
    f"CREATE TYPE {TYPE} AS ENUM ('sad', 'ok');\n\n"
    f"CREATE TABLE {TABLE} (\n    id SERIAL NOT NULL, \n    mood {TYPE}, \n"
    "    PRIMARY KEY (id)\n);\n\n"
    f"INSERT INTO {VERSIONS} (version_num) VALUES ('e1');\n\n"
    "-- Running upgrade e1 -> e2\n\n"
    "COMMIT;\n\n"
    f"ALTER TYPE {TYPE} ADD VALUE IF NOT EXISTS 'happy' BEFORE 'ok';\n\n"
    "BEGIN;\n\n"
    f"INSERT INTO {TABLE} (id, mood) VALUES (1, 'happy');\n\n"
    f"UPDATE {VERSIONS} SET version_num='e2' WHERE {VERSIONS}.version_num = 'e1';\n\n"
    "COMMIT;\n\n"
    "BEGIN;\n\n"
    "COMMIT;\n\n"
)


def test_offline_sql_without_mig_autogen() -> None:
    assert run("offline")["sql"] == EXPECTED


def _clean(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        for table in (TABLE, VERSIONS):
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
        conn.exec_driver_sql(f"DROP TYPE IF EXISTS {TYPE}")


def test_online_upgrade_without_mig_autogen(engine: sa.Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("named ENUM types exist on PostgreSQL only")
    _clean(engine)
    try:
        run("online", engine.url.render_as_string(hide_password=False))
        inspector = sa.inspect(engine)
        enums = {e["name"]: e["labels"] for e in inspector.get_enums()}
        assert enums[TYPE] == ["sad", "happy", "ok"]
        mood = {c["name"]: c["type"] for c in inspector.get_columns(TABLE)}["mood"]
        assert getattr(mood, "name", None) == TYPE
        with engine.connect() as conn:
            rows = conn.exec_driver_sql(f"SELECT id, mood FROM {TABLE}").all()
            version = conn.exec_driver_sql(f"SELECT version_num FROM {VERSIONS}").scalar_one()
        assert [tuple(r) for r in rows] == [(1, "happy")] and version == "e2"
    finally:
        _clean(engine)
