"""A project's whole life through the ``mig`` command, on every configured backend.

The commands run in this process (click's CliRunner over the console script's own entry
point): a subprocess per command cost most of these tests' time and tests nothing more here.
The first upgrade still goes through the real ``mig`` console script; locks, signals and the
README's commands have their own subprocess tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.e2e.conftest import Project

CREATE_A = 'op.create_table("a", sa.Column("id", sa.Integer, primary_key=True))'
CREATE_B = 'op.create_table("b", sa.Column("id", sa.Integer, primary_key=True))'
CREATE_C = 'op.create_table("c", sa.Column("id", sa.Integer, primary_key=True))'
CREATE_F = 'op.create_table("f", sa.Column("id", sa.Integer, primary_key=True))'


@pytest.fixture
def project(engine: sa.Engine, tmp_path: Path) -> Project:
    root = tmp_path / "proj"
    root.mkdir()
    return Project(root, engine.url.render_as_string(hide_password=False), in_process=True)


def _chain(project) -> None:
    project.init()
    project.revision("aaa111", "create a", CREATE_A, 'op.drop_table("a")')
    project.revision("bbb222", "create b", CREATE_B, 'op.drop_table("b")')
    project.revision("ccc333", "create c", CREATE_C, 'op.drop_table("c")')


def test_linear_life_upgrade_downgrade_by_absolute_partial_and_relative_ids(project) -> None:
    _chain(project)
    out = project.mig("upgrade", "head", console_script=True).out
    assert "[1/3] upgrade aaa111 create a ok" in out
    assert "[3/3] upgrade ccc333 create c ok" in out
    assert {"a", "b", "c"} <= project.table_names()
    assert project.version_rows() == {"ccc333"}
    assert project.mig("current").out.strip() == "ccc333 (head)"

    project.mig("downgrade", "-1")
    assert project.version_rows() == {"bbb222"}
    assert "c" not in project.table_names()

    project.mig("downgrade", "aaa")  # a unique prefix
    assert project.version_rows() == {"aaa111"}
    assert project.table_names() & {"b", "c"} == set()

    project.mig("downgrade", "base")
    assert project.table_names() & {"a", "b", "c"} == set()
    assert project.version_rows() == set()

    project.mig("upgrade", "+2")
    assert project.version_rows() == {"bbb222"}
    project.mig("upgrade", "bbb222+1")
    assert project.version_rows() == {"ccc333"}
    project.mig("downgrade", "head-2")
    assert project.version_rows() == {"aaa111"}

    # -q: no progress lines
    assert project.mig("-q", "upgrade", "head").out == ""
    assert project.version_rows() == {"ccc333"}


def test_stamp_and_purge(project) -> None:
    _chain(project)
    project.mig("stamp", "bbb")
    assert project.version_rows() == {"bbb222"}
    assert project.table_names() & {"a", "b", "c"} == set()  # stamp runs nothing
    project.mig("stamp", "base")
    assert project.version_rows() == set()
    eng_url = project.url
    eng = sa.create_engine(eng_url)
    with eng.begin() as conn:
        conn.exec_driver_sql("INSERT INTO mig_version (version_num) VALUES ('zzz999')")
    eng.dispose()
    err = project.mig("stamp", "head", code=2).err
    assert err.strip() == (
        "mig: error: the version table holds revision 'zzz999', which no script has; "
        "use `mig stamp --purge` to replace the table's contents"
    )
    project.mig("stamp", "head", "--purge")
    assert project.version_rows() == {"ccc333"}


def test_history_ranges_and_json(project) -> None:
    _chain(project)
    lines = project.mig("history").out.splitlines()
    assert lines == [
        "bbb222 -> ccc333 (head), create c",
        "aaa111 -> bbb222, create b",
        "<base> -> aaa111, create a",
    ]
    assert project.mig("history", "-r", "aaa:bbb").out.splitlines() == lines[1:]
    assert project.mig("history", "-r", "bbb222:").out.splitlines() == lines[:2]
    project.mig("upgrade", "bbb")
    marked = project.mig("history", "-i").out.splitlines()
    assert marked[1] == "aaa111 -> bbb222 (current), create b"
    assert project.mig("history", "-r", "current:").out.splitlines() == lines[:2]
    records = json.loads(project.mig("history", "--format", "json", "-i").out)
    assert [(r["revision"], r["is_current"]) for r in records] == [
        ("ccc333", False),
        ("bbb222", True),
        ("aaa111", False),
    ]
    assert records[0]["down_revisions"] == ["bbb222"] and records[0]["is_head"] is True
    current = json.loads(project.mig("current", "--format", "json").out)
    assert current["up_to_date"] is False
    assert [c["revision"] for c in current["current"]] == ["bbb222"]
    project.mig("current", "--check-heads", code=1)
    shown = json.loads(project.mig("show", "ccc", "--format", "json").out)
    assert shown["revision"] == "ccc333" and shown["message"] == "create c"
    assert "Rev: ccc333 (head)" in project.mig("show", "ccc").out


def test_branches_merge_and_partial_downgrade_of_one_branch(project) -> None:
    _chain(project)
    project.revision(
        "fff111",
        "feature table",
        CREATE_F,
        'op.drop_table("f")',
        "--head",
        "aaa111",
        "--splice",
        "--branch-label",
        "feature",
    )
    heads = json.loads(project.mig("heads", "--format", "json").out)
    assert sorted(h["revision"] for h in heads) == ["ccc333", "fff111"]
    err = project.mig("upgrade", "head", code=2).err
    assert err.startswith("mig: error: ") and len(err.strip().splitlines()) == 1
    assert "heads" in err
    project.mig("upgrade", "heads")
    assert project.version_rows() == {"ccc333", "fff111"}
    branches = project.mig("branches").out
    assert "aaa111" in branches and "-> bbb222" in branches and "-> fff111" in branches
    project.mig("downgrade", "feature@-1")
    assert project.version_rows() == {"ccc333"}
    assert "f" not in project.table_names() and "c" in project.table_names()
    project.mig("upgrade", "feature@head")
    project.mig("merge", "heads", "-m", "join", "--rev-id", "ddd444")
    assert [h["revision"] for h in json.loads(project.mig("heads", "--format", "json").out)] == [
        "ddd444"
    ]
    project.mig("upgrade", "head")
    assert project.version_rows() == {"ddd444"}
    project.mig("downgrade", "-1")  # un-merge: both parents become rows
    assert project.version_rows() == {"ccc333", "fff111"}
    project.mig("upgrade", "head")
    project.mig("downgrade", "ccc333")  # un-merge: the other branch's head stays
    assert project.version_rows() == {"ccc333", "fff111"}
    graph = project.mig("graph").out
    assert graph.startswith("digraph revisions {")
    # left to right, older -> newer (issue 15: it was bottom to top, newer -> older)
    assert '"ccc333" -> "ddd444";' in graph and '"fff111" -> "ddd444";' in graph
    assert "current" in graph.split('"ccc333" [')[1].split("\n")[0]
    mermaid = project.mig("graph", "--format", "mermaid", "--no-current").out
    assert mermaid.startswith("flowchart LR") and "r_fff111 --> r_ddd444" in mermaid


def test_offline_sql(project) -> None:
    _chain(project)
    sql = project.mig("upgrade", "head", "--sql").out
    assert "CREATE TABLE mig_version" in sql
    assert sql.index("CREATE TABLE a") < sql.index("CREATE TABLE b") < sql.index("CREATE TABLE c")
    assert "INSERT INTO mig_version (version_num) VALUES ('aaa111')" in sql
    assert project.table_names() & {"a", "b", "c", "mig_version"} == set()  # nothing ran
    ranged = project.mig("upgrade", "aaa111:ccc333", "--sql").out
    assert "CREATE TABLE mig_version" not in ranged and "CREATE TABLE a" not in ranged
    assert "CREATE TABLE b" in ranged and "CREATE TABLE c" in ranged
    down = project.mig("downgrade", "ccc333:aaa111", "--sql").out
    assert down.index("DROP TABLE c") < down.index("DROP TABLE b")
    err = project.mig("downgrade", "base", "--sql", code=2).err
    assert "START:END" in err


def test_ensure_version(project) -> None:
    _chain(project)
    project.mig("ensure-version")
    assert "mig_version" in project.table_names()
    assert project.version_rows() == set()
    project.mig("ensure_version")  # Alembic's spelling works too
