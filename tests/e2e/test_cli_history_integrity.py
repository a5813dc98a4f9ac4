"""``mig history --applied`` and ``mig check --integrity`` through the ``mig`` command, on
every configured backend."""

from __future__ import annotations

import hashlib
import json
import re

import sqlalchemy as sa

CREATE_A = 'op.create_table("a", sa.Column("id", sa.Integer, primary_key=True))'
CREATE_B = 'op.create_table("b", sa.Column("id", sa.Integer, primary_key=True))'
CREATE_C = 'op.create_table("c", sa.Column("id", sa.Integer, primary_key=True))'

LINE = re.compile(
    r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)  (up  |down)  (\w+)  (\d+) ms  by (.+)  (sha256:[0-9a-f]{8})$"
)


def _chain(project):
    project.init()
    paths = {
        "aaa111": project.revision("aaa111", "create a", CREATE_A, 'op.drop_table("a")'),
        "bbb222": project.revision("bbb222", "create b", CREATE_B, 'op.drop_table("b")'),
        "ccc333": project.revision("ccc333", "create c", CREATE_C, 'op.drop_table("c")'),
    }
    return paths


def _sha(path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def _database_user(project) -> str:
    eng = sa.create_engine(project.url)
    try:
        if eng.dialect.name == "sqlite":
            import getpass

            return getpass.getuser()
        query = {"postgresql": "SELECT current_user", "mariadb": "SELECT CURRENT_USER()"}
        with eng.connect() as conn:
            return conn.exec_driver_sql(query[eng.dialect.name]).scalar()
    finally:
        eng.dispose()


def test_history_applied_lists_upgrades_and_downgrades_newest_first(project) -> None:
    paths = _chain(project)
    assert project.mig("history", "--applied").out == "(no applied history)\n"
    project.mig("upgrade", "head")
    project.mig("downgrade", "-1")
    assert "mig_version_history" in project.table_names()

    lines = project.mig("history", "--applied").out.splitlines()
    parsed = [LINE.match(line) for line in lines]
    assert all(parsed), lines
    assert [(m[2].strip(), m[3]) for m in parsed] == [
        ("down", "ccc333"),
        ("up", "ccc333"),
        ("up", "bbb222"),
        ("up", "aaa111"),
    ]
    user = _database_user(project)
    assert {m[5] for m in parsed} == {user}
    assert [m[6] for m in parsed] == [_sha(paths[m[3]])[:15] for m in parsed]

    data = json.loads(project.mig("history", "--applied", "--format", "json").out)
    assert [(d["revision"], d["direction"]) for d in data] == [
        ("ccc333", "down"),
        ("ccc333", "up"),
        ("bbb222", "up"),
        ("aaa111", "up"),
    ]
    assert [d["checksum"] for d in data] == [_sha(paths[d["revision"]]) for d in data]
    assert {d["applied_by"] for d in data} == {user}
    assert all(isinstance(d["duration_ms"], int) and d["duration_ms"] >= 0 for d in data)
    # ISO-8601 with the zone (issue 15): the table's UTC time, same second as the text
    assert all(d["applied_at"].endswith("+00:00") for d in data)
    assert [d["applied_at"][:19].replace("T", " ") for d in data] == [m[1] for m in parsed]
    assert data[0]["id"] > data[-1]["id"]


def test_history_applied_refuses_range_options(project) -> None:
    _chain(project)
    err = project.mig("history", "--applied", "-r", "base:", code=2).err
    assert err.strip() == "mig: error: history --applied takes no -r/--rev-range, -i or -v"


def test_check_integrity_reports_an_edited_and_a_missing_script(project) -> None:
    paths = _chain(project)
    project.mig("upgrade", "head")
    project.mig("downgrade", "-1")  # ccc333 reverted: no longer applied
    out = project.mig("check", "--integrity").out
    assert out == "integrity ok: 2 applied revisions match their scripts\n"
    data = json.loads(project.mig("check", "--integrity", "--format", "json").out)
    assert data == {"ok": True, "checked": 2, "problems": []}

    # editing a script that is not applied is no finding
    paths["ccc333"].write_text(paths["ccc333"].read_text() + "# later\n")
    project.mig("check", "--integrity")

    paths["aaa111"].write_text(paths["aaa111"].read_text() + "# edited after applying\n")
    result = project.mig("check", "--integrity", code=1)
    relative = paths["aaa111"].relative_to(project.root)
    assert re.fullmatch(
        rf"revision aaa111 \({re.escape(str(relative))}\): source changed since it was "
        r"applied on \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\n",
        result.out,
    ), result.out
    assert result.err.strip().endswith(
        "mig: failed: integrity check found 1 problem with applied revisions"
    )

    # the head's file deleted while the database has it applied
    project.mig("upgrade", "head")
    paths["ccc333"].unlink()
    result = project.mig("check", "--integrity", code=1)
    assert result.out.splitlines()[1:] == ["revision ccc333: applied but no script has it"]
    assert result.out.startswith("revision aaa111 (")
    data = json.loads(project.mig("check", "--integrity", "--format", "json", code=1).out)
    assert data["ok"] is False and data["checked"] == 2
    assert [(p["revision"], p["problem"]) for p in data["problems"]] == [
        ("aaa111", "changed"),
        ("ccc333", "missing"),
    ]
    assert data["problems"][0]["path"] == str(paths["aaa111"])
