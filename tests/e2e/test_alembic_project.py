"""An unchanged Alembic project (generic, pyproject and async templates) run by ``mig``.

``mig -c alembic.ini ...`` on the files `alembic init` writes: ``from alembic import op``,
``from alembic import context``, ``import alembic``, ``op.f()``, ``op.batch_alter_table``,
``op.get_bind()``, Alembic's version table, Alembic's config sections. Every command runs in
a subprocess, on every configured backend; the result is read back from the catalog.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from mig.cli.alembic_compat import ALEMBIC_VERSION

from .alembic_project import TEMPLATES, AlembicProject, write_revisions
from .runtime_project import kept_logging

HISTORY = [
    "r5 -> r6 (head), posts published and title index",
    "r4 -> r5, create posts",
    "r3 -> r4, fill emails",
    "r2 -> r3, users email in batch",
    "r1 -> r2, record the alembic version",
    "<base> -> r1, create users",
]


@pytest.fixture(params=TEMPLATES)
def alembic_project(request, engine: sa.Engine, tmp_path: Path) -> AlembicProject:
    root = tmp_path / "proj"
    root.mkdir()
    return AlembicProject(root, engine.url.render_as_string(hide_password=False), request.param)


def _unique_names(inspector: sa.Inspector, table: str) -> set[str]:
    names = {u["name"] for u in inspector.get_unique_constraints(table)}
    return names | {i["name"] for i in inspector.get_indexes(table) if i["unique"]}


def _check_schema_at_head(project: AlembicProject) -> None:
    eng = project.engine()
    try:
        insp = sa.inspect(eng)
        # Alembic's version table and nothing of mig's: no mig_version, no history table
        assert set(insp.get_table_names()) == {"alembic_version", "users", "app_meta", "posts"}
        assert [c["name"] for c in insp.get_columns("users")] == ["id", "name", "email"]
        assert {i["name"] for i in insp.get_indexes("users")} >= {"ix_users_name"}
        assert "uq_users_email" in _unique_names(insp, "users")
        posts = {c["name"] for c in insp.get_columns("posts")}
        assert posts == {"id", "user_id", "title", "published"}
        assert "ix_posts_title" in {i["name"] for i in insp.get_indexes("posts")}
        (fk,) = insp.get_foreign_keys("posts")
        assert (fk["name"], fk["referred_table"], fk["constrained_columns"]) == (
            "fk_posts_user_id_users",
            "users",
            ["user_id"],
        )
        assert insp.get_pk_constraint("alembic_version")["constrained_columns"] == ["version_num"]
    finally:
        eng.dispose()
    assert project.version_rows() == {"r6"}
    assert project.rows("SELECT name, email FROM users ORDER BY id") == [
        ("ann", "ann@example.com"),
        ("bob", "bob@example.com"),
    ]
    assert project.rows("SELECT value FROM app_meta") == [(ALEMBIC_VERSION,)]


def test_alembic_project_upgrade_current_history_downgrade_and_sql(
    alembic_project: AlembicProject,
) -> None:
    project = alembic_project
    write_revisions(project)
    assert project.alembic_ini("heads").out.strip() == "r6 (head)"

    out = project.alembic_ini("upgrade", "head").out
    assert "[6/6] upgrade r6 posts published and title index ok" in out
    _check_schema_at_head(project)
    assert project.alembic_ini("current").out.strip() == "r6 (head)"
    assert project.alembic_ini("history").out.splitlines() == HISTORY

    project.alembic_ini("downgrade", "-2")
    assert project.version_rows() == {"r4"}
    assert "posts" not in project.table_names()

    project.alembic_ini("downgrade", "base")
    assert project.table_names() == {"alembic_version"}
    assert project.version_rows() == set()
    assert project.alembic_ini("current").out.strip() == ""

    sql = project.alembic_ini("upgrade", "head", "--sql").out
    assert "CREATE TABLE alembic_version" in sql
    assert "INSERT INTO alembic_version (version_num) VALUES ('r1')" in sql
    assert (
        "UPDATE alembic_version SET version_num='r6' WHERE alembic_version.version_num = 'r5'"
        in sql
    )
    assert f"'{ALEMBIC_VERSION}'" in sql  # alembic.__version__, bulk-inserted by r2
    assert "ix_posts_title" in sql and "uq_users_email" in sql
    assert "mig_version" not in sql
    assert project.table_names() == {"alembic_version"}  # --sql touched nothing

    project.alembic_ini("upgrade", "head")
    _check_schema_at_head(project)


def test_database_alembic_migrated_carries_on_without_a_stamp(engine: sa.Engine, tmp_path) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    project = AlembicProject(root, engine.url.render_as_string(hide_password=False), "generic")
    write_revisions(project)
    project.alembic_ini("upgrade", "r3")
    # the version table as Alembic creates it, holding r3
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE alembic_version")
        table = sa.Table(
            "alembic_version",
            sa.MetaData(),
            sa.Column("version_num", sa.String(32), nullable=False),
            sa.PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
        )
        table.create(conn)
        conn.execute(table.insert().values(version_num="r3"))
    out = project.mig("upgrade", "head").out  # no -c: alembic.ini is found
    assert "[1/3] upgrade r4 fill emails ok" in out
    _check_schema_at_head(project)


def _plugin_project(tmp_path: Path, line: str) -> AlembicProject:
    root = tmp_path / "proj"
    root.mkdir()
    project = AlembicProject(root, f"sqlite:///{root / 'app.db'}", "generic")
    project.revision(
        "p1", "plugin", 'op.create_table("t1", sa.Column("id", sa.Integer))', "pass", line
    )
    return project


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("from alembic.ddl.postgresql import PostgresqlImpl", "alembic.ddl.postgresql"),
        ("from alembic.operations import toimpl", "alembic.operations.toimpl"),
        ("import alembic.runtime.plugins", "alembic.runtime.plugins"),
    ],
)
def test_uncovered_alembic_import_is_one_line_naming_the_script(
    tmp_path: Path, line: str, name: str
) -> None:
    project = _plugin_project(tmp_path, line)
    script = next(
        Path("alembic/versions").joinpath(p.name)
        for p in (project.root / "alembic" / "versions").glob("p1_*.py")
    )
    lineno = (project.root / script).read_text().splitlines().index(line) + 1
    for command in (("upgrade", "head"), ("lint",)):
        result = project.alembic_ini(*command, code=2)
        lines = result.err.strip().splitlines()
        assert lines == [
            f"mig: error: {script}, line {lineno}: `{line}`: mig's Alembic compatibility does not "
            f"cover {name} (it gives the names migration scripts and env.py use; import from "
            f"mig for the rest, see 'Coming from Alembic' in the mig-cli README)"
        ], result.err
    assert "t1" not in project.table_names()


def test_the_alias_is_gone_after_the_command(tmp_path: Path, monkeypatch) -> None:
    from mig.cli.alembic_compat.finder import AliasFinder
    from mig.cli.main import run

    root = tmp_path / "proj"
    root.mkdir()
    project = AlembicProject(root, f"sqlite:///{root / 'app.db'}", "generic")
    write_revisions(project)
    monkeypatch.chdir(root)
    with kept_logging():
        assert run(["-q", "-c", "alembic.ini", "upgrade", "head"]) == 0
    assert project.version_rows() == {"r6"}
    assert not any(n == "alembic" or n.startswith("alembic.") for n in sys.modules)
    assert not any(isinstance(f, AliasFinder) for f in sys.meta_path)
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("alembic")
    assert "alembic" not in sys.modules


def test_a_real_alembic_installed_is_left_alone_and_said_so(tmp_path: Path) -> None:
    import os

    site = tmp_path / "site"  # stands in for an environment where alembic is installed
    (site / "alembic").mkdir(parents=True)
    (site / "alembic" / "__init__.py").write_text("from . import context, op\n")
    (site / "alembic" / "context.py").write_text("")
    (site / "alembic" / "op.py").write_text("")
    root = tmp_path / "proj"
    root.mkdir()
    project = AlembicProject(root, f"sqlite:///{root / 'app.db'}", "generic")
    path = os.pathsep.join(p for p in (str(site), os.environ.get("PYTHONPATH")) if p)
    err = project.mig("-c", "alembic.ini", "upgrade", "head", code=2, env={"PYTHONPATH": path}).err
    assert err.strip().splitlines() == [
        "mig: error: `from alembic import context` / `op` gave the real Alembic installed in "
        "this environment, which mig leaves alone (module 'alembic.context' has no attribute "
        "'config'): uninstall alembic here, or import them from mig.runtime / mig.ops"
    ]


def test_lint_called_from_python_serves_alembic_imports(tmp_path: Path) -> None:
    """``from alembic import op`` in the scripts, no Alembic installed: lint serves mig's op
    however it is called (the Python API, the pytest plugin's lint check), not only under
    ``mig lint``; and the alias is gone after."""
    from mig.cli.lint import lint_script_directory
    from mig.cli.verify.checks import run_check
    from mig.scripts import ScriptDirectory

    root = tmp_path / "proj"
    root.mkdir()
    project = AlembicProject(root, f"sqlite:///{root / 'app.db'}", "generic")
    write_revisions(project)
    report = lint_script_directory(ScriptDirectory(str(root / "alembic")))
    assert report.migrations == 6
    assert {f.revision for f in report.findings} <= {f"r{i}" for i in range(1, 7)}
    run_check("test_no_lint_errors", str(root / "alembic.ini"))  # raises on a finding
    assert "alembic" not in sys.modules
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("alembic")


def test_history_applied_says_which_setting_keeps_the_history_table_off(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    project = AlembicProject(root, f"sqlite:///{root / 'app.db'}", "generic")
    write_revisions(project)
    project.alembic_ini("upgrade", "head")
    off = "mig: error: the history table is turned off ({}), so there is no applied history to read"
    err = project.alembic_ini("history", "--applied", code=2).err.strip()
    assert err == off.format(
        "an Alembic config keeps none unless asked: set history_table = true in "
        "alembic.ini [alembic]"
    )
    ini = root / "alembic.ini"
    ini.write_text(ini.read_text().replace("[alembic]\n", "[alembic]\nhistory_table = false\n", 1))
    err = project.alembic_ini("history", "--applied", code=2).err.strip()
    assert err == off.format("history_table = false in alembic.ini [alembic]")
