"""``mig init`` from each template, then a revision upgraded and downgraded for real."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from .conftest import Project

ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+psycopg"}
ASYNC_DRIVERS["mariadb"] = "mariadb+aiomysql"
ASYNC_DRIVERS["mysql"] = "mysql+aiomysql"

CREATE = 'op.create_table("things", sa.Column("id", sa.Integer, primary_key=True))'


def _life(project: Project, table_check_url: str) -> None:
    project.revision("t00001", "things", CREATE, 'op.drop_table("things")')
    project.mig("upgrade", "head")
    assert json.loads(project.mig("current", "--format", "json").out)["up_to_date"] is True
    eng = sa.create_engine(table_check_url)
    try:
        assert "things" in sa.inspect(eng).get_table_names()
    finally:
        eng.dispose()
    project.mig("downgrade", "base")
    eng = sa.create_engine(table_check_url)
    try:
        assert "things" not in sa.inspect(eng).get_table_names()
    finally:
        eng.dispose()


@pytest.mark.parametrize("template", ["generic", "pyproject"])
def test_sync_templates(project: Project, template: str) -> None:
    project.init(template)
    config = project.root / ("pyproject.toml" if template == "pyproject" else "mig.ini")
    assert config.exists()
    assert (project.root / "migrations" / "env.py").exists()
    assert (project.root / "migrations" / "versions").is_dir()
    _life(project, project.url)


def test_async_template(project: Project) -> None:
    url = sa.engine.make_url(project.url)
    async_url = url.set(drivername=ASYNC_DRIVERS[url.get_backend_name()])
    project.mig("init", "-t", "async", "migrations")
    project.set_url(async_url.render_as_string(hide_password=False))
    _life(project, project.url)


def test_multidb_template(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    project = Project(root, "")
    project.mig("init", "-t", "multidb", "migrations")
    project.mig("revision", "-m", "two dbs", "--rev-id", "m00001")
    path = next((root / "migrations" / "versions").glob("m00001_*.py"))
    text = path.read_text()
    for name in ("engine1", "engine2"):
        text = re.sub(
            rf"def upgrade_{name}\(\) -> None:\n    pass",
            f'def upgrade_{name}() -> None:\n    op.create_table("{name}_t", '
            f'sa.Column("id", sa.Integer, primary_key=True))',
            text,
        )
        text = re.sub(
            rf"def downgrade_{name}\(\) -> None:\n    pass",
            f'def downgrade_{name}() -> None:\n    op.drop_table("{name}_t")',
            text,
        )
    path.write_text(text)
    project.mig("upgrade", "head")
    for name in ("engine1", "engine2"):
        eng = sa.create_engine(f"sqlite:///{root / (name + '.db')}")
        tables = set(sa.inspect(eng).get_table_names())
        eng.dispose()
        assert tables == {f"{name}_t", "mig_version", "mig_version_history"}
    project.mig("downgrade", "base")
    eng = sa.create_engine(f"sqlite:///{root / 'engine1.db'}")
    assert set(sa.inspect(eng).get_table_names()) == {"mig_version", "mig_version_history"}
    eng.dispose()


def test_init_refuses_a_used_directory_and_an_unknown_template(tmp_path: Path) -> None:
    project = Project(tmp_path, "sqlite://")
    project.mig("init", "migrations")
    err = project.mig("init", "migrations", code=2).err
    assert "already exists and is not empty" in err and len(err.strip().splitlines()) == 1
    err = project.mig("init", "-t", "nope", "other", code=2).err
    assert "nope" in err and len(err.strip().splitlines()) == 1
    listed = project.mig("list_templates").out
    for name in ("generic", "pyproject", "async", "multidb"):
        assert re.search(rf"^{name} +- ", listed, re.M)


def test_init_package(tmp_path: Path) -> None:
    project = Project(tmp_path, "sqlite://")
    project.mig("init", "--package", "migrations")
    assert (tmp_path / "migrations" / "__init__.py").exists()
    assert (tmp_path / "migrations" / "versions" / "__init__.py").exists()
    assert project.mig("heads").out == ""  # __init__.py is not taken for a revision
