"""``mig adopt`` on a project Alembic generated, then mig running it on every backend.

The project in alembic_adopt_project/ was written by ``alembic init -t generic`` and
``alembic revision`` (committed as it is); the database is put in the state ``alembic
upgrade head`` leaves (the three tables and an ``alembic_version`` table holding the head),
without needing Alembic.
"""

from __future__ import annotations

import shutil
import tomllib
from collections import Counter
from pathlib import Path

import sqlalchemy as sa

from .conftest import Project

FIXTURE = Path(__file__).with_name("alembic_adopt_project")
HEAD = "ccc333"


def _copy_fixture(root: Path, url: str) -> None:
    shutil.copytree(
        FIXTURE,
        root,
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns("README.md", "ruff.toml", "__pycache__"),
    )
    ini = root / "alembic.ini"
    text = ini.read_text()
    assert "sqlalchemy.url = driver://user:pass@localhost/dbname\n" in text
    ini.write_text(text.replace("driver://user:pass@localhost/dbname", url.replace("%", "%%")))


def _alembic_database_state(url: str) -> None:
    """What ``alembic upgrade head`` leaves: tables a, b, c and alembic_version at the head."""
    md = sa.MetaData()
    for name in ("a", "b", "c"):
        sa.Table(
            name,
            md,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("name", sa.String(50)),
        )
    version = sa.Table(
        "alembic_version",
        md,
        sa.Column("version_num", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
    )
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        md.create_all(conn)
        conn.execute(version.insert().values(version_num=HEAD))
    engine.dispose()


def _alembic_versions(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return {r[0] for r in conn.exec_driver_sql("SELECT version_num FROM alembic_version")}
    finally:
        engine.dispose()


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".db", ".sqlite")
    }


def _changed_lines(diff: str) -> Counter[str]:
    return Counter(
        line
        for line in diff.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    )


EXPECTED_DIFF = Counter(
    {
        "-[alembic]": 1,
        "+[mig]": 1,
        "+# mig adopt: carry on with the version table Alembic has been writing": 1,
        "+version_table = alembic_version": 1,
        "-from alembic import context": 1,
        "+from mig.runtime import context": 1,
        # script.py.mako and the three revisions
        "-from alembic import op": 4,
        "+from mig.ops import op": 4,
    }
)


def test_adopt_an_alembic_project_and_carry_on_with_mig(project: Project) -> None:
    root, url = project.root, project.url
    _copy_fixture(root, url)
    _alembic_database_state(url)
    before = _snapshot(root)

    dry = project.mig("adopt", "--dry-run").out
    assert _changed_lines(dry) == EXPECTED_DIFF
    assert "--- a/alembic.ini\n+++ b/mig.ini\n" in dry
    assert _snapshot(root) == before  # nothing written

    out = project.mig("adopt").out
    assert "alembic.ini -> mig.ini" in out
    assert "migrations/versions/ccc333_create_c.py: 1 import" in out
    assert not (root / "alembic.ini").exists()
    assert (root / "mig.ini").read_text() == before["alembic.ini"].decode().replace(
        "[alembic]\n",
        "[mig]\n# mig adopt: carry on with the version table Alembic has been writing\n"
        "version_table = alembic_version\n",
    )
    for path in root.rglob("*.py"):
        assert "from alembic" not in path.read_text(), path
    assert "from mig.ops import op" in (root / "migrations" / "script.py.mako").read_text()

    # the database carries on where Alembic left it: no stamp, nothing to run
    assert project.mig("current").out.strip() == f"{HEAD} (head)"
    assert project.mig("upgrade", "head").out == ""
    assert _alembic_versions(url) == {HEAD}
    assert "mig_version" not in project.table_names()

    project.mig("downgrade", "base")
    assert project.table_names() & {"a", "b", "c"} == set()
    assert _alembic_versions(url) == set()
    project.mig("upgrade", "head")
    assert {"a", "b", "c"} <= project.table_names()
    assert _alembic_versions(url) == {HEAD}
    columns = {c["name"] for c in sa.inspect(sa.create_engine(url)).get_columns("b")}
    assert columns == {"id", "name"}

    # a second run changes nothing
    adopted = _snapshot(root)
    assert "Nothing to change" in project.mig("adopt").out
    assert project.mig("adopt", "--dry-run").out.startswith("Nothing to change")
    assert _snapshot(root) == adopted


def _sqlite_project(tmp_path: Path) -> Project:
    root = tmp_path / "proj"
    root.mkdir()
    return Project(root, f"sqlite:///{tmp_path / 'app.db'}")


def test_lines_it_cannot_convert_are_listed_and_exit_1_the_rest_converted(tmp_path: Path) -> None:
    project = _sqlite_project(tmp_path)
    _copy_fixture(project.root, project.url)
    rev = project.root / "migrations" / "versions" / "bbb222_create_b.py"
    rev.write_text(
        rev.read_text().replace(
            "import sqlalchemy as sa\n",
            "import sqlalchemy as sa\nfrom alembic.util import rev_id\n",
        )
    )
    result = project.mig("adopt", code=1)
    assert (
        "migrations/versions/bbb222_create_b.py:12: alembic.util.rev_id: mig.cli.errors has no rev_id; left as it is"
        in result.out.splitlines()
    )
    assert (
        result.err.strip()
        == "mig: failed: 1 line to convert by hand (listed above); the rest is converted"
    )
    assert "from mig.ops import op" in rev.read_text()
    assert (project.root / "mig.ini").exists()
    # run again: nothing left to change but the same line, still exit 1
    again = project.mig("adopt", code=1).out
    assert again.startswith("Nothing to change")


def test_a_syntax_error_stops_it_with_one_line_and_writes_nothing(tmp_path: Path) -> None:
    project = _sqlite_project(tmp_path)
    _copy_fixture(project.root, project.url)
    rev = project.root / "migrations" / "versions" / "ccc333_create_c.py"
    rev.write_text(rev.read_text().replace("def downgrade() -> None:", "def downgrade( -> None:"))
    before = _snapshot(project.root)
    err = project.mig("adopt", code=2).err
    assert err.startswith("mig: error: migrations/versions/ccc333_create_c.py:")
    assert "not valid Python" in err and len(err.strip().splitlines()) == 1
    assert _snapshot(project.root) == before


def test_no_alembic_project_is_a_usage_error(tmp_path: Path) -> None:
    project = _sqlite_project(tmp_path)
    err = project.mig("adopt", code=2).err
    assert err.strip() == (
        "mig: error: no Alembic project in .: no alembic.ini and no pyproject.toml with "
        "[tool.alembic]"
    )


PYPROJECT = """\
[project]
name = "demo"

[tool.alembic]
# path to migration scripts.
script_location = "%(here)s/migrations"

# additional paths to be prepended to sys.path.
prepend_sys_path = [
    "."
]

# [[tool.alembic.post_write_hooks]]
# name = "black"
"""


def test_pyproject_project_tool_alembic_becomes_tool_mig(tmp_path: Path) -> None:
    """Alembic's ``-t pyproject`` layout: [tool.alembic] and an alembic.ini for the URL."""
    project = _sqlite_project(tmp_path)
    _copy_fixture(project.root, project.url)
    ini = project.root / "alembic.ini"  # keeps the URL and the logging sections
    moved = ("script_location", "prepend_sys_path", "path_separator")
    ini_text = "".join(
        line for line in ini.read_text().splitlines(keepends=True) if not line.startswith(moved)
    )
    ini.write_text(ini_text)
    (project.root / "pyproject.toml").write_text(PYPROJECT)
    project.mig("adopt")
    text = (project.root / "pyproject.toml").read_text()
    kept = "# mig adopt: carry on with the version table Alembic has been writing\n"
    assert text == PYPROJECT.replace("tool.alembic", "tool.mig").replace(
        "[tool.mig]\n", "[tool.mig]\n" + kept + 'version_table = "alembic_version"\n', 1
    )
    assert tomllib.loads(text)["tool"]["mig"]["prepend_sys_path"] == ["."]
    assert (project.root / "mig.ini").read_text() == ini_text.replace(
        "[alembic]\n", "[mig]\n" + kept + "version_table = alembic_version\n"
    )
    assert project.mig("heads").out.strip() == f"{HEAD} (head)"
    project.mig("upgrade", "head")
    assert _alembic_versions(project.url) == {HEAD}
