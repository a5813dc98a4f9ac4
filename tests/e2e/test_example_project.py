"""The README's example project stays valid: its migrations record, and the Quick start
script prints them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from mig.ops import record_file

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "blog"


def test_every_example_migration_records_both_ways() -> None:
    scripts = sorted((EXAMPLE / "migrations" / "versions").glob("*.py"))
    assert len(scripts) == 3
    for script in scripts:
        assert record_file(script, "upgrade"), script.name
        assert record_file(script, "downgrade"), script.name


def test_quick_start_script_prints_the_chain_in_order() -> None:
    out = subprocess.run(
        [sys.executable, str(EXAMPLE / "show_directives.py"), "--json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["revision"] for line in lines] == ["1a2b3c4d5e6f", "2b3c4d5e6f7a", "3c4d5e6f7a8b"]
    assert [d["op"] for d in lines[1]["upgrade"]] == [
        "create_table",
        "create_index",
        "bulk_insert",
        "bulk_insert",
    ]
    batch = lines[2]["upgrade"][0]
    assert batch["op"] == "batch_alter_table" and [d["op"] for d in batch["ops"]] == [
        "add_column",
        "create_index",
    ]


def test_quick_start_upgrades_the_example_with_the_mig_command(tmp_path: Path) -> None:
    """README Quick start line 1, on a copy of the example (the repository stays clean)."""
    import shutil

    import sqlalchemy as sa

    project = tmp_path / "blog"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("*.db", "*.mig-lock"))
    mig = str(Path(sys.executable).with_name("mig"))

    def run(*args: str) -> str:
        return subprocess.run(
            [mig, *args], cwd=project, check=True, capture_output=True, text=True
        ).stdout

    out = run("upgrade", "head")
    # issue 15: the run ends with a summary line after the last step's
    assert out.splitlines()[-2].startswith("[3/3] upgrade 3c4d5e6f7a8b add published flag")
    assert re.match(r"^3 steps in \d+\.\d\d s$", out.splitlines()[-1])
    assert run("history", "--indicate-current").splitlines()[0] == (
        "2b3c4d5e6f7a -> 3c4d5e6f7a8b (head) (current), add published flag to posts"
    )
    eng = sa.create_engine(f"sqlite:///{project / 'blog.db'}")
    try:
        columns = {c["name"] for c in sa.inspect(eng).get_columns("posts")}
        assert "published" in columns
        with eng.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM authors").scalar() > 0
    finally:
        eng.dispose()
    assert run("upgrade", "head") == ""  # nothing left to do
    run("downgrade", "base")
    eng = sa.create_engine(f"sqlite:///{project / 'blog.db'}")
    assert set(sa.inspect(eng).get_table_names()) == {"mig_version", "mig_version_history"}
    eng.dispose()
