"""A step that committed part way (an autocommit block), then failed, resumed by a rerun of
its script as edited since: the rerun skips the committed directives only if the script
still begins with them (mig-runtime step_checkpoint.py), on each live backend.

Skipping by count alone would, after an edit that inserts or replaces a directive before
the commit point, skip a directive that never ran and run one twice.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from mig.runtime import StepFailed

from .runtime_project import command, ini_url, new_project, version_rows, write_revision

COMMITTED = """op.add_column("t_items", sa.Column("{column}", sa.Integer))
with op.get_context().autocommit_block():
    op.execute("UPDATE t_items SET id = id")
{rest}"""
FAIL = 'op.execute("INSERT INTO t_gate (id) VALUES (1)")'  # t_gate is not there yet


def columns(engine: sa.Engine) -> list[str]:
    return sorted(c["name"] for c in sa.inspect(engine).get_columns("t_items"))


def checkpoint_rows(engine: sa.Engine) -> list[tuple]:
    if not sa.inspect(engine).has_table("mig_version_backfill"):
        return []
    with engine.connect() as conn:
        q = "SELECT revision, op_index, rows_done FROM mig_version_backfill"
        return [tuple(r) for r in conn.execute(sa.text(q))]


@pytest.fixture
def stopped(engine: sa.Engine, tmp_path: Path):
    """r2 committed its add_column (the block's commit), then failed: the checkpoint says 1."""
    config, location = new_project(tmp_path, "generic")
    config.set_main_option("sqlalchemy.url", ini_url(engine))
    write_revision(location, "r1", None, 'op.create_table("t_items", sa.Column("id", sa.Integer))')
    write_revision(location, "r2", "r1", COMMITTED.format(column="a", rest=FAIL))
    with pytest.raises(StepFailed, match=r"^upgrade of revision r2 failed while running: INSERT"):
        command(config, location, "up", "head")
    assert version_rows(engine) == ["r1"]
    assert columns(engine) == ["a", "id"]
    assert checkpoint_rows(engine) == [("r2", -1, 1)]
    return config, location


def test_a_directive_replaced_before_the_commit_point_stops_the_rerun(
    engine: sa.Engine, stopped
) -> None:
    config, location = stopped
    write_revision(location, "r2", "r1", COMMITTED.format(column="b", rest=""))
    with pytest.raises(StepFailed) as info:
        command(config, location, "up", "head")
    assert str(info.value).startswith(
        "upgrade of revision r2 failed: r2 was edited after a run that stopped part way "
        "through its upgrade had committed its first 1 directive(s) "
        "(add_column(table_name=t_items, column=a)): directive #0 is now "
        "add_column(table_name=t_items, column=b), it ran as "
        "add_column(table_name=t_items, column=a); restore those directive(s) as they ran "
        "(later ones may change), or undo them by hand and delete the row of r2 with "
        "op_index = -1 from mig_version_backfill"
    )
    # nothing of the edited script ran: no column b, the checkpoint is kept for the next try
    assert version_rows(engine) == ["r1"]
    assert columns(engine) == ["a", "id"]
    assert checkpoint_rows(engine) == [("r2", -1, 1)]


def test_an_edit_after_the_commit_point_resumes(engine: sa.Engine, stopped) -> None:
    config, location = stopped
    fixed = 'op.create_table("t_after", sa.Column("id", sa.Integer))'
    write_revision(location, "r2", "r1", COMMITTED.format(column="a", rest=fixed))
    command(config, location, "up", "head")
    assert version_rows(engine) == ["r2"]
    assert columns(engine) == ["a", "id"]  # the add_column did not run again
    assert sa.inspect(engine).has_table("t_after")
    assert checkpoint_rows(engine) == []


def test_the_same_script_resumes(engine: sa.Engine, stopped) -> None:
    config, location = stopped
    with engine.begin() as conn:  # what the failure asked for, done by hand
        conn.execute(sa.text("CREATE TABLE t_gate (id INTEGER)"))
    command(config, location, "up", "head")
    assert version_rows(engine) == ["r2"]
    assert columns(engine) == ["a", "id"]
    assert checkpoint_rows(engine) == []
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT id FROM t_gate")).scalars().all() == [1]
