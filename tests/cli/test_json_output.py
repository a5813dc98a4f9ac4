"""Output for programs (issue 15): ``--format json`` on the commands that change things
(JSON lines: one object per step or file, then a summary), one difference object for
``mig check`` and ``mig-diff``, ISO-8601 timestamps with the zone, and ``is_current`` null
where the command never read the database.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from mig.autogen import diff_cli
from tests.e2e.conftest import Project

CREATE = 'op.create_table("{0}", sa.Column("id", sa.Integer, primary_key=True))'
STEP_KEYS = {"event", "revision", "direction", "statements", "milliseconds", "status"}
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$")


@pytest.fixture
def project(engine: sa.Engine, tmp_path: Path) -> Project:
    root = tmp_path / "proj"
    root.mkdir()
    project = Project(root, engine.url.render_as_string(hide_password=False), in_process=True)
    project.init()
    project.revision("aaa111", "create a", CREATE.format("a"), 'op.drop_table("a")')
    project.revision("bbb222", "create b", CREATE.format("b"), 'op.drop_table("b")')
    return project


def _lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


def test_upgrade_downgrade_and_stamp_print_json_lines(project: Project) -> None:
    objs = _lines(project.mig("upgrade", "head", "--format", "json").out)
    assert [set(o) for o in objs[:2]] == [STEP_KEYS, STEP_KEYS]
    assert [(o["revision"], o["direction"], o["statements"], o["status"]) for o in objs[:2]] == [
        ("aaa111", "up", 1, "ok"),
        ("bbb222", "up", 1, "ok"),
    ]
    assert all(isinstance(o["milliseconds"], int) and o["milliseconds"] >= 0 for o in objs)
    summary = objs[2]
    assert set(summary) == {"event", "status", "steps", "planned", "milliseconds", "heads"}
    assert (summary["event"], summary["status"], summary["steps"], summary["heads"]) == (
        "summary",
        "ok",
        2,
        ["bbb222"],
    )
    assert len(objs) == 3
    assert project.version_rows() == {"bbb222"} and {"a", "b"} <= project.table_names()

    down = _lines(project.mig("downgrade", "-1", "--format", "json").out)
    assert [(o["revision"], o["direction"], o["statements"]) for o in down[:1]] == [
        ("bbb222", "down", 1)
    ]
    assert down[1]["heads"] == ["aaa111"] and len(down) == 2
    assert "b" not in project.table_names()

    stamped = _lines(project.mig("stamp", "bbb222", "--format", "json").out)
    assert [(o["revision"], o["direction"], o["statements"]) for o in stamped[:1]] == [
        ("bbb222", "stamp", 0)
    ]
    assert stamped[1]["heads"] == ["bbb222"]
    assert project.version_rows() == {"bbb222"}


def test_json_and_sql_together_is_a_usage_error(project: Project) -> None:
    err = project.mig("upgrade", "head", "--sql", "--format", "json", code=2).err
    assert err.strip() == (
        "mig: error: --format json cannot be combined with --sql: the SQL is the output"
    )


def test_a_failed_step_in_json(project: Project) -> None:
    project.revision("ccc333", "fails", CREATE.format("a"), "pass")
    objs = _lines(project.mig("upgrade", "head", "--format", "json", code=1).out)
    failed = [o for o in objs if o["event"] == "step" and o["status"] == "failed"]
    assert len(failed) == 1 and failed[0]["revision"] == "ccc333"
    assert failed[0]["error"].startswith("upgrade of revision ccc333 failed")
    assert objs[-1]["event"] == "summary" and objs[-1]["status"] == "failed"
    assert objs[-1]["database"] in (
        "rolled back: the database is at base",
        "stopped after bbb222; nothing of ccc333 had run",
    )


def test_revision_and_merge_report_the_files_they_wrote(project: Project) -> None:
    objs = _lines(
        project.mig("revision", "-m", "more", "--rev-id", "ccc333", "--format", "json").out
    )
    path = next((project.root / "migrations" / "versions").glob("ccc333_*.py"))
    assert objs == [
        {
            "event": "written",
            "revision": "ccc333",
            "path": str(path),
            "message": "more",
            "down_revisions": ["bbb222"],
        },
        {"event": "summary", "written": 1},
    ]
    project.mig("revision", "-m", "side", "--rev-id", "ddd444", "--head", "aaa111", "--splice")
    merged = _lines(
        project.mig("merge", "heads", "-m", "join", "--rev-id", "eee555", "--format", "json").out
    )
    assert merged[0]["revision"] == "eee555"
    assert sorted(merged[0]["down_revisions"]) == ["ccc333", "ddd444"]
    assert Path(merged[0]["path"]).is_file() and merged[1] == {"event": "summary", "written": 1}


MODEL = """
import sqlalchemy as sa
metadata = sa.MetaData()
sa.Table("a", metadata, sa.Column("id", sa.Integer, primary_key=True),
         sa.Column("name", sa.String(20), nullable=False))
sa.Table("b", metadata, sa.Column("id", sa.Integer, primary_key=True))
"""


def test_check_and_mig_diff_print_one_difference_object(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.revision(
        "ccc333",
        "name",
        'op.add_column("a", sa.Column("name", sa.String(20)))',
        'op.drop_column("a", "name")',
    )
    project.mig("upgrade", "head")
    (project.root / "models.py").write_text(MODEL)
    env_py = project.root / "migrations" / "env.py"
    env_py.write_text(
        env_py.read_text().replace(
            "target_metadata = None", "from models import metadata as target_metadata"
        )
    )
    result = project.mig("check", code=1)
    assert "  ~ alter column a.name: NULL -> NOT NULL" in result.out
    checked = json.loads(project.mig("check", "--format", "json", code=1).out)
    assert set(checked) == {"equal", "differences", "skipped"}
    assert checked["equal"] is False and checked["skipped"] == []

    out = io.StringIO()
    monkeypatch.chdir(project.root)
    monkeypatch.syspath_prepend(str(project.root))
    with contextlib.redirect_stdout(out):
        code = diff_cli.main(["--format", "json", "models:metadata", project.url])
    assert code == 1
    diffed = json.loads(out.getvalue())
    assert diffed["equal"] is False
    assert checked["differences"] == diffed["differences"]  # the same objects, field by field
    (only,) = checked["differences"]
    assert {k: only[k] for k in ("op", "action", "object", "table", "old", "new")} == {
        "op": "alter_column",
        "action": "alter column",
        "object": "a.name",
        "table": "a",
        "old": {"nullable": True},
        "new": {"nullable": False},
    }
    assert only["summary"] == "alter column a.name: NULL -> NOT NULL"


def test_timestamps_are_iso_with_zone_and_is_current_only_when_read(project: Project) -> None:
    project.mig("upgrade", "head")
    applied = json.loads(project.mig("history", "--applied", "--format", "json").out)
    assert applied and all(ISO_UTC.match(a["applied_at"]) for a in applied)

    heads = json.loads(project.mig("heads", "--format", "json").out)
    assert [(h["revision"], h["is_current"]) for h in heads] == [("bbb222", None)]
    history = json.loads(project.mig("history", "--format", "json").out)
    assert [h["is_current"] for h in history] == [None, None]
    shown = json.loads(project.mig("show", "bbb222", "--format", "json").out)
    assert shown["is_current"] is None
    marked = json.loads(project.mig("history", "-i", "--format", "json").out)
    assert [(h["revision"], h["is_current"]) for h in marked] == [
        ("bbb222", True),
        ("aaa111", False),
    ]
