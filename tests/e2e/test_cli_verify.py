"""`mig verify`: every revision up, down and up again on a scratch database, on each backend.

The default scratch database is a temporary one of the project's kind (a SQLite file, or a
``mig_verify_<hex>`` database on the project's server: see test_cli_verify_default.py);
``--url`` runs it on the backend under test (the project's own database, which verify must
find empty and leave empty).
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from . import verify_project as vp
from .conftest import Project

OK_LINES = [
    "ok      a00001  authors",
    "ok      b00002  posts",
    "ok      c00003  body and slug",
    "ok      d00004  longer titles",
    "ok      e00005  email is contact",
    "ok      f00006  tags",
]
BROKEN_SUMMARY = (
    "revision c00003 (body and slug): its downgrade does not undo its upgrade: "
    "table posts still has column body"
)


def _last_line(text: str) -> str:
    return text.strip().splitlines()[-1]


def default_scratch(url: str) -> str:
    """A regex for how verify names its default scratch database for a project on ``url``."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return re.escape("a temporary SQLite database")
    title = {"postgresql": "PostgreSQL", "mariadb": "MariaDB", "mysql": "MySQL"}
    where = f"{parsed.host}:{parsed.port}"
    return (
        re.escape(f"a temporary {title[parsed.get_backend_name()]} database (")
        + r"(mig_verify_[0-9a-f]{12})"
        + re.escape(f" on {where})")
    )


def _scratch_env(tmp_path: Path) -> dict[str, str]:
    """TMPDIR for the subprocess, to see that the temporary database is deleted."""
    folder = tmp_path / "tmp"
    folder.mkdir(exist_ok=True)
    return {"TMPDIR": str(folder)}


def test_correct_project_passes_on_temporary_sqlite_and_on_the_backend(
    project: Project, tmp_path: Path
) -> None:
    vp.build(project, with_model=True)
    env = _scratch_env(tmp_path)

    out = project.mig("verify", env=env).out
    assert re.fullmatch(
        f"verify: 6 revisions on {default_scratch(project.url)}", out.splitlines()[0]
    )
    assert out.splitlines()[1:] == [*OK_LINES, "model: matches the schema at the heads"]
    assert list((tmp_path / "tmp").iterdir()) == []  # the temporary file is gone
    assert project.table_names() == set()  # the project's own database was not touched

    out = project.mig("verify", "--url", project.url).out
    masked = sa.engine.make_url(project.url).render_as_string(hide_password=True)
    assert out.splitlines()[0] == f"verify: 6 revisions on {masked}"
    assert out.splitlines()[1:] == [*OK_LINES, "model: matches the schema at the heads"]
    assert project.table_names() == set()  # emptied again, version table included


def test_broken_downgrade_is_named_with_what_differs(project: Project, tmp_path: Path) -> None:
    vp.build(project)
    vp.forget_to_drop_body(project)

    for args in ([], ["--url", project.url]):
        result = project.mig("verify", *args, code=1, env=_scratch_env(tmp_path))
        lines = result.out.splitlines()
        assert lines[1:] == [
            "ok      a00001  authors",
            "ok      b00002  posts",
            "FAILED  c00003  body and slug (downgrade)",
            "          table posts still has column body",
        ]  # and d00004 onwards never ran
        assert _last_line(result.err) == f"mig: failed: {BROKEN_SUMMARY}"
        assert project.table_names() == set()

    report = json.loads(project.mig("verify", "--format", "json", code=1).out)
    assert report["ok"] is False
    assert [s["revision"] for s in report["verified"]] == ["a00001", "b00002"]
    assert report["failure"] == {
        "revision": "c00003",
        "message": "body and slug",
        "phase": "downgrade",
        "error": None,
        "differences": [
            {
                "change": "extra",
                "kind": "column",
                "table": "posts",
                "name": "body",
                "detail": None,
                "text": "table posts still has column body",
            }
        ],
        "summary": BROKEN_SUMMARY,
    }


def test_downgrade_that_changes_a_type_or_keeps_a_table(project: Project) -> None:
    vp.build(project)
    vp.replace_in_script(
        project,
        "d00004",
        "type_=sa.String(200), existing_type=sa.String(300), existing_nullable=False)",
        "type_=sa.String(250), existing_type=sa.String(300), existing_nullable=False)",
    )
    result = project.mig("verify", "--url", project.url, code=1)
    assert _last_line(result.err) == (
        "mig: failed: revision d00004 (longer titles): its downgrade does not undo its "
        "upgrade: column posts.title: type VARCHAR(250), expected VARCHAR(200)"
    )
    vp.replace_in_script(project, "d00004", "sa.String(250)", "sa.String(200)")
    vp.replace_in_script(
        project,
        "f00006",
        'def downgrade() -> None:\n    op.drop_table("tags")',
        "def downgrade() -> None:\n    pass",
    )
    result = project.mig("verify", "--url", project.url, code=1)
    assert _last_line(result.err) == (
        "mig: failed: revision f00006 (tags): its downgrade does not undo its upgrade: "
        "table tags still exists"
    )
    assert project.table_names() == set()


def test_downgrade_that_raises_is_reported_with_its_revision(project: Project) -> None:
    vp.build(project)
    vp.replace_in_script(
        project,
        "b00002",
        'op.drop_table("posts")',
        'op.drop_table("posts")\n    op.drop_table("nope")',
    )
    result = project.mig("verify", "--url", project.url, code=1)
    assert "FAILED  b00002  posts (downgrade)" in result.out
    last = _last_line(result.err)
    assert last.startswith(
        "mig: failed: downgrade of revision b00002 failed while running: DROP TABLE"
    )
    assert "nope" in last


def _boolean(project: Project) -> str:
    """How the project's database names sa.Boolean (the difference shows the DDL type)."""
    return "BOOL" if project.url.startswith(("mysql", "mariadb")) else "BOOLEAN"


def test_model_drift_fails_and_a_missing_model_is_noted(project: Project) -> None:
    vp.build(project)
    out = project.mig("verify").out
    assert _last_line(out) == (
        "model: not compared (env.py passes no target_metadata to context.configure())"
    )

    drift = vp.MODEL.replace(
        '    sa.Column("slug", sa.String(100)),\n',
        '    sa.Column("slug", sa.String(100)),\n    sa.Column("draft", sa.Boolean),\n',
    )
    vp.use_model(project, drift)
    for args in ([], ["--url", project.url]):
        result = project.mig("verify", *args, code=1)
        assert result.out.splitlines()[-3:] == [
            "ok      f00006  tags",
            "model: 1 difference from the schema at the heads",
            f"  + add column posts.draft: {_boolean(project)}",
        ]
        assert _last_line(result.err) == (
            "mig: failed: the schema at the heads differs from the model (1 difference): "
            "run `mig revision --autogenerate`"
        )
    report = json.loads(project.mig("verify", "--format", "json", code=1).out)
    # the difference object of `mig check` and mig-diff (mig.autogen.records)
    [difference] = report["model"].pop("differences")
    assert report["model"] == {"checked": True, "note": None, "equal": False, "skipped": []}
    assert {k: v for k, v in difference.items() if k != "directive"} == {
        "op": "add_column",
        "action": "add column",
        "object": "posts.draft",
        "schema": None,
        "table": "posts",
        "detail": _boolean(project),
        "summary": f"add column posts.draft: {_boolean(project)}",
        "old": None,
        "new": _boolean(project),
    }
    assert difference["directive"]["op"] == "add_column"
    assert project.table_names() == set()


def test_env_py_that_connects_elsewhere_is_refused_before_anything_runs(
    project: Project, tmp_path: Path
) -> None:
    vp.build(project)
    env_py = project.root / "migrations" / "env.py"
    text = env_py.read_text()
    # env.py ignores the config and connects to the project's real database
    env_py.write_text(
        text.replace(
            "    connectable = engine_from_config(",
            f"    connectable = sa.create_engine({project.url!r}, poolclass=pool.NullPool)\n"
            "    unused = dict(",
        ).replace("from sqlalchemy import", "import sqlalchemy as sa\nfrom sqlalchemy import")
    )
    result = project.mig("verify", code=2)
    shown = sa.engine.make_url(project.url).render_as_string(hide_password=True)
    scratch = "sqlite:///" if project.url.startswith("sqlite") else shown.rsplit("/", 1)[0]
    assert _last_line(result.err).startswith(
        f"mig: error: env.py connected to {shown}, not to the scratch database {scratch}"
    )
    assert _last_line(result.err).endswith(
        "env.py must take its URL from the config's sqlalchemy.url (which verify sets); "
        "nothing was run"
    )
    assert project.table_names() == set()  # not even the version table was created


def test_scratch_database_must_be_empty(project: Project) -> None:
    vp.build(project)
    project.mig("upgrade", "a00001")
    result = project.mig("verify", "--url", project.url, code=2)
    assert _last_line(result.err) == (
        "mig: error: the scratch database is at revision a00001: verify needs an empty "
        "database to upgrade from base"
    )
    project.mig("stamp", "base")  # the table stays, the version row goes
    result = project.mig("verify", "--url", project.url, code=2)
    assert _last_line(result.err) == (
        "mig: error: the scratch database is not empty (table authors): verify needs an "
        "empty database it may change"
    )
    assert "authors" in project.table_names()  # what verify did not create, it leaves


def test_python_api_puts_the_url_back_and_refuses_bad_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mig.cli import command
    from mig.cli.config import Config
    from mig.cli.errors import UsageError

    root = tmp_path / "proj"
    root.mkdir()
    url = f"sqlite:///{root / 'app.db'}"
    project = Project(root, url)
    vp.build(project)
    env_py = root / "migrations" / "env.py"  # no logging set-up inside the test process
    env_py.write_text(env_py.read_text().replace("fileConfig(config.config_file_name)", "pass"))
    monkeypatch.chdir(root)
    out = io.StringIO()
    config = Config(str(root / "mig.ini"), stdout=out)

    report = command.verify(config)
    assert report.ok
    assert [s.revision for s in report.steps] == [rev for rev, *_ in vp.REVISIONS]
    assert out.getvalue().splitlines()[1:] == [
        *OK_LINES,
        "model: not compared (env.py passes no target_metadata to context.configure())",
    ]
    assert config.get_main_option("sqlalchemy.url") == url  # put back
    assert not (root / "app.db").exists()

    with pytest.raises(UsageError, match=r"^--url 'not a url': not a database URL$"):
        command.verify(config, url="not a url")
    with pytest.raises(UsageError, match=r"^--format 'yaml': use one of text, json$"):
        command.verify(config, format="yaml")
    project.mig("verify", "--format", "yaml", code=2)


def test_async_env_py_gets_an_async_temporary_database(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    project = Project(root, f"sqlite+aiosqlite:///{root / 'app.db'}")
    project.init("async")
    down = None
    for rev, message, upgrade, downgrade in vp.REVISIONS[:3]:
        vp.write_revision(project, rev, down, message, upgrade, downgrade)
        down = rev
    assert project.mig("verify").out.splitlines()[:4] == [
        "verify: 3 revisions on a temporary SQLite database",
        *OK_LINES[:3],
    ]
    vp.forget_to_drop_body(project)
    assert _last_line(project.mig("verify", code=1).err) == f"mig: failed: {BROKEN_SUMMARY}"
    # a --url with a driver the async env.py cannot use is a one-line mistake
    result = project.mig("verify", "--url", f"sqlite:///{root / 'x.db'}", code=2)
    assert _last_line(result.err) == (
        f"mig: error: env.py cannot run on the scratch database sqlite:///{root / 'x.db'}: "
        "The asyncio extension requires an async driver to be used. The loaded 'pysqlite' "
        "is not async."
    )
